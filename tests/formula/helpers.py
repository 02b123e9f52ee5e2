"""Shared helpers for the formula tests: compile a formula the way the engine does and run it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from game.formula import FormulaError, expression_function, parse, to_python
from game.formula.compiler import item


def lines_of(source: str) -> list[str]:
    """The lines of a formula as Python (and so the parser) counts them."""
    return re.split(r"\r\n|\r|\n", source)


def assert_inside(err: FormulaError, source: Any) -> None:
    """``err`` carries an int line and column that point inside (or just past the end of) a line
    of ``source``."""
    assert type(err.line) is int and type(err.col) is int, (err.line, err.col)
    if not isinstance(source, str):
        assert (err.line, err.col) == (1, 0)
        return
    lines = lines_of(source)
    assert 1 <= err.line <= len(lines), (err.line, len(lines))
    assert 0 <= err.col <= len(lines[err.line - 1]), (err.col, lines[err.line - 1])


def compile_formula(source: str) -> tuple[Callable[[dict[str, float], dict[str, float]], float], Any]:
    """``(run, formula)``: ``run(values, prev_values)`` evaluates the formula, its names read from
    ``values`` through ``V[i]`` and its ``prev()`` names from ``prev_values`` through ``O[i]``."""
    formula = parse(source)
    names, prevs = list(formula.names), list(formula.prev_names)
    expr = to_python(formula, lambda n: item("V", names.index(n)), lambda n: item("O", prevs.index(n)))
    fn = expression_function("formula", ["V", "O"], expr, "<test>")

    def run(values: dict[str, float] | None = None, prev_values: dict[str, float] | None = None) -> float:
        values, prev_values = values or {}, prev_values or {}
        return fn([values[n] for n in names], [prev_values[n] for n in prevs])

    return run, formula


def evaluate(source: str, **values: float) -> float:
    """The value of ``source`` with its names set from ``values``."""
    run, _ = compile_formula(source)
    return run(values)
