"""Turn validated formulas into Python functions, once, at load time.

A :class:`~game.formula.parser.Formula` has already passed the whitelist. Here its tree is
rewritten into a fresh Python expression tree in which every name is replaced by whatever the
caller resolves it to (for instance ``V[12]``), every number becomes a float, ``**`` becomes a
safe power function and calls go to the implementations in :mod:`game.formula.functions`. The
tree is compiled to a code object and wrapped in a function whose globals hold only those
helpers: no builtins, no modules. Source text is never evaluated.
"""

from __future__ import annotations

import ast
import math
import types
from collections.abc import Callable, Sequence
from typing import Any

from game.formula.functions import FUNCTIONS, PREV
from game.formula.parser import Formula
from game.lazydata import dataclass

Resolver = Callable[[str], ast.expr]

_HELPERS: dict[str, Any] = {f"_f_{name}": spec.run for name, spec in FUNCTIONS.items()}
_HELPERS["_f_pow"] = math.pow  # never a complex number: a bad power raises ValueError
_HELPERS["_float"] = float
_HELPERS["_truth"] = lambda x: 1.0 if x else 0.0
_HELPERS["__builtins__"] = {}


def to_python(formula: Formula, resolve: Resolver, resolve_prev: Resolver) -> ast.expr:
    """A Python expression tree for ``formula`` with names replaced by ``resolve(name)`` and
    ``prev(name)`` by ``resolve_prev(name)``. The tree is built afresh: ``formula.tree`` is
    neither changed nor copied."""
    return _Rewriter(resolve, resolve_prev).rewrite(formula.tree).expr


def node_to_python(node: ast.expr, resolve: Resolver, resolve_prev: Resolver) -> ast.expr:
    """:func:`to_python` for one node of a validated formula's tree (a sub-expression)."""
    return _Rewriter(resolve, resolve_prev).rewrite(node).expr


def to_fast_python(formula: Formula, resolve: Resolver, resolve_prev: Resolver, temp: Callable[[], str]) -> ast.expr:
    """Like :func:`to_python`, but for a generated function's hot path: ``min``, ``max``,
    ``clamp`` and ``and``/``or`` are written out as conditional expressions (no call), operands
    that are used twice are kept in local temporaries named by ``temp()``, and the result is
    wrapped in ``float()`` only when it may not already be a float. It computes exactly what
    :func:`to_python`'s tree computes (the same operations on the same values in the same
    order), and raises whenever that tree raises."""
    return _Rewriter(resolve, resolve_prev, temp).rewrite_float(formula.tree)


@dataclass(frozen=True)
class _Out:
    expr: ast.expr
    is_float: bool  # certainly a float (not a bool or an int)
    safe: bool  # cannot raise, whatever the inputs (float arithmetic without division or powers)


# Functions that never raise on floats (nor on bools or ints); the others may.
_SAFE_CALLS = frozenset({"min", "max", "clamp", "abs", "logistic"})
# Functions whose result is always a float.
_FLOAT_CALLS = frozenset({"exp", "log", "sqrt", "floor", "ceil", "logistic"})


