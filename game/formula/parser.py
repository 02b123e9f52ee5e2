"""Parse a modder's formula into a validated expression tree.

The language is a closed subset of Python expressions: numbers, names, arithmetic, comparisons,
boolean operators, conditional expressions, and calls of a fixed set of functions. Source text is
parsed with :mod:`ast` and every node is checked against a whitelist; nothing is ever evaluated
here. Errors carry the line and column inside the formula.
"""

from __future__ import annotations

import ast
import functools
import math
import re
import warnings

from game.formula.functions import FUNCTIONS, PREV
from game.lazydata import dataclass

MAX_LENGTH = 2000
MAX_DEPTH = 64
MAX_EXPONENT = 16.0

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Mod: "%", ast.Pow: "**"}
_UNARY = (ast.USub, ast.UAdd, ast.Not)
_COMPARE = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)

# What a forbidden construct is called in an error message, by node type.
_FORBIDDEN = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "subscripts ('[...]')",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.JoinedStr: "strings",
    ast.FormattedValue: "strings",
    ast.NamedExpr: "assignment (':=')",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Set: "sets",
    ast.Dict: "dictionaries",
    ast.Starred: "'*' unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}


class FormulaError(ValueError):
    """A formula that is not in the language. ``line`` is 1-based, ``col`` 0-based, both inside
    the formula text."""

    def __init__(self, message: str, line: int = 1, col: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(frozen=True)
class Formula:
    """A validated formula: its text, the names it reads, and its tree (``tree``).

    A formula known to be valid from an earlier run (:func:`remember`) is made without its
    tree, which is parsed and validated in full when first asked for: checking the rules needs
    the names alone."""

    source: str
    names: tuple[str, ...]
    prev_names: tuple[str, ...]
    exponent_names: tuple[str, ...]

    @functools.cached_property
    def tree(self) -> ast.expr:
        again = _parse(self.source)  # (the whitelist, in full: a tree is never taken on trust)
        if (again.names, again.prev_names, again.exponent_names) != (self.names, self.prev_names, self.exponent_names):
            raise FormulaError("this formula reads other names than the cache of earlier checks said: run again with SMYCHKA_CACHE=off")
        return again.tree

    def name_position(self, name: str) -> tuple[int, int]:
        """Line and column (inside the formula) of the first use of ``name`` in the text."""
        found = [
            (node.lineno, node.col_offset)
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Name) and node.id == name
        ]
        return min(found) if found else (1, 0)


# Formulas already parsed in this process, by their text: a rule set's formulas are checked again
# under each mod over it and each scenario on it (a :class:`Formula` and its tree are never changed
# once made, so one can serve every rule set that has the text).
_PARSED: dict[str, Formula] = {}
_MAX_PARSED = 20_000


# Formulas an earlier run found valid, by their text: the names each reads (see remember).
_KNOWN: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}


def parse(source: str) -> Formula:
    """Validate ``source`` against the whitelist and return its :class:`Formula`.

    Raises :class:`FormulaError` naming the first construct that is not allowed.
    """
    if type(source) is str:
        found = _PARSED.get(source)
        if found is not None:
            return found
    known = _KNOWN.get(source) if type(source) is str else None
    formula = _parse(source) if known is None else Formula(source, *known)  # (a known one's tree: when first asked for)
    if len(_PARSED) >= _MAX_PARSED:
        _PARSED.clear()
    _PARSED[source] = formula
    return formula


