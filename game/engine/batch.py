"""The batch engine: many campaigns of one scenario at once, equal to the season engine.

The season engine (:func:`game.engine.step`) plays one game a season at a time and stays the
reference for play, saves and replays. This module compiles the same validated formula trees
into array code (numpy) and plays N campaigns side by side, one season for all of them at a
time, each campaign with its own levers, seed, draws, events, counters and ending. Its results
are the season engine's, value for value and bit for bit (``tests/test_batch.py`` holds it to
that over every shipped scenario):

* the same operations in the same order on the same float64 numbers: numpy's ``+ - * / %``,
  comparisons, ``sqrt``, ``floor`` and ``ceil`` are IEEE-exact, as Python's are; ``exp``,
  ``log``, ``**`` (always with a full array of exponents: numpy computes ``x ** 2.0`` with a
  scalar exponent as ``x * x``, which can differ in the last bit) and the draws' ``log`` and
  ``cos`` are numpy's where numpy calls the C library for them (checked once per process:
  processors without AVX-512, and a fixed sample that must agree bit for bit), else
  :mod:`math` element by element (exact, slower);
* ``min``, ``max``, ``clamp``, conditionals and ``and``/``or`` pick the value Python picks
  (``min(a, b)`` keeps ``a`` unless ``b < a``: numpy's ``minimum(b, a)``); arithmetic on truth
  values keeps Python's ints (no negative zero);
* the draws come from the same counter-based generator (SplitMix64 in unsigned 64-bit arrays),
  each campaign's counter advancing as the season engine's would;
* a season's variables are first computed optimistically, with numpy raising on division by
  zero, overflow and invalid operations: if nothing is raised, every value stayed finite and
  in its functions' domains, so each operation did what Python's does. Otherwise the season is
  computed again carefully: every campaign for which Python might refuse an operation or
  compute it otherwise (a zero divisor, a power, logarithm or exponential out of its domain or
  near overflow, a nan reaching ``min``), even in a branch Python would not take, is flagged;
* a flagged campaign, or one whose value is not finite or outside its bounds, whose event chance
  is outside 0..1 or whose effect leaves its variable's bounds, is played for that season by the
  season engine itself, from its state: its values are kept, or its
  :class:`~game.engine.RuleError` stops the campaign as a :class:`BatchError`, which names the
  rule, the season and the campaign (``BatchResult.redone`` counts these seasons; on the
  shipped rules, none). A value every campaign shares (parameters and season facts only) that
  Python refuses hands the whole season to the season engine.

Use::

    from game.engine.batch import play_batch, random_levers
    result = play_batch(model, seeds, levers, seasons=28, record=("stock", "price"))
    result.endings                 # per campaign: the ending reached (None: none)
    result.ending_counts()         # Counter of endings (None: ran out of seasons)
    result.values("stock")         # array (campaigns, seasons + 1): value after each season
    result.errors                  # campaign -> the BatchError that stopped it

``levers`` is one of: ``None`` (the scenario's defaults), a mapping of lever names to values or
per-campaign arrays, an array ``(levers,)``, ``(campaigns, levers)`` (a constant policy per
campaign) or ``(campaigns, seasons, levers)`` (a plan per campaign and season), in the order of
``model.levers``; or a callable ``picker(view) -> array (active campaigns, levers)`` asked each
season, given a :class:`BatchView` of the campaigns still playing (a policy that reacts).
``start`` is None (each campaign from :func:`~game.engine.initial_state` with its seed: computed
once when it draws nothing, else per campaign), one :class:`~game.engine.GameState` for all (its
seed replaced by each campaign's), or one per campaign. ``seasons`` defaults to the scenario's
end. ``record`` names the variables kept for every season (``BatchResult.values``);
``record_draws`` and ``record_events`` keep the draws and event flags; ``record="all"`` keeps
everything needed to rebuild every campaign's :class:`~game.engine.GameState` after every season
(:meth:`BatchResult.state`), for tests. ``stop_at_ending=False`` plays every campaign to the last
season (its first ending counts). ``watch(view)`` sees each season as it is played
(:class:`SeasonView`: the arrays of the campaigns that played it; :func:`array_function` turns
any formula of the model into array code to evaluate on them, as the soak does with the
invariants). :func:`random_levers` makes a random plan (the same on every machine),
:func:`lever_steps` gives every value each lever may take.

Pure: no I/O, no clock, no global random state; numpy is its only dependency beyond the engine.
"""

from __future__ import annotations

import ast
import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from game.engine.errors import RuleError
from game.engine.model import ENV, Model, TurnPlan
from game.engine.state import GameState, LogEntry
from game.engine.step import initial_state, step
from game.formula import Formula
from game.formula.compiler import FunctionSpec, load, make_functions, names_in, node_to_python
from game.formula.functions import PREV

Array = np.ndarray
Picker = Callable[["BatchView"], Any]
Levers = None | Mapping[str, Any] | Sequence[float] | Array | Picker

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_M1 = _U64(0xBF58476D1CE4E5B9)
_M2 = _U64(0x94D049BB133111EB)
_MASK = (1 << 64) - 1
_TWO_53 = 1.0 / (1 << 53)


class BatchError(RuleError):
    """A rule failed in one campaign of a batch: the season engine's error, and the campaign."""

    def __init__(self, campaign: int, seed: int, error: RuleError) -> None:
        self.campaign = campaign
        self.seed = seed
        self.error = error
        super().__init__(error.rule, error.season, error.problem, error.values)
        self.args = (f"campaign {campaign} (seed {seed}): {error}",)


@dataclass(frozen=True)
class BatchView:
    """What a lever picker sees before a season: the campaigns still playing (``campaigns``,
    indices into the batch), the season about to be played, last season's values and levers
    (arrays over those campaigns)."""

    turn: int
    season: str
    campaigns: Array
    model: Model
    _values: Array
    _levers: Array

    def value(self, name: str) -> Array:
        """Last season's value of variable ``name`` in each campaign still playing."""
        row: Array = self._values[self.model.index[name]]
        return row

    def lever(self, name: str) -> Array:
        """Last season's setting of lever ``name`` in each campaign still playing."""
        row: Array = self._levers[self.model.lever_index[name]]
        return row


@dataclass(frozen=True)
class SeasonView:
    """One season just played, for a ``watch`` function: the campaigns that played it
    (``campaigns``, indices into the batch) and, with a column per campaign, this season's
    levers, last season's levers, draws, event flags, values and last season's values after the
    events (``prev``); ``facts`` are the season's facts. Arrays are the engine's: read them,
    never write."""

    turn: int
    season: str
    campaigns: Array
    levers: Array
    last_levers: Array
    draws: Array
    events: Array
    values: Array
    prev: Array
    facts: tuple[float, ...]

    def env(self, model: Model) -> tuple[Any, ...]:
        """The arguments of an array function (:func:`array_function`) for this season."""
        return (self.levers, model.P, self.draws, self.events, self.values, self.prev, self.last_levers, self.facts, self.campaigns.size)


@dataclass(frozen=True)
class BatchResult:
    """What a batch played. Arrays are indexed by campaign (in the order of ``seeds``)."""

    model: Model
    seeds: tuple[int, ...]
    start_turn: int
    seasons: int                      # seasons asked for
    played: Array                     # (N,) seasons each campaign played
    ending_codes: Array               # (N,) index into model.compiled_endings, -1: none
    errors: Mapping[int, BatchError]  # campaign -> the error that stopped it
    final: Array                      # (N, variables) values after the last season played
    counters: Array                   # (N,) the generator's counter after the last season
    fired: Array                      # (N, events) once-only events fired so far
    recorded: tuple[str, ...]         # the variables of ``series``
    series: Array                     # (seasons + 1, recorded, N): values after each season; nan once stopped
    draws: Array | None = None        # (seasons, draws, N) each season's draws (record_draws)
    events: Array | None = None       # (seasons, events, N) 1.0 where an event fired (record_events)
    full: _Full | None = field(default=None, repr=False)
    redone: int = 0                   # campaign-seasons handed to the season engine

    @property
    def campaigns(self) -> int:
        return len(self.seeds)

    @property
    def endings(self) -> list[str | None]:
        """Per campaign, the ending reached (None: none, or stopped by an error)."""
        ids = [e.id for e in self.model.compiled_endings]
        return [ids[c] if c >= 0 else None for c in self.ending_codes.tolist()]

    def ending_counts(self) -> Counter[str | None]:
        """How many campaigns reached each ending (None: none; errors not counted)."""
        out: Counter[str | None] = Counter()
        for c, ending in enumerate(self.endings):
            if c not in self.errors:
                out[ending] += 1
        return out

    def values(self, name: str) -> Array:
        """Variable ``name`` (recorded) per campaign after each season: ``(N, seasons + 1)``,
        column 0 the start; nan after a campaign stopped."""
        if name not in self.recorded:
            raise KeyError(f"'{name}' was not recorded (recorded: {', '.join(self.recorded) or 'none'}); play the batch with record=(..., '{name}')")
        return self.series[:, self.recorded.index(name), :].T

    def state(self, campaign: int, turn: int) -> GameState:
        """Campaign ``campaign``'s :class:`GameState` after ``turn`` seasons of the batch
        (``record="all"`` only): equal to the season engine's."""
        if self.full is None:
            raise ValueError("play the batch with record='all' to rebuild its states")
        if turn == 0:
            return self.full.starts.state(campaign)
        if turn > int(self.played[campaign]):
            raise ValueError(f"campaign {campaign} played {int(self.played[campaign])} seasons, not {turn}")
        return self.full.state(self, campaign, turn)


