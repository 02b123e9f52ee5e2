"""Why a variable moved: its inputs ranked by how much each one's change moved it.

For a variable ``y = f(x1, ..., xn)`` between last season (inputs ``b``) and this season
(inputs ``c``), the contribution of input ``i`` is the average of two one-at-a-time changes:
moving ``i`` alone from ``b`` to ``c``, and moving everything but ``i``. The two agree when ``f``
is additive; their average splits an interaction evenly. Whatever the contributions leave
unexplained (interactions of three or more inputs) is reported as ``other``. Inputs that are
this season's variables are explained in turn, down the dependency graph.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from game.engine.model import Env, Input, Model
from game.engine.state import GameState
from game.rules.season import Season


@dataclass(frozen=True)
class Cause:
    """One input's part in a change: ``contribution`` is in the explained variable's units."""

    name: str
    kind: str  # lever, parameter, variable, draw, event, fact, prev, prev_lever
    before: float
    after: float
    contribution: float
    causes: tuple[Cause, ...] = ()


@dataclass(frozen=True)
class Explanation:
    """Why ``variable`` went from ``before`` to ``after`` in ``season``."""

    variable: str
    season: str
    before: float
    after: float
    causes: tuple[Cause, ...]
    other: float
    # In the first season, a starting value set by the scenario (not computed by the rule) makes
    # the rule's own value at last season's inputs differ from ``before``: that gap, separately.
    start_gap: float = 0.0

    @property
    def change(self) -> float:
        return self.after - self.before


def explain(model: Model, history: Sequence[GameState], turn: int, name: str, depth: int = 3, top: int = 5, baseline: int | None = None) -> Explanation:
    """Explain variable ``name`` in the season that produced ``history[turn]`` (turn >= 1),
    against the season before it or, given ``baseline``, against ``history[baseline]`` (for
    instance the same season a year earlier)."""
    after = history[turn]
    index = model.index[name]
    if turn < 1:
        value = after.values[index]
        return Explanation(name, after.season, value, value, (), 0.0)
    base_turn = turn - 1 if baseline is None else baseline
    before = history[base_turn]
    older = history[base_turn - 1] if base_turn >= 1 else before
    cur = _env(model, after, before)
    base = _env(model, before, older)
    causes = _causes(model, name, cur, base, depth, top, {})
    b, a = before.values[index], after.values[index]
    f_base = _safe(model.variable_fn[name], base)
    gap = b - f_base if base_turn == 0 and index in model.initial and math.isfinite(f_base) else 0.0
    other = (a - b) + gap - sum(c.contribution for c in causes)
    tiny = 1e-9 * max(1.0, abs(a), abs(b))
    return Explanation(name, after.season, b, a, causes, other if abs(other) > tiny else 0.0, -gap if abs(gap) > tiny else 0.0)


def _env(model: Model, state: GameState, previous: GameState) -> Env:
    season = Season.parse(state.season)
    return [state.levers, model.P, state.draws, state.events, state.values, state.prev_values, previous.levers, model.facts(season, state.turn - 1)]


def _causes(model: Model, name: str, cur: Env, base: Env, depth: int, top: int, memo: dict[tuple[str, int], tuple[Cause, ...]]) -> tuple[Cause, ...]:
    """The top causes of ``name``'s move; each variable is worked out once per depth."""
    key = (name, depth)
    if key not in memo:
        memo[key] = _compute_causes(model, name, cur, base, depth, top, memo)
    return memo[key]


def _compute_causes(model: Model, name: str, cur: Env, base: Env, depth: int, top: int, memo: dict[tuple[str, int], tuple[Cause, ...]]) -> tuple[Cause, ...]:
    fn = model.variable_fn[name]
    f_cur = _safe(fn, cur)
    f_base = _safe(fn, base)
    found: list[Cause] = []
    for inp in model.inputs[name]:
        now, then = cur[inp.env][inp.slot], base[inp.env][inp.slot]
        if now == then:
            continue
        forward = f_cur - _safe(fn, _with(cur, inp, then))
        backward = _safe(fn, _with(base, inp, now)) - f_base
        contribution = 0.5 * (forward + backward)
        if not math.isfinite(contribution) or contribution == 0.0:
            continue
        sub: tuple[Cause, ...] = ()
        if inp.kind == "variable" and depth > 1:
            sub = _causes(model, inp.name, cur, base, depth - 1, top, memo)
        found.append(Cause(inp.name, inp.kind, then, now, contribution, sub))
    found.sort(key=lambda c: -abs(c.contribution))
    return tuple(found[:top])


def _with(env: Env, inp: Input, value: float) -> Env:
    changed = list(env)
    seq = list(env[inp.env])
    seq[inp.slot] = value
    changed[inp.env] = seq
    return changed


def _safe(fn, env: Env) -> float:  # type: ignore[no-untyped-def]
    try:
        return float(fn(*env))
    except (ArithmeticError, ValueError, TypeError):
        return math.nan
