"""Validating a rule, scenario or policy file's data without pydantic, when it has no problem.

Importing pydantic and building its validators (:mod:`game.rules.shapes`) cost more than half of
``main.py check`` after a modder edited one file: more than all the rest of reading, checking and
compiling every rule set and scenario. Yet a file that is being worked on is nearly always valid,
and for valid data validation only confirms each value's type and bounds and fills in defaults.
So this module reads the same annotations as :mod:`game.rules.shapes` (those of the records of
:mod:`game.rules.models`), with the same meaning in pydantic's strict mode, and builds the same
records -- or says it is not sure, and pydantic validates as before.

It is never sure of anything unusual: a value of another type (even one pydantic would accept), a
number that is not finite where a finite one is wanted, text that does not match, a key too many
or too few, a validator that refuses, a model it does not know. Every problem a user sees is
therefore still found, worded and placed by pydantic and :mod:`game.rules.reading`, exactly as
before; this module only spares a valid file the import. The tests compare what it builds with
what pydantic builds, for every shipped file and for many mangled ones
(``tests/rules/test_quick_validation.py``).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from typing import Any

from game.rules import models
from game.rules.record import Record, _fresh
from game.rules.season import SEASON_PATTERN

Check = Callable[[Any], Any]


class Unsure(Exception):
    """The value may have a problem, or is of a kind this module does not vouch for: pydantic decides."""


_UNSURE = Unsure()


def validate(model: type[Record], data: Any) -> Any:
    """``data`` validated as ``model`` (the records pydantic would give); None when not sure."""
    try:
        check = _CHECKS.get(model) or _model_check(model)
        return check(data)
    except Unsure:
        return None


# --- the types of the annotations (those of game.rules.shapes, in strict mode) --------------------


class _Type:
    """A type of an annotation: what checking a value of it takes. ``A | B`` is a union."""

    def __init__(self, check: Check, kind: str = "") -> None:
        self.check = check
        self.kind = kind  # "str", "number", "int", "bool", "list", "dict", "tuple", "model", "none", "literal"

    def __or__(self, other: Any) -> _Type:
        return _union(self, _as_type(other))

    def __ror__(self, other: Any) -> _Type:
        return _union(_as_type(other), self)


def _as_type(value: Any) -> _Type:
    if value is None:
        return _NONE
    if isinstance(value, _Type):
        return value
    raise TypeError(f"not a type this module knows: {value!r}")


def _exactly(kind: type | None) -> Any:
    """A check that passes a value of exactly this type (``None`` for None) and is unsure of any other."""
    def check(value: Any) -> Any:
        if type(value) is kind or (kind is None and value is None):
            return value
        raise _UNSURE
    return check


def _finite(value: Any) -> float:
    """A float from a float or a whole number (as strict pydantic gives it), finite only."""
    kind = type(value)
    if kind is float:
        if value - value == 0.0:  # (neither inf nor nan)
            return value  # type: ignore[no-any-return]
        raise _UNSURE
    if kind is int:
        try:
            return float(value)
        except OverflowError:
            raise _UNSURE from None
    raise _UNSURE


def _bound(value: Any) -> float:
    """A float, or an open bound (inf, -inf); never nan."""
    if type(value) is float and (value == math.inf or value == -math.inf):
        return value
    return _finite(value)


_NONE = _Type(_exactly(None), "none")
STR = _Type(_exactly(str), "str")
INT = _Type(_exactly(int), "int")
BOOL = _Type(_exactly(bool), "bool")
FLOAT = _Type(_finite, "number")  # plain float: pydantic takes inf and nan too, this module neither
NUMBER = _Type(_finite, "number")
BOUND = _Type(_bound, "number")


def _union(*members: _Type) -> _Type:
    """A value of the first member it fits. Only unions whose members take values of different
    Python types are used here (text or a number, something or nothing), so the first that
    fits is the one pydantic picks."""
    flat: list[_Type] = []
    for member in members:
        for one in getattr(member, "members", [member]):
            if one not in flat:  # (X | None | None: a field of a partial model, made optional again)
                flat.append(one)
    kinds = [m.kind for m in flat]
    if "union" in kinds or len(set(kinds)) != len(kinds) or (_NONE in flat and flat[-1] is not _NONE):
        raise TypeError(f"a union this module cannot decide as pydantic does: {kinds}")
    checks = [m.check for m in flat]
    if len(checks) == 2 and flat[1] is _NONE:
        first = checks[0]

        def optional(value: Any) -> Any:
            return None if value is None else first(value)

        made = _Type(optional, "union")
    else:
        def union(value: Any) -> Any:
            for check in checks:
                try:
                    return check(value)
                except Unsure:
                    continue
            raise _UNSURE

        made = _Type(union, "union")
    made.members = flat  # type: ignore[attr-defined]
    return made


class _Field:
    """``Field(...)``'s constraints, as the annotations use them."""

    KNOWN = frozenset({"ge", "gt", "le", "lt", "min_length", "max_length", "pattern"})

    def __init__(self, **constraints: Any) -> None:
        unknown = set(constraints) - self.KNOWN
        if unknown:
            raise TypeError(f"constraints this module does not know: {sorted(unknown)}")
        self.constraints = constraints