@dataclass(frozen=True)
class _Full:
    """Everything to rebuild the states: per season (index t = after t + 1 seasons) and campaign."""

    starts: _Starts
    values: Array     # (S, V, N)
    prev: Array       # (S, V, N)
    levers: Array     # (S, L, N)
    draws: Array      # (S, D, N)
    events: Array     # (S, E, N)
    counters: Array   # (S, N) uint64
    fired: Array      # (S, E, N) bool
    endings: Array    # (S, N) int

    def state(self, result: BatchResult, c: int, turn: int) -> GameState:
        model = result.model
        t = turn - 1
        absolute = result.start_turn + t
        plan = model.turn_plan(absolute)
        draws = tuple(float(x) for x in self.draws[t, :, c])
        events = tuple(float(x) for x in self.events[t, :, c])
        log: list[LogEntry] = []
        for (name, _spec, fixed, scripted), value in zip(plan.draws, draws):
            if fixed is None or scripted:
                log.append(LogEntry("draw", name, value, scripted=scripted))
        for slot, ev in enumerate(model.compiled_events):
            if events[slot]:
                log.append(LogEntry("event", ev.id, 1.0, ev.event.message))
        fired = tuple(sorted({*self.starts.state(c).fired, *(model.events[e] for e in np.flatnonzero(self.fired[t, :, c]))}))
        code = int(self.endings[t, c])
        return GameState(
            absolute + 1, plan.label, tuple(float(x) for x in self.values[t, :, c]),
            tuple(float(x) for x in self.levers[t, :, c]), draws, events,
            tuple(float(x) for x in self.prev[t, :, c]), result.seeds[c], int(self.counters[t, c]),
            fired, tuple(log), None if code < 0 else model.compiled_endings[code].id,
        )


# ---------------------------------------------------------------------------------------------
# Playing


def play_batch(
    model: Model,
    seeds: Sequence[int] | Array,
    levers: Levers = None,
    *,
    seasons: int | None = None,
    start: GameState | Sequence[GameState] | None = None,
    record: Sequence[str] | Literal["all"] = (),
    record_draws: bool = False,
    record_events: bool = False,
    stop_at_ending: bool = True,
    watch: Callable[[SeasonView], None] | None = None,
) -> BatchResult:
    """Play one campaign per seed, side by side, for ``seasons`` seasons (default: to the end
    of the scenario) or until each reaches an ending (unless not ``stop_at_ending``: then each
    plays on, and its first ending counts) or a rule error. ``watch``, if given, sees every
    season as it is played (a :class:`SeasonView`). See the module's notes for ``levers``,
    ``start`` and ``record``."""
    seeds = tuple(int(s) for s in seeds)
    n_all = len(seeds)
    bm = compiled(model)
    if n_all >= 4096:
        _settle_allocator()
    starts = _Starts(model, seeds, start)
    turn0 = starts.turn
    # By default to the scenario's end; asked for more, the seasons after it are played too,
    # as the season engine would play them.
    seasons = max(0, model.scenario.seasons - turn0) if seasons is None else max(0, seasons)
    full = record == "all"
    names = tuple(model.variables) if full else tuple(record)
    rec = [model.index[n] for n in names]
    nv, nl, nd, ne = len(model.variables), len(model.levers), len(model.draws), len(model.events)
    plan_levers = _LeverPlan(model, levers, n_all, seasons)

    # The working state of the campaigns still playing (columns of ``active``): per variable,
    # lever, draw or event a row, per campaign a column.
    active = np.arange(n_all)
    O, OL, counter, fired = starts.columns(model)
    seed_u = np.array([s & _MASK for s in seeds], dtype=np.uint64)

    series = np.full((seasons + 1, len(rec), n_all), np.nan)
    series[0] = O[rec]
    played = np.zeros(n_all, dtype=np.int64)
    ending_codes = np.full(n_all, -1, dtype=np.int64)
    errors: dict[int, BatchError] = {}
    final = np.empty((nv, n_all))
    final_counter = counter.copy()
    final_fired = fired.copy()
    draws_rec = np.full((seasons, nd, n_all), np.nan) if (record_draws or full) else None
    events_rec = np.zeros((seasons, ne, n_all)) if (record_events or full) else None
    fr = _FullRecorder(seasons, nv, nl, nd, ne, n_all) if full else None

    redone = 0
    with np.errstate(all="ignore"):
        for t in range(seasons):
            n = active.size
            if n == 0:
                break
            turn = turn0 + t
            plan = model.turn_plan(turn)
            L = plan_levers.season(t, turn, plan, active, O, OL)
            try:
                out = _play_season(model, bm, plan, n, L, O, OL, seed_u[active], counter[active], fired)
            except _MATH_ERRORS:
                # A value shared by every campaign (parameters and season facts only) that Python
                # refuses: the season engine plays this season of every campaign.
                out = _Season(np.empty((nv, n)), np.empty((nd, n)), np.zeros((ne, n)), O, counter[active], fired, np.full(n, -1),
                              np.arange(n), np.zeros(n, dtype=bool))
            # Campaigns the arrays may have got wrong this season: the season engine plays them.
            redone += out.bad.size
            if out.bad.size:
                _redo(model, out, turn, active, seeds, L, O, OL, counter, fired, errors)
            everyone = not out.failed.any()
            ok = ~out.failed
            idx = active if everyone else active[ok]
            if draws_rec is not None:
                draws_rec[t][:, active] = out.D
            if events_rec is not None:
                events_rec[t][:, active] = out.E
            if rec:
                series[t + 1][:, idx] = out.V[rec] if everyone else out.V[rec][:, ok]
            if fr is not None:
                fr.season(t, idx, ok, everyone, out, L)
            if watch is not None:
                a = [L, OL, out.D, out.E, out.V, np.asarray(out.prev)]
                if not everyone:
                    a = [x[:, ok] for x in a]
                watch(SeasonView(turn, plan.label, idx, a[0], a[1], a[2], a[3], a[4], a[5], plan.facts))
            counter[active] = out.counter
            played[idx] += 1
            first = (out.code >= 0) & (ending_codes[active] < 0)
            if first.any():
                ending_codes[active[first]] = out.code[first]
            stopped = out.failed | (out.code >= 0) if stop_at_ending else out.failed
            if stopped.any():
                keep = ~stopped
                done = stopped & ok
                final[:, active[done]] = out.V[:, done]
                final[:, active[out.failed]] = O[:, out.failed]
                final_counter[active[stopped]] = out.counter[stopped]
                final_fired[:, active[stopped]] = out.fired[:, stopped]
                active = active[keep]
                O, OL, fired = out.V[:, keep], L[:, keep], out.fired[:, keep]
            else:
                O, OL, fired = out.V, L, out.fired
    final[:, active] = O
    final_counter[active] = counter[active]
    final_fired[:, active] = fired
    ending_codes[list(errors)] = -1
    full_rec = fr.finish(starts) if fr is not None else None
    return BatchResult(model, seeds, turn0, seasons, played, ending_codes, errors, final.T, final_counter, final_fired.T,
                       names, series, draws_rec if record_draws or full else None, events_rec if record_events or full else None, full_rec,
                       redone)


def _settle_allocator() -> None:
    """Allocate and free one large block. The C library's allocator then keeps the freed memory
    of the many mid-sized arrays a season makes instead of returning it to the system after
    each (and taking it back, page fault by page fault): a season runs up to 3x faster."""
    np.empty(1 << 21).fill(0.0)


@dataclass
class _Season:
    """One season's outcome for the campaigns playing it: a row per variable (draw, event...),
    a column per campaign."""

    V: Array        # (variables, n)
    D: Array        # (draws, n)
    E: Array        # (events, n)
    prev: Array     # (variables, n): last season's values after the events' effects
    counter: Array  # (n,)
    fired: Array    # (events, n) bool
    code: Array     # (n,) ending reached, -1: none
    bad: Array      # rows to hand to the season engine
    failed: Array   # (n,) bool: rows a rule error stopped