def _parse(source: str) -> Formula:
    if not isinstance(source, str):
        raise FormulaError(f"a formula must be text, found {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise FormulaError(f"formula is {len(source):,} characters long; the limit is {MAX_LENGTH:,}")
    if not source.strip():
        raise FormulaError("formula is empty")
    # Python reads "\r\n" and a lone "\r" as line breaks too; count lines the way it does.
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    _check_bracket_depth(text)
    if not text[:1].isspace() and not _NOT_PLAIN.search(text):
        plain = _parse_plain(source, text.rstrip().replace("\n", "\\\n"))
        if plain is not None:
            return plain
    # Brackets are balanced (checked above), so wrapping the text in one more pair changes nothing
    # but lets a formula span lines and start with spaces, as TOML multi-line strings do.
    wrapped = "(" + text + "\n)"
    try:
        # Python warns about some odd spellings ('1if', '\\d'); whether those are accepted must not
        # depend on the warning filters in force, and the warnings must not leak to the player.
        # Only a text with a backslash, a digit (or a digit and '.') before a letter, or other
        # than ASCII can be warned about: the others need no change of the filters.
        if not wrapped.isascii() or _MAY_WARN.search(wrapped):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(wrapped, mode="eval")
        else:
            tree = ast.parse(wrapped, mode="eval")
    except SyntaxError as err:
        line = err.lineno or 1
        offset = (err.offset or 1) - 1
        head = (err.text or "")[:offset]
        if "\n" in head:  # after a '\\' continuation the offset counts from the logical line's start
            offset = len(head) - head.rfind("\n") - 1
        col = max(offset - (line == 1), 0)
        lines = text.split("\n")
        if line > len(lines):  # the error is at the end of the text, in the closing wrapper
            line, col = len(lines), len(lines[-1])
        col = min(col, len(lines[line - 1]))
        message = err.msg
        if "Maybe you meant '==' or ':='" in message:
            message = "'=' assigns, and a formula cannot assign; write '==' to compare"
        raise FormulaError(f"not a valid formula: {message}", line, col) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise FormulaError(f"not a valid formula: {err}") from None
    body = tree.body
    if isinstance(body, ast.Tuple) and not body.elts and (body.lineno, body.col_offset) == (1, 0):
        # The wrapping brackets themselves, with nothing between them but comments or a '\\'.
        raise FormulaError("formula is empty (it holds only comments)")
    _relocate_and_check_depth(tree.body, wrapped)
    return _validated(source, tree.body)


def _validated(source: str, tree: ast.expr, room: int = MAX_DEPTH) -> Formula:
    """The formula ``source`` whose parsed ``tree`` passes the whitelist (``room``: see
    :func:`_validate`); raises :class:`FormulaError` where it does not."""
    names: list[str] = []
    prev_names: list[str] = []
    exponent_names: list[str] = []
    _validate(tree, names, prev_names, exponent_names, room)
    formula = Formula(source, tuple(names), tuple(prev_names), tuple(exponent_names))
    formula.__dict__["tree"] = tree  # (as the cached property keeps it)
    return formula


class _TooDeep(Exception):
    """A tree that may be nested deeper than :data:`MAX_DEPTH` (:func:`_parse_plain` then
    leaves it to the full way, which finds where)."""


# A node :func:`_validate` visits is at most two levels above the deepest below it (a call's
# function name, then that name's context); the root is level 1.
_PLAIN_ROOM = MAX_DEPTH - 3


def _parse_plain(source: str, text: str) -> Formula | None:
    """The formula ``source`` found the short way, from ``text``: the formula with its line
    breaks made Python's line continuations (``\\`` at the end of a line) and nothing after
    its last line; None when it is not valid or may be nested too deep -- :func:`_parse` then
    parses it the full way, which says what is wrong and where. For a formula of printable
    ASCII (most) that starts with no space and has nothing Python reads differently on
    joined lines or could warn about (see :data:`_NOT_PLAIN`).

    The full way parses ``(formula\n)`` and moves every position on line 1 back by the
    wrapping bracket; joined, a text Python reads as an expression gives the same tree (a
    bracketed expression is the expression) with those positions already (a joined line keeps
    its line number and columns). What the positions' pass also checked, the depth,
    :func:`_validate` checks here as it goes (``room``): a tree it accepts has no level past
    :data:`MAX_DEPTH`, contexts and operators counted."""
    try:
        return _validated(source, ast.parse(text, mode="eval").body, _PLAIN_ROOM)
    except (SyntaxError, ValueError, RecursionError, MemoryError, _TooDeep):  # (a FormulaError is a ValueError)
        return None


def remember(known: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]) -> None:
    """Take the formulas of ``known`` (text -> the names, prev() names and exponent names it
    reads) as valid: :func:`parse` makes them without parsing until their tree is asked for.
    For formulas an earlier run of the same code parsed and validated in full."""
    if len(_KNOWN) + len(known) > _MAX_PARSED:
        _KNOWN.clear()
    _KNOWN.update(known)


def forget() -> None:
    """Parse every formula not parsed yet in full again (what :func:`remember` took is dropped)."""
    _KNOWN.clear()


def valid_formulas() -> dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]]:
    """Every formula found valid in this process so far (parsed in full or remembered)."""
    return {text: (f.names, f.prev_names, f.exponent_names) for text, f in _PARSED.items()}