class _Rewriter:
    """Builds a fresh tree from a validated formula's (no node of the formula is reused)."""

    def __init__(self, resolve: Resolver, resolve_prev: Resolver, temp: Callable[[], str] | None = None) -> None:
        self.resolve = resolve
        self.resolve_prev = resolve_prev
        self.temp = temp  # None: the plain tree, every helper called by name

    def rewrite_float(self, node: ast.expr) -> ast.expr:
        out = self.rewrite(node)
        return out.expr if out.is_float else as_float(out.expr)

    def rewrite(self, node: ast.expr) -> _Out:
        if isinstance(node, ast.Constant):
            value = node.value  # the parser admits only numbers and booleans
            assert isinstance(value, (int, float))
            return _Out(ast.Constant(float(value)), True, True)
        if isinstance(node, ast.Name):
            return _Out(self.resolve(node.id), True, True)
        if isinstance(node, ast.BinOp):
            left, right = self.rewrite(node.left), self.rewrite(node.right)
            if isinstance(node.op, ast.Pow):
                return _Out(_call("_f_pow", [left.expr, right.expr]), True, False)
            op = type(node.op)()
            is_float = left.is_float or right.is_float or isinstance(op, ast.Div)
            safe = left.safe and right.safe and isinstance(op, (ast.Add, ast.Sub, ast.Mult))
            return _Out(ast.BinOp(left.expr, op, right.expr), is_float, safe)
        if isinstance(node, ast.UnaryOp):
            operand = self.rewrite(node.operand)
            is_float = operand.is_float and not isinstance(node.op, ast.Not)
            return _Out(ast.UnaryOp(type(node.op)(), operand.expr), is_float, operand.safe)
        if isinstance(node, ast.BoolOp):
            # 'a and b' gives 1 or 0 (not one of its operands, as in Python): a truth value.
            values = [self.rewrite(v) for v in node.values]
            inner = ast.BoolOp(type(node.op)(), [v.expr for v in values])
            safe = all(v.safe for v in values)
            if self.temp is None:
                return _Out(_call("_truth", [inner]), True, safe)
            return _Out(ast.IfExp(inner, ast.Constant(1.0), ast.Constant(0.0)), True, safe)
        if isinstance(node, ast.Compare):
            left = self.rewrite(node.left)
            rights = [self.rewrite(c) for c in node.comparators]
            compare = ast.Compare(left.expr, [type(op)() for op in node.ops], [r.expr for r in rights])
            return _Out(compare, False, left.safe and all(r.safe for r in rights))
        if isinstance(node, ast.IfExp):
            test, body, orelse = self.rewrite(node.test), self.rewrite(node.body), self.rewrite(node.orelse)
            choice = ast.IfExp(test.expr, body.expr, orelse.expr)
            return _Out(choice, body.is_float and orelse.is_float, test.safe and body.safe and orelse.safe)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        name = node.func.id
        if name == PREV:
            arg = node.args[0]
            assert isinstance(arg, ast.Name)
            return _Out(self.resolve_prev(arg.id), True, True)
        args = [self.rewrite(arg) for arg in node.args]
        safe = name in _SAFE_CALLS and all(a.safe for a in args)
        is_float = name in _FLOAT_CALLS or all(a.is_float for a in args)
        if self.temp is not None:
            if name in ("min", "max"):
                return _Out(self._fold(name, args), is_float, safe)
            if name == "clamp" and args[2].safe:
                return _Out(self._clamp(args), is_float, safe)
        return _Out(_call(f"_f_{name}", [a.expr for a in args]), is_float, safe)

    # -- writing out min, max and clamp -------------------------------------------------------
    def _once(self, expr: ast.expr) -> tuple[ast.expr, ast.expr]:
        """``expr`` for its first use and for a second: a name or number twice, else a
        temporary assigned at the first use (':=') and read at the second."""
        if isinstance(expr, (ast.Name, ast.Constant)):
            return expr, expr
        assert self.temp is not None
        name = self.temp()
        return ast.NamedExpr(load(name, ast.Store()), expr), load(name)

    def _fold(self, name: str, args: list[_Out]) -> ast.expr:
        # The builtins keep the first argument unless a later one is strictly smaller (min) or
        # larger (max): min(a, b) is 'b if b < a else a', written 'b if a > b else a' so that a
        # is evaluated before b, as the call would.
        op: ast.cmpop = ast.Gt() if name == "min" else ast.Lt()
        best = args[0].expr
        for arg in args[1:]:
            first_best, again_best = self._once(best)
            first_arg, again_arg = self._once(arg.expr)
            best = ast.IfExp(ast.Compare(first_best, [op], [first_arg]), again_arg, again_best)
        return best

    def _clamp(self, args: list[_Out]) -> ast.expr:
        # clamp(x, lo, hi) is 'lo if x < lo else hi if x > hi else x'. Written out, hi is not
        # evaluated when x < lo; that is only done when hi cannot raise (so nothing differs).
        x1, x2 = self._once(args[0].expr)
        lo1, lo2 = self._once(args[1].expr)
        hi1, hi2 = self._once(args[2].expr)
        upper = ast.IfExp(ast.Compare(x2, [ast.Gt()], [hi1]), hi2, _second(x2))
        return ast.IfExp(ast.Compare(x1, [ast.Lt()], [lo1]), lo2, upper)


def _second(expr: ast.expr) -> ast.expr:
    """A second reading of a name (a fresh node, so no node sits twice in the tree)."""
    if isinstance(expr, ast.Name):
        return load(expr.id)
    return expr


def _call(helper: str, args: list[ast.expr]) -> ast.expr:
    return ast.Call(ast.Name(helper, ast.Load()), args, [])


def load(name: str, ctx: ast.expr_context | None = None) -> ast.Name:
    """A reference to a local variable or argument of a generated function."""
    return ast.Name(name, ctx or ast.Load())


def item(container: str, index: int) -> ast.expr:
    """``container[index]`` as an expression tree."""
    return ast.Subscript(load(container), ast.Constant(index), ast.Load())


def as_float(expr: ast.expr) -> ast.expr:
    """``float(expr)``, so that comparisons and booleans become 0.0 or 1.0."""
    return _call("_float", [expr])


def make_function(
    name: str, args: Sequence[str], body: list[ast.stmt], filename: str
) -> Callable[..., Any]:
    """Compile a function ``def name(*args): body`` from generated statements.

    Statements keep the line numbers they were given, so an exception raised inside the
    function can be traced (via its traceback's ``tb_lineno``) to the statement, and so to the
    rule, that raised it.
    """
    return make_functions([(name, args, body)], filename)[name]


FunctionSpec = tuple[str, Sequence[str], list[ast.stmt]]