def _play_season(model: Model, bm: _Compiled, plan: TurnPlan, n: int, L: Array, O: Array, OL: Array,
                 seed: Array, counter: Array, fired: Array) -> _Season:
    P, F = model.P, plan.facts
    bad: Any = False
    # Draws, in order, each campaign from its own counter.
    D = np.empty((len(model.draws), n))
    for k, (_name, spec, fixed, _scripted) in enumerate(plan.draws):
        if fixed is not None:
            D[k] = fixed
        else:
            D[k], counter = _draw(spec, seed, counter)
    # Events: conditions, chances and effects see last season's values (and earlier events' flags).
    E = np.zeros((len(model.events), n))
    prev = O
    if plan.events:
        fired = fired.copy()
        effects: list[tuple[int, Array, Array]] = []
        for slot, ev in plan.events:
            fns = bm.events[slot]
            eligible = ~fired[slot] if ev.event.once else True
            cond, flag = fns[0](L, P, D, E, O, O, OL, F, n)
            bad = bad | (eligible & (flag | ~np.isfinite(cond)))
            go = eligible & (cond != 0.0)
            if not go.any():
                continue
            chance, flag = fns[1](L, P, D, E, O, O, OL, F, n)
            bad = bad | (go & (flag | ~((chance >= 0.0) & (chance <= 1.0))))
            need = go & (chance > 0.0) & (chance < 1.0)
            fire = go & (chance >= 1.0)
            if need.any():
                u = _uniform(seed, counter)
                counter = counter + need.astype(np.uint64)
                fire = fire | (need & (u < chance))
            E[slot] = fire
            if ev.event.once:
                fired[slot] |= fire
            for (index, lo, hi), fn in zip(bm.effect_targets[slot], fns[2:]):
                value, flag = fn(L, P, D, E, O, O, OL, F, n)
                bad = bad | (fire & (flag | ~((value >= lo) & (value <= hi)) | ~np.isfinite(value)))
                effects.append((index, fire, value))
        if effects:
            changed = list(O)  # views: only the rows an effect changes are new
            for index, fire, value in effects:
                changed[index] = np.where(fire, value, changed[index])
            prev = np.array(changed)
    # Variables, checks and endings.
    V = np.empty((len(model.variables), n))
    bad = bad | _variables(bm, (L, P, D, E, prev, OL, F, n, V))
    # Every value finite and within its bounds (an open bound: the largest finite number).
    within = (V >= bm.lo) & (V <= bm.hi)  # a nan fails both
    if not within.all():
        bad = bad | ~within.all(axis=0)
    code = np.full(n, -1, dtype=np.int64)
    undecided = np.ones(n, dtype=bool)
    for k, (end, fn, truth) in enumerate(zip(model.compiled_endings, bm.endings, bm.ending_truth)):
        if end.ending.when == "end" and not plan.last:
            continue
        cond, flag = fn(L, P, D, E, V, prev, OL, F, n)
        if truth:
            bad = bad | (undecided & flag)
        else:
            bad = bad | (undecided & (flag | ~np.isfinite(cond)))
        hit = undecided & (cond != 0.0)
        code[hit] = k
        undecided &= ~hit
    rows = np.flatnonzero(bad) if isinstance(bad, np.ndarray) else (np.arange(n) if bad else np.zeros(0, dtype=np.int64))
    return _Season(V, D, E, prev, counter, fired, code, rows, np.zeros(n, dtype=bool))


def _variables(bm: _Compiled, args: tuple[Any, ...]) -> Any:
    """Every variable of the season, into ``args[-1]``; returns the campaigns flagged.

    First optimistically, without flags: as long as no operation divides by zero, overflows or
    makes a nan (numpy's floating-point flags, which end it at once), every value is finite,
    so no division, power, logarithm or square root was out of its domain and ``min`` and
    ``max`` never met a nan: numpy computes what Python does. Otherwise (rarely) carefully, each
    campaign Python might refuse flagged."""
    try:
        with np.errstate(divide="raise", over="raise", invalid="raise", under="ignore"):
            return bm.optimistic(*args)
    except _MATH_ERRORS:  # FloatingPointError is an ArithmeticError
        return bm.season(*args)


def _redo(model: Model, out: _Season, turn: int, active: Array, seeds: tuple[int, ...], L: Array,
          O: Array, OL: Array, counter_all: Array, fired: Array, errors: dict[int, BatchError]) -> None:
    """Play the rows ``out.bad`` of this season with the season engine, in place."""
    # prev may be last season's values themselves, fired last season's flags: copy first.
    out.prev = np.array(out.prev)
    out.fired = out.fired.copy()
    out.counter = out.counter.copy()
    ids = [x.id for x in model.compiled_endings]
    for row in out.bad.tolist():
        c = int(active[row])
        state = GameState(
            turn, "", tuple(O[:, row].tolist()), tuple(OL[:, row].tolist()), (), (), (),
            seeds[c], int(counter_all[c]), tuple(model.events[e] for e in range(len(model.events)) if fired[e, row]),
        )
        levers = dict(zip(model.levers, L[:, row].tolist()))
        try:
            new = step(model, state, levers)
        except RuleError as err:
            errors[c] = BatchError(c, seeds[c], err)
            out.failed[row] = True
            out.code[row] = -1
            out.counter[row] = counter_all[c]
            out.fired[:, row] = fired[:, row]
            continue
        out.V[:, row] = new.values
        out.prev[:, row] = new.prev_values
        out.D[:, row] = new.draws
        out.E[:, row] = new.events
        out.fired[:, row] = [name in new.fired for name in model.events]
        out.counter[row] = new.counter
        out.code[row] = -1 if new.ending is None else ids.index(new.ending)


class _Starts:
    """Each campaign's starting state: one shared (its seed replaced) or one per campaign."""

    def __init__(self, model: Model, seeds: tuple[int, ...], start: GameState | Sequence[GameState] | None) -> None:
        self.seeds = seeds
        self.shared: GameState | None = None
        self.each: list[GameState] | None = None
        if isinstance(start, GameState):
            self.shared = start
        elif start is not None:
            self.each = list(start)
            if len(self.each) != len(seeds):
                raise ValueError(f"{len(self.each)} starting states for {len(seeds)} campaigns")
            if any(s.turn != self.each[0].turn for s in self.each):
                raise ValueError("every campaign of a batch starts at the same season")
        elif seeds:
            first = initial_state(model, seeds[0])
            if first.counter == 0 and not first.log:
                self.shared = first  # nothing was drawn: the start does not depend on the seed
            else:
                self.each = [initial_state(model, s) for s in seeds]
        else:
            self.each = []

    @property
    def turn(self) -> int:
        if self.shared is not None:
            return self.shared.turn
        assert self.each is not None
        return self.each[0].turn if self.each else 0

    def state(self, c: int) -> GameState:
        if self.shared is not None:
            s = self.shared
            return s if s.seed == self.seeds[c] else GameState(s.turn, s.season, s.values, s.levers, s.draws, s.events,
                                                                s.prev_values, self.seeds[c], s.counter, s.fired, s.log, s.ending)
        assert self.each is not None
        each = self.each[c]
        return each if each.seed == self.seeds[c] else dataclasses.replace(each, seed=self.seeds[c])

    def columns(self, model: Model) -> tuple[Array, Array, Array, Array]:
        """Values ``(variables, N)``, levers ``(levers, N)``, counters ``(N,)`` and once-fired
        flags ``(events, N)``."""
        n = len(self.seeds)
        if self.shared is not None:
            s = self.shared
            return (_across(s.values, n), _across(s.levers, n), np.full(n, s.counter & _MASK, dtype=np.uint64),
                    _across([e in s.fired for e in model.events], n, bool))
        assert self.each is not None
        return (_table([s.values for s in self.each], len(model.variables)), _table([s.levers for s in self.each], len(model.levers)),
                np.array([s.counter & _MASK for s in self.each], dtype=np.uint64),
                _table([[e in s.fired for e in model.events] for s in self.each], len(model.events), bool))


def _across(values: Sequence[Any], n: int, dtype: Any = np.float64) -> Array:
    """One column repeated for ``n`` campaigns: ``(len(values), n)``."""
    return np.repeat(np.array(values, dtype=dtype).reshape(-1, 1), n, axis=1)


def _table(rows: Sequence[Sequence[Any]], width: int, dtype: Any = np.float64) -> Array:
    """Per-campaign rows as columns: ``(width, len(rows))``."""
    return np.ascontiguousarray(np.array(rows, dtype=dtype).reshape(len(rows), width).T)


