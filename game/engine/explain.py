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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from game.engine.model import Fn, Input, Model
from game.engine.state import GameState
from game.rules.season import Season


@dataclass(frozen=True)
class Cause:
    """One input's part in a change: ``contribution`` is in the explained variable's units."""

    name: str
    kind: str  # lever, parameter, variable, draw, event, fact, prev, prev_lever; trend (below)
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

    @property
    def change(self) -> float:
        return self.after - self.before


def explain(model: Model, history: Sequence[GameState], turn: int, name: str, depth: int = 3, top: int = 5, baseline: int | None = None,
            memo: Memo | None = None, leaves: frozenset[str] = frozenset()) -> Explanation:
    """Explain variable ``name`` in the season that produced ``history[turn]`` (turn >= 1),
    against the season before it or, given ``baseline``, against ``history[baseline]`` (for
    instance the same season a year earlier). Explanations of one season against one baseline
    may share a ``memo`` (from :func:`new_memo`): each variable's causes are then worked out once.
    Variables in ``leaves`` are not explained further down (the same leaves for a shared memo)."""
    after = history[turn]
    index = model.index[name]
    if turn < 1:
        value = after.values[index]
        return Explanation(name, after.season, value, value, (), 0.0)
    base_turn = turn - 1 if baseline is None else baseline
    before = history[base_turn]
    memo = memo if memo is not None else new_memo()
    key = (turn, base_turn, id(after), id(before), hash(leaves))
    if memo.key != key:
        older = history[base_turn - 1] if base_turn >= 1 else before
        memo.key, memo.cur, memo.base, memo.base_computed = key, _env(model, after, before), _env(model, before, older), base_turn >= 1
        memo.causes.clear()
        memo.leaves = leaves
    causes = _causes(model, name, memo, depth, top)
    b, a = before.values[index], after.values[index]
    other = (a - b) - sum(c.contribution for c in causes)
    tiny = 1e-9 * max(1.0, abs(a), abs(b))
    return Explanation(name, after.season, b, a, causes, other if abs(other) > tiny else 0.0)


@dataclass
class Memo:
    """The two environments of one explained season and the causes worked out so far. The
    environments' lists are changed one slot at a time while a formula is re-evaluated, and
    always put back."""

    key: tuple[int, ...]
    cur: list[list[float]]
    base: list[list[float]]
    base_computed: bool  # the baseline's values were computed by the rules (not a scenario's start)
    causes: dict[tuple[str, int], tuple[Cause, ...]] = field(default_factory=dict)
    leaves: frozenset[str] = frozenset()


def new_memo() -> Memo:
    """An empty memo to share between :func:`explain` calls of one season and one baseline."""
    return Memo((), [], [], False)


def _env(model: Model, state: GameState, previous: GameState) -> list[list[float]]:
    season = Season.parse(state.season)
    return [list(state.levers), list(model.P), list(state.draws), list(state.events), list(state.values),
            list(state.prev_values), list(previous.levers), list(model.facts(season, state.turn - 1))]


def _causes(model: Model, name: str, memo: Memo, depth: int, top: int) -> tuple[Cause, ...]:
    """The top causes of ``name``'s move; each variable is worked out once per depth."""
    key = (name, depth)
    found = memo.causes.get(key)
    if found is None:
        found = memo.causes[key] = _compute_causes(model, name, memo, depth, top)
    return found


def _compute_causes(model: Model, name: str, memo: Memo, depth: int, top: int) -> tuple[Cause, ...]:
    fn = model.variable_fn[name]
    cur, base = memo.cur, memo.base
    index = model.index[name]
    # This season's value and the baseline's, as the season computed them (the rules raise,
    # never clamp, so the formula gives them again); at the start, the rule's value there (a
    # declared stock's differs from its value: see the trend below).
    f_cur = cur[4][index]
    f_base = base[4][index] if memo.base_computed else _safe(fn, base)
    found: list[Cause] = []
    for inp in model.inputs[name]:
        now_seq, then_seq = cur[inp.env], base[inp.env]
        now, then = now_seq[inp.slot], then_seq[inp.slot]
        if now == then:
            continue
        now_seq[inp.slot] = then
        try:
            forward = f_cur - _safe(fn, cur)
        finally:
            now_seq[inp.slot] = now
        then_seq[inp.slot] = now
        try:
            backward = _safe(fn, base) - f_base
        finally:
            then_seq[inp.slot] = then
        contribution = 0.5 * (forward + backward)
        if not math.isfinite(contribution) or contribution == 0.0:
            continue
        sub: tuple[Cause, ...] = ()
        if inp.kind == "variable" and depth > 1 and inp.name not in memo.leaves:
            sub = _causes(model, inp.name, memo, depth - 1, top)
        found.append(Cause(inp.name, inp.kind, then, now, contribution, sub))
    if not memo.base_computed and index in model.initial and math.isfinite(f_base):
        # A stock's starting value is declared, not computed: under the conditions of the season
        # before the first, its rule would already have moved it (to f_base). That pull, a
        # 'trend', is part of its first move (and of a comparison with the start).
        b = base[4][index]
        pull = f_base - b
        if abs(pull) > 1e-12 * max(1.0, abs(b)):
            found.append(Cause(name, "trend", b, f_base, pull))
    found.sort(key=lambda c: -abs(c.contribution))
    return tuple(found[:top])


def _safe(fn, env: Sequence[Sequence[float]]) -> float:  # type: ignore[no-untyped-def]
    try:
        return float(fn(*env))
    except (ArithmeticError, ValueError, TypeError):
        return math.nan


