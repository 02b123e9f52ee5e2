"""The forecast: next season under the current levers, as a range over the weather."""

from __future__ import annotations

import collections
import dataclasses
import math
import struct
import time

import pytest

from game.engine import GameState, Model, RuleError, step
from game.forecast import Forecast, Range, _chances, forecast, quantile, run_seeds
from game.rules.scenario import load_scenario
from game.session import Session
from tests.conftest import RULES, build_scenario, event, variable


def nep_session(seasons: int) -> Session:
    """nep-1923-1930 played under the historical policy for ``seasons`` seasons."""
    scenario = load_scenario("nep-1923-1930", RULES)
    session = Session(scenario, scenario.seed or 1)
    assert scenario.history is not None
    for _ in range(seasons):
        session.set_levers(scenario.history[session.turn])
        session.end_season()
    session.set_levers(scenario.history[session.turn])
    return session


def until_summer_next(session: Session) -> Session:
    while session.next_season.name != "summer":
        if session.scenario.history is not None:
            session.set_levers(session.scenario.history[session.turn])
        session.end_season()
    if session.scenario.history is not None:
        session.set_levers(session.scenario.history[session.turn])
    return session


def reached_by_chance(model: Model) -> set[str]:
    """Variables a draw or an event reaches within the season (through same-season inputs)."""
    reached: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name in model.variables:
            if name in reached:
                continue
            if any(i.kind in ("draw", "event") or (i.kind == "variable" and i.name in reached) for i in model.inputs[name]):
                reached.add(name)
                changed = True
    return reached


def test_the_forecast_leaves_the_session_as_it_was_and_is_deterministic() -> None:
    session = nep_session(5)
    history, levers, redo = list(session.history), dict(session.levers), list(session.redo_stack)
    first = forecast(session, runs=50, seasons=2)
    assert session.history == history and session.levers == levers and session.redo_stack == redo
    assert forecast(session, runs=50, seasons=2) == first
    assert first.runs == 50 and first.season == str(session.next_season)
    assert len(first.ahead) == 2 and first.seasons[1] == str(session.scenario.season_at(session.turn + 1))


def test_the_harvest_band_is_wide_in_summer_and_a_variable_no_draw_reaches_is_certain() -> None:
    session = until_summer_next(nep_session(2))
    result = forecast(session)
    harvest = result.range("harvest")
    assert harvest.width > 0 and not harvest.certain
    assert harvest.min <= harvest.low <= harvest.median <= harvest.high <= harvest.max
    assert harvest.runs == 200
    # What drives it, from the rules: the weather, which the scenario scripts (history's) but
    # nobody knew a season ahead.
    assert [c.name for c in result.drivers()] == ["weather"]
    assert any(c.scripted and c.name == "weather" for c in result.chances)
    assert not any(c.kind == "event" for c in result.chances)
    untouched = set(session.model.variables) - reached_by_chance(session.model)
    assert untouched, "the rules should have variables no draw reaches"
    for name in untouched:
        assert result.range(name).certain, name
        assert result.range(name).width == 0


def test_with_known_draws_the_forecast_is_the_season_itself() -> None:
    session = until_summer_next(nep_session(2))
    result = forecast(session, runs=20, known_draws=True)
    assert result.drivers() == ()
    session.end_season()
    for name in ("harvest", "grain_procured", "scissors", "alliance"):
        assert result.range(name).certain
        assert result.range(name).median == pytest.approx(session.value(name), rel=1e-12)


def test_out_of_summer_the_nep_harvest_is_certain() -> None:
    session = nep_session(0)  # next: winter 1924, no harvest
    assert session.next_season.name != "summer"
    assert forecast(session, runs=30).range("harvest").certain


def test_a_dearer_manufacture_narrows_the_scissors_as_the_rules_say() -> None:
    # scissors = 100 * farm_price_index / retail_goods_price: dearer manufactures, lower scissors.
    session = nep_session(4)
    before = forecast(session, runs=40).range("scissors").median
    lever = session.lever("industrial_price")
    session.set_lever("industrial_price", min(lever.max, session.levers["industrial_price"] + 10 * lever.step))
    after = forecast(session, runs=40).range("scissors").median
    assert after < before