class _LeverPlan:
    """The levers of each season, from whatever form the caller gave them in."""

    def __init__(self, model: Model, levers: Levers, n: int, seasons: int) -> None:
        self.model = model
        self.picker: Picker | None = None
        self.table: Array | None = None
        nl = len(model.levers)
        if callable(levers):
            self.picker = levers
            return
        if levers is None:
            table = np.array(model.lever_defaults, dtype=np.float64)
        elif isinstance(levers, Mapping):
            unknown = sorted(set(levers) - set(model.levers))
            if unknown:
                raise ValueError(f"unknown levers: {', '.join(unknown)}")
            table = np.empty((n, nl))
            for k, name in enumerate(model.levers):
                table[:, k] = levers.get(name, model.lever_defaults[k])
        else:
            table = np.asarray(levers, dtype=np.float64)
        if table.ndim == 1:
            table = np.broadcast_to(table, (n, nl))
        if table.shape[0] != n or table.shape[-1] != nl or table.ndim not in (2, 3) or (table.ndim == 3 and table.shape[1] < seasons):
            raise ValueError(f"levers of shape {table.shape} for {n} campaigns, {seasons} seasons and {nl} levers")
        # Campaigns last: one lever's values for every campaign lie together.
        self.table = np.ascontiguousarray(np.moveaxis(table, 0, -1))  # (L, N) or (S, L, N)

    def season(self, t: int, turn: int, plan: TurnPlan, active: Array, O: Array, OL: Array) -> Array:
        if self.picker is not None:
            chosen = np.asarray(self.picker(BatchView(turn, plan.label, active, self.model, O, OL)), dtype=np.float64)
            if chosen.shape != (active.size, len(self.model.levers)):
                raise ValueError(f"the lever picker gave shape {chosen.shape}, not {(active.size, len(self.model.levers))}")
            return np.ascontiguousarray(chosen.T)
        assert self.table is not None
        rows = self.table if self.table.ndim == 2 else self.table[t]
        if active.size == rows.shape[1]:  # every campaign still playing
            return rows
        return rows[:, active]


class _FullRecorder:
    def __init__(self, seasons: int, nv: int, nl: int, nd: int, ne: int, n: int) -> None:
        self.values = np.full((seasons, nv, n), np.nan)
        self.prev = np.full((seasons, nv, n), np.nan)
        self.levers = np.full((seasons, nl, n), np.nan)
        self.draws = np.full((seasons, nd, n), np.nan)
        self.events = np.zeros((seasons, ne, n))
        self.counters = np.zeros((seasons, n), dtype=np.uint64)
        self.fired = np.zeros((seasons, ne, n), dtype=bool)
        self.endings = np.full((seasons, n), -1, dtype=np.int64)

    def season(self, t: int, idx: Array, ok: Array, everyone: bool, out: _Season, L: Array) -> None:
        for target, source in ((self.values, out.V), (self.prev, out.prev), (self.levers, L), (self.draws, out.D),
                               (self.events, out.E), (self.fired, out.fired)):
            target[t][:, idx] = source if everyone else source[:, ok]
        self.counters[t, idx] = out.counter if everyone else out.counter[ok]
        self.endings[t, idx] = out.code if everyone else out.code[ok]

    def finish(self, starts: _Starts) -> _Full:
        return _Full(starts, self.values, self.prev, self.levers, self.draws, self.events, self.counters, self.fired, self.endings)


# ---------------------------------------------------------------------------------------------
# The generator, vectorised: exactly rng.uniform / rng.normal / rng.triangular per element.


def _mix(z: Array) -> Array:
    z = z + _GOLDEN
    z = (z ^ (z >> _U64(30))) * _M1
    z = (z ^ (z >> _U64(27))) * _M2
    mixed: Array = z ^ (z >> _U64(31))
    return mixed


def uniform(seed: int, counters: Array) -> Array:
    """``rng.uniform(seed, c)`` for every counter ``c`` in ``counters``, at once."""
    return _uniform(np.full(len(counters), seed & _MASK, dtype=np.uint64), np.asarray(counters, dtype=np.uint64))


def _uniform(seed: Array, counter: Array) -> Array:
    return (_mix(seed ^ _mix(counter)) >> _U64(11)).astype(np.float64) * _TWO_53


def _draw(spec: Any, seed: Array, counter: Array) -> tuple[Array, Array]:
    """Per campaign, what step._draw gives: the value and the advanced counter."""
    lo, hi = spec.min, spec.max
    if spec.distribution == "normal":
        u = _uniform(seed, counter)
        u1 = np.where(1e-300 > u, 1e-300, u)  # max(u, 1e-300)
        u2 = _uniform(seed, counter + _U64(1))
        value = spec.mean + spec.sd * np.sqrt(-2.0 * _apply(np.log, math.log, u1)) * _apply(np.cos, math.cos, 2.0 * math.pi * u2)
        counter = counter + _U64(2)
    elif spec.distribution == "triangular":
        u = _uniform(seed, counter)
        if hi <= lo:
            value = np.full(u.shape, float(lo))
        else:
            mode = spec.mode
            cut = (mode - lo) / (hi - lo)
            low = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            high = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
            value = np.where(u < cut, low, high)
        counter = counter + _U64(1)
    else:
        value = lo + (hi - lo) * _uniform(seed, counter)
        counter = counter + _U64(1)
    value = np.where(lo > value, lo, value)  # max(value, lo)
    value = np.where(hi < value, hi, value)  # min(value, hi)
    return value.astype(np.float64), counter


# ---------------------------------------------------------------------------------------------
# The array helpers of the generated code. Each function that Python may refuse for some input
# returns (value, flag): flag marks the elements where it might (or False when none).


def _map(fn: Callable[..., float], *arrays: Array) -> Array:
    """``fn`` (a :mod:`math` function) element by element: the C library's result exactly.
    Where every campaign has the same inputs, bit for bit (a forecast's levers, and the values
    no draw has reached yet: 53 of the 62 calls of a 200-run forecast), ``fn`` is called once."""
    n = arrays[0].size
    if n > 1 and all(_one_value(a) for a in arrays):
        out = np.empty(n)
        out.fill(fn(*(a.item(0) for a in arrays)))
        return out
    return np.fromiter(map(fn, *(a.tolist() for a in arrays)), np.float64, n)


def _one_value(a: Array) -> bool:
    """Whether every element of ``a`` has the same bits (so -0.0 and 0.0 differ)."""
    raw = a.tobytes()
    return raw == raw[:a.itemsize] * a.size


def _numpy_is_the_c_library() -> bool:
    """Whether numpy's float64 ``exp``, ``log``, ``power`` (with an array of exponents) and
    ``cos`` give exactly what :mod:`math` gives. They do where numpy calls the C library for
    them, which it does unless the processor has AVX-512 (then numpy uses its own kernels, good
    to a few units in the last place); checked here on a fixed sample as well. Elsewhere the
    batch engine calls :mod:`math` element by element (exact, slower)."""
    try:
        from numpy._core import _multiarray_umath as umath  # type: ignore[attr-defined]

        features = dict(getattr(umath, "__cpu_features__", {}))
    except ImportError:  # pragma: no cover - another numpy layout: rely on the sample alone
        features = {}
    if any(features.get(f) for f in ("AVX512F", "AVX512_SKX")):
        return False
    k = np.arange(1, 4001, dtype=np.float64)
    x = np.concatenate([k / 977.0, np.exp(k / 97.0 - 20.0), 1.0 + k * 1e-9, k * 0.173 - 346.0])
    with np.errstate(all="ignore"):
        positive = np.abs(x) + 0.5
        moderate = np.clip(x, -700.0, 700.0)
        checks = [(np.exp(moderate), _map(math.exp, moderate)), (np.cos(x), _map(math.cos, x)), (np.log(positive), _map(math.log, positive))]
        for y in (2.0, 0.5, -1.0, 3.0, 1.7, -0.35):
            exponent = np.full(positive.size, y)
            checks.append((np.power(positive, exponent), _map(math.pow, positive, exponent)))
    return all(np.array_equal(a.view(np.uint64), b.view(np.uint64)) for a, b in checks)


_NUMPY_EXACT: bool | None = None


def _exact() -> bool:
    global _NUMPY_EXACT
    if _NUMPY_EXACT is None:
        _NUMPY_EXACT = _numpy_is_the_c_library()
    return _NUMPY_EXACT


def _apply(ufunc: Any, fn: Callable[..., float], *arrays: Array) -> Array:
    """``fn`` over arrays, exactly as :mod:`math` computes it (numpy's ``ufunc`` when it is the
    same; arrays full-size, never a broadcast scalar: numpy takes shortcuts for those, e.g.
    ``x ** 2.0`` as ``x * x``, which can differ in the last bit)."""
    if _NUMPY_EXACT:
        out: Array = ufunc(*arrays)
        return out
    return _map(fn, *arrays)


def _flag(bad: Array) -> Any:
    return bad


def _exp(x: Array) -> tuple[Array, Any]:
    bad = ~(x <= 709.0)  # overflow, or nan
    return _apply(np.exp, math.exp, np.where(bad, 0.0, x)), _flag(bad)


def _log(x: Array) -> tuple[Array, Any]:
    bad = ~((x > 0.0) & (x < math.inf))
    return _apply(np.log, math.log, np.where(bad, 1.0, x)), _flag(bad)


