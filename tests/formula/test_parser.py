"""The formula language as a modder writes it: what parses, what it means, and where names are."""

from __future__ import annotations

import ast
import dataclasses
import math
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.formula import FUNCTIONS, MAX_EXPONENT, PREV, Formula, FormulaError, did_you_mean, parse
from tests.formula.helpers import assert_inside, compile_formula, evaluate

# --- arithmetic and logic --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),
        ("8 / 4 / 2", 1.0),
        ("7 / 2", 3.5),
        ("2 * 3 % 4", 2.0),
        ("7 % 3", 1.0),
        ("-7 % 3", 2.0),
        ("7.5 % 2", 1.5),
        ("-2 ** 2", -4.0),
        ("(-2) ** 2", 4.0),
        ("2 ** -1", 0.5),
        ("2 ** 3 * 2", 16.0),
        ("2 * 3 ** 2", 18.0),
        ("4 ** 0.5", 2.0),
        ("2 ** 16", 65536.0),
        ("+3 - -2", 5.0),
        ("1_000 + 0.5", 1000.5),
        ("1e3 + 0x10 + 0o10 + 0b10", 1026.0),
        ("1 + 2 < 4", 1.0),
        ("(1 < 2) + (2 < 3) + (3 < 2)", 2.0),
    ],
)
def test_arithmetic(source: str, expected: float) -> None:
    result = evaluate(source)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(
    ("source", "a", "b", "expected"),
    [
        ("a < b", 1, 2, 1.0), ("a < b", 2, 2, 0.0),
        ("a <= b", 2, 2, 1.0), ("a <= b", 3, 2, 0.0),
        ("a > b", 3, 2, 1.0), ("a > b", 2, 2, 0.0),
        ("a >= b", 2, 2, 1.0), ("a >= b", 1, 2, 0.0),
        ("a == b", 2, 2, 1.0), ("a == b", 1, 2, 0.0),
        ("a != b", 1, 2, 1.0), ("a != b", 2, 2, 0.0),
    ],
)
def test_comparisons_give_one_or_zero(source: str, a: float, b: float, expected: float) -> None:
    result = evaluate(source, a=a, b=b)
    assert type(result) is float
    assert result == expected


@pytest.mark.parametrize(("a", "expected"), [(0.5, 0.0), (1.5, 1.0), (2.5, 1.0), (3, 0.0), (1, 0.0)])
def test_chained_comparison(a: float, expected: float) -> None:
    assert evaluate("1 < a <= 2.5", a=a) == expected


@pytest.mark.parametrize(("c", "expected"), [(1, 10.0), (0, 20.0), (-3, 10.0), (0.0, 20.0)])
def test_conditional_expression(c: float, expected: float) -> None:
    assert evaluate("a if c else b", a=10, b=20, c=c) == expected


def test_conditional_evaluates_only_the_chosen_branch() -> None:
    assert evaluate("1 if c > 0 else log(c)", c=1) == 1.0
    with pytest.raises(ValueError):
        evaluate("1 if c > 0 else log(c)", c=0)
    assert evaluate("a if a < 1 else b if a < 2 else c", a=1.5, b=7, c=9) == 7.0
    assert evaluate("a if a < 1 else b if a < 2 else c", a=2.5, b=7, c=9) == 9.0


@pytest.mark.parametrize(
    ("source", "a", "b", "expected"),
    [
        ("a and b", 1, 1, 1.0), ("a and b", 1, 0, 0.0), ("a and b", 0, 1, 0.0), ("a and b", 0, 0, 0.0),
        ("a or b", 1, 1, 1.0), ("a or b", 1, 0, 1.0), ("a or b", 0, 1, 1.0), ("a or b", 0, 0, 0.0),
        ("not a", 0, 0, 1.0), ("not a", 1, 0, 0.0), ("not a", 0.25, 0, 0.0),
        ("not a and b", 0, 1, 1.0), ("not (a and b)", 1, 1, 0.0),
        ("a > 0 and b > 0 or a < -5", 1, 1, 1.0), ("a > 0 and b > 0 or a < -5", 1, -1, 0.0),
        ("a > 0 and b > 0 or a < -5", -6, -1, 1.0),
        ("(a < b) * 5", 1, 2, 5.0), ("1 - (a == b)", 1, 1, 0.0),
    ],
)
def test_boolean_operators(source: str, a: float, b: float, expected: float) -> None:
    result = evaluate(source, a=a, b=b)
    assert type(result) is float
    assert result == expected