_MAY_WARN = re.compile(r"\\|[0-9]\.?[A-Za-z_]")
# What the short way (:func:`_parse_plain`) leaves to the full way: other than printable ASCII
# and line breaks (a tab, a form feed), a comment or a string (a line continuation would not
# join them the same), and whatever _MAY_WARN finds.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e\n]|[#'\"\\]|[0-9]\.?[A-Za-z_]")


def _check_bracket_depth(source: str) -> None:
    depth = 0
    line, col = 1, 0
    for ch in source:
        if ch == "\n":
            line, col = line + 1, 0
            continue
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(f"formula is nested more than {MAX_DEPTH} brackets deep", line, col)
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise FormulaError(f"unmatched '{ch}'", line, col)
        col += 1
    if depth > 0:
        raise FormulaError("a bracket is opened and never closed", line, col)


def _relocate_and_check_depth(root: ast.AST, wrapped: str) -> None:
    """Turn the parser's positions in ``wrapped`` into positions in the formula text (columns
    count characters, not UTF-8 bytes, and line 1 loses the wrapping '('), and refuse a tree
    nested more than :data:`MAX_DEPTH` levels deep: one pass over the nodes (operators and
    contexts count as levels too; having no position of their own, they are reported at the
    nearest node that has one)."""
    if wrapped.isascii():
        _relocate_ascii(root)
        return
    lines = [line.encode("utf-8") for line in wrapped.split("\n")]
    stack: list[tuple[ast.AST, int, tuple[int, int]]] = [(root, 1, (1, 0))]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth, where = pop()
        if "lineno" in node._attributes:
            d = node.__dict__
            for line_attr, col_attr in (("lineno", "col_offset"), ("end_lineno", "end_col_offset")):
                line, col = d.get(line_attr), d.get(col_attr)
                if line is None or col is None:
                    continue
                if lines is not None and 1 <= line <= len(lines):
                    col = len(lines[line - 1][:col].decode("utf-8", "replace"))
                if line == 1:
                    col = max(col - 1, 0)  # a node can start at the wrapping '(' itself: 'x for x in y'
                d[col_attr] = col
            if "lineno" in d:
                where = (d["lineno"], d.get("col_offset", 0))
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula is nested more than {MAX_DEPTH} levels deep", *where)
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                push((value, depth + 1, where))
            elif isinstance(value, list):
                for child in value:
                    if isinstance(child, ast.AST):
                        push((child, depth + 1, where))


def _relocate_ascii(root: ast.AST) -> None:
    """:func:`_relocate_and_check_depth` for a text of ASCII only (a column is a byte): the same
    pass, with the columns of line 1 moved back by the wrapping '(' and nothing else to change."""
    stack: list[tuple[ast.AST, int, tuple[int, int]]] = [(root, 1, (1, 0))]
    pop, push, node_type = stack.pop, stack.append, ast.AST
    while stack:
        node, depth, where = pop()
        d = node.__dict__
        line = d.get("lineno")
        if line is not None:  # (a node with a position: operators and contexts have none)
            col = d.get("col_offset")
            if line == 1 and col is not None:
                d["col_offset"] = col = max(col - 1, 0)
            if d.get("end_lineno") == 1 and d.get("end_col_offset") is not None:
                d["end_col_offset"] = max(d["end_col_offset"] - 1, 0)
            where = (line, 0 if col is None else col)
        if depth > MAX_DEPTH:
            raise FormulaError(f"formula is nested more than {MAX_DEPTH} levels deep", *where)
        depth += 1
        for value in d.values():  # (a node's fields, in their order, then its position)
            if isinstance(value, node_type):
                push((value, depth, where))
            elif type(value) is list:
                for child in value:
                    if isinstance(child, node_type):
                        push((child, depth, where))


def _where(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 1), getattr(node, "col_offset", 0)


