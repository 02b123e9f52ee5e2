"""From a validated formula to a Python function: name resolution, helpers, purity, line numbers."""

from __future__ import annotations

import ast
import copy
import math
from typing import Any

import pytest

from game.formula import FUNCTIONS, expression_function, make_function, parse, to_python
from game.formula.compiler import as_float, item, load


def _resolver(names: list[str], container: str = "V") -> Any:
    return lambda name: item(container, names.index(name))


def _python(source: str) -> tuple[str, Any]:
    formula = parse(source)
    expr = to_python(formula, _resolver(list(formula.names)), _resolver(list(formula.prev_names), "O"))
    return ast.unparse(expr), formula


@pytest.mark.parametrize(
    ("source", "python"),
    [
        ("a + b * 2", "V[0] + V[1] * 2.0"),
        ("b - a", "V[0] - V[1]"),
        ("prev(stock) + stock", "O[0] + V[0]"),
        ("a ** 2", "_f_pow(V[0], 2.0)"),
        ("a ** k", "_f_pow(V[0], V[1])"),
        ("max(a, 1, prev(a))", "_f_max(V[0], 1.0, O[0])"),
        ("clamp(x, 0, 1)", "_f_clamp(V[0], 0.0, 1.0)"),
        ("logistic(-x)", "_f_logistic(-V[0])"),
        ("a if b > 0 else -1", "V[0] if V[1] > 0.0 else -1.0"),
        ("not a and b or c", "_truth(_truth(not V[0] and V[1]) or V[2])"),
        ("1 < a <= 3", "1.0 < V[0] <= 3.0"),
        ("7", "7.0"),
        ("True", "1.0"),
    ],
)
def test_to_python_resolves_names_and_helpers(source: str, python: str) -> None:
    assert _python(source)[0] == python


def test_to_python_turns_every_number_into_a_float() -> None:
    formula = parse("1 + 2 * max(3, 4) ** 2 + 0x10")
    expr = to_python(formula, _resolver([]), _resolver([]))
    constants = [node.value for node in ast.walk(expr) if isinstance(node, ast.Constant)]
    assert sorted(constants) == [1.0, 2.0, 2.0, 3.0, 4.0, 16.0]
    assert all(type(value) is float for value in constants)


def test_resolver_is_called_for_every_use() -> None:
    formula = parse("a + a * prev(b) + prev(b)")
    seen: list[tuple[str, str]] = []

    def resolve(name: str) -> ast.expr:
        seen.append(("now", name))
        return item("V", 0)

    def resolve_prev(name: str) -> ast.expr:
        seen.append(("prev", name))
        return item("O", 0)

    to_python(formula, resolve, resolve_prev)
    assert seen == [("now", "a"), ("now", "a"), ("prev", "b"), ("prev", "b")]


def test_expression_function_evaluates() -> None:
    formula = parse("clamp(harvest * (1 - tax) / mouths, 0, 10)")
    names = list(formula.names)
    fn = expression_function("fed", ["V"], to_python(formula, _resolver(names), _resolver([])), "rules.toml:fed")
    values = {"harvest": 120.0, "tax": 0.25, "mouths": 30.0}
    assert fn([values[n] for n in names]) == 3.0
    values["mouths"] = 3.0
    assert fn([values[n] for n in names]) == 10.0
    assert fn.__name__ == "fed"
    assert fn.__code__.co_filename == "rules.toml:fed"
    assert fn.__code__.co_varnames[: fn.__code__.co_argcount] == ("V",)


def test_expression_function_with_several_containers() -> None:
    formula = parse("prev(stock) * (1 + rate) - a")
    expr = to_python(formula, lambda n: item("P" if n == "rate" else "V", 0), lambda n: item("O", 3))
    fn = expression_function("f", ["P", "V", "O"], expr, "<test>")
    assert fn([0.5], [1.0], [0.0, 0.0, 0.0, 10.0]) == 14.0


def test_expression_function_returns_a_float() -> None:
    for source in ("1 < 2", "abs(-3)", "a < 2", "not a", "floor(a)"):
        formula = parse(source)
        fn = expression_function("f", ["V"], to_python(formula, _resolver(list(formula.names)), _resolver([])), "<t>")
        result = fn([1])  # even given an int
        assert type(result) is float


def test_compiling_twice_gives_the_same_function_and_leaves_the_tree_alone() -> None:
    formula = parse("a ** 2 + max(prev(a), b) * 3 - (c if c > 1 else 1)")
    before = ast.dump(formula.tree, include_attributes=True)
    snapshot = copy.deepcopy(formula.tree)
    first = to_python(formula, _resolver(list(formula.names)), _resolver(list(formula.prev_names), "O"))
    second = to_python(formula, _resolver(list(formula.names)), _resolver(list(formula.prev_names), "O"))
    assert ast.dump(formula.tree, include_attributes=True) == before
    assert ast.dump(snapshot) == ast.dump(formula.tree)
    assert ast.dump(first) == ast.dump(second)
    assert first is not second and first is not formula.tree
    # The compiled functions (and their line placement) do not touch the formula either.
    f1 = expression_function("f", ["V", "O"], first, "<t>")
    f2 = expression_function("f", ["V", "O"], second, "<t>")
    assert ast.dump(formula.tree, include_attributes=True) == before
    for v in ([2.0, 3.0, 0.5], [1.0, -1.0, 4.0]):
        assert f1(v, [5.0]) == f2(v, [5.0]) == v[0] ** 2 + max(5.0, v[1]) * 3 - (v[2] if v[2] > 1 else 1)
    # A third compilation, after the functions exist, still sees the original names.
    assert ast.unparse(to_python(formula, _resolver(list(formula.names)), _resolver(["a"], "O"))) == ast.unparse(first)