def test_boolean_operators_short_circuit() -> None:
    assert evaluate("c > 0 and log(c) > 0", c=0) == 0.0
    assert evaluate("c <= 0 or log(c) > 0", c=0) == 1.0


def test_integer_constants_are_floats() -> None:
    _, formula = compile_formula("7 / 2")
    assert evaluate("7 / 2") == 3.5
    assert evaluate("7") == 7.0 and type(evaluate("7")) is float
    assert type(evaluate("2 ** 3")) is float
    assert type(evaluate("abs(-3)")) is float
    assert type(evaluate("max(1, 2)")) is float
    assert formula.source == "7 / 2"


# --- functions -------------------------------------------------------------------------------


def test_the_function_set_is_the_documented_one() -> None:
    assert set(FUNCTIONS) == {"min", "max", "clamp", "abs", "exp", "log", "sqrt", "floor", "ceil", "logistic"}
    assert PREV == "prev" and PREV not in FUNCTIONS


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_function_arity(name: str) -> None:
    spec = FUNCTIONS[name]
    args = lambda n: ", ".join(["1"] * n)  # noqa: E731
    if spec.min_args > 0:
        with pytest.raises(FormulaError, match=rf"{name}\(\) takes .*found {spec.min_args - 1}"):
            parse(f"{name}({args(spec.min_args - 1)})")
    parse(f"{name}({args(spec.min_args)})")
    if spec.max_args is None:
        parse(f"{name}({args(spec.min_args + 5)})")
    else:
        parse(f"{name}({args(spec.max_args)})")
        with pytest.raises(FormulaError, match=rf"{name}\(\) takes {spec.arity_text}, found {spec.max_args + 1}"):
            parse(f"{name}({args(spec.max_args + 1)})")


def test_arity_texts() -> None:
    assert FUNCTIONS["min"].arity_text == "at least 2 arguments"
    assert FUNCTIONS["clamp"].arity_text == "3 arguments"
    assert FUNCTIONS["abs"].arity_text == "1 argument"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("min(3, 1, 2)", 1.0), ("min(2, -1)", -1.0), ("min(4, 4, 4, 4, 4, 3)", 3.0),
        ("max(3, 1, 2)", 3.0), ("max(-2, -1)", -1.0), ("max(1, 2, 3, 4, 5, 6, 7)", 7.0),
        ("clamp(5, 0, 1)", 1.0), ("clamp(-1, 0, 1)", 0.0), ("clamp(0.5, 0, 1)", 0.5),
        ("clamp(0, 0, 1)", 0.0), ("clamp(1, 0, 1)", 1.0),
        ("abs(-2.5)", 2.5), ("abs(2.5)", 2.5), ("abs(0)", 0.0),
        ("exp(0)", 1.0), ("exp(1)", math.e), ("exp(-1000)", 0.0),
        ("log(1)", 0.0), ("log(exp(2))", 2.0),
        ("sqrt(9)", 3.0), ("sqrt(0)", 0.0), ("sqrt(2.25)", 1.5),
        ("floor(2.7)", 2.0), ("floor(-2.5)", -3.0), ("floor(3)", 3.0),
        ("ceil(2.1)", 3.0), ("ceil(-2.5)", -2.0), ("ceil(3)", 3.0),
        ("logistic(0)", 0.5), ("logistic(-1000)", 0.0), ("logistic(1000)", 1.0),
        ("logistic(-700.5)", 0.0), ("logistic(2)", 1 / (1 + math.exp(-2))), ("logistic(-2)", 1 / (1 + math.exp(2))),
    ],
)
def test_function_values(source: str, expected: float) -> None:
    result = evaluate(source)
    assert type(result) is float
    assert result == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_function_implementations_return_floats() -> None:
    assert type(FUNCTIONS["floor"].run(2.5)) is float
    assert type(FUNCTIONS["ceil"].run(2.5)) is float
    assert FUNCTIONS["clamp"].run(2.0, 0.0, 1.0) == 1.0
    assert 0.0 < FUNCTIONS["logistic"].run(-699.0) < 1e-300
    assert FUNCTIONS["logistic"].run(-701.0) == 0.0


def test_clamp_with_names() -> None:
    assert evaluate("clamp(x, lo, hi)", x=5, lo=1, hi=3) == 3.0
    assert evaluate("clamp(x, lo, hi)", x=-5, lo=1, hi=3) == 1.0
    assert evaluate("clamp(x, lo, hi)", x=2, lo=1, hi=3) == 2.0