def test_sowing_more_in_spring_raises_the_whole_summer_harvest_band() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    session = Session(scenario, scenario.seed or 1)
    assert session.next_season.name == "spring"
    session.set_lever("acres_to_sow", 300)
    few = forecast(session, seasons=2).range("harvest", 2)
    session.set_lever("acres_to_sow", 900)
    many = forecast(session, seasons=2).range("harvest", 2)
    assert few.width > 0  # the weather is drawn in summer
    assert many.low > few.low and many.median > few.median and many.high > few.high


def test_runs_that_reach_an_ending_are_counted() -> None:
    scenario = load_scenario("nep-1923-1930", RULES)
    session = Session(scenario, 1923)  # the default levers break the alliance within the year
    result = forecast(session, runs=20, seasons=4)
    assert sum(result.endings.values()) <= 20
    assert all(ident in scenario.endings for ident in result.endings)


def test_a_forecast_needs_a_run_and_quantiles_interpolate() -> None:
    with pytest.raises(ValueError):
        forecast(nep_session(0), runs=0)
    assert quantile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert quantile([0.0, 10.0], 0.1) == pytest.approx(1.0)


def test_forecast_time_for_200_runs() -> None:
    session = until_summer_next(nep_session(2))
    forecast(session, runs=10)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        forecast(session, runs=200)
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    forecast(session, runs=200, seasons=4)
    year = (time.perf_counter() - start) * 1000
    print(f"\nforecast, 200 runs of one season: best {min(times):.1f} ms, median {sorted(times)[2]:.1f} ms; "
          f"four seasons: {year:.1f} ms ({len(session.model.variables)} variables)")


def one_by_one(session: Session, runs: int = 200, seasons: int = 1, known_draws: bool = False) -> Forecast:
    """The forecast by its definition, the reference both engines are held to: every run is a
    plain game of the season engine (``step`` from the session's state with the run's seed,
    until the horizon, an ending or a rule's refusal), kept whole; then each figure is worked out
    from the games kept, by this test's own arithmetic (the forecast's bookkeeping is not used)."""
    scenario = session.scenario
    model = session.model if known_draws else session.model.without_scripted_draws()
    start = session.state
    horizon = max(1, min(seasons, scenario.seasons - start.turn)) if start.turn < scenario.seasons else 1
    labels = [str(scenario.season_at(start.turn + k)) for k in range(horizon)]
    games: list[list[GameState]] = []
    refusals: list[str] = []
    for seed in run_seeds(start, runs):
        states = [dataclasses.replace(start, seed=seed, counter=0)]
        while len(states) <= horizon and (len(states) == 1 or states[-1].ending is None):
            try:
                states.append(step(model, states[-1], dict(session.levers)))
            except RuleError as err:
                refusals.append(str(err))
                break
        games.append(states[1:])

    def spread(name: str, values: list[float]) -> Range:
        ordered = sorted(values)
        if not ordered:
            now = start.values[model.variables.index(name)]
            return Range(name, now, now, now, now, now, now, now, 0)

        def q(p: float) -> float:  # linear interpolation between the closest ranks
            rank = (len(ordered) - 1) * p
            below = int(rank)
            above = min(below + 1, len(ordered) - 1)
            return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)

        return Range(name, start.values[model.variables.index(name)], q(0.1), q(0.5), q(0.9), ordered[0], ordered[-1],
                     math.fsum(ordered) / len(ordered), len(ordered))

    ahead = tuple({name: spread(name, [game[k].values[i] for game in games if len(game) > k]) for i, name in enumerate(model.variables)}
                  for k in range(horizon))
    reached = [sum(len(game) > k for game in games) for k in range(horizon)]
    endings = collections.Counter(game[-1].ending for game in games if game and game[-1].ending is not None)
    draw_values: dict = collections.defaultdict(list)
    scripted: dict = {}
    fired: collections.Counter = collections.Counter()
    for game in games:
        for k, state in enumerate(game):
            for entry in state.log:
                if entry.kind != "draw":
                    fired[(entry.name, k)] += 1
                elif entry.scripted:
                    scripted[(entry.name, k)] = entry.value
                else:
                    draw_values[(entry.name, k)].append(entry.value)
    if not known_draws:  # what the scenario will use, though the runs drew it
        scripted.update({(name, turn - start.turn): value for (turn, name), value in scenario.scripted_draws.items()
                         if 0 <= turn - start.turn < horizon})
    return Forecast(tuple(labels), runs, ahead, _chances(session, labels, dict(draw_values), scripted, dict(fired), reached),
                    dict(endings), len(refusals), refusals[0] if refusals else "")


