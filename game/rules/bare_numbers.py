"""Numbers written into a model formula that ought to be named parameters.

Rules are data: every game number is a parameter with a description, bounds and a source, so a
reader (and a scenario, and a modder) can see it, look it up and change it. A formula may still
hold numbers that are not game numbers but part of how a formula is written. These count as
*structural* and are allowed:

- 0 and 1: identities (``1 - share``, ``max(0, x)``, ``x - 1`` for a change against a level);
- 100: the base of an index (1926 = 100) and of a lever set in per cent (``tax / 100``);
- 2 as an exponent (``x ** 2``): a square, the shape of a curve that starts flat;
- 0.5 added inside ``floor(x + 0.5)``: rounding to the nearest whole number;
- a value a lever of choices can take, compared with the lever or dividing it
  (``emergency_measures >= 2``, ``x * private_trade_policy / 2``): the choice itself.

Every other number in a variable's formula, an event's condition, chance or effects, or an
ending's condition is a game number. ``check`` warns about those a mod writes (a warning, not an
error: a mod still loads); a test keeps the shipped rule sets' formulas free of them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

from game.formula.parser import Formula
from game.rules.models import Lever

# The formulas of the model: (table, field); a field of None means each entry of that table
# (an event's effects, one formula per variable it changes).
MODEL_FORMULAS: tuple[tuple[str, str], ...] = (
    ("variables", "formula"),
    ("events", "condition"),
    ("events", "chance"),
    ("events", "effects"),
    ("endings", "condition"),
)

STRUCTURAL = frozenset({0.0, 1.0, 100.0})
SQUARE = 2.0
HALF = 0.5


def is_model_formula(key: tuple[str, ...]) -> bool:
    """Whether a rule set's formula key (``("variables", id, "formula")``, ``("events", id,
    "effects", var)``) is one of the model's formulas."""
    return len(key) >= 3 and (key[0], key[2]) in MODEL_FORMULAS


def bare_numbers(formula: Formula, choices: Mapping[str, Iterable[float]]) -> list[tuple[float, int, int]]:
    """The game numbers written into ``formula``: (value, line, column inside the formula), in
    the order of the text. ``choices`` maps each lever of choices to the values it can take."""
    allowed: set[int] = set()
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and _value(node.right) == SQUARE:
            allowed.add(id(node.right))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            if any(_value(node.right) in set(choices.get(_lever(factor) or "", ())) for factor in _factors(node.left)):
                allowed.add(id(node.right))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "floor" and node.args:
            inner = node.args[0]  # floor(x + 0.5): x rounded to the nearest whole number
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Add) and _value(inner.right) == HALF:
                allowed.add(id(inner.right))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for here, there in zip(sides, sides[1:]):
                for number, other in ((here, there), (there, here)):
                    lever = _lever(other)
                    if lever in choices and _value(number) in set(choices[lever or ""]):
                        allowed.add(id(number))
    found = []
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and isinstance(node.value, (int, float)):
            if id(node) in allowed or float(node.value) in STRUCTURAL:
                continue
            found.append((float(node.value), node.lineno, node.col_offset))
    return sorted(found, key=lambda f: (f[1], f[2]))


def _value(node: ast.expr) -> float | None:
    if isinstance(node, ast.Constant) and not isinstance(node.value, bool) and isinstance(node.value, (int, float)):
        return float(node.value)
    return None


def _factors(node: ast.expr) -> list[ast.expr]:
    """The factors of a product (``a * b * c``: a, b and c); a node that is no product is its own."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return [*_factors(node.left), *_factors(node.right)]
    return [node]


def _lever(node: ast.expr) -> str | None:
    """The lever a node reads directly (``lever`` or ``min(lever, ...)``), else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max") and node.args:
        return _lever(node.args[0])
    return None


def lever_choices(levers: Mapping[str, Lever]) -> dict[str, list[float]]:
    """The values each lever of choices can take (min, min + step, ...)."""
    return {ident: [float(lever.min) + i * float(lever.step) for i in range(len(lever.choices))]
            for ident, lever in levers.items() if lever.choices}
