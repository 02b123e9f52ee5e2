"""The season step: a pure function of (model, state, levers) returning the next state.

Order within a season: season facts; random draws (scripted ones first), each logged; events,
whose effects adjust last season's values; every variable, in dependency order; the checks
(finite numbers, declared bounds); the endings. Any failure raises :class:`RuleError` naming the
rule, the season and the values, and no new state is made.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from game.engine import rng
from game.engine.errors import RuleError
from game.engine.model import CHECK_FAILED, Env, Fn, Input, Model, resting_value
from game.engine.state import GameState, LogEntry
from game.rules.models import Draw

_MATH_ERRORS = (ArithmeticError, ValueError, TypeError)


def initial_state(model: Model, seed: int) -> GameState:
    """The state before the first season, consistent with the rules: a season 0 that advances no
    stock. The variables that carry their own past keep the scenario's declared values, and every
    other variable is what its rule gives at the start (at the policy in force before the first
    season: history's first levers, else the defaults; with no draws or events; in the season
    before the first), from those values and from ``prev_values``, the state
    the season before: the declared values, what a declared record of the past (``prev(y)``) says
    ``y`` was, and the start's own value for everything else. That last part is found by repeating
    the evaluation until it no longer changes (a chain of records of the past settles in as many
    rounds as it is long; feedback between quantities in a few more), so that each variable's
    starting value is its rule's value at the start (``game.rules.start`` says which are kept)."""
    scenario = model.scenario
    before = scenario.start.plus(-1)
    L = model.start_levers
    D = tuple(resting_value(d) for d in model.draw_specs)
    E = tuple(0.0 for _ in model.events)
    F = model.facts(before, -1)
    label = f"the start ({before})"
    n = len(model.variables)
    kept = [model.initial.get(i, 0.0) for i in range(n)]
    # Whose value the season before the start is fixed: declared, or what a record says it was.
    fixed = dict(model.initial)
    fixed.update(model.before_start)
    O = list(kept)
    for i, value in fixed.items():
        O[i] = value
    V: list[float] = O
    for _ in range(_START_ROUNDS):
        try:
            V = model.season_fn(L, model.P, D, E, O, L, F, None, kept)
        except _MATH_ERRORS:
            V = _reference_start(model, (L, model.P, D, E, O, L, F), kept, label)
        nxt = list(V)
        for i, value in fixed.items():
            nxt[i] = value
        if nxt == O:
            break
        O = nxt
    values = tuple(V)
    _check(model, values, [L, model.P, D, E, V, O, L, F], label)
    return GameState(0, str(before), values, L, D, E, tuple(O), seed, 0)


# At most this many rounds of the start's evaluation (each one call of the season function).
_START_ROUNDS = 40


def _reference_start(model: Model, args: tuple[Sequence[float], ...], kept: Sequence[float], label: str) -> list[float]:
    """The start's variables one rule at a time, a failure raised as a :class:`RuleError` naming
    its rule (the generated function found something wrong)."""
    L, P, D, E, O, OL, F = args
    V = list(kept)
    env: Env = [L, P, D, E, V, O, OL, F]
    for index in model.order:
        if index in model.initial:
            continue
        name = model.variables[index]
        V[index] = _evaluate(model.variable_fn[name], env, f"variables.{name}", label, model.inputs[name])
    return V


def step(model: Model, state: GameState, levers: Mapping[str, float]) -> GameState:
    """Play one season from ``state`` with ``levers`` (every lever of the model, by id)."""
    turn = state.turn
    plan = model.turn_plan(turn)
    label = plan.label
    L = model.levers_tuple(levers)
    F = plan.facts
    seed, counter = state.seed, state.counter
    log: list[LogEntry] = []

    # Draws.
    D = plan.fixed_draws
    if D is not None:  # nothing to draw: the values and the scripted ones' log entries are the plan's
        if plan.fixed_log:
            log.extend(plan.fixed_log)
    else:
        draws: list[float] = []
        for name, spec, fixed, scripted in plan.draws:
            if fixed is None:
                value, counter = _draw(spec, seed, counter)
                draws.append(value)
                log.append(LogEntry.made("draw", name, value))
            else:
                draws.append(fixed)
                if scripted:
                    log.append(LogEntry.made("draw", name, fixed, scripted=True))
        D = tuple(draws)

    # Events: conditions and effects see last season's values.
    O = state.values
    E = [0.0] * len(model.events)
    prev_values = O
    if plan.events:
        env: Env = [L, model.P, D, E, O, O, state.levers, F]
        fired = state.fired
        effects: list[tuple[int, float]] = []
        for slot, ev in plan.events:
            if ev.event.once and ev.id in fired:
                continue
            if not _event_value(ev.condition, env, ev.id, "condition", label):
                continue
            chance = _event_value(ev.chance, env, ev.id, "chance", label)
            if not 0.0 <= chance <= 1.0:
                raise RuleError(f"events.{ev.id}.chance", label, f"a chance must lie between 0 and 1, found {chance:.6g}")
            if chance < 1.0:
                if chance <= 0.0:
                    continue
                u = rng.uniform(seed, counter)
                counter += 1
                if u >= chance:
                    continue
            E[slot] = 1.0
            if ev.event.once:
                fired = (*fired, ev.id)
            for index, fn in ev.effects:
                effects.append((index, _effect(model, ev.id, index, fn, env, label)))
            log.append(LogEntry.made("event", ev.id, 1.0, ev.event.message))
        if effects:
            changed = list(O)
            for index, value in effects:
                changed[index] = value
            prev_values = tuple(changed)
    else:
        fired = state.fired
    if fired is not state.fired or len(fired) > 1 or type(fired) is not tuple:  # else already in order, as a tuple
        fired = tuple(sorted(set(fired)))

    # Variables, checks and endings: one generated function; the slow path names any problem.
    last = plan.last
    try:
        V, code = model.season_fn(L, model.P, D, E, prev_values, state.levers, F, last)
    except _MATH_ERRORS:
        code = CHECK_FAILED
    if code == CHECK_FAILED:
        V, code = _reference_season(model, (L, model.P, D, E, prev_values, state.levers, F), last, label)
    return GameState.made(
        turn + 1, label, tuple(V), L, D, tuple(E), prev_values, seed, counter,
        fired, tuple(log), None if code < 0 else model.compiled_endings[code].id,
    )