def _sqrt(x: Array) -> tuple[Array, Any]:
    bad = ~(x >= 0.0)
    return np.sqrt(np.where(bad, 0.0, x)), _flag(bad)


def _floor(x: Array) -> tuple[Array, Any]:
    bad = ~np.isfinite(x)
    return np.floor(x) + 0.0, _flag(bad)  # + 0.0: float(math.floor(-0.0)) is 0.0


def _ceil(x: Array) -> tuple[Array, Any]:
    bad = ~np.isfinite(x)
    return np.ceil(x) + 0.0, _flag(bad)


def _logistic(x: Array) -> Array:
    low = x < -700.0
    e = _apply(np.exp, math.exp, np.where(low, 0.0, -x))
    return np.where(low, 0.0, 1.0 / (1.0 + e))


def _pow(a: Any, b: Any) -> tuple[Array, Any]:
    if isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
        return _pow_by(a, float(b))
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    finite = np.isfinite(a) & np.isfinite(b)
    size = np.abs(b * np.log(np.abs(a)))
    ok = finite & (
        ((a > 0.0) & (size <= 700.0))
        | ((a == 0.0) & (b > 0.0))
        | ((a < 0.0) & (b == np.floor(b)) & (size <= 700.0))
    )
    bad = ~ok
    # np.where gives new full-size arrays: no broadcast scalar reaches np.power.
    return _apply(np.power, math.pow, np.where(bad, 1.0, a), np.where(bad, 1.0, b)), _flag(bad)


def _div(a: Any, b: Any) -> tuple[Array, Any]:
    if isinstance(b, np.ndarray):
        return a / b, _flag(b == 0.0)
    return a / b, b == 0.0  # one divisor for all: zero everywhere or nowhere


def _nan(x: Any) -> Any:
    return _flag(np.isnan(x)) if isinstance(x, np.ndarray) else x != x


# numpy's minimum(b, a) is Python's min(a, b) bit for bit (keeping a unless b < a, signed zeros
# included) except where b is nan (Python keeps a, numpy gives nan): flagged.
def _min2(a: Any, b: Any) -> tuple[Array, Any]:
    return np.minimum(b, a), _nan(b)


def _max2(a: Any, b: Any) -> tuple[Array, Any]:
    return np.maximum(b, a), _nan(b)


def _clamp(x: Any, lo: Any, hi: Any) -> Array:
    """Python's ``lo if x < lo else hi if x > hi else x``."""
    if not isinstance(lo, np.ndarray) and not isinstance(hi, np.ndarray) and lo <= hi:
        # With lo <= hi (so neither is nan) that is minimum(hi, maximum(lo, x)), exactly.
        out: Array = np.minimum(hi, np.maximum(lo, x))
    else:
        out = np.where(x < lo, lo, np.where(x > hi, hi, x))
    return out


def _pow_by(a: Array, b: float) -> tuple[Array, Any]:
    """``a ** b`` for one exponent ``b`` shared by every campaign (the usual case)."""
    if b == 0.0 or b != b:
        bad: Any = b != b  # x ** 0 is 1 for every x; a nan exponent: the season engine decides
    else:
        whole = b == math.floor(b)
        size = np.abs(a)
        if b > 0.0:  # overflow above exp(700 / b); a negative base needs a whole exponent
            bad = ~(size <= math.exp(min(700.0 / b, 709.0)))
            if not whole:
                bad |= ~(a >= 0.0)
        else:  # overflow below exp(700 / b); zero, or a negative base without a whole exponent, is refused
            bad = ~(size >= math.exp(max(700.0 / b, -709.0)))
            if not whole:
                bad |= ~(a > 0.0)
    base = np.where(bad, 1.0, a) if isinstance(bad, np.ndarray) and bad.any() else a
    # A full array of exponents, never a broadcast scalar: numpy takes x ** 2.0 as x * x, and
    # x ** 0.5 as sqrt(x), which can differ from the C library's pow in the last bit.
    return _apply(np.power, math.pow, base, np.full(base.shape, b)), bad


# Without flags, for the optimistic pass (_play_season): whatever goes wrong raises numpy's
# floating-point flags (or, through math, an exception), and the season is played again carefully.
def _power(a: Any, b: Any) -> Array:
    if isinstance(a, np.ndarray) and not isinstance(b, np.ndarray):
        return _apply(np.power, math.pow, a, np.full(a.shape, float(b)))  # full arrays: see _pow_by
    a, b = np.broadcast_arrays(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    return _apply(np.power, math.pow, np.array(a), np.array(b))


def _exp_(x: Array) -> Array:
    return _apply(np.exp, math.exp, x)


def _log_(x: Array) -> Array:
    return _apply(np.log, math.log, x)


def _floor_(x: Array) -> Array:
    out: Array = np.floor(x) + 0.0
    return out


def _ceil_(x: Array) -> Array:
    out: Array = np.ceil(x) + 0.0
    return out


def _mod(a: Any, b: Any) -> tuple[Array, Any]:
    bad = (np.asarray(b) == 0.0) | ~np.isfinite(a) | ~np.isfinite(b)
    return np.remainder(a, b), _flag(np.asarray(bad))


def _zero(x: Any) -> Any:
    return _flag(x == 0.0) if isinstance(x, np.ndarray) else x == 0.0


def _f64(x: Any) -> Any:
    """A truth value (an array or one bool) as 1.0 and 0.0."""
    if isinstance(x, (bool, np.bool_)):
        return float(x)
    return x.astype(np.float64) if isinstance(x, np.ndarray) and x.dtype == np.bool_ else x


def _out(x: Any, n: int) -> Array:
    if isinstance(x, np.ndarray):
        return x if x.dtype == np.float64 else x.astype(np.float64)
    return np.full(n, float(x))


_ARRAY_HELPERS: dict[str, Any] = {
    "_where": np.where, "_abs": np.abs, "_exp": _exp, "_log": _log, "_sqrt": _sqrt, "_floor": _floor,
    "_ceil": _ceil, "_logistic": _logistic, "_pow": _pow, "_mod": _mod, "_f64": _f64, "_out": _out,
    "_div": _div, "_min2": _min2, "_max2": _max2, "_clamp": _clamp, "_zero": _zero,
    "_power": _power, "_exp_": _exp_, "_log_": _log_, "_sqrt_": np.sqrt, "_floor_": _floor_, "_ceil_": _ceil_,
    "_remainder": np.remainder, "_minimum": np.minimum, "_maximum": np.maximum,
    "_add": np.add, "_subtract": np.subtract, "_multiply": np.multiply, "_divide": np.divide,
}
_FLAGGED = {"exp": "_exp", "log": "_log", "sqrt": "_sqrt", "floor": "_floor", "ceil": "_ceil"}


# ---------------------------------------------------------------------------------------------
# Compiling formula trees to array code


@dataclass(frozen=True)
class _Val:
    ref: ast.expr            # a name or a number
    array: bool              # an array over the campaigns (else one Python value for all)
    kind: str                # what Python would hold: "bool", "int" (from arithmetic on truth
                             # values: never a negative zero), "float", or "mixed" (per campaign)
    flag: ast.expr | None    # where Python might refuse it (None: nowhere)

    @property
    def boolean(self) -> bool:
        return self.kind == "bool"


def _join(*kinds: str) -> str:
    """The kind of a value that is one of several (a conditional's branches, min's arguments)."""
    found = {"int" if k == "bool" else k for k in kinds}
    if len(found) == 1:
        only = found.pop()
        return "bool" if only == "int" and all(k == "bool" for k in kinds) else only
    return "mixed"


def _arith(left: str, right: str) -> str:
    """The kind of ``left op right`` for + - * %: a float operand makes a float."""
    if "float" in (left, right):
        return "float"
    if "mixed" in (left, right):
        return "mixed"
    return "int"


def _static_kind(node: ast.expr) -> str:
    """The kind of a formula node's Python value (see _Val.kind)."""
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Div, ast.Pow)):
            return "float"
        return _arith(_static_kind(node.left), _static_kind(node.right))
    if isinstance(node, ast.UnaryOp):
        inner = _static_kind(node.operand)
        return "int" if inner == "bool" else inner
    if isinstance(node, ast.IfExp):
        return _join(_static_kind(node.body), _static_kind(node.orelse))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max", "clamp", "abs"):
        joined = _join(*(_static_kind(a) for a in node.args))
        return "int" if node.func.id == "abs" and joined == "bool" else joined
    return "float"  # numbers, names, prev(), and/or (1.0 or 0.0), the other functions


