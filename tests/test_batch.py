"""The batch engine plays exactly the season engine's games, many at once.

For every shipped scenario, many seeds and several kinds of policy (random levers, steady and
restless; every lever at its minimum or maximum; the historical policy; the defaults; a policy
that reacts to the state), every campaign's state after every season -- values, last season's
values after the events, draws, events, the generator's counter, the once-only events fired, the
log and the ending -- equals the season engine's, bit for bit. Then the parts one by one on small
rule sets: errors, the events' bounds, draws of every distribution, scripted draws, endings.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from game.engine import GameState, Model, RuleError, initial_state, step
from game.engine.batch import BatchResult, BatchView, lever_steps, play_batch, random_levers
from game.rules.scenario import available_scenarios, load_scenario
from game.session import Session
from tests.conftest import RULES, build_scenario, ending, event, lever, variable

SCENARIOS = available_scenarios(RULES)


def bits(values: tuple[float, ...]) -> bytes:
    return struct.pack(f"<{len(values)}d", *values)


def season_engine(model: Model, seed: int, plan: np.ndarray, start: GameState | None = None, stop: bool = True) -> tuple[list[GameState], RuleError | None]:
    """One campaign played by the season engine with ``plan[t]`` as the levers of season t."""
    state = start if start is not None else initial_state(model, seed)
    if start is not None:
        state = GameState(state.turn, state.season, state.values, state.levers, state.draws, state.events, state.prev_values,
                          seed, state.counter, state.fired, state.log, state.ending)
    states = [state]
    for t in range(len(plan)):
        try:
            state = step(model, state, dict(zip(model.levers, plan[t].tolist())))
        except RuleError as err:
            return states, err
        states.append(state)
        if stop and state.ending is not None:
            break
    return states, None


def assert_same_games(model: Model, seeds: list[int], plans: np.ndarray, result: BatchResult, start: GameState | None = None,
                      stop: bool = True) -> int:
    """Every campaign of ``result`` equals the season engine's game, state by state, bit for bit."""
    compared = 0
    for c, seed in enumerate(seeds):
        states, error = season_engine(model, seed, plans[c], start, stop)
        assert int(result.played[c]) == len(states) - 1, f"campaign {c}"
        for turn, expected in enumerate(states):
            got = result.state(c, turn)
            assert got == expected, f"campaign {c} (seed {seed}), turn {turn}"
            for field in ("values", "prev_values", "draws", "events", "levers"):
                assert bits(getattr(got, field)) == bits(getattr(expected, field)), f"campaign {c}, turn {turn}: {field}"
            compared += 1
        if error is not None:
            assert c in result.errors and str(result.errors[c].error) == str(error)
            assert result.endings[c] is None
        else:
            assert c not in result.errors
            ending = states[-1].ending if stop else next((s.ending for s in states if s.ending), None)
            assert result.endings[c] == ending
        assert bits(tuple(result.final[c].tolist())) == bits(states[-1].values)
        assert int(result.counters[c]) == states[-1].counter
    return compared


def policies(model: Model, campaigns: int, seasons: int) -> dict[str, np.ndarray]:
    steps = lever_steps(model)
    low = np.array([s[0] for s in steps])
    high = np.array([s[-1] for s in steps])
    out = {
        "random": random_levers(model, campaigns, seasons, seed=11),
        "steady": random_levers(model, campaigns, seasons, seed=12, restless=0.05),
        "restless": random_levers(model, campaigns, seasons, seed=13, restless=0.3),
        "extremes": np.where((np.arange(campaigns) % 2 == 0)[:, None, None], low, high) * np.ones((campaigns, seasons, len(steps))),
        "defaults": np.broadcast_to(np.array(model.lever_defaults), (campaigns, seasons, len(steps))).copy(),
    }
    history = model.scenario.history
    if history is not None:
        plan = np.array([[float(h[name]) for name in model.levers] for h in history[:seasons]])
        nudged = random_levers(model, campaigns, seasons, seed=14, restless=0.15)
        take = (np.arange(campaigns) % 3 == 0)[:, None, None]
        out["history"] = np.where(take, plan[None, :, :], nudged)
    return out


@pytest.mark.parametrize("ident", SCENARIOS)
def test_every_shipped_scenario_plays_the_same_games(ident: str) -> None:
    model = Model(load_scenario(ident, RULES))
    seasons = model.scenario.seasons
    campaigns = 16
    total = 0
    for name, plan in policies(model, campaigns, seasons).items():
        seeds = [hash((ident, name, c)) & 0xFFFF_FFFF for c in range(campaigns)]
        result = play_batch(model, seeds, plan, record="all")
        total += assert_same_games(model, seeds, plan, result)
        # The arrays did the work: the season engine played few (if any) of these seasons.
        assert result.redone <= 0.02 * result.played.sum(), (name, result.redone)
    assert total > campaigns * 5