@dataclass(frozen=True)
class Flow:
    """One of the season's inflows or outflows of an accumulated stock: ``part`` is what it
    added (or, negative, took away), in the stock's units."""

    name: str
    kind: str  # variable, lever, draw
    value: float
    part: float


# How far :func:`flows` looks for the way a stock's last value reaches its rule through this
# season's variables (a store: last value -> on hand -> after one outflow -> ... -> the store).
_CHAIN_DEPTH = 8
_CHAIN_PATHS = 64


def _chains(model: Model, name: str) -> list[tuple[str, ...]]:
    """The ways ``name``'s last value reaches its rule: each the variables it passes through this
    season, from the one that reads it to ``name`` itself; only ``name`` alone when its rule reads
    it itself. At most ``_CHAIN_PATHS``, none longer than ``_CHAIN_DEPTH``."""
    index = model.index[name]
    if any(i.env == 5 and i.slot == index for i in model.inputs[name]):
        return [(name,)]
    found: list[tuple[str, ...]] = []

    def walk(variable: str, path: list[str]) -> None:
        if len(found) >= _CHAIN_PATHS or len(path) > _CHAIN_DEPTH:
            return
        for inp in model.inputs[variable]:
            if inp.env == 5 and inp.slot == index and len(path) > 1:
                found.append(tuple(reversed(path)))
            elif inp.env == 4 and inp.name not in path:
                walk(inp.name, [*path, inp.name])

    walk(name, [name])
    return found


def _account(env: list[list[float]], index: int, kept: float, flowing: Sequence[Input],
             rule: Callable[[], float]) -> tuple[list[Flow], float, float] | None:
    """The flows of a stock whose value ``rule()`` gives from ``env`` (its last value ``kept`` at
    ``env[5][index]``), each as its value times the stock's slope in it, with the rule's value
    and the lift it was read at; None when the rule does not keep the last value whole, or the
    flows do not add up on their own."""
    last = env[5]
    # Read the rule with a stock far above any bound, so that a floor it hit does not hide the flows.
    lift = 10.0 * (1.0 + abs(kept) + sum(abs(env[i.env][i.slot]) for i in flowing))
    last[index] = kept + lift
    try:
        base = rule()
        last[index] = kept + lift + 1.0
        raised = rule()
        if not math.isfinite(raised - base) or abs(raised - base - 1.0) > 1e-6:
            return None  # the last value is not kept whole here (it decays, or settles toward a target)
        out: list[Flow] = []
        for inp in flowing:
            seq = env[inp.env]
            now = seq[inp.slot]
            if now == 0:
                continue
            step = 1e-6 * max(1.0, abs(now))
            last[index] = kept + lift
            try:  # the flow times the stock's slope in it: +1 for an inflow, -1 for an outflow
                seq[inp.slot] = now + step
                up = rule()
                seq[inp.slot] = now - step
                down = rule()
            finally:
                seq[inp.slot] = now
            part = now * (up - down) / (2 * step)
            if math.isfinite(part) and part != 0:
                out.append(Flow(inp.name, inp.kind, now, part))
    finally:
        last[index] = kept
    if abs(base - kept - lift - sum(f.part for f in out)) > 1e-6 * max(1.0, lift):
        return None  # the flows do not add up on their own (they interact)
    return out, base, lift


def flows(model: Model, history: Sequence[GameState], turn: int, name: str) -> tuple[Flow, ...] | None:
    """The season's account of a stock that keeps all of its last value and adds this season's
    flows to it (``last + in - out``), as played in ``history[turn]``: each flow's part, largest
    first, and, when the stock ran down to its lower bound, a ``bound`` part for what the flows
    would have taken below it. None when ``name``'s rule does not keep its last value whole (a
    stock that decays or settles toward a target is explained by :func:`explain` instead).

    A rule that does not read its last value itself may reach it through this season's variables
    (on hand, then after each outflow in turn): the account follows the first such chain along
    which the last value is kept whole, the other variables those steps read being the flows (one
    that takes a share of the stock, such as a loss, counts as a flow of its value)."""
    if turn < 1:
        return None
    index = model.index[name]
    env = _env(model, history[turn], history[turn - 1])
    value = env[4][index]
    last = env[5]
    kept = last[index]
    values = env[4]
    for chain in _chains(model, name):
        on_chain = set(chain)
        steps = [(model.index[v], model.variable_fn[v]) for v in chain]
        flowing = list({(i.env, i.slot): i for v in chain for i in model.inputs[v]
                        if i.env in (0, 2) or (i.env == 4 and i.name not in on_chain)}.values())

        def rule(steps: list[tuple[int, Fn]] = steps) -> float:
            """The stock's value from this chain, the variables off it held as played."""
            saved = [values[k] for k, _ in steps[:-1]]
            try:
                for k, fn in steps[:-1]:
                    values[k] = _safe(fn, env)
                return _safe(steps[-1][1], env)
            finally:
                for (k, _), v in zip(steps[:-1], saved):
                    values[k] = v

        found = _account(env, index, kept, flowing, rule)
        if found is not None:
            out, base, lift = found
            break
    else:
        return None
    tolerance = 1e-6 * max(1.0, lift)
    net = sum(f.part for f in out)
    change = value - kept
    if abs(change - net) > tolerance:
        floor = model.bounds_of.get(index, (-math.inf, math.inf))[0]
        if value != floor or change <= net:
            return None
        out.append(Flow(name, "bound", floor, change - net))  # it ran out: the flows wanted more than it held
    return tuple(sorted(out, key=lambda f: -abs(f.part)))