def test_power_never_gives_a_complex_number() -> None:
    formula = parse("a ** 0.5")
    fn = expression_function("f", ["V"], to_python(formula, _resolver(["a"]), _resolver([])), "<t>")
    assert fn([9.0]) == 3.0
    with pytest.raises(ValueError):
        fn([-9.0])
    assert "_f_pow" in fn.__globals__
    assert all(f"_f_{name}" in fn.__globals__ for name in FUNCTIONS)


def _numbered(lines: list[tuple[int, str]]) -> list[ast.stmt]:
    body = []
    for line, text in lines:
        stmt = ast.parse(text).body[0]
        stmt.lineno = line
        body.append(stmt)
    return body


def _last_frame(tb: Any) -> Any:
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb


def test_make_function_reports_the_line_of_the_failing_statement() -> None:
    body = _numbered([(2, "x = V[0] + 1"), (5, "y = V[1] * 2"), (9, "z = x / V[2]"), (12, "return z + y")])
    fn = make_function("season", ["V"], body, "rules/model.toml")
    assert fn([1.0, 2.0, 4.0]) == 4.5
    with pytest.raises(ZeroDivisionError) as info:
        fn([1.0, 2.0, 0.0])
    last = _last_frame(info.value.__traceback__)
    assert last.tb_lineno == 9
    assert last.tb_frame.f_code.co_filename == "rules/model.toml"
    assert last.tb_frame.f_code.co_name == "season"


def test_each_statement_keeps_its_own_line() -> None:
    body = _numbered([(3, "a = 1.0 / V[0]"), (4, "b = 1.0 / V[1]"), (7, "return 1.0 / V[2]")])
    fn = make_function("f", ["V"], body, "<t>")
    for zero_at, line in ((0, 3), (1, 4), (2, 7)):
        values = [1.0, 1.0, 1.0]
        values[zero_at] = 0.0
        with pytest.raises(ZeroDivisionError) as info:
            fn(values)
        assert _last_frame(info.value.__traceback__).tb_lineno == line


def test_formula_positions_are_replaced_by_the_statement_line() -> None:
    # A multi-line formula arrives with its own positions (the division is on its line 4); the
    # statement it is compiled into decides the line reported.
    formulas = [parse("a +\n\n\n b / c"), parse("a * 2")]
    body: list[ast.stmt] = []
    for line, formula in zip((7, 8), formulas):
        expr = to_python(formula, _resolver(["a", "b", "c"]), _resolver([]))
        stmt = ast.Assign([ast.Subscript(load("O"), ast.Constant(line - 7), ast.Store())], as_float(expr))
        stmt.lineno = line
        body.append(stmt)
    ret = ast.Return(load("O"))
    ret.lineno = 9
    body.append(ret)
    fn = make_function("season", ["V", "O"], body, "<t>")
    assert fn([1.0, 4.0, 2.0], [0.0, 0.0]) == [3.0, 2.0]
    with pytest.raises(ZeroDivisionError) as info:
        fn([1.0, 4.0, 0.0], [0.0, 0.0])
    assert _last_frame(info.value.__traceback__).tb_lineno == 7


def test_expression_function_error_line() -> None:
    formula = parse("a /\n\n b")
    fn = expression_function("f", ["V"], to_python(formula, _resolver(["a", "b"]), _resolver([])), "<t>")
    with pytest.raises(ZeroDivisionError) as info:
        fn([1.0, 0.0])
    assert _last_frame(info.value.__traceback__).tb_lineno == 2


def test_error_inside_a_helper_is_traced_to_the_generated_function() -> None:
    body = _numbered([(2, "x = V[0]"), (6, "return _f_pow(x, 0.5)")])
    fn = make_function("f", ["V"], body, "gen.toml")
    with pytest.raises(ValueError) as info:
        fn([-1.0])
    frames = []
    tb = info.value.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    assert ("gen.toml", 6) in frames


def test_make_function_with_an_empty_body_returns_none() -> None:
    assert make_function("f", ["V"], [], "<t>")([1.0]) is None


def test_logistic_does_not_overflow() -> None:
    formula = parse("logistic(a)")
    fn = expression_function("f", ["V"], to_python(formula, _resolver(["a"]), _resolver([])), "<t>")
    assert fn([-1e6]) == 0.0
    assert fn([1e6]) == 1.0
    assert math.isclose(fn([0.0]), 0.5)


def test_helpers_are_the_functions_of_the_language() -> None:
    formula = parse("a")
    fn = expression_function("f", ["V"], to_python(formula, _resolver(["a"]), _resolver([])), "<t>")
    for name, spec in FUNCTIONS.items():
        assert fn.__globals__[f"_f_{name}"] is spec.run
    assert set(fn.__globals__) == {*(f"_f_{n}" for n in FUNCTIONS), "_f_pow", "_float", "_truth", "__builtins__"}


def test_and_or_give_truth_values_not_operands() -> None:
    for source, expected in (("2 and 3", 1.0), ("0 or 5", 1.0), ("0 and 5", 0.0), ("0 or 0", 0.0), ("not 4", 0.0)):
        fn = expression_function("f", ["V"], to_python(parse(source), _resolver([]), _resolver([])), "<t>")
        assert fn([]) == expected, source


def test_functions_made_by_make_function_have_empty_builtins() -> None:
    fn = make_function("f", ["V"], _numbered([(2, "return V[0]")]), "<t>")
    assert fn.__builtins__ == {}  # type: ignore[attr-defined]
    assert fn([4.0]) == 4.0