@pytest.mark.parametrize(
    ("source", "values", "error"),
    [
        ("log(x)", {"x": 0}, ValueError),
        ("log(x)", {"x": -1}, ValueError),
        ("sqrt(x)", {"x": -1}, ValueError),
        ("exp(x)", {"x": 1000}, OverflowError),
        ("(-8) ** 0.5", {}, ValueError),
        ("x ** 0.5", {"x": -8}, ValueError),
        ("x ** e", {"x": -8, "e": 1 / 3}, ValueError),
        ("x ** -1", {"x": 0}, ValueError),
        ("x ** 16", {"x": 1e300}, OverflowError),
        ("a / b", {"a": 1, "b": 0}, ZeroDivisionError),
        ("a % b", {"a": 1, "b": 0}, ZeroDivisionError),
    ],
)
def test_run_time_errors(source: str, values: dict[str, float], error: type[Exception]) -> None:
    run, _ = compile_formula(source)  # every one of these parses and compiles
    with pytest.raises(error):
        run(values)


def test_power_of_a_negative_number_is_never_complex() -> None:
    assert evaluate("x ** 2", x=-3) == 9.0
    assert evaluate("x ** 3", x=-2) == -8.0
    with pytest.raises(ValueError):
        evaluate("x ** 0.5", x=-4)


# --- layout ----------------------------------------------------------------------------------


def test_multi_line_formula_as_toml_gives_it() -> None:
    source = "\n    max(a,\n        b)\n    + c * 2\n"
    run, formula = compile_formula(source)
    assert run({"a": 1, "b": 3, "c": 0.5}) == 4.0
    assert formula.names == ("a", "b", "c")
    assert formula.name_position("a") == (2, 8)
    assert formula.name_position("b") == (3, 8)
    assert formula.name_position("c") == (4, 6)
    assert formula.source == source


def test_leading_spaces_and_tabs() -> None:
    formula = parse("   a + 1")
    assert formula.name_position("a") == (1, 3)
    assert evaluate("   a + 1", a=1) == 2.0
    assert parse("\t a").name_position("a") == (1, 2)


def test_windows_and_old_mac_line_breaks() -> None:
    assert parse("a +\r\n  b").name_position("b") == (2, 2)
    assert parse("a +\r  b").name_position("b") == (2, 2)
    with pytest.raises(FormulaError) as info:
        parse("a +\r\n  b.c")
    assert (info.value.line, info.value.col) == (2, 2)


def test_comments_are_allowed() -> None:
    source = "a  # the harvest (in poods)\n+ b  # and the rest"
    assert evaluate(source, a=1, b=2) == 3.0
    assert parse(source).name_position("b") == (2, 2)


def test_line_continuation() -> None:
    assert evaluate("a + \\\n b", a=1, b=2) == 3.0


def test_positions_count_characters_not_bytes() -> None:
    formula = parse("урожай + x")
    assert formula.name_position("x") == (1, 9)
    with pytest.raises(FormulaError) as info:
        parse("урожай + x.y")
    assert (info.value.line, info.value.col) == (1, 9)
    with pytest.raises(FormulaError) as info:
        parse("урожай +\n  урожай + open(1)")
    assert (info.value.line, info.value.col) == (2, 11)
    with pytest.raises(FormulaError) as info:
        parse("урожай $")
    assert (info.value.line, info.value.col) == (1, 7)


# --- names -----------------------------------------------------------------------------------


def test_name_position_is_the_first_use_in_the_text() -> None:
    formula = parse("abs(a) + a")
    assert formula.name_position("a") == (1, 4)
    formula = parse("b + a * b")
    assert formula.name_position("b") == (1, 0)
    assert formula.name_position("a") == (1, 4)
    formula = parse("max(1,\n  max(2, x)) + x")
    assert formula.name_position("x") == (2, 9)


def test_name_position_of_prev_and_exponent_names() -> None:
    formula = parse("1 + prev(stock) + a ** k")
    assert formula.name_position("stock") == (1, 9)
    assert formula.name_position("k") == (1, 23)


def test_name_position_of_a_missing_name() -> None:
    assert parse("a").name_position("zzz") == (1, 0)


