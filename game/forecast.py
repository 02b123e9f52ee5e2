"""The next season under the current levers, as a range over what chance may bring.

:func:`forecast` plays the coming season (or the next few) many times from the session's current
state with the levers the player is setting, each run with its own random stream: the weather
and every other draw the rules make, and the events that fire by chance, differ from run to run;
everything else is the rules'. The result gives, for every variable, the spread of its value
(10th, 50th and 90th percentiles, the extremes) and says which draws and chance events made it.

It never changes the session, and it is deterministic: the run seeds are derived from the
current state, so the same session with the same levers always gets the same forecast, and two
lever settings are compared over the same weather.

A scenario that replays history's weather scripts those draws; nobody knew that weather a season
ahead, so the forecast draws them like any other (``known_draws=True`` uses the script instead).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from game.engine import GameState, Model, RuleError, rng, step
from game.lazydata import dataclass, made
from game.session import Session

# Salt for the forecast's seeds, so its random streams are not the game's own.
_SALT = 0x0F0CA57


@dataclass(frozen=True)
class Range:
    """The spread of one variable's value over the runs, beside its value now."""

    name: str
    current: float
    low: float      # 10th percentile
    median: float
    high: float     # 90th percentile
    min: float
    max: float
    mean: float
    runs: int

    @property
    def width(self) -> float:
        """The width of the likely range (p90 - p10)."""
        return self.high - self.low

    @property
    def certain(self) -> bool:
        """Every run gave the same value: chance does not reach it."""
        return self.max - self.min <= 1e-9 * max(1.0, abs(self.max), abs(self.min))


@dataclass(frozen=True)
class Chance:
    """A draw or an event that varied between the runs (or was fixed by the scenario)."""

    kind: str          # "draw" or "event"
    name: str
    description: str
    season: str        # the season it comes in
    low: float         # a draw's p10..p90 over the runs; an event: runs it fired in / runs
    high: float
    scripted: bool = False


