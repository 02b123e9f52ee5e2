"""The story's formulas evaluated on a game: a headline's or a debrief paragraph's condition, a
scorecard axis season by season; and story texts with their numbers filled in."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from game.engine import GameState, Model
from game.present.cache import once_per
from game.present.numbers import quantity
from game.rules.ruleset import Ruleset
from game.rules.season import Season
from game.rules.story import PLACEHOLDER

Fn = Callable[..., float]


def story_functions(model: Model) -> Mapping[tuple[str | int, ...], Fn]:
    """Every story formula of the model's rule set as a function of a season's environment,
    compiled once per model."""
    def build() -> dict[tuple[str | int, ...], Fn]:
        out: dict[tuple[str | int, ...], Fn] = {}
        for key, formula in model.ruleset.story.formulas.items():
            try:
                out[key] = model.function(formula, "story." + ".".join(map(str, key)))
            except KeyError:  # a name a mod has removed since the story was written: never holds
                continue
        return out
    return once_per(model, "story-functions", build)


def environment(model: Model, history: Sequence[GameState], turn: int) -> list[Sequence[float]]:
    """What a formula reads after ``history[turn]``: its levers, draws, events and values, and
    last season's values and levers."""
    state = history[turn]
    previous = history[turn - 1] if turn >= 1 else state
    return [state.levers, model.P, state.draws, state.events, state.values, state.prev_values, previous.levers,
            model.facts(Season.parse(state.season), state.turn - 1)]


def evaluate(model: Model, key: tuple[str | int, ...], env: list[Sequence[float]]) -> float:
    """A story formula's value (NaN when it cannot be computed, or the formula is missing)."""
    fn = story_functions(model).get(key)
    if fn is None:
        return math.nan
    try:
        value = float(fn(*env))
    except (ArithmeticError, ValueError, TypeError):
        return math.nan
    return value


def holds(model: Model, key: tuple[str | int, ...], env: list[Sequence[float]]) -> bool:
    """Does a story condition hold (a true, finite value)?"""
    value = evaluate(model, key, env)
    return math.isfinite(value) and value != 0


def fill(ruleset: Ruleset, text: str, values: Mapping[str, float], levers: Mapping[str, str] | None = None) -> str:
    """A story text with each ``{name}`` replaced by that number with its unit (a lever: as
    ``levers`` writes it, else its number)."""
    def one(match) -> str:  # type: ignore[no-untyped-def]
        name = match.group(1)
        if levers is not None and name in levers:
            return levers[name]
        if name in values:
            return quantity(ruleset, name, values[name])
        return match.group(0)
    return " ".join(PLACEHOLDER.sub(one, text).split())