def make_functions(
    functions: Sequence[FunctionSpec], filename: str, helpers: dict[str, Any] | None = None,
    defaults: dict[str, tuple[Any, ...]] | None = None, fresh: bool = False,
) -> dict[str, Callable[..., Any]]:
    """Compile several generated functions ``(name, args, body)`` at once (one call of the
    compiler for all of them); their globals hold the language's helpers and ``helpers``.
    ``defaults`` gives the default values of a function's last arguments, by name. ``fresh``:
    no node below a statement has a position of its own (trees from :func:`to_python` and
    :func:`to_fast_python` have none), so each takes its statement's without a pass over it."""
    module = ast.Module([_function_def(name, args, body, not fresh) for name, args, body in functions], [])
    fill_positions(module)
    code = compile(module, filename, "exec")
    scope = dict(_HELPERS)
    scope.update(helpers or {})
    out: dict[str, Callable[..., Any]] = {}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out[const.co_name] = types.FunctionType(const, scope, const.co_name, (defaults or {}).get(const.co_name))
    return out


# The fields of a node class that may hold nodes with positions (not contexts or operators).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
_NO_POSITIONS = frozenset({"ctx", "op", "ops", "id", "arg", "name", "kind", "type_comment"})


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in _NO_POSITIONS)  # type: ignore[attr-defined]
    return fields


def names_in(tree: ast.AST) -> list[ast.Name]:
    """Every name node in ``tree`` (as :func:`ast.walk` finds them, faster; in no set order)."""
    out: list[ast.Name] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if type(node) is ast.Name:
            out.append(node)
            continue
        for field in _child_fields(type(node)):
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST))
    return out


def fill_positions(tree: ast.AST) -> None:
    """:func:`ast.fix_missing_locations`, without its recursion and generators (a third of the
    time of compiling a generated module): every node without a position takes its parent's."""
    stack: list[tuple[ast.AST, int, int, int, int]] = [(tree, 1, 0, 1, 0)]
    pop, push, node_type, fields_of = stack.pop, stack.append, ast.AST, _CHILD_FIELDS.get
    while stack:
        node, line, col, end_line, end_col = pop()
        cls = type(node)
        if "lineno" in cls._attributes:
            d = node.__dict__
            if "lineno" not in d and "col_offset" not in d and d.get("end_lineno") is None and d.get("end_col_offset") is None:
                d.update(lineno=line, col_offset=col, end_lineno=end_line, end_col_offset=end_col)  # (a node of no position: most)
            else:
                if "lineno" in d:
                    line = d["lineno"]
                else:
                    node.lineno = line  # type: ignore[attr-defined]
                if d.get("end_lineno") is None:
                    node.end_lineno = end_line  # type: ignore[attr-defined]
                else:
                    end_line = d["end_lineno"]
                if "col_offset" in d:
                    col = d["col_offset"]
                else:
                    node.col_offset = col  # type: ignore[attr-defined]
                if d.get("end_col_offset") is None:
                    node.end_col_offset = end_col  # type: ignore[attr-defined]
                else:
                    end_col = d["end_col_offset"]
        for field in fields_of(cls) or _child_fields(cls):
            value = getattr(node, field, None)
            if isinstance(value, node_type):
                push((value, line, col, end_line, end_col))
            elif type(value) is list:
                for item_ in value:
                    if isinstance(item_, node_type):
                        push((item_, line, col, end_line, end_col))


def _function_def(name: str, args: Sequence[str], body: list[ast.stmt], place: bool = True) -> ast.FunctionDef:
    arguments = ast.arguments(
        posonlyargs=[], args=[ast.arg(a) for a in args], vararg=None, kwonlyargs=[],
        kw_defaults=[], kwarg=None, defaults=[],
    )
    for stmt in body:
        if place:
            _place(stmt, stmt.lineno)
        else:  # the statement's own position; fix_missing_locations gives it to its nodes
            stmt.end_lineno = stmt.lineno
            stmt.col_offset = stmt.end_col_offset = 0
    func = ast.FunctionDef(name, arguments, body or [ast.Pass()], [], None, None)
    func.lineno = 1
    func.end_lineno = max([1, *(stmt.lineno for stmt in body)])
    return func


def _place(stmt: ast.stmt, line: int) -> None:
    """Put every node of ``stmt`` on ``line`` (formula trees arrive with their own positions)."""
    for node in ast.walk(stmt):
        if "lineno" in node._attributes:
            node.lineno = node.end_lineno = line  # type: ignore[attr-defined]
            node.col_offset = node.end_col_offset = 0  # type: ignore[attr-defined]


def expression_function(name: str, args: Sequence[str], expr: ast.expr, filename: str) -> Callable[..., Any]:
    """A function of ``args`` returning ``float(expr)``."""
    ret = ast.Return(as_float(expr))
    ret.lineno = 2
    return make_function(name, args, [ret], filename)