class _ArrayWriter:
    """Writes the statements computing a formula over arrays, one operation per statement."""

    def __init__(self, model: Model, temp: Callable[[str], str], careful: bool = True) -> None:
        self.model = model
        self.temp = temp
        self.careful = careful  # flag every campaign Python might refuse (else: see _play_season)
        self.out: list[ast.stmt] = []
        self._array: dict[int, bool] = {}

    # -- emitting ---------------------------------------------------------------------------
    def assign(self, value: ast.expr, prefix: str = "_a") -> ast.Name:
        name = self.temp(prefix)
        self.out.append(ast.Assign([load(name, ast.Store())], value))
        return load(name)

    def assign2(self, value: ast.expr) -> tuple[ast.Name, ast.Name]:
        a, b = self.temp("_a"), self.temp("_b")
        self.out.append(ast.Assign([ast.Tuple([load(a, ast.Store()), load(b, ast.Store())], ast.Store())], value))
        return load(a), load(b)

    def either(self, *flags: ast.expr | None) -> ast.expr | None:
        present = [f for f in flags if f is not None]
        if not present:
            return None
        out = present[0]
        for f in present[1:]:
            out = self.assign(ast.BinOp(out, ast.BitOr(), f), "_b")
        return out

    def masked(self, mask: ast.expr, flag: ast.expr | None) -> ast.expr | None:
        return None if flag is None else self.assign(ast.BinOp(mask, ast.BitAnd(), flag), "_b")

    def number(self, v: _Val) -> ast.expr:
        """``v`` fit for arithmetic: a truth-value array as floats."""
        return _c("_f64", v.ref) if v.array and v.boolean else v.ref

    def truth(self, v: _Val) -> ast.expr:
        """``v``'s truth, as Python sees it (non-zero, nan included), as a bool array or value."""
        if v.boolean:
            return v.ref
        return self.assign(ast.Compare(v.ref, [ast.NotEq()], [ast.Constant(0.0)]))

    def signed(self, value: ast.Name, kind: str, flag: ast.expr | None) -> tuple[ast.expr, ast.expr | None]:
        """After an operation that can make a negative zero (-x, x * y, x % y): Python's ints
        have none, so an int result's zeros are made positive; where the kind varies by
        campaign, a zero is flagged (the season engine decides its sign)."""
        if kind == "int":
            return self.assign(ast.BinOp(value, ast.Add(), ast.Constant(0.0))), flag
        if kind == "mixed":
            return value, self.either(flag, self.assign(_c("_zero", value), "_b"))
        return value, flag

    # -- names ------------------------------------------------------------------------------
    def is_array(self, node: ast.expr) -> bool:
        key = id(node)
        found = self._array.get(key)
        if found is None:
            if isinstance(node, ast.Name):
                found = self.model._slots[node.id][0] not in ("parameter", "fact")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                found = node.func.id == PREV or any(self.is_array(arg) for arg in node.args)
            else:
                found = any(self.is_array(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))
            self._array[key] = found
        return found

    def local(self, name: str) -> ast.expr:
        kind, env, slot = self.model._slots[name]
        if kind == "parameter":  # a number for the whole scenario: written into the code, as the season engine does
            return ast.Constant(self.model.P[slot])
        return load(f"{_PREFIX[ENV[env]]}{slot}")

    def local_prev(self, name: str) -> ast.expr:
        if name in self.model.index:
            return load(f"o{self.model.index[name]}")
        return load(f"ol{self.model.lever_index[name]}")

    # -- expressions --------------------------------------------------------------------------
    def expr(self, node: ast.expr) -> _Val:
        if not self.is_array(node):
            # One value for every campaign: the season engine's own Python, evaluated once.
            py = node_to_python(node, self.local, self.local_prev)
            ref = py if isinstance(py, (ast.Name, ast.Constant)) else self.assign(py, "_s")
            return _Val(ref, False, _static_kind(node), None)
        if isinstance(node, ast.Name):
            return _Val(self.local(node.id), True, "float", None)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.UnaryOp):
            v = self.expr(node.operand)
            if isinstance(node.op, ast.Not):
                return _Val(self.assign(ast.UnaryOp(ast.Invert(), self.truth(v))), True, "bool", v.flag)
            kind = "int" if v.kind == "bool" else v.kind
            if isinstance(node.op, ast.UAdd):
                return _Val(self.assign(self.number(v)) if v.boolean else v.ref, True, kind, v.flag)
            value, flag = self.signed(self.assign(ast.UnaryOp(ast.USub(), self.number(v))), kind, v.flag)
            return _Val(value, True, kind, flag)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return self.ifexp(node)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self.call(node)

    def binop(self, node: ast.BinOp) -> _Val:
        left, right = self.expr(node.left), self.expr(node.right)
        a, b = self.number(left), self.number(right)
        flag = self.either(left.flag, right.flag)
        if not self.careful:
            if isinstance(node.op, ast.Pow):
                return _Val(self.assign(_c("_power", a, b)), True, "float", flag)
            if isinstance(node.op, ast.Div):
                return _Val(self.assign(ast.BinOp(a, ast.Div(), b)), True, "float", flag)
        if isinstance(node.op, ast.Pow):
            value, f = self.assign2(_c("_pow", a, b))
            return _Val(value, True, "float", self.either(flag, f))
        if isinstance(node.op, ast.Div):
            value, f = self.assign2(_c("_div", a, b))
            return _Val(value, True, "float", self.either(flag, f))
        kind = _arith(left.kind, right.kind)
        if isinstance(node.op, ast.Mod):
            if self.careful:
                value, f = self.assign2(_c("_mod", a, b))
                flag = self.either(flag, f)
            else:
                value = self.assign(_c("_remainder", a, b))
            ref, flag = self.signed(value, kind, flag)
            return _Val(ref, True, kind, flag)
        value = self.assign(ast.BinOp(a, type(node.op)(), b))
        if isinstance(node.op, ast.Mult):
            ref, flag = self.signed(value, kind, flag)
            return _Val(ref, True, kind, flag)
        return _Val(value, True, kind, flag)

    def boolop(self, node: ast.BoolOp) -> _Val:
        # Python evaluates the operands in turn and stops at the first that decides: a later
        # operand's problems count only where every earlier one let it be evaluated.
        is_and = isinstance(node.op, ast.And)
        first = self.expr(node.values[0])
        result = self.truth(first)
        flag = first.flag
        for sub in node.values[1:]:
            reached = result if is_and else self.assign(ast.UnaryOp(ast.Invert(), result))
            v = self.expr(sub)
            flag = self.either(flag, self.masked(reached, v.flag))
            op: ast.operator = ast.BitAnd() if is_and else ast.BitOr()
            result = self.assign(ast.BinOp(result, op, self.truth(v)))
        # 'a and b' is the float 1.0 or 0.0 (game.formula.compiler), not a bool: -(a and b) can be -0.0.
        return _Val(self.assign(_c("_f64", result)), True, "float", flag)

    def compare(self, node: ast.Compare) -> _Val:
        left = self.expr(node.left)
        flag = left.flag
        result: ast.expr | None = None
        for op, comparator in zip(node.ops, node.comparators):
            right = self.expr(comparator)
            flag = self.either(flag, right.flag if result is None else self.masked(result, right.flag))
            this = self.assign(ast.Compare(left.ref, [type(op)()], [right.ref]))
            result = this if result is None else self.assign(ast.BinOp(result, ast.BitAnd(), this))
            left = right
        assert result is not None
        return _Val(result, True, "bool", flag)

    def ifexp(self, node: ast.IfExp) -> _Val:
        test = self.expr(node.test)
        if not test.array:
            # One test for every campaign: take one branch, as Python does.
            target, target_flag = self.temp("_a"), self.temp("_b")
            branches = []
            kinds = []
            for branch in (node.body, node.orelse):
                writer = _ArrayWriter(self.model, self.temp)
                v = writer.expr(branch)
                kinds.append(v.kind)
                writer.out.append(ast.Assign([load(target, ast.Store())], _c("_out", writer.number(v), load("n"))))
                writer.out.append(ast.Assign([load(target_flag, ast.Store())], v.flag if v.flag is not None else ast.Constant(False)))
                branches.append(writer.out)
            self.out.append(ast.If(test.ref, branches[0], branches[1]))
            kind = _join(*kinds)
            return _Val(load(target), True, "int" if kind == "bool" else kind, load(target_flag))
        t = self.truth(test)
        body, orelse = self.expr(node.body), self.expr(node.orelse)
        value = self.assign(_c("_where", t, self.number(body), self.number(orelse)))
        flag = test.flag
        if body.flag is not None or orelse.flag is not None:
            picked = self.assign(_c("_where", t, body.flag or ast.Constant(False), orelse.flag or ast.Constant(False)), "_b")
            flag = self.either(flag, picked)
        kind = _join(body.kind, orelse.kind)
        return _Val(value, True, "int" if kind == "bool" else kind, flag)

    def call(self, node: ast.Call) -> _Val:
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name == PREV:
            arg = node.args[0]
            assert isinstance(arg, ast.Name)
            return _Val(self.local_prev(arg.id), True, "float", None)
        args = [self.expr(a) for a in node.args]  # every argument is evaluated, as in a call
        flag = self.either(*(a.flag for a in args))
        nums = [self.number(a) for a in args]
        joined = _join(*(a.kind for a in args))
        kind = "int" if joined == "bool" else joined
        if name in ("min", "max"):
            best = nums[0]
            for x in nums[1:]:
                if self.careful:
                    best, f = self.assign2(_c(f"_{name}2", best, x))
                    flag = self.either(flag, f)
                else:  # no nan can be about (see _play_season): numpy's choice is Python's
                    best = self.assign(_c("_minimum" if name == "min" else "_maximum", x, best))
            return _Val(best, True, kind, flag)
        if name == "clamp":
            lo, hi = nums[1], nums[2]
            low_value = lo.value if isinstance(lo, ast.Constant) and isinstance(lo.value, float) else None
            high_value = hi.value if isinstance(hi, ast.Constant) and isinstance(hi.value, float) else None
            if low_value is not None and high_value is not None and low_value <= high_value:
                # What _clamp does with limits that are numbers, lo <= hi, written out: no call.
                low = self.assign(_c("_maximum", lo, nums[0]))
                return _Val(self.assign(_c("_minimum", hi, low)), True, kind, flag)
            return _Val(self.assign(_c("_clamp", *nums)), True, kind, flag)
        if name == "abs":
            return _Val(self.assign(_c("_abs", nums[0])), True, kind, flag)
        if name == "logistic":
            return _Val(self.assign(_c("_logistic", nums[0])), True, "float", flag)
        if not self.careful:
            return _Val(self.assign(_c(f"_{name}_", nums[0])), True, "float", flag)
        value, f = self.assign2(_c(_FLAGGED[name], nums[0]))
        return _Val(value, True, "float", self.either(flag, f))