def _reference_season(model: Model, args: tuple[Sequence[float], ...], last: bool, season: str) -> tuple[list[float], int]:
    """The season's variables, checks and endings one rule at a time, each failure raised as a
    :class:`RuleError` naming its rule (the generated function found something wrong)."""
    L, P, D, E, O, OL, F = args
    V = [0.0] * len(model.variables)
    env: Env = [L, P, D, E, V, O, OL, F]
    for index in model.order:
        name = model.variables[index]
        V[index] = _evaluate(model.variable_fn[name], env, f"variables.{name}", season, model.inputs[name])
    _check(model, tuple(V), env, season)
    for code, end in enumerate(model.compiled_endings):
        if end.ending.when == "end" and not last:
            continue
        if _evaluate(end.condition, env, f"endings.{end.id}", season):
            return V, code
    return V, -1


def _draw(d: Draw, seed: int, counter: int) -> tuple[float, int]:
    """One value of draw ``d`` from the generator; returns it and the advanced counter."""
    if d.distribution == "normal":
        assert d.mean is not None and d.sd is not None
        value = rng.normal(seed, counter, d.mean, d.sd)
        counter += 2
    elif d.distribution == "triangular":
        assert d.mode is not None
        value = rng.triangular(rng.uniform(seed, counter), d.min, d.mode, d.max)
        counter += 1
    else:
        value = d.min + (d.max - d.min) * rng.uniform(seed, counter)
        counter += 1
    return min(max(value, d.min), d.max), counter


def _evaluate(fn: Fn, env: Env, rule: str, season: str, inputs: Sequence[Input] = ()) -> float:
    try:
        value = fn(*env)
    except ZeroDivisionError:
        raise RuleError(rule, season, "division by zero", _input_values(env, inputs)) from None
    except OverflowError:
        raise RuleError(rule, season, "a number grew too large (overflow)", _input_values(env, inputs)) from None
    except (ValueError, TypeError) as err:
        raise RuleError(rule, season, f"invalid arithmetic ({err})", _input_values(env, inputs)) from None
    if not math.isfinite(value):
        raise RuleError(rule, season, f"the result is {value} (not a finite number)", _input_values(env, inputs))
    return value


def _event_value(fn: Fn, env: Env, event: str, part: str, season: str) -> float:
    """:func:`_evaluate` of an event's condition or chance, its rule's name written only when
    something is wrong (then :func:`_evaluate` evaluates it again and says what)."""
    try:
        value = fn(*env)
    except _MATH_ERRORS:
        return _evaluate(fn, env, f"events.{event}.{part}", season)
    if math.isfinite(value):
        return value
    return _evaluate(fn, env, f"events.{event}.{part}", season)


def _effect(model: Model, event: str, index: int, fn: Fn, env: Env, season: str) -> float:
    """An event's effect on a variable: a finite value within the variable's declared bounds,
    else a :class:`RuleError` naming the effect."""
    name = model.variables[index]
    rule = f"events.{event}.effects.{name}"
    value = _evaluate(fn, env, rule, season)
    lo, hi = model.bounds_of.get(index, _OPEN)
    if not lo <= value <= hi:
        raise RuleError(rule, season, f"the effect sets {name} to {value:.6g}, outside its declared bounds {lo:g}..{hi:g}",
                        {f"prev({name})": env[5][index]})
    return value


_OPEN = (-math.inf, math.inf)


def _input_values(env: Env, inputs: Sequence[Input]) -> dict[str, float]:
    return {i.label: env[i.env][i.slot] for i in inputs}


def _check(model: Model, values: tuple[float, ...], env: Env, season: str) -> None:
    if not math.isfinite(sum(values)):
        for index in model.order:
            if not math.isfinite(values[index]):
                name = model.variables[index]
                raise RuleError(f"variables.{name}", season, f"the result is {values[index]} (not a finite number)", _input_values(env, model.inputs[name]))
    for index, lo, hi in model.bounds:
        value = values[index]
        if not lo <= value <= hi:
            name = model.variables[index]
            details = _input_values(env, model.inputs[name])
            raise RuleError(f"variables.{name}", season, f"value {value:.6g} is outside its declared bounds {lo:g}..{hi:g}", details)