@dataclass(frozen=True)
class Forecast:
    """What the coming seasons may bring under the current levers."""

    seasons: tuple[str, ...]                     # the seasons forecast, the next one first
    runs: int
    ahead: tuple[Mapping[str, Range], ...]       # per season ahead: every variable's range
    chances: tuple[Chance, ...]                  # what varied (and what the scenario fixed)
    endings: Mapping[str, int]                   # ending id -> runs that reached it
    failed: int = 0                              # runs a rule refused (RuleError)
    failure: str = ""                            # the first such refusal, in words

    @property
    def season(self) -> str:
        """The season forecast (the next one)."""
        return self.seasons[0]

    @property
    def ranges(self) -> Mapping[str, Range]:
        """Every variable's range next season."""
        return self.ahead[0]

    def range(self, name: str, ahead: int = 1) -> Range:
        """The range of ``name`` ``ahead`` seasons from now (1: the next season)."""
        return self.ahead[ahead - 1][name]

    def drivers(self, ahead: int | None = None) -> tuple[Chance, ...]:
        """The draws and chance events that varied (in the first ``ahead`` seasons, default all)."""
        seasons = set(self.seasons[: ahead or len(self.seasons)])
        return tuple(c for c in self.chances if not c.scripted and c.season in seasons)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile of already sorted values, interpolating between neighbours."""
    if not sorted_values:
        return math.nan
    at = (len(sorted_values) - 1) * q
    lo = math.floor(at)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (at - lo)


def run_seeds(state: GameState, runs: int) -> list[int]:
    """The seed of each run, derived from the state (never from the clock). The levers play no
    part: two lever settings are compared over the same weather, so a difference between their
    forecasts is the levers' doing, not luck's."""
    base = _seed_base(state)
    return [int(rng.uniform(base, k) * (1 << 53)) for k in range(runs)]


def _seed_base(state: GameState) -> int:
    return int(rng.uniform(state.seed ^ _SALT, state.counter * 1_000_003 + state.turn) * (1 << 53))


# Up to this many campaign-seasons (the warnings' 200 weathers x 2 seasons), a forecast is played
# on the season engine unless the batch engine is already compiled for the model: there it takes
# about 20 ms, less than importing numpy and compiling the batch engine (about 170 ms, once).
SEASON_ENGINE_WORK = 400


def forecast(session: Session, runs: int = 200, seasons: int = 1, known_draws: bool = False,
             engine: Literal["auto", "batch", "season"] = "auto") -> Forecast:
    """Play the next ``seasons`` seasons ``runs`` times under the current levers from the current
    state; the spread of every variable. The levers are held for every season forecast. A run
    that reaches an ending stops there (later seasons count the runs still going); a run a rule
    refuses is counted in ``failed``. Draws the scenario scripts are drawn too, unless
    ``known_draws``. The session is left exactly as it was.

    The runs are played side by side by the batch engine, or one by one by the season engine
    (``engine``; ``"auto"``: the season engine for a small forecast, up to
    :data:`SEASON_ENGINE_WORK` campaign-seasons, unless the batch engine is compiled for the
    model already). Both give the same forecast, bit for bit."""
    if runs < 1:
        raise ValueError("a forecast needs at least one run")
    scenario = session.scenario
    model = session.model if known_draws else session.model.without_scripted_draws()
    start = session.state
    horizon = max(1, min(seasons, scenario.seasons - start.turn)) if start.turn < scenario.seasons else 1
    labels = [str(scenario.season_at(start.turn + k)) for k in range(horizon)]
    if engine == "auto":
        small = runs * horizon <= SEASON_ENGINE_WORK and model.array_code is None
        engine = "season" if small else "batch"
    played = (_by_season_engine if engine == "season" else _by_batch_engine)(session, model, runs, horizon)
    ahead, draw_values, scripted, fired, reached, endings, failed, failure = played
    if not known_draws:  # what the scenario will use, though the runs drew it
        for k in range(horizon):
            for (turn, name), value in scenario.scripted_draws.items():
                if turn == start.turn + k:
                    scripted[(name, k)] = value
    chances = _chances(session, labels, draw_values, scripted, fired, reached)
    return Forecast(tuple(labels), runs, ahead, chances, endings, failed, failure)


# What the runs gave: per season ahead every variable's range, the draws' values, the draws the
# scenario scripted, events' counts, the runs that reached each season, the endings reached, the
# runs a rule refused and the first refusal.
_Played = tuple[tuple[dict[str, Range], ...], dict[tuple[str, int], list[float]], dict[tuple[str, int], float],
                dict[tuple[str, int], int], list[int], dict[str, int], int, str]


def _by_batch_engine(session: Session, model: Model, runs: int, horizon: int) -> _Played:
    import numpy as np  # numpy and the batch engine: only when a forecast needs them

    from game.engine.batch import play_batch, uniform

    start = session.state
    levers = np.array([float(session.levers[name]) for name in model.levers])
    begin = dataclasses.replace(start, counter=0)
    seeds = [int(u) for u in (uniform(_seed_base(start), range(runs)) * (1 << 53)).tolist()]  # run_seeds', at once
    result = play_batch(model, seeds, levers, seasons=horizon, start=begin, record=model.variables,
                        record_draws=True, record_events=True)
    played = result.played
    reached = [int(np.count_nonzero(played > k)) for k in range(horizon)]
    draw_values: dict[tuple[str, int], list[float]] = {}
    scripted: dict[tuple[str, int], float] = {}
    fired: dict[tuple[str, int], int] = {}
    assert result.draws is not None and result.events is not None
    for k in range(horizon):
        went = played > k
        if not reached[k]:
            continue
        for d, (name, _spec, fixed, is_scripted) in enumerate(model.turn_plan(start.turn + k).draws):
            if fixed is None:
                draw_values[(name, k)] = result.draws[k, d, went].tolist()
            elif is_scripted:
                scripted[(name, k)] = fixed
        for e, name in enumerate(model.events):
            count = int(np.count_nonzero(result.events[k, e, went]))
            if count:
                fired[(name, k)] = count
    endings = {ident: count for ident, count in result.ending_counts().items() if ident is not None}
    failure = str(result.errors[min(result.errors)].error) if result.errors else ""
    current = start.values
    ahead = tuple(_table_ranges(model.variables, current, result.series[k + 1][:, played > k]) for k in range(horizon))
    return ahead, draw_values, scripted, fired, reached, endings, len(result.errors), failure


def _by_season_engine(session: Session, model: Model, runs: int, horizon: int) -> _Played:
    start = session.state
    rows: list[list[tuple[float, ...]]] = [[] for _ in range(horizon)]  # each season ahead: every run's values
    draw_values: dict[tuple[str, int], list[float]] = {}
    scripted: dict[tuple[str, int], float] = {}
    fired: dict[tuple[str, int], int] = {}
    reached = [0] * horizon
    endings: dict[str, int] = {}
    failed, failure = 0, ""
    levers = dict(session.levers)
    for seed in run_seeds(start, runs):
        state = GameState.made(start.turn, start.season, start.values, start.levers, start.draws, start.events, start.prev_values,
                               seed, 0, start.fired, start.log, start.ending)  # (dataclasses.replace, without its cost)
        for k in range(horizon):
            if state.ending is not None and k > 0:
                break
            try:
                state = step(model, state, levers)
            except RuleError as err:
                failed += 1
                failure = failure or str(err)
                break
            rows[k].append(state.values)
            for entry in state.log:
                if entry.kind == "draw":
                    if entry.scripted:
                        scripted[(entry.name, k)] = entry.value
                    else:
                        draw_values.setdefault((entry.name, k), []).append(entry.value)
                else:
                    fired[(entry.name, k)] = fired.get((entry.name, k), 0) + 1
            reached[k] += 1
            if state.ending is not None:
                endings[state.ending] = endings.get(state.ending, 0) + 1
    ahead = tuple(_ranges(model.variables, start.values, [list(column) for column in zip(*rows[k])] if rows[k] else [[] for _ in model.variables])
                  for k in range(horizon))
    return ahead, draw_values, scripted, fired, reached, endings, failed, failure


def _ranges(names: Sequence[str], current: Sequence[float], samples: list[list[float]]) -> dict[str, Range]:
    out = {}
    for index, name in enumerate(names):
        values = sorted(samples[index])
        if not values:
            now = current[index]
            out[name] = Range(name, now, now, now, now, now, now, now, 0)
            continue
        out[name] = Range(name, current[index], quantile(values, 0.1), quantile(values, 0.5), quantile(values, 0.9),
                          values[0], values[-1], math.fsum(values) / len(values), len(values))
    return out


def _table_ranges(names: Sequence[str], current: Sequence[float], table: Any) -> dict[str, Range]:
    """:func:`_ranges` of a table (a row per variable, a column per run), the same numbers:
    the rows sorted as Python's ``sorted`` sorts them, the quantiles the same arithmetic, and the
    mean ``math.fsum`` over the runs (for a value every run shares, ``runs * value``, which is
    what ``fsum`` gives), divided by the runs.

    numpy's default sort is not stable, but among finite numbers only a zero and a negative
    zero are equal without being the same: a row holding both is sorted again, stably (numpy's
    stable sort orders equal values as ``sorted`` does)."""
    import numpy as np

    runs = table.shape[1]
    if runs == 0:
        return _ranges(names, current, [[] for _ in names])
    varied = np.flatnonzero((table != table[:, :1]).any(axis=1))  # rows where the runs differ: sorted
    rows = table[varied]
    ordered = np.sort(rows, axis=1)
    zeros = np.flatnonzero((ordered == 0.0).any(axis=1))
    if zeros.size:
        ordered[zeros] = np.sort(rows[zeros], axis=1, kind="stable")

    def at(q: float) -> Any:
        where = (runs - 1) * q
        lo = math.floor(where)
        hi = min(lo + 1, runs - 1)
        return ordered[:, lo] + (ordered[:, hi] - ordered[:, lo]) * (where - lo)

    spread = dict(zip(varied.tolist(), zip(at(0.1).tolist(), at(0.5).tolist(), at(0.9).tolist(), ordered[:, 0].tolist(),
                                          ordered[:, -1].tolist(),
                                          (math.fsum(memoryview(row)) for row in ordered))))
    same = table[:, 0].tolist()
    made(Range)  # a dataclass before its first instance is made below
    new = object.__new__
    out = {}
    for index, name in enumerate(names):
        found = spread.get(index)
        if found is None:  # every run gave the same value: each quantile is that value, fsum is runs * value
            value = same[index]
            q = value + 0.0  # what quantile() computes: value + (value - value) * fraction
            low = median = high = q
            first = last = value
            mean = float(runs) * value / runs
        else:
            low, median, high, first, last, total = found
            mean = total / runs
        # Range(name, current, low, median, high, first, last, mean, runs), without the frozen
        # dataclass's field-by-field __init__ (one for every variable and season ahead): each
        # field set in the instance's own dictionary, in the order of the fields (the cheapest).
        r = out[name] = new(Range)
        d = r.__dict__
        d["name"] = name
        d["current"] = current[index]
        d["low"] = low
        d["median"] = median
        d["high"] = high
        d["min"] = first
        d["max"] = last
        d["mean"] = mean
        d["runs"] = runs
    return out


def _chances(session: Session, labels: Sequence[str], draw_values: Mapping[tuple[str, int], list[float]],
             scripted: Mapping[tuple[str, int], float], fired: Mapping[tuple[str, int], int],
             reached: Sequence[int]) -> tuple[Chance, ...]:
    rs = session.scenario.ruleset
    events = {**rs.events, **session.scenario.events}
    out: list[Chance] = []
    for (name, k), values in sorted(draw_values.items(), key=lambda item: (item[0][1], item[0][0])):
        values = sorted(values)
        low, high = quantile(values, 0.1), quantile(values, 0.9)
        if values[-1] - values[0] > 0:
            out.append(Chance("draw", name, rs.draws[name].description, labels[k], low, high))
    for (name, k), value in sorted(scripted.items(), key=lambda item: (item[0][1], item[0][0])):
        out.append(Chance("draw", name, rs.draws[name].description, labels[k], value, value, scripted=True))
    for (name, k), count in sorted(fired.items(), key=lambda item: (item[0][1], item[0][0])):
        total = reached[k]
        if 0 < count < total:  # fired in some runs only: chance
            event = events.get(name)
            title = event.title if event is not None else name
            out.append(Chance("event", name, title, labels[k], count / total, count / total))
    return tuple(out)
