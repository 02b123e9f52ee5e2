"""The batch engine's array code against the season engine's Python, formula by formula.

Random formulas of the whole language (every operator and function, conditionals, comparison
chains, and/or/not, ``prev``) are evaluated both ways over values chosen to hit the edges (zeros
of both signs, tiny and huge numbers, the limits of ``exp``). Wherever Python computes a finite
value without raising, the array code must give the same bits or flag the campaign (then the
season engine plays it); wherever Python raises or computes a non-finite value, it must flag it
or give a non-finite value (which the batch's checks catch).
"""

from __future__ import annotations

import math
import os
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import Model
from game.engine.batch import array_function
from game.formula import FUNCTIONS, parse
from tests.conftest import build_scenario, lever, variable

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, -2.5, 1e-310, -1e-310, 1e-300, 1e300, -1e300, 1.7e308, 709.0, 709.9, -700.5, -701.0,
         0.1, 0.2, 0.3, 7.0, 1e16, 123.456, -1e-5]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Model:
    root = tmp_path_factory.mktemp("rules")
    scenario = build_scenario(
        root,
        {"x": variable("a + b", initial=1.0), "y": variable("x * 2", initial=2.0)},
        levers={"a": lever(0, -1e6, 1e6, 0.5), "b": lever(0, -1e6, 1e6, 0.5), "c": lever(0, -1e6, 1e6, 0.5)},
        parameters={"p": {"value": 2.0, "description": "a parameter"}, "q": {"value": 0.0, "description": "a zero"},
                    "r": {"value": -1.5, "description": "a negative"}},
    )
    return Model(scenario)


LEAVES = ["a", "b", "c", "p", "q", "r", "x", "prev(x)", "prev(y)", "prev(a)", "0", "1", "2", "0.5", "-3", "1e300", "700", "710"]
BINARY = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or"]
UNARY = ["abs", "exp", "log", "sqrt", "floor", "ceil", "logistic"]
EXPONENTS = ["2", "0.5", "3", "-1", "p", "r", "q", "1.7"]