def _validate(node: ast.AST, names: list[str], prev: list[str], exps: list[str], room: int = MAX_DEPTH) -> None:
    # ``room``: the levels the short way (_parse_plain) still allows from this node down; below
    # zero, the tree may be too deep. (The full way checked the depth before: no level is past
    # MAX_DEPTH, so from MAX_DEPTH at the root, room never runs out.)
    if room < 0:
        raise _TooDeep
    room -= 1
    if isinstance(node, ast.Constant):
        _check_constant(node)
    elif isinstance(node, ast.Name):
        _check_name(node)
        if node.id not in names:
            names.append(node.id)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError(f"operator '{_op_text(node.op)}' is not allowed in a formula", *_where(node))
        _validate(node.left, names, prev, exps, room)
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right, exps)
        _validate(node.right, names, prev, exps, room)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise FormulaError(f"operator '{_op_text(node.op)}' is not allowed in a formula", *_where(node))
        _validate(node.operand, names, prev, exps, room)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _validate(value, names, prev, exps, room)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if not isinstance(op, _COMPARE):
                raise FormulaError(f"comparison '{_op_text(op)}' is not allowed in a formula", *_where(node))
        _validate(node.left, names, prev, exps, room)
        for comparator in node.comparators:
            _validate(comparator, names, prev, exps, room)
    elif isinstance(node, ast.IfExp):  # in the order of the text: BODY if TEST else ORELSE
        _validate(node.body, names, prev, exps, room)
        _validate(node.test, names, prev, exps, room)
        _validate(node.orelse, names, prev, exps, room)
    elif isinstance(node, ast.Call):
        _validate_call(node, names, prev, exps, room)
    else:
        what = _FORBIDDEN.get(type(node), type(node).__name__)
        raise FormulaError(f"{what} not allowed in a formula", *_where(node))


def _check_name(node: ast.Name) -> None:
    if not isinstance(node.ctx, ast.Load):
        raise FormulaError("assignment is not allowed in a formula", *_where(node))
    if node.id.startswith("_"):
        raise FormulaError(f"names may not start with '_': '{node.id}'", *_where(node))
    if node.id in FUNCTIONS or node.id == PREV:
        raise FormulaError(f"'{node.id}' is a function: call it as {node.id}(...)", *_where(node))


def _validate_call(node: ast.Call, names: list[str], prev: list[str], exps: list[str], room: int) -> None:
    if not isinstance(node.func, ast.Name):
        raise FormulaError("only the built-in functions can be called (e.g. min, max, clamp)", *_where(node))
    fname = node.func.id
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise FormulaError(f"{fname}() takes plain positional arguments only", *_where(node))
    if fname == PREV:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise FormulaError("prev() takes exactly one name: prev(variable)", *_where(node))
        _check_name(node.args[0])
        name = node.args[0].id
        if name not in prev:
            prev.append(name)
        return
    spec = FUNCTIONS.get(fname)
    if spec is None:
        from game.formula.suggest import did_you_mean

        known = sorted([*FUNCTIONS, PREV])
        raise FormulaError(
            f"unknown function '{fname}'{did_you_mean(fname, known)}; the functions are {', '.join(known)}",
            *_where(node),
        )
    count = len(node.args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        raise FormulaError(f"{fname}() takes {spec.arity_text}, found {count}", *_where(node))
    for arg in node.args:
        _validate(arg, names, prev, exps, room)


def _check_constant(node: ast.Constant) -> None:
    value = node.value
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        try:
            as_float = float(value)
        except OverflowError:
            raise FormulaError("number is too large", *_where(node)) from None
        if not math.isfinite(as_float):
            raise FormulaError("number is too large", *_where(node))
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FormulaError("number is too large (not finite)", *_where(node))
        return
    what = "strings" if isinstance(value, (str, bytes)) else f"the constant {value!r}"
    raise FormulaError(f"{what} not allowed in a formula", *_where(node))


def _check_exponent(node: ast.expr, exps: list[str]) -> None:
    """An exponent is a number or a parameter's name, at most MAX_EXPONENT in size."""
    inner = node.operand if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)) else node
    if isinstance(inner, ast.Constant) and isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
        try:
            size = abs(float(inner.value))
        except OverflowError:
            size = math.inf
        if size > MAX_EXPONENT:
            sign = "-" if inner is not node and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) else ""
            raise FormulaError(f"exponent {sign}{inner.value} is too large; at most {MAX_EXPONENT:g} either way", *_where(node))
        return
    if isinstance(inner, ast.Name):
        if inner.id not in exps:
            exps.append(inner.id)
        return
    raise FormulaError("an exponent must be a number or a parameter's name (e.g. x ** 2, x ** elasticity)", *_where(node))


def _op_text(op: ast.AST) -> str:
    return {
        ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
        ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Is: "is", ast.IsNot: "is not",
        ast.In: "in", ast.NotIn: "not in",
    }.get(type(op), type(op).__name__)