@pytest.mark.parametrize("ident, played, seasons, known", [
    ("nep-1923-1930", 2, 1, False), ("nep-1923-1930", 6, 4, False), ("nep-1923-1930", 6, 2, True),
    ("hammurabi-reign", 0, 4, False), ("scissors-1923", 3, 4, False), ("procurement-crisis-1927", 13, 4, False),
])
def test_the_forecast_is_the_season_engines_runs_one_by_one(ident: str, played: int, seasons: int, known: bool) -> None:
    scenario = load_scenario(ident, RULES)
    session = Session(scenario, scenario.seed or 1)
    for _ in range(played):
        if scenario.history is not None:
            session.set_levers(scenario.history[session.turn])
        session.end_season()
    expected = one_by_one(session, 60, seasons, known)
    got = forecast(session, runs=60, seasons=seasons, known_draws=known, engine="batch")
    assert got == expected
    assert forecast(session, runs=60, seasons=seasons, known_draws=known, engine="season") == expected
    for ahead_got, ahead_expected in zip(got.ahead, expected.ahead):  # bit for bit, the signs of zeros too
        for name, r in ahead_got.items():
            assert struct.pack("<7d", r.current, r.low, r.median, r.high, r.min, r.max, r.mean) == struct.pack(
                "<7d", *(getattr(ahead_expected[name], f) for f in ("current", "low", "median", "high", "min", "max", "mean"))), name


def test_runs_a_rule_refuses_are_counted_as_the_season_engine_counts_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    draws = {"noise": {"distribution": "uniform", "min": 0.0, "max": 1.0, "description": "noise"}}
    scenario = build_scenario(tmp_path, {"share": variable("noise * 1.6", min=0, max=1), "n": variable("prev(n) + rumour", initial=0)},
                              draws=draws, events={"rumour": event(chance="0.4")})
    session = Session(scenario, 5)
    result = forecast(session, runs=80, seasons=3, engine="batch")
    assert 0 < result.failed < 80 and "outside its declared bounds" in result.failure
    assert result == one_by_one(session, 80, 3)
    assert forecast(session, runs=80, seasons=3, engine="season") == result


def test_a_small_forecast_is_played_on_the_season_engine_until_the_batch_engine_is_compiled() -> None:
    from game import forecast as module

    scenario = load_scenario("scissors-1923", RULES)
    session = Session(scenario, 3)
    model = session.model.without_scripted_draws()
    runs = module.SEASON_ENGINE_WORK // 2
    played = []
    real = {name: getattr(module, name) for name in ("_by_season_engine", "_by_batch_engine")}
    for name, fn in real.items():
        setattr(module, name, lambda *args, name=name, fn=fn: played.append(name) or fn(*args))
    try:
        small = forecast(session, runs=runs, seasons=2)
        assert played == (["_by_batch_engine"] if model.array_code is not None else ["_by_season_engine"])
        forecast(session, runs=runs + 1, seasons=2)  # more than the season engine's share: the batch engine
        assert played[-1] == "_by_batch_engine" and model.array_code is not None
        assert forecast(session, runs=runs, seasons=2) == small and played[-1] == "_by_batch_engine"
    finally:
        for name, fn in real.items():
            setattr(module, name, fn)