@st.composite
def formulas(draw: st.DrawFn, depth: int = 4) -> str:
    """A random formula of the whole language, at most ``depth`` operations deep."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(LEAVES))
    inner = formulas(depth - 1)
    shape = draw(st.integers(0, 8))
    if shape == 0:
        return f"({draw(inner)} {draw(st.sampled_from(BINARY))} {draw(inner)})"
    if shape == 1:
        return f"({draw(inner)}) ** {draw(st.sampled_from(EXPONENTS))}"
    if shape == 2:
        return f"({draw(inner)} {draw(st.sampled_from(['<', '<=']))} {draw(inner)} {draw(st.sampled_from(['<', '<=']))} {draw(inner)})"
    if shape == 3:
        return f"({draw(inner)} if {draw(inner)} else {draw(inner)})"
    if shape == 4:
        return f"(-{draw(inner)})"
    if shape == 5:
        return f"(not {draw(inner)})"
    if shape == 6:
        return f"{draw(st.sampled_from(UNARY))}({draw(inner)})"
    if shape == 7:
        args = [draw(inner) for _ in range(draw(st.integers(2, 3)))]
        return f"{draw(st.sampled_from(['min', 'max']))}({', '.join(args)})"
    return f"clamp({draw(inner)}, {draw(inner)}, {draw(inner)})"


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def compare(model: Model, source: str, columns: dict[str, list[float]]) -> int:
    """Check every row; returns how many rows the array code computed itself (not flagged)."""
    formula = parse(source)
    n = len(columns["a"])
    L = np.array([columns["a"], columns["b"], columns["c"]])
    O = np.array([columns["ox"], columns["oy"]])  # noqa: E741 - the names the engine gives them
    OL = np.array([columns["ola"], columns["b"], columns["c"]])
    V = np.array([columns["x"], np.zeros(n)])
    fn = array_function(model, formula)
    P = model.P
    F = (1927.0, 2.0, 0.0, 0.0, 1.0, 0.0, 3.0)
    with np.errstate(all="ignore"):
        try:
            values, flagged = fn(L, P, (), (), V, O, OL, F, n)
        except (ArithmeticError, ValueError, TypeError):
            return 0  # a value shared by every campaign that Python refuses: the season engine plays them all
    flags = np.broadcast_to(np.asarray(flagged, dtype=bool), (n,))
    scalar = model.function(formula, "test")
    computed = 0
    # The optimistic code: when numpy raises no floating-point flag, it must be Python's.
    optimistic = array_function(model, formula, careful=False)
    fast: np.ndarray | None = None
    fast_flags = np.zeros(n, dtype=bool)
    try:
        with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
            fast, fast_flagged = optimistic(L, P, (), (), V, O, OL, F, n)
        fast_flags = np.broadcast_to(np.asarray(fast_flagged, dtype=bool), (n,))
    except (ArithmeticError, ValueError, TypeError):
        pass
    for row in range(n):
        env = [L[:, row].tolist(), list(P), [], [], V[:, row].tolist(), O[:, row].tolist(), OL[:, row].tolist(), list(F)]
        try:
            expected = scalar(*env)
        except (ArithmeticError, ValueError, TypeError):
            assert flags[row] or not math.isfinite(values[row]), f"{source}: Python refuses row {row} {env}, the array code gives {values[row]!r}"
            assert fast is None or fast_flags[row], f"{source}: Python refuses row {row} {env}, numpy raised no flag"
            continue
        if fast is not None and not fast_flags[row]:
            assert _bits(float(fast[row])) == _bits(expected), f"{source}: row {row} {env}: optimistic {fast[row]!r}, Python {expected!r}"
        if not math.isfinite(expected):
            assert flags[row] or not math.isfinite(values[row]), f"{source}: Python gives {expected!r} in row {row} {env}, the arrays {values[row]!r}"
            continue
        if flags[row]:
            continue
        assert _bits(float(values[row])) == _bits(expected), f"{source}: row {row} {env}: arrays {values[row]!r}, Python {expected!r}"
        computed += 1
    return computed


@settings(max_examples=int(os.environ.get("BATCH_FUZZ_EXAMPLES", "400")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=formulas(), data=st.data())
def test_random_formulas_agree_with_python(model: Model, source: str, data: st.DataObject) -> None:
    n = 12
    value = st.one_of(st.sampled_from(EDGES), st.floats(allow_nan=False, allow_infinity=False, width=64))
    columns = {k: data.draw(st.lists(value, min_size=n, max_size=n)) for k in ("a", "b", "c", "x", "ox", "oy", "ola")}
    compare(model, source, columns)


@pytest.mark.parametrize("source", [
    "a / b if b != 0 else 0",          # a division by zero in the branch not taken
    "b != 0 and a / b > 1",            # ... or after an 'and' that stopped
    "b == 0 or a / b > 1",
    "0 < b < a / b",                   # ... or in a comparison chain that stopped
    "min(a, b) + max(a, b, c)",
    "min(0.0 * a, -0.0 * b)",          # signed zeros: min keeps the first of equals
    "max(-0.0 * a, 0.0 * b)",
    "clamp(a, b, c)",                  # bounds in either order
    "clamp(a, 1, 0)",
    "floor(-0.5 * a) + ceil(-0.5 * b)",
    "-(a > b) + (a > b) - (b > a)",    # truth values as numbers
    "a ** 2 + b ** 0.5 + c ** -1",
    "a ** p + b ** r",
    "exp(a) + log(b) + sqrt(c)",
    "logistic(a) + logistic(-a)",
    "a % b + b % 3",
    "(a if p > 1 else b) + (b if q < 1 else c / q)",  # a test shared by every campaign
    "p / q + a",                       # a value shared by every campaign that Python refuses
    "prev(x) * prev(a) - x",
    "not a or not (b and c)",
    "-(a and b)",                      # 'and' gives the float 1.0 or 0.0: -0.0 too
])
def test_formulas_at_the_edges(model: Model, source: str) -> None:
    edges = EDGES * 2
    n = len(edges)
    rolled = {k: edges[i:] + edges[:i] for i, k in enumerate(("a", "b", "c", "x", "ox", "oy", "ola"))}
    computed = compare(model, source, {k: v[:n] for k, v in rolled.items()})
    if "p / q" not in source:  # the arrays do the work; the season engine only the odd row
        assert computed >= n // 4


def test_the_random_formulas_use_every_function_of_the_language() -> None:
    assert {*UNARY, "min", "max", "clamp"} == set(FUNCTIONS)