_PREFIX = {"L": "l", "P": "p", "D": "d", "E": "e", "V": "v", "O": "o", "OL": "ol", "F": "f"}


def _c(helper: str, *args: ast.expr) -> ast.expr:
    return ast.Call(load(helper), list(args), [])


@dataclass(frozen=True)
class _Compiled:
    """A model's formulas as array functions."""

    optimistic: Callable[..., Any]  # (L, P, D, E, O, OL, F, n, V): fills V, returns False (numpy raises on any trouble)
    careful: Callable[[], Callable[..., Any]]  # the same flagging the campaigns Python might refuse: built on first need
    events: tuple[tuple[Callable[..., tuple[Array, Any]], ...], ...]   # per event: condition, chance, effects
    effect_targets: tuple[tuple[tuple[int, float, float], ...], ...]    # per event: (variable, lo, hi) per effect
    endings: tuple[Callable[..., tuple[Array, Any]], ...]
    ending_truth: tuple[bool, ...]  # the condition is a comparison or and/or/not: 0 or 1, always finite
    lo: Array  # (variables, 1): each one's lower bound, or the lowest finite number
    hi: Array

    def season(self, *args: Any) -> Any:
        """The careful season function: fills V, returns the rows flagged."""
        return self.careful()(*args)


_BIG = float(np.finfo(np.float64).max)
_MATH_ERRORS = (ArithmeticError, ValueError, TypeError)


def compiled(model: Model) -> _Compiled:
    """``model``'s formulas compiled to array code (once per model, kept as ``model.array_code``)."""
    _exact()
    found: _Compiled | None = model.array_code
    if found is None:
        found = model.array_code = _compile(model)
    return found


def _compile(model: Model) -> _Compiled:
    counter = iter(range(1, 1 << 62))

    def temp(prefix: str) -> str:
        return f"{prefix}{next(counter)}"

    specs = [_season_spec(model, temp, "optimistic", careful=False)]

    def single(fname: str, formula: Formula) -> None:
        specs.append((fname, [*ENV, "n"], _single_body(model, formula, temp)))

    event_names: list[list[str]] = []
    targets = []
    for slot, ev in enumerate(model.compiled_events):
        parts = ["condition", "chance", *ev.event.effects]
        names: list[str] = []
        for part in parts:
            key = ("events", ev.id, part) if part in ("condition", "chance") else ("events", ev.id, "effects", part)
            fname = f"event{slot}_{len(names)}"
            single(fname, model.scenario_formula(key))
            names.append(fname)
        event_names.append(names)
        targets.append(tuple((index, *model.bounds_of.get(index, (-math.inf, math.inf))) for index, _fn in ev.effects))
    ending_truth = []
    for k, end in enumerate(model.compiled_endings):
        formula = model.scenario_formula(("endings", end.id, "condition"))
        single(f"ending{k}", formula)
        tree = formula.tree
        ending_truth.append(isinstance(tree, (ast.Compare, ast.BoolOp)) or (isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not)))
    fns = _make(specs, f"{model.filename}:batch")
    careful: list[Callable[..., Any]] = []

    def careful_season() -> Callable[..., Any]:
        # Only a season in which numpy met a division by zero, an overflow or a nan needs it
        # (on the shipped rules, hardly ever): compiled then, once.
        if not careful:
            careful.append(_make([_season_spec(model, temp, "season", careful=True)], f"{model.filename}:batch-careful")["season"])
        return careful[0]

    return _Compiled(
        fns["optimistic"],
        careful_season,
        tuple(tuple(fns[n] for n in names) for names in event_names),
        tuple(targets),
        tuple(fns[f"ending{k}"] for k in range(len(model.compiled_endings))),
        tuple(ending_truth),
        np.array([[max(model.bounds_of.get(i, (-_BIG, _BIG))[0], -_BIG)] for i in range(len(model.variables))]),
        np.array([[min(model.bounds_of.get(i, (-_BIG, _BIG))[1], _BIG)] for i in range(len(model.variables))]),
    )


def _season_spec(model: Model, temp: Callable[[str], str], name: str, careful: bool) -> FunctionSpec:
    """The season function ``name(L, P, D, E, O, OL, F, n, V)``: every variable in order into
    ``V``, returning the campaigns flagged (``careful``; else False)."""
    body: list[ast.stmt] = list(_unpack_all(model))
    if model.variables:
        body.append(ast.Assign([ast.Tuple([load(f"o{i}", ast.Store()) for i in range(len(model.variables))], ast.Store())], load("O")))
    body.append(ast.Assign([load("flagged", ast.Store())], ast.Constant(False)))
    for index in model.order:
        writer = _ArrayWriter(model, temp, careful)
        v = writer.expr(model.formulas[model.variables[index]].tree)
        into = _into_row(writer.out[-1] if writer.out else None, v)
        if into is not None:
            # The last operation writes into V's row itself: 'v3 = _multiply(_a7, l2, out=V[3])'.
            ufunc, args = into
            row_out = ast.keyword("out", ast.Subscript(load("V"), ast.Constant(index), ast.Load()))
            group = [*writer.out[:-1], ast.Assign([load(f"v{index}", ast.Store())], ast.Call(load(ufunc), args, [row_out]))]
        else:
            row = ast.Subscript(load("V"), ast.Constant(index), ast.Store())
            group = [*writer.out, ast.Assign([row], v.ref),
                     ast.Assign([load(f"v{index}", ast.Store())], ast.Subscript(load("V"), ast.Constant(index), ast.Load()))]
        if v.flag is not None:
            group.append(ast.Assign([load("flagged", ast.Store())], ast.BinOp(load("flagged"), ast.BitOr(), v.flag)))
        body.extend(_free(group))
    body.append(ast.Return(load("flagged")))
    return (name, ["L", "P", "D", "E", "O", "OL", "F", "n", "V"], body)


# The array operations whose result can be written into a row of V (numpy's 'out='), by the
# operator or helper the generated code writes them with.
_UFUNCS: dict[type, str] = {ast.Add: "_add", ast.Sub: "_subtract", ast.Mult: "_multiply", ast.Div: "_divide"}


def _into_row(stmt: ast.stmt | None, v: _Val) -> tuple[str, list[ast.expr]] | None:
    """When ``stmt``, the last statement computing a variable's value ``v``, is an arithmetic
    operation or a minimum or maximum over arrays giving ``v`` (``_a9 = _a7 * l2``): the numpy
    function and its operands, to write the result straight into the variable's row of ``V``
    (the same operation on the same operands: the same numbers, without copying them into the
    row and taking the row again, about 4,000 instructions a variable)."""
    if not (v.array and isinstance(v.ref, ast.Name) and v.ref.id.startswith("_a") and isinstance(stmt, ast.Assign)):
        return None
    target, value = stmt.targets[0], stmt.value
    if not (len(stmt.targets) == 1 and isinstance(target, ast.Name) and target.id == v.ref.id):
        return None
    if isinstance(value, ast.BinOp) and type(value.op) in _UFUNCS:
        return _UFUNCS[type(value.op)], [value.left, value.right]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("_minimum", "_maximum") and not value.keywords:
        return value.func.id, list(value.args)
    return None


