"""The start of every shipped scenario is consistent with its rules: a variable that does not
carry its own past starts at what its rule gives, from the start and the season before it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from game.engine import Model, initial_state
from game.rules.problems import LoadError
from game.rules.scenario import available_scenarios, load_scenario
from game.rules.start import start_roles
from game.session import Session

RULES = Path(__file__).resolve().parents[1] / "rules"
SCENARIOS = available_scenarios(RULES)


def start_env(model: Model, seed: int = 1) -> tuple[object, list[list[float]]]:
    state = initial_state(model, seed)
    before = model.scenario.start.plus(-1)
    env = [list(state.levers), list(model.P), list(state.draws), list(state.events), list(state.values),
           list(state.prev_values), list(state.levers), list(model.facts(before, -1))]
    return state, env


@pytest.mark.parametrize("ident", SCENARIOS)
def test_every_value_the_rules_compute_is_its_rule_at_the_start(ident: str) -> None:
    scenario = load_scenario(ident, RULES)
    model = Model(scenario)
    state, env = start_env(model)
    roles = start_roles(scenario.ruleset)
    computed = 0
    for name in model.variables:
        index = model.index[name]
        value = state.values[index]
        if index in model.initial:
            # A kept value is declared, and is a stock's or a record of the past's.
            assert roles.kept(name), name
            assert value == scenario.initial[name]
            if name in roles.lags:  # it says what the variable it records was the season before
                assert state.prev_values[model.index[roles.lags[name]]] == value
            continue
        rule = model.variable_fn[name](*env)
        assert math.isclose(rule, value, rel_tol=1e-9, abs_tol=1e-9), (name, value, rule)
        computed += 1
    assert computed > len(model.variables) // 2


@pytest.mark.parametrize("ident", [s for s in SCENARIOS if load_scenario(s, RULES).history])
def test_the_start_of_a_historical_scenario_is_computed_at_history_s_levers(ident: str) -> None:
    """History's first season's levers, except those the player may not move yet: they stay at
    their defaults. The player's first season offers exactly those levers, so keeping every lever
    changes nothing the start did not already do."""
    scenario = load_scenario(ident, RULES)
    assert scenario.history is not None
    model = Model(scenario)
    state = initial_state(model, 1)
    held = set(scenario.locked) | {name for name, turn in scenario.unlock_turn.items() if turn > 0}
    first = model.levers_tuple(scenario.history[0])
    expected = tuple(float(scenario.levers[name].default) if name in held else value for name, value in zip(model.levers, first, strict=True))
    assert state.levers == expected
    assert Session(scenario, 1, model).levers == dict(zip(model.levers, expected, strict=True))


@pytest.mark.parametrize("ident", SCENARIOS)
def test_keeping_every_lever_in_the_first_season_names_no_lever_of_the_player(ident: str) -> None:
    """A first season played with the levers as offered: no cause of any change is a lever the
    player did not move."""
    scenario = load_scenario(ident, RULES)
    session = Session(scenario, scenario.seed or 1)
    session.end_season()
    for name in session.model.variables:
        for cause in session.explain(name).causes:
            if cause.kind in ("lever", "prev_lever"):
                assert cause.before == cause.after, (name, cause)


def test_a_declared_value_the_rules_compute_is_warned_about_and_not_used(tmp_path: Path) -> None:
    (tmp_path / "base").symlink_to(RULES / "base", target_is_directory=True)
    (tmp_path / "scenarios").mkdir()
    text = (RULES / "scenarios" / "scissors-1923.toml").read_text(encoding="utf-8")
    text = text.replace('id = "scissors-1923"', 'id = "declares"').replace("[initial]\n", "[initial]\ngoods_famine = 0.5\n", 1)
    (tmp_path / "scenarios" / "declares.toml").write_text(text, encoding="utf-8")
    scenario = load_scenario("declares", tmp_path)
    warned = [w for w in scenario.warnings if "goods_famine" in w.message]
    assert len(warned) == 1 and warned[0].severity == "warning"
    assert "computed by its rule at the start" in warned[0].message and "MODDING.md" in warned[0].message
    assert "goods_famine" not in scenario.initial
    shipped = Model(load_scenario("scissors-1923", RULES))
    model = Model(scenario)
    index = model.index["goods_famine"]
    assert initial_state(model, 1).values[index] == initial_state(shipped, 1).values[index] != 0.5


def test_a_stock_s_declared_value_is_kept_and_out_of_bounds_still_refused(tmp_path: Path) -> None:
    (tmp_path / "base").symlink_to(RULES / "base", target_is_directory=True)
    (tmp_path / "scenarios").mkdir()
    text = (RULES / "scenarios" / "scissors-1923.toml").read_text(encoding="utf-8")
    good = text.replace('id = "scissors-1923"', 'id = "stock"').replace("worker_trust = 45", "worker_trust = 51")
    (tmp_path / "scenarios" / "stock.toml").write_text(good, encoding="utf-8")
    model = Model(load_scenario("stock", tmp_path))
    assert initial_state(model, 1).values[model.index["worker_trust"]] == 51
    bad = text.replace('id = "scissors-1923"', 'id = "bad"').replace("worker_trust = 45", "worker_trust = 450")
    (tmp_path / "scenarios" / "bad.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(LoadError) as err:
        load_scenario("bad", tmp_path)
    assert "outside the bounds of worker_trust" in str(err.value)


def test_the_start_is_the_same_every_time() -> None:
    model = Model(load_scenario("nep-1923-1930", RULES))
    assert initial_state(model, 3) == initial_state(model, 3)
    assert initial_state(Model(load_scenario("nep-1923-1930", RULES)), 3) == initial_state(model, 3)


@pytest.mark.parametrize("ident", SCENARIOS)
def test_the_first_season_s_changes_add_up_and_only_a_stock_has_a_trend(ident: str) -> None:
    """Against the start, every variable's causes add up to its change; the only part not from
    this season's inputs is a declared stock's own pull under the conditions before the first
    season (a 'trend'), never a gap between a starting value and its rule."""
    from game.engine.explain import explain, new_memo
    from game.session import Session

    scenario = load_scenario(ident, RULES)
    session = Session(scenario, 5)
    session.end_season()
    memo = new_memo()
    trends = 0
    for name in session.model.variables:
        e = explain(session.model, session.history, 1, name, depth=1, top=1000, memo=memo)
        assert sum(c.contribution for c in e.causes) + e.other == pytest.approx(e.change, abs=1e-9), name
        for cause in e.causes:
            if cause.kind == "trend":
                trends += 1
                assert cause.name == name and session.model.index[name] in session.model.initial, name
    assert trends > 0


def test_a_save_made_before_the_start_was_computed_still_loads_with_a_clear_message() -> None:
    """A game saved before the start was computed by the rules (its start has no season before
    it) loads under the rules as they are now: the notice says the scenario changed, resuming is
    refused as for any rule change, opening as saved keeps its states, and replaying re-makes it."""
    from game.saves.store import SaveRefused, load_save

    path = Path(__file__).parent / "fixtures" / "saves" / "nep-1923-1930-before-start-rule.json"
    loaded = load_save(path, RULES)
    assert loaded.change is not None and loaded.change.scenario_changed
    assert "the scenario changed since this game was saved" in loaded.change.describe()
    with pytest.raises(SaveRefused):
        loaded.resume()
    kept = loaded.as_saved()
    assert kept.turn == 2 and kept.history[0].prev_values == kept.history[0].values
    assert kept.value("goods_famine", 0) == 0  # the value the scenario declared then
    again = loaded.replay()
    assert again.turn == 2
    fresh = initial_state(Model(loaded.scenario), loaded.save.seed)
    assert again.history[0] == fresh


def test_what_the_stocks_were_already_doing_is_no_turning_point_of_the_game() -> None:
    """The debrief's turning points are the seasons the player's game moved the headline most:
    a first season's move made by the stocks' own pull (the 'trend') does not count."""
    from game.present.debrief import turning_points
    from game.session import Session

    scenario = load_scenario("nep-1923-1930", RULES)
    assert scenario.history is not None
    session = Session(scenario, scenario.seed or 0)
    for turn in range(scenario.seasons):
        session.set_levers(scenario.history[turn])
        session.end_season()
        if session.is_over:
            break
    points = turning_points(session)
    assert points and all(p.turn > 1 or all(r.kind != "trend" for r in p.story.rows) for p in points)
    assert "1928-winter" in [p.season for p in points]