@pytest.mark.parametrize("ident", SCENARIOS)
def test_playing_on_past_the_endings_is_the_same_too(ident: str) -> None:
    model = Model(load_scenario(ident, RULES))
    seasons = model.scenario.seasons
    seeds = list(range(5, 13))
    plan = random_levers(model, len(seeds), seasons, seed=3, restless=0.5)
    result = play_batch(model, seeds, plan, record="all", stop_at_ending=False)
    assert assert_same_games(model, seeds, plan, result, stop=False) >= len(seeds) * seasons


def test_a_batch_from_a_game_in_progress(tmp_path: Path) -> None:
    model = Model(load_scenario("nep-1923-1930", RULES))
    history = model.scenario.history
    assert history is not None
    state = initial_state(model, 1923)
    for t in range(9):
        state = step(model, state, history[t])
    seeds = [3, 1 << 70, -5, 0]  # seeds as the generator takes them (modulo 2**64)
    plan = random_levers(model, len(seeds), 4, seed=1)
    result = play_batch(model, seeds, plan, seasons=4, start=state, record="all")
    assert result.start_turn == 9 and result.seasons == 4
    for c, seed in enumerate(seeds):
        states, _ = season_engine(model, seed, plan[c], start=state)
        assert [result.state(c, k) for k in range(len(states))] == states


def test_a_policy_that_reacts_to_the_state() -> None:
    model = Model(load_scenario("nep-1923-1930", RULES))
    price = model.lever_index["procurement_price"]
    steps = lever_steps(model)[price]
    defaults = np.array(model.lever_defaults)

    def react(values: dict[str, float]) -> np.ndarray:
        out = defaults.copy()
        out[price] = steps[-1] if values["middle_peasant_trust"] < 45 else steps[0]
        return out

    seen: list[BatchView] = []

    def picker(view: BatchView) -> np.ndarray:
        seen.append(view)
        trust = view.value("middle_peasant_trust")
        out = np.repeat(defaults[None, :], view.campaigns.size, axis=0)
        out[:, price] = np.where(trust < 45, steps[-1], steps[0])
        return out

    seeds = list(range(6))
    result = play_batch(model, seeds, picker, record="all")
    assert seen and seen[0].turn == 0 and seen[0].season == "1923-autumn"
    for c, seed in enumerate(seeds):
        state = initial_state(model, seed)
        for turn in range(int(result.played[c])):
            state = step(model, state, dict(zip(model.levers, react(dict(zip(model.variables, state.values))).tolist())))
            assert result.state(c, turn + 1) == state


# -- the parts, on small rule sets -------------------------------------------------------------

def small(tmp_path: Path, variables: dict, **extra) -> Model:  # type: ignore[no-untyped-def]
    return Model(build_scenario(tmp_path, variables, **extra))


def test_draws_of_every_distribution_and_scripted_draws(tmp_path: Path) -> None:
    draws = {
        "weather": {"distribution": "normal", "mean": 1.0, "sd": 0.4, "min": 0.5, "max": 1.5, "seasons": ["summer", "autumn"],
                    "default": 1.0, "description": "weather"},
        "noise": {"distribution": "uniform", "min": -1.0, "max": 2.0, "description": "noise"},
        "tri": {"distribution": "triangular", "min": 0.0, "mode": 0.2, "max": 1.0, "description": "skewed"},
        "flat": {"distribution": "triangular", "min": 3.0, "mode": 3.0, "max": 3.0, "description": "no width"},
    }
    model = small(tmp_path, {"w": variable("weather * noise + tri - flat")}, draws=draws,
                  scenario_tables={"scripted_draws": [{"season": "1928-summer", "draw": "weather", "value": 1.25}]})
    seeds = list(range(40))
    plan = np.zeros((40, 8, 0))
    result = play_batch(model, seeds, plan, record="all")
    assert assert_same_games(model, seeds, plan, result) == 40 * 9
    assert len(set(result.draws[0, 0].tolist())) > 30  # the weather varies by campaign ...
    assert set(result.draws[4, 0].tolist()) == {1.25}  # ... except where the scenario scripts it


def test_events_once_by_chance_and_scheduled(tmp_path: Path) -> None:
    model = small(tmp_path, {
        "stock": variable("prev(stock) + rate - 1", initial=10, min=0, max=100),
        "seen": variable("flood + strike + rumour"),
    }, levers={"rate": lever(1, 0, 3, 1)}, events={
        "flood": event("Flood.", condition="prev(stock) > 9", chance="0.3", effects={"stock": "prev(stock) / 2"}, once=True),
        "rumour": event("Rumour.", chance="clamp(prev(stock) / 20, 0, 1)"),
        "strike": event("Strike.", season="1928-winter", condition="prev(stock) < 50", effects={"stock": "prev(stock) + 5"}),
    })
    seeds = list(range(60))
    plan = random_levers(model, 60, 8, seed=4)
    result = play_batch(model, seeds, plan, record="all")
    assert assert_same_games(model, seeds, plan, result) > 60 * 5
    fired = result.events.sum(axis=(0, 2))
    assert all(0 < f < 60 * 8 for f in fired[:2])  # each event fired in some campaigns, not all