def _make(specs: list[FunctionSpec], filename: str) -> dict[str, Callable[..., Any]]:
    for _name, _args, stmts in specs:
        for line, stmt in enumerate(stmts, start=2):
            stmt.lineno = line
    return _functions(specs, filename)


def _functions(specs: list[FunctionSpec], filename: str) -> dict[str, Callable[..., Any]]:
    """The generated array functions, each number an array operation meets made a 0-d array once
    (see :class:`_Numbers`)."""
    numbers = _Numbers()
    for _name, _args, stmts in specs:
        for stmt in stmts:
            numbers.visit(stmt)
    return make_functions(specs, filename, {**_ARRAY_HELPERS, **numbers.arrays()}, fresh=True)


# The calls of numpy functions on arrays that the generated code makes.
_ARRAY_CALLS = frozenset({"_minimum", "_maximum", "_where", *_UFUNCS.values()})


class _Numbers(ast.NodeTransformer):
    """Each number that is an operand of an array operation (``_a3 = 0.15 * l8``,
    ``_a4 = _maximum(_a3, 0.0)``) read from a 0-d array made once, ``_k0`` and so on: numpy
    converts a Python float operand on every call (about a third of an operation's cost on 200
    campaigns). The 0-d array holds the same float64, so every result is the same, bit for bit;
    the other operand of these operations is always an array over the campaigns, so the result
    is one too. Operations on numbers alone (``_s`` temporaries, Python's) are left as they are."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, float]] = {}  # the number's exact spelling -> (name, number)

    def arrays(self) -> dict[str, Array]:
        return {name: np.array(value, dtype=np.float64) for name, value in self.names.values()}

    def number(self, node: ast.expr) -> ast.expr:
        if isinstance(node, ast.Constant) and type(node.value) is float:
            key = node.value.hex()  # -0.0 and 0.0 apart
            found = self.names.get(key)
            if found is None:
                found = self.names[key] = (f"_k{len(self.names)}", node.value)
            return load(found[0])
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.Assign:
        target, value = node.targets[0], node.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _ARRAY_CALLS:
            value.args = [self.number(a) for a in value.args]  # (written into a row of V, or an '_a' temporary)
        elif isinstance(target, ast.Name) and target.id.startswith("_a"):
            if isinstance(value, ast.BinOp):
                value.left, value.right = self.number(value.left), self.number(value.right)
            elif isinstance(value, ast.Compare):
                value.left, value.comparators = self.number(value.left), [self.number(c) for c in value.comparators]
        return node


def _single_body(model: Model, formula: Formula, temp: Callable[[str], str], careful: bool = True) -> list[ast.stmt]:
    """The body of ``f(L, P, D, E, V, O, OL, F, n) -> (values, flagged)`` for one formula."""
    writer = _ArrayWriter(model, temp, careful)
    v = writer.expr(formula.tree)
    stmts: list[ast.stmt] = [*_unpack_used(model, formula), *writer.out]
    ref = writer.number(v)
    stmts.append(ast.Return(ast.Tuple([_c("_out", ref, load("n")), v.flag if v.flag is not None else ast.Constant(False)], ast.Load())))
    return stmts


def array_function(model: Model, formula: Formula, careful: bool = True) -> Callable[..., tuple[Array, Any]]:
    """``formula`` (of ``model``'s names) as an array function ``f(L, P, D, E, V, O, OL, F, n)``
    returning ``(values, flagged)``: the values for the ``n`` campaigns, and where Python might
    refuse the formula or compute it differently (False: nowhere). ``L``, ``D``, ``E``, ``V``,
    ``O``, ``OL`` have a row per name and a column per campaign; ``P``, ``F`` one value each.
    Not ``careful``: the optimistic code, to run with numpy raising on division by zero,
    overflow and invalid operations (then the careful code must be run instead).
    What the batch engine runs, on its own (for tests and tools)."""
    counter = iter(range(1, 1 << 62))
    body = _single_body(model, formula, lambda prefix: f"{prefix}{next(counter)}", careful)
    for line, stmt in enumerate(body, start=2):
        stmt.lineno = line
    fn = _functions([("formula", [*ENV, "n"], body)], f"{model.filename}:formula")["formula"]
    _exact()
    return fn


def _unpack_all(model: Model) -> list[ast.stmt]:
    return [
        ast.Assign([ast.Tuple([load(f"{_PREFIX[c]}{i}", ast.Store()) for i in range(k)], ast.Store())], load(c))
        for c, k in (("L", len(model.levers)), ("P", len(model.parameters)), ("D", len(model.draws)), ("E", len(model.events)),
                     ("OL", len(model.levers)), ("F", len(model.fact_names)))
        if k
    ]


def _free(group: list[ast.stmt]) -> list[ast.stmt]:
    """``group`` with each temporary deleted after its last use: the arrays go back to the
    allocator at once and the next operation reuses their memory, still in the cache."""
    last: dict[str, int] = {}
    assigned: set[str] = set()
    for i, stmt in enumerate(group):
        for node in names_in(stmt):
            if node.id.startswith(_TEMPS):
                if isinstance(node.ctx, ast.Store):
                    if isinstance(stmt, ast.Assign):  # at the group's top level, not in a branch
                        assigned.add(node.id)
                    last.setdefault(node.id, i)
                else:
                    last[node.id] = i
    out: list[ast.stmt] = []
    for i, stmt in enumerate(group):
        out.append(stmt)
        dead = sorted(name for name, j in last.items() if j == i and name in assigned)
        if dead:
            out.append(ast.Delete([load(name, ast.Del()) for name in dead]))
    return out


_TEMPS = ("_a", "_b", "_s")


def _unpack_used(model: Model, formula: Formula) -> list[ast.stmt]:
    """``v3 = V[3]``, ``p5 = P[5]`` and so on for the names a one-formula function reads."""
    out: list[ast.stmt] = []
    for inp in model.inputs_of(formula):
        container = ENV[inp.env]
        out.append(ast.Assign([load(f"{_PREFIX[container]}{inp.slot}", ast.Store())],
                              ast.Subscript(load(container), ast.Constant(inp.slot), ast.Load())))
    return out


# ---------------------------------------------------------------------------------------------
# Policies


def lever_steps(model: Model) -> list[Array]:
    """Every value each lever may take in the scenario (on the rule set's steps, within the
    scenario's bounds; a locked lever: its default), in the order of ``model.levers``."""
    scenario = model.scenario
    out = []
    for name in model.levers:
        lever = scenario.levers[name]
        if name in scenario.locked:
            out.append(np.array([float(lever.default)]))
            continue
        base = scenario.ruleset.levers[name].min
        first = round((lever.min - base) / lever.step)
        last = round((lever.max - base) / lever.step)
        out.append(np.array([base + k * lever.step for k in range(first, last + 1)], dtype=np.float64))
    return out


def random_levers(model: Model, campaigns: int, seasons: int, seed: int = 0, restless: float | Sequence[float] | Array = 1.0,
                  start_turn: int = 0) -> Array:
    """A random plan of levers ``(campaigns, seasons, levers)`` for the seasons from turn
    ``start_turn`` on: each season every lever moves, with chance ``restless`` (one for all, or
    one per campaign), to a value drawn evenly from its steps (from the counter-based generator:
    the same plan on every machine); until it first moves, a lever keeps the value a game starts
    with (:attr:`Model.start_levers`). A lever the scenario unlocks from a later season
    (``unlocked_from``) stays at its default until then, as a player's would."""
    steps = lever_steps(model)
    nl = len(steps)
    out = np.empty((campaigns, seasons, nl))
    stream = _mix(np.arange(campaigns, dtype=np.uint64) ^ _U64(seed & _MASK))
    # Each campaign starts from the levers a game starts with (history's first season's in a
    # historical scenario; a lever not yet free at its default), as a player who keeps them does.
    current = np.array([list(model.start_levers)] * campaigns).reshape(campaigns, nl)
    unlock = [model.scenario.unlock_turn.get(name, 0) for name in model.levers]
    for t in range(seasons):
        for k, values in enumerate(steps):
            if start_turn + t < unlock[k]:
                continue  # still locked: at its default (the draws of the other levers are unchanged)
            counter = _U64(((t * 64 + k) * 2) & _MASK)
            u = _uniform(stream, np.full(campaigns, counter, dtype=np.uint64))
            pick = values[np.minimum((u * values.size).astype(np.int64), values.size - 1)]
            if np.any(np.asarray(restless) < 1.0):
                move = _uniform(stream, np.full(campaigns, counter + _U64(1), dtype=np.uint64)) < np.asarray(restless)
                current[:, k] = np.where(move, pick, current[:, k])
            else:
                current[:, k] = pick
        out[:, t, :] = current
    return out


__all__ = ["BatchError", "BatchResult", "BatchView", "SeasonView", "array_function", "compiled", "lever_steps", "play_batch",
           "random_levers", "uniform"]