def _constrained(base: _Type, field: _Field) -> _Type:
    c = field.constraints
    ge, gt, le, lt = c.get("ge"), c.get("gt"), c.get("le"), c.get("lt")
    shortest, longest = c.get("min_length"), c.get("max_length")
    pattern = c.get("pattern")
    matcher = None
    if pattern is not None:
        if not (pattern.startswith("^") and pattern.endswith("$")) or not pattern.isascii():
            raise TypeError(f"a pattern this module does not read as pydantic does: {pattern!r}")
        matcher = re.compile(pattern[1:-1], re.ASCII).fullmatch  # ('$' ends the text in pydantic's regex)
    inner = base.check

    def constrained(value: Any) -> Any:
        value = inner(value)
        if ((ge is not None and not value >= ge) or (gt is not None and not value > gt)
                or (le is not None and not value <= le) or (lt is not None and not value < lt)
                or (shortest is not None and len(value) < shortest) or (longest is not None and len(value) > longest)
                or (matcher is not None and matcher(value) is None)):
            raise _UNSURE
        return value

    return _Type(constrained, base.kind)


class _Annotated:
    def __getitem__(self, args: tuple[Any, ...]) -> _Type:
        base, *extras = args
        made = _as_type(base)
        for extra in extras:
            if not isinstance(extra, _Field):
                raise TypeError(f"an annotation this module does not know: {extra!r}")
            made = _constrained(made, extra)
        return made


class _Literal:
    def __getitem__(self, args: Any) -> _Type:
        choices = args if isinstance(args, tuple) else (args,)
        if not all(type(c) is str for c in choices):
            raise TypeError(f"a Literal of other than text: {choices!r}")
        allowed = frozenset(choices)

        def literal(value: Any) -> Any:
            if type(value) is str and value in allowed:
                return value
            raise _UNSURE

        return _Type(literal, "str")


class _List:
    def __getitem__(self, item: Any) -> _Type:
        inner = _as_type(item).check

        def items(value: Any) -> Any:
            if type(value) is not list:
                raise _UNSURE
            return [inner(v) for v in value]

        return _Type(items, "list")


class _Dict:
    def __getitem__(self, args: tuple[Any, Any]) -> _Type:
        key, item = args
        if key is not STR:
            raise TypeError("only tables with text keys")
        inner = _as_type(item).check

        def table(value: Any) -> Any:
            if type(value) is not dict:
                raise _UNSURE
            out = {}
            for k, v in value.items():
                if type(k) is not str:
                    raise _UNSURE
                out[k] = inner(v)
            return out

        return _Type(table, "dict")


class _Tuple:
    def __getitem__(self, args: tuple[Any, ...]) -> _Type:
        checks = [_as_type(a).check for a in args]
        size = len(checks)

        def fixed(value: Any) -> Any:
            if type(value) is not tuple or len(value) != size:
                raise _UNSURE
            return tuple(check(v) for check, v in zip(checks, value))

        return _Type(fixed, "tuple")


# The names the annotations of game.rules.models use, as game.rules.shapes defines them.
TEXT = _constrained(STR, _Field(min_length=1))
_NAMES: dict[str, Any] = {
    "str": STR, "int": INT, "float": FLOAT, "bool": BOOL, "None": None,
    "list": _List(), "dict": _Dict(), "tuple": _Tuple(), "Annotated": _Annotated(), "Literal": _Literal(), "Field": _Field,
    "Text": TEXT,
    "Number": NUMBER,
    "Bound": BOUND,
    "FormulaText": _union(STR, NUMBER),
    "Id": _constrained(STR, _Field(pattern=r"^[a-z][a-z0-9_-]*$")),
    "SeasonText": _constrained(STR, _Field(pattern=SEASON_PATTERN)),
    "SeasonOfYear": _Literal()["winter", "spring", "summer", "autumn"],
    "SeeAlso": _constrained(STR, _Field(pattern=rf"^({'|'.join(models.SEE_ALSO_KINDS)}):[A-Za-z0-9_-]+$")),
}
VOCABULARY = ("Text", "Number", "Bound", "FormulaText", "Id", "SeasonText", "SeasonOfYear", "SeeAlso")  # (shapes' names)