def test_endings_any_and_end(tmp_path: Path) -> None:
    model = small(tmp_path, {"n": variable("prev(n) + rate", initial=0)}, levers={"rate": lever(0, 0, 2, 1)}, endings={
        "boom": ending("n >= 5", "bad"),
        "steady": ending("n >= 0", when="end"),
    })
    plan = np.array([[[r]] * 8 for r in (0.0, 1.0, 2.0)])
    result = play_batch(model, [1, 2, 3], plan)
    assert result.endings == ["steady", "boom", "boom"]
    assert result.played.tolist() == [8, 5, 3]
    assert result.ending_counts() == {"steady": 1, "boom": 2}


def test_a_rule_error_names_the_rule_the_season_and_the_campaign(tmp_path: Path) -> None:
    model = small(tmp_path, {"fine": variable("rate"), "bad": variable("1 / (rate - 3)")}, levers={"rate": lever(1, 0, 5, 1)})
    plan = np.ones((4, 8, 1))
    plan[2, 3, 0] = 3.0  # campaign 2 divides by zero in its fourth season
    result = play_batch(model, [7, 8, 9, 10], plan, record=("fine",))
    assert list(result.errors) == [2]
    err = result.errors[2]
    assert err.rule == "variables.bad" and err.season == "1928-spring" and err.campaign == 2 and err.seed == 9
    assert "campaign 2 (seed 9)" in str(err) and "division by zero" in str(err) and "rate = 3" in str(err)
    states, expected = season_engine(model, 9, plan[2])
    assert expected is not None and str(err.error) == str(expected)
    assert result.played.tolist() == [8, 8, 3, 8]
    assert np.isnan(result.values("fine")[2, 4:]).all() and not np.isnan(result.values("fine")[[0, 1, 3]]).any()


def test_values_outside_their_bounds_are_errors_in_both_engines(tmp_path: Path) -> None:
    model = small(tmp_path, {"share": variable("rate / 5", min=0, max=1)}, levers={"rate": lever(1, 0, 10, 1)})
    plan = np.array([[[1.0]] * 8, [[6.0]] * 8])
    result = play_batch(model, [1, 2], plan)
    assert list(result.errors) == [1] and "outside its declared bounds 0..1" in str(result.errors[1])


def test_an_event_cannot_push_a_variable_out_of_its_bounds(tmp_path: Path) -> None:
    # The season engine names the event's effect (not the variable's formula, which is fine).
    model = small(tmp_path, {"stock": variable("clamp(prev(stock) + 1, 0, 10)", initial=5, min=0, max=10)},
                  events={"windfall": event("A windfall.", season="1927-autumn", effects={"stock": "prev(stock) + 20"})})
    state = step(model, initial_state(model, 1), {})
    with pytest.raises(RuleError) as caught:
        step(model, state, {})
    err = caught.value
    assert err.rule == "events.windfall.effects.stock" and err.season == "1927-autumn"
    assert "the effect sets stock to 26, outside its declared bounds 0..10" in err.problem
    result = play_batch(model, [1, 2], np.zeros((2, 8, 0)))
    assert sorted(result.errors) == [0, 1] and result.errors[0].rule == "events.windfall.effects.stock"
    assert result.played.tolist() == [1, 1]


def test_a_value_every_campaign_shares_that_python_refuses(tmp_path: Path) -> None:
    # 'p / q' with q = 0 is worked out once for all campaigns; the season engine names it.
    model = small(tmp_path, {"x": variable("rate + (p / q if rate > 2 else 0)")}, levers={"rate": lever(1, 0, 5, 1)},
                  parameters={"p": {"value": 1.0, "description": "p"}, "q": {"value": 0.0, "description": "q"}})
    plan = np.ones((3, 8, 1))
    plan[1, 2, 0] = 3.0
    result = play_batch(model, [1, 2, 3], plan, record="all")
    assert list(result.errors) == [1] and "division by zero" in str(result.errors[1])
    assert assert_same_games(model, [1, 2, 3], plan, result) == 9 + 3 + 9  # states compared, the start included


