"""Checking a rule set's invariants against the seasons played (under test, not during play).

:func:`check_invariants` is pure: it reads the model and two consecutive states and returns the
invariants that do not hold, each with the season and the values involved.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from game.engine.model import CompiledInvariant, Env, Fn, Model
from game.engine.state import GameState

# A balance holds when |left - right| <= tolerance * max(1, |left|, |right|): rounding only.
DEFAULT_TOLERANCE = 1e-9
_MATH_ERRORS = (ArithmeticError, ValueError, TypeError)


@dataclass(frozen=True)
class Violation:
    """An invariant that did not hold after a season."""

    invariant: str
    title: str
    season: str
    message: str
    values: Mapping[str, float]

    def __str__(self) -> str:
        shown = ", ".join(f"{name} = {value:.6g}" for name, value in self.values.items())
        return f"{self.season}: invariant {self.invariant} ({self.title}) does not hold: {self.message}" + (f" [{shown}]" if shown else "")


def check_invariants(model: Model, before: GameState, after: GameState) -> tuple[Violation, ...]:
    """The invariants that do not hold in the season that led from ``before`` to ``after``."""
    season = model.scenario.season_at(before.turn)
    env: Env = [after.levers, model.P, after.draws, after.events, after.values, after.prev_values, before.levers, model.facts(season, before.turn)]
    try:
        values = iter(model.invariant_values(*env))
    except _MATH_ERRORS:
        values = None  # one of them fails: check them one by one to say which
    out: list[Violation] = []
    for inv in model.compiled_invariants:
        if values is not None:
            if inv.condition is not None:
                first = next(values)
                if first and math.isfinite(first):
                    continue
            else:
                if _balanced(inv, next(values), next(values)):
                    continue
        violation = _check_one(inv, env, str(season))
        if violation is not None:
            out.append(violation)
    return tuple(out)


def check_history(model: Model, history: Sequence[GameState]) -> tuple[Violation, ...]:
    """Every invariant in every season of a game (``history[0]`` is the state before the first)."""
    return tuple(v for before, after in zip(history, history[1:]) for v in check_invariants(model, before, after))


def _check_one(inv: CompiledInvariant, env: Env, season: str) -> Violation | None:
    try:
        if inv.condition is not None:
            if _value(inv.condition, env):
                return None
            return Violation(inv.id, inv.invariant.title, season, "the condition is false", _inputs(inv, env))
        assert inv.left is not None and inv.right is not None
        left, right = _value(inv.left, env), _value(inv.right, env)
    except _MATH_ERRORS as err:
        return Violation(inv.id, inv.invariant.title, season, f"it cannot be evaluated ({err or type(err).__name__})", _inputs(inv, env))
    if _balanced(inv, left, right):
        return None
    tolerance = _tolerance(inv)
    balance = {"left": left, "right": right, "difference": left - right, **_inputs(inv, env)}
    return Violation(inv.id, inv.invariant.title, season,
        f"left {left:.9g} and right {right:.9g} differ by {left - right:.3g} (tolerance {tolerance:g})", balance)


def _tolerance(inv: CompiledInvariant) -> float:
    return DEFAULT_TOLERANCE if inv.invariant.tolerance is None else inv.invariant.tolerance


def _balanced(inv: CompiledInvariant, left: float, right: float) -> bool:
    return abs(left - right) <= _tolerance(inv) * max(1.0, abs(left), abs(right))


def _inputs(inv: CompiledInvariant, env: Env) -> dict[str, float]:
    return {i.label: env[i.env][i.slot] for i in inv.inputs}


def _value(fn: Fn, env: Env) -> float:
    value = fn(*env)
    if not math.isfinite(value):
        raise ValueError(f"the result is {value}")
    return value