# --- models ---------------------------------------------------------------------------------------


_CHECKS: dict[type[Record], Check] = {}


class _ModelRef(_Type):
    """A record class named in an annotation: checked by its own check, made when first needed
    (models refer to each other)."""

    def __init__(self, record: type[Record]) -> None:
        def check(value: Any) -> Any:
            return (_CHECKS.get(record) or _model_check(record))(value)

        super().__init__(check, "model")


def _annotation(text: str) -> _Type:
    """The type an annotation of :mod:`game.rules.models` names (read as a Python expression, of
    the few forms the annotations use)."""
    return _as_type(_read(ast.parse(text, mode="eval").body))


def _read(node: ast.expr) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in models.RECORDS:
            return _ModelRef(models.RECORDS[node.id])
        return _NAMES[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _as_type(_read(node.left)) | _read(node.right)
    if isinstance(node, ast.Subscript):
        inner = node.slice
        args = tuple(_read(e) for e in inner.elts) if isinstance(inner, ast.Tuple) else _read(inner)
        return _read(node.value)[args]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Field" and not node.args:
        return _Field(**{k.arg: _read(k.value) for k in node.keywords if k.arg is not None})
    raise TypeError(f"an annotation this module does not read: {ast.dump(node)}")


def _validators(record: type[Record]) -> dict[tuple[str, str], Check]:
    """The record's validators (its own and its bases'), by field and mode."""
    marks: dict[str, tuple[str, str]] = {}
    for kind in reversed(record.__mro__):  # (a subclass's method of the same name replaces its base's)
        for attr, value in vars(kind).items():
            marked = getattr(getattr(value, "__func__", None), "__record_validator__", None)
            if marked is not None:
                marks[attr] = (marked[0], marked[1])
    found: dict[tuple[str, str], Check] = {}
    for attr, mark in marks.items():
        if mark in found:
            raise TypeError(f"two {mark[1]} validators of {record.__name__}.{mark[0]}: their order is pydantic's")
        found[mark] = getattr(record, attr)
    return found


def _model_check(record: type[Record]) -> Check:
    """The check of a record class: a table with exactly its keys (all the required ones), each
    value of its field's type; builds the record."""
    config = record.model_config
    if record is models.Strict or record is Record or not config.get("strict") or record.__name__ not in models.RECORDS:
        raise TypeError(f"{record.__name__} is not validated here")
    extra_allowed = config.get("extra") == "allow"
    if not extra_allowed and config.get("extra") != "forbid":
        raise TypeError(f"{record.__name__}: extra keys neither forbidden nor allowed")
    validators = _validators(record)
    fields: list[tuple[str, Check, Any, bool]] = []
    for name, spec in record.model_fields.items():
        field_check = _annotation(spec.annotation).check
        before, after = validators.get((name, "before")), validators.get((name, "after"))
        if before is not None or after is not None:
            field_check = _validated(field_check, before, after)
        fields.append((name, field_check, spec.default, spec.is_required()))
    unknown = {mode for _, mode in validators} - {"before", "after"}
    if unknown or {f for f, _ in validators} - {name for name, *_ in fields}:
        raise TypeError(f"{record.__name__}: validators this module cannot apply")
    extra_check = _annotation(record.__annotations__["__pydantic_extra__"]).check if extra_allowed else None
    names = frozenset(record.model_fields)
    new = record.__new__

    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise _UNSURE
        if not names.issuperset(value) and extra_check is None:
            raise _UNSURE
        state: dict[str, Any] = {}
        given: set[str] = set()
        for name, checks, default, required in fields:
            if name in value:
                state[name] = checks(value[name])
                given.add(name)
            elif required:
                raise _UNSURE
            else:
                state[name] = _fresh(default)
        extra = None
        if extra_check is not None:  # (typed extras: a policy season's lever values; as pydantic
            # gives them, set and in the fields too)
            extra = extra_check({key: item for key, item in value.items() if key not in names})
            state["__pydantic_extra__"] = dict(extra)
            given.update(extra)
        made = new(record)
        made.__setstate__({"__dict__": state, "__pydantic_extra__": extra, "__pydantic_fields_set__": given,
                           "__pydantic_private__": None})
        return made

    _CHECKS[record] = check
    return check


def _validated(check: Check, before: Check | None, after: Check | None) -> Check:
    """A field's check with the record's validators before and after it; a validator that
    refuses the value (ValueError) leaves the decision to pydantic."""
    def validated(value: Any) -> Any:
        try:
            if before is not None:
                value = before(value)
            value = check(value)
            return value if after is None else after(value)
        except (ValueError, TypeError, AssertionError):
            raise _UNSURE from None

    return validated