def test_names_in_order_of_first_use_without_duplicates() -> None:
    assert parse("c + a * b + a - c").names == ("c", "a", "b")
    assert parse("x if y else z").names == ("x", "y", "z")
    assert parse("min(q, p) if r > p else q").names == ("q", "p", "r")
    assert parse("not a or b and c").names == ("a", "b", "c")
    assert parse("1 < b < a").names == ("b", "a")
    assert parse("1 + 2").names == ()


def test_prev_names() -> None:
    formula = parse("prev(b) + prev(a) + prev(b) + a")
    assert formula.prev_names == ("b", "a")
    assert formula.names == ("a",)  # a name read only through prev() is not read this season
    assert parse("prev(stock)").names == ()
    assert parse("prev(stock)").prev_names == ("stock",)


def test_exponent_names() -> None:
    formula = parse("a ** k + b ** j + c ** k + d ** -m")
    assert formula.exponent_names == ("k", "j", "m")
    assert formula.names == ("a", "k", "b", "j", "c", "d", "m")
    assert parse("x ** 2").exponent_names == ()


def test_a_parameter_name_as_exponent_is_accepted() -> None:
    formula = parse("output * (labour / base) ** elasticity")
    assert formula.exponent_names == ("elasticity",)
    assert evaluate("x ** elasticity", x=4, elasticity=0.5) == 2.0


@pytest.mark.parametrize("exponent", ["16", "-16", "16.0", "0.5", "0", "+3", "1e1"])
def test_exponent_constants_up_to_the_limit(exponent: str) -> None:
    assert float(exponent.lstrip("+")) <= MAX_EXPONENT
    parse(f"a ** {exponent}")


def test_exponent_just_over_the_limit() -> None:
    with pytest.raises(FormulaError, match="exponent"):
        parse(f"a ** {MAX_EXPONENT + 0.001}")


def test_true_and_false_are_numbers() -> None:
    assert evaluate("True + True") == 2.0
    assert parse("False").names == ()


def test_formula_is_immutable() -> None:
    formula = parse("a + 1")
    assert isinstance(formula, Formula)
    with pytest.raises(dataclasses.FrozenInstanceError):
        formula.names = ("b",)  # type: ignore[misc]


def test_parse_does_not_depend_on_warning_filters() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        strict = parse("1if a else 2").names
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        relaxed = parse("1if a else 2").names
    assert strict == relaxed == ("a",)
    assert caught == []


# --- did you mean ----------------------------------------------------------------------------


def test_did_you_mean() -> None:
    assert did_you_mean("clmap", FUNCTIONS) == "; did you mean 'clamp'?"
    assert did_you_mean("harvets", ["harvest", "grain"]) == "; did you mean 'harvest'?"
    assert did_you_mean("zzzzzz", ["harvest", "grain"]) == ""
    assert did_you_mean("x", []) == ""


def test_unknown_function_lists_the_functions() -> None:
    with pytest.raises(FormulaError) as info:
        parse("logg(a)")
    assert "did you mean 'log'?" in info.value.message
    for name in [*FUNCTIONS, PREV]:
        assert name in info.value.message


# --- generated formulas ----------------------------------------------------------------------


# A generated expression is a small tree of tuples:
#   ("num", text) | ("name", n) | ("bin", op, left, right) | ("neg", e) | ("paren", e) | ("call", f, args)
_VARIABLES = ("a", "b", "c")
_CALLS: dict[str, Callable[..., float]] = {
    "min": min, "max": max, "abs": abs, "floor": lambda x: float(math.floor(x)),
    "ceil": lambda x: float(math.ceil(x)), "clamp": lambda x, lo, hi: lo if x < lo else hi if x > hi else x,
    "sqrt": math.sqrt, "logistic": lambda x: 0.0 if x < -700 else 1 / (1 + math.exp(-x)),
    "foo": lambda *xs: 0.0,  # not a function of the language
}
_BINARY: dict[str, Callable[[float, float], float]] = {
    "+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y,
}
_ATOM, _PRODUCT, _SUM = 3, 2, 1  # how tightly a rendered expression holds together


def render(node: tuple[Any, ...]) -> tuple[str, int]:
    """The formula text of ``node`` with only the brackets precedence needs, and its binding."""
    kind = node[0]
    if kind in ("num", "name"):
        return node[1], _ATOM
    if kind == "paren":
        return f"({render(node[1])[0]})", _ATOM
    if kind == "neg":
        return "-" + _wrap(node[1], _ATOM), _ATOM
    if kind == "call":
        return f"{node[1]}({', '.join(render(arg)[0] for arg in node[2])})", _ATOM
    op = node[1]
    level = _SUM if op in "+-" else _PRODUCT
    # Left-associative: the left operand may bind as loosely as this operator, the right must bind tighter.
    return f"{_wrap(node[2], level)} {op} {_wrap(node[3], level + 1)}", level