def test_levers_in_every_form(tmp_path: Path) -> None:
    model = small(tmp_path, {"x": variable("prev(x) + a - b", initial=0)}, levers={"a": lever(1, 0, 5, 1), "b": lever(0, 0, 5, 1)})
    by_plan = play_batch(model, [1, 2], np.array([[[2.0, 1.0]] * 8, [[3.0, 0.0]] * 8]), record=("x",))
    by_row = play_batch(model, [1, 2], np.array([[2.0, 1.0], [3.0, 0.0]]), record=("x",))
    by_name = play_batch(model, [1, 2], {"a": np.array([2.0, 3.0]), "b": np.array([1.0, 0.0])}, record=("x",))
    assert np.array_equal(by_plan.series, by_row.series) and np.array_equal(by_plan.series, by_name.series)
    assert by_plan.values("x")[:, -1].tolist() == [8.0, 24.0]
    defaults = play_batch(model, [1], None, record=("x",))
    assert defaults.values("x")[0].tolist() == [float(k) for k in range(9)]
    with pytest.raises(ValueError, match="unknown levers"):
        play_batch(model, [1], {"c": 1.0})
    with pytest.raises(ValueError, match="shape"):
        play_batch(model, [1, 2], np.zeros((3, 2)))


def test_random_plans_hold_a_lever_until_the_scenario_unlocks_it() -> None:
    scenario = load_scenario("class-procurement-crisis", RULES)  # grain exports: the player's only from 1928
    model = Model(scenario)
    k = model.levers.index("grain_exports")
    unlock, default = scenario.unlock_turn["grain_exports"], model.lever_defaults[k]
    assert 0 < unlock < scenario.seasons - 1
    plan = random_levers(model, 30, scenario.seasons, seed=5)
    assert (plan[:, :unlock, k] == default).all()
    assert (plan[:, unlock:, k] != default).any()
    # Every season of the plan is one a player could set: the season engine's session accepts it.
    for c in range(3):
        session = Session(scenario, c + 1)
        for t in range(scenario.seasons):
            if session.is_over:
                break
            for i, name in enumerate(model.levers):
                if session.is_locked(name):
                    assert plan[c, t, i] == model.lever_defaults[i], (name, t)
                else:
                    session.set_lever(name, float(plan[c, t, i]))
            session.end_season()
    # A plan for a game in progress counts its seasons from the turn it starts at.
    later = random_levers(model, 30, 2, seed=5, start_turn=unlock)
    assert (later[:, 0, k] != default).any()
    assert (random_levers(model, 30, 2, seed=5, start_turn=unlock - 1)[:, 0, k] == default).all()


def test_a_lever_that_never_moves_keeps_the_value_a_game_starts_with() -> None:
    """A steady player keeps the levers the first season offers: in nep-1923-1930 history's
    autumn-1923 policy, not the levers' defaults (the procurement price 65, not 110)."""
    model = Model(load_scenario("nep-1923-1930", RULES))
    plan = random_levers(model, 4, 6, seed=2, restless=0.0)
    assert (plan == np.array(model.start_levers)).all()
    assert model.start_levers != model.lever_defaults


def test_no_campaigns_and_no_seasons(tmp_path: Path) -> None:
    model = small(tmp_path, {"x": variable("prev(x) + 1", initial=0)})
    empty = play_batch(model, [], None)
    assert empty.campaigns == 0 and empty.ending_counts() == {}
    none = play_batch(model, [4], None, seasons=0, record=("x",))
    assert none.played.tolist() == [0] and none.values("x").tolist() == [[0.0]]
    with pytest.raises(KeyError, match="not recorded"):
        none.values("y")


def test_seasons_past_the_scenarios_end_are_played_as_the_season_engine_plays_them(tmp_path: Path) -> None:
    model = small(tmp_path, {"x": variable("prev(x) + 1", initial=0)})
    result = play_batch(model, [1], None, seasons=10, record="all")
    assert result.played.tolist() == [10]
    assert assert_same_games(model, [1], np.zeros((1, 10, 0)), result) == 11


def test_a_watch_sees_every_season_of_every_campaign_still_playing(tmp_path: Path) -> None:
    model = small(tmp_path, {"n": variable("prev(n) + rate", initial=0)}, levers={"rate": lever(0, 0, 2, 1)},
                  endings={"boom": ending("n >= 5", "bad")})
    plan = np.array([[[r]] * 8 for r in (0.0, 1.0, 2.0)])
    seen: list[tuple[int, list[int], list[float]]] = []
    result = play_batch(model, [1, 2, 3], plan, record="all",
                        watch=lambda view: seen.append((view.turn, view.campaigns.tolist(), view.values[0].tolist())))
    expected = []
    for turn in range(8):
        playing = [c for c in range(3) if result.played[c] > turn]
        expected.append((turn, playing, [result.state(c, turn + 1).values[0] for c in playing]))
    assert seen == expected
    assert seen[2] == (2, [0, 1, 2], [0.0, 3.0, 6.0]) and seen[3] == (3, [0, 1], [0.0, 4.0])  # campaign 2 ended in its third season
    assert seen[5][1] == [0]