def _wrap(node: tuple[Any, ...], needed: int) -> str:
    text, binding = render(node)
    return text if binding >= needed else f"({text})"


def value(node: tuple[Any, ...], env: dict[str, float]) -> float:
    """What ``node`` computes, in plain Python floats."""
    kind = node[0]
    if kind == "num":
        return float(node[1])
    if kind == "name":
        return env[node[1]]
    if kind == "paren":
        return value(node[1], env)
    if kind == "neg":
        return -value(node[1], env)
    if kind == "call":
        return _CALLS[node[1]](*[value(arg, env) for arg in node[2]])
    return _BINARY[node[1]](value(node[2], env), value(node[3], env))


_LEAVES = st.one_of(
    st.integers(min_value=0, max_value=20).map(lambda n: ("num", str(n))),
    st.sampled_from(["0.5", "2.25", "1e2", "3.", "0.1"]).map(lambda t: ("num", t)),
    st.sampled_from(_VARIABLES).map(lambda n: ("name", n)),
)
_EXPRESSIONS = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.tuples(st.just("bin"), st.sampled_from(sorted(_BINARY)), children, children),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("paren"), children),
        st.tuples(st.just("call"), st.sampled_from(sorted(_CALLS)), st.lists(children, max_size=4).map(tuple)),
    ),
    max_leaves=25,
)


def test_render_puts_brackets_where_precedence_needs_them() -> None:
    one, two, three = ("num", "1"), ("num", "2"), ("num", "3")
    assert render(("bin", "-", one, ("bin", "-", two, three)))[0] == "1 - (2 - 3)"
    assert render(("bin", "-", ("bin", "-", one, two), three))[0] == "1 - 2 - 3"
    assert render(("bin", "*", ("bin", "+", one, two), three))[0] == "(1 + 2) * 3"
    assert render(("bin", "+", one, ("bin", "*", two, three)))[0] == "1 + 2 * 3"
    assert render(("neg", ("bin", "+", one, two)))[0] == "-(1 + 2)"
    assert evaluate("1 - (2 - 3)") == value(("bin", "-", one, ("bin", "-", two, three)), {}) == 2.0


_ENV = st.fixed_dictionaries({n: st.floats(min_value=-50, max_value=50, allow_nan=False) for n in _VARIABLES})
_ARITHMETIC = (ZeroDivisionError, ValueError, OverflowError)


def _outcome(thunk: Callable[[], float]) -> Any:
    try:
        return thunk()
    except _ARITHMETIC as err:
        return type(err)


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    return x == y


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_EXPRESSIONS, env=_ENV)
def test_generated_expressions_parse_or_fail_cleanly_and_compute_what_they_say(tree: tuple[Any, ...], env: dict[str, float]) -> None:
    """Every generated formula is accepted or refused with a FormulaError; an accepted one
    computes what plain Python computes for the same expression."""
    text = render(tree)[0]
    try:
        formula = parse(text)
    except FormulaError as err:
        assert_inside(err, text)
        known = ("unknown function 'foo'", "takes", "nested more than", "characters long")
        assert any(phrase in err.message for phrase in known), err.message
        return
    assert "foo(" not in text
    assert set(formula.names) <= set(_VARIABLES)
    run, _ = compile_formula(text)
    got, want = _outcome(lambda: run(env)), _outcome(lambda: float(value(tree, env)))
    assert _same(got, want), (text, env, got, want)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_only_ever_raises_formula_error(source: str) -> None:
    try:
        formula = parse(source)
    except FormulaError as err:
        assert_inside(err, source)
        assert err.message
        return
    _check_accepted(formula)


_FORMULA_CHARACTERS = st.lists(
    st.sampled_from(
        list("ab_()[]{}+-*/%<>=!.,:;'\"#\\\n\r\t 0123456789ejx")
        + ["**", "if ", " else ", "and ", "not ", "prev(", "min(", "clamp(", "lambda", "é", "__class__"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_FORMULA_CHARACTERS)
def test_formula_like_text_only_ever_raises_formula_error(source: str) -> None:
    try:
        formula = parse(source)
    except FormulaError as err:
        assert_inside(err, source)
        return
    _check_accepted(formula)


def _check_accepted(formula: Formula) -> None:
    """An accepted formula reads ordinary names and compiles into something that runs."""
    for name in (*formula.names, *formula.prev_names, *formula.exponent_names):
        assert name.isidentifier() and not name.startswith("_") and name not in FUNCTIONS and name != PREV
    for name in (*formula.prev_names, *formula.exponent_names):
        line, col = formula.name_position(name)
        assert line >= 1 and col >= 0
    assert not any(isinstance(node, (ast.Attribute, ast.Subscript, ast.Lambda)) for node in ast.walk(formula.tree))
    run, _ = compile_formula(formula.source)
    values = {n: 1.0 for n in formula.names}
    result = _outcome(lambda: run(values, {n: 1.0 for n in formula.prev_names}))
    assert isinstance(result, float) or result in _ARITHMETIC


# --- the short way (most formulas: one line, ASCII) gives what the full way gives -------------------


def _both_ways(source: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """What parsing ``source`` gives (a formula's source, names and tree with every position; or
    the error's message and place), the short way allowed and the full way alone."""
    from game.formula import parser

    def outcome() -> Any:
        try:
            formula = parser._parse(source)
        except FormulaError as err:
            return ("error", err.message, err.line, err.col)
        return (formula.source, formula.names, formula.prev_names, formula.exponent_names,
                ast.dump(formula.tree, include_attributes=True))

    short = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(parser, "_parse_plain", lambda source, text: None)
        full = outcome()
    return short, full


def _shipped_formulas() -> list[str]:
    from pathlib import Path

    from game.formula import parser
    from game.rules.scenario import available_scenarios, load_scenario

    rules = Path(__file__).resolve().parents[2] / "rules"
    parser._PARSED.clear()
    for ident in available_scenarios(rules):
        load_scenario(ident, rules)
    return sorted(parser._PARSED)


_EDGES = [
    "()", "(a, b)", "a, b", "a,", "(a)", "((a))", "x for x in y", "(x for x in y)", "a := 1", "(a := 1)", "*a", "yield a",
    "1 # a comment", "# only a comment", "a + \\", "lambda: 1", "a.b", "a[1]", "f'{a}'", "'text'", "a if b else c",
    "prev(a) + b ** 2", "min(a, b, c)", "clamp(x, 0, 1)", "not a", "a and b or c", "1 < a <= 2", "a is b", "a in b",
    " a", "\ta", "a\t+ b", "\x0ca", "a\x00", "1if a else 2", "0x1f", "1e400", "10 ** 400", "-" * 59 + "1",
    *("-" * n + "1" for n in range(55, 66)), *("abs(" * n + "x" + ")" * n for n in range(58, 66)),
    *("+".join(["a"] * n) for n in range(58, 68)), *("not " * n + "a" for n in range(58, 66)),
    "a +\n b", "a\n", "a\n\n", "a +\n\n b", "a +\n  \n b", "(a\n)", "a\n+ b\n", "min(a,\n b)\n", "a # c\n+ b",
    "a +\n# c\n b", "a\nb", "a\n, b", "a,\n", "x\nfor x in y", "a +\n  b  \n  ", "prev(a\n)", "a\n if b\n else c",
    "a +\\\n b", "a\r\n+ b", "a\r+ b", "\n a", "a\n\tb", "a;b", "a +\n" * 40 + "a",
]


@pytest.mark.parametrize("source", _EDGES)
def test_the_short_way_gives_what_the_full_way_gives(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    short, full = _both_ways(source, monkeypatch)
    assert short == full


def test_every_shipped_formula_the_short_way_gives_what_the_full_way_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    from game.formula import parser

    formulas = _shipped_formulas()
    assert len(formulas) > 200
    taken = 0
    for source in formulas:
        short, full = _both_ways(source, monkeypatch)
        assert short == full, source
        taken += parser._parse_plain(source, source.rstrip().replace("\n", "\\\n")) is not None
    assert taken > len(formulas) * 9 // 10  # (nearly all take the short way)


@settings(max_examples=300, deadline=None)
@given(_FORMULA_CHARACTERS)
def test_formula_like_text_the_short_way_gives_what_the_full_way_gives(source: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        short, full = _both_ways(source, monkeypatch)
    assert short == full


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_EXPRESSIONS)
def test_generated_expressions_the_short_way_gives_what_the_full_way_gives(tree: tuple[Any, ...]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        short, full = _both_ways(render(tree)[0], monkeypatch)
    assert short == full
