"""scripts/endings.py: the ending distribution of the NEP scenarios over seeds, and the knife-edge
measure. The script's figures are the batch engine's; here a few seeds are checked against the
season engine (endings, the flips counted as breaking and as falling short, the margin and the
values one step gives), what each ending means is checked against its rules, and the holding
policies against the issue's demand that a one-step change of a lever rarely breaks a holding
alliance."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from game.engine import Model
from game.impact import plans
from game.rules.scenario import load_scenario
from game.session import Session
from scripts.endings import (
    BREAKS,
    HOLDS,
    NON_COERCIVE,
    SCENARIOS,
    SHORT,
    Threshold,
    into_coercion,
    kind_of,
    kinds,
    measure,
    policies,
    report,
    signed_steps,
    single_steps,
    summary,
    thresholds,
)
from tests.conftest import RULES

pytestmark = pytest.mark.slow

SEEDS = list(range(1, 13))
# The bound for "no knife-edges" (issue 11): a one-step change of one lever may break a
# holding alliance (send it into a crisis ending) in at most this share of the seeds where it holds.
# Where every seed plays the same game a share of seeds is 0 or 1, so this says: none at all.
KNIFE_EDGE_SHARE = 0.10
# What a spiral would look like (the lead's brief for the measure, not a source's figure): one step
# of one lever moving the value that decides the ending by tens of points on its 0-100 scale.
SPIRAL = 10.0


def _replay(scenario_id: str, seed: int, table: np.ndarray) -> Session:
    scenario = load_scenario(scenario_id, RULES)
    model = Model(scenario)
    session = Session(scenario, seed, model)
    # The plans hold a locked lever where history put it (as the batch plays them): history's levers.
    for row in table.tolist():
        if session.is_over:
            break
        session.set_levers(dict(zip(model.levers, row)), as_history=True)
        session.end_season()
    return session


def _table(scenario_id: str, policy: str) -> np.ndarray:
    scenario = load_scenario(scenario_id, RULES)
    model = Model(scenario)
    return np.array(plans(scenario, {policy: policies(scenario)[policy]}, model)[policy], dtype=np.float64)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_policy_is_played_on_every_seed_and_ends_somewhere(scenario_id: str) -> None:
    results = measure(scenario_id, SEEDS, knife_edge=False)
    assert [r.policy for r in results] == ["history", "no-coercion", "goods-first", "co-operative"]
    for r in results:
        assert sum(r.endings.values()) == len(SEEDS)
        assert None not in r.endings, f"{scenario_id} / {r.policy}: a game ran out or failed"
        assert 0 <= r.holding <= len(SEEDS)
        assert r.holding + r.count(BREAKS) + r.count(SHORT) == len(SEEDS)
    text = report(results)
    assert all(len(line) <= 96 for line in text.splitlines()), text


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_the_alternative_policies_never_coerce_and_change_what_they_say(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id, RULES)
    chosen = policies(scenario)
    for name in ("no-coercion", "goods-first", "co-operative"):
        for turn in chosen[name]:
            for lever, highest in NON_COERCIVE.items():
                assert turn[lever] <= highest or lever in scenario.locked

    def free(lever: str) -> bool:
        return lever not in scenario.locked

    for turn in chosen["goods-first"]:
        assert turn["goods_to_village"] >= 0.55 or not free("goods_to_village")
        assert turn["industrial_investment"] <= 120 or not free("industrial_investment")
    for turn in chosen["co-operative"]:
        assert turn["coop_credit_earmarked"] == 1 or not free("coop_credit_earmarked")
        assert turn["coop_credit"] >= 100 or not free("coop_credit")


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_an_ending_breaks_the_alliance_only_when_it_is_a_crisis(scenario_id: str) -> None:
    """Holds: the good endings. Breaks: the bad endings that end a game in any season (the crisis
    endings of GAME.md). Falls short: a strained alliance ("neither broken ... nor renewed") and
    the tutorial's bad verdicts on the scissors."""
    model = Model(load_scenario(scenario_id, RULES))
    meaning = kinds(model)
    expected = {
        "great-turn": BREAKS, "bread-crisis": BREAKS, "kulak-ascendancy": BREAKS, "alliance-collapse": BREAKS,
        "cooperative-road": HOLDS, "nep-without-industry": HOLDS, "strained-alliance": SHORT,
    }
    if scenario_id == "scissors-1923":
        expected |= {"scissors-closing": HOLDS, "scissors-open": SHORT, "scissors-overshoot": SHORT}
    assert meaning == expected
    for e in model.compiled_endings:
        assert (meaning[e.id] == BREAKS) == (e.ending.outcome == "bad" and e.ending.when == "any"), e.id
    assert kind_of(model)(None) == "none"


def test_thresholds_are_the_simple_tests_an_ending_requires() -> None:
    found = thresholds("alliance >= 60 and 45 < worker_trust and coop_coerced < 0.45 * collectivized_peak and x <= -2")
    assert found == [Threshold("alliance", ">=", 60), Threshold("worker_trust", ">", 45), Threshold("x", "<=", -2)]
    assert thresholds("a >= 1 or b < 2") == []
    assert thresholds("1") == []
    # A threshold named as a parameter counts at its value (the base rules name every one).
    assert thresholds("alliance >= holds_at and 0.5 > goods_famine", {"holds_at": 45.0}) == [
        Threshold("alliance", ">=", 45), Threshold("goods_famine", "<", 0.5)]
    assert float(Threshold("alliance", ">=", 45).margin(np.array(45.43))) == pytest.approx(0.43)
    assert float(Threshold("goods_famine", "<", 0.25).margin(np.array(0.3))) == pytest.approx(-0.05)


def test_the_batch_endings_are_the_season_engines() -> None:
    scenario = load_scenario("cooperative-plan", RULES)
    chosen = policies(scenario)
    results = {r.policy: r for r in measure("cooperative-plan", SEEDS[:4], knife_edge=False)}
    for name, plan in chosen.items():
        by_season = []
        for seed in SEEDS[:4]:
            session = Session(scenario, seed)
            session.play(plan)
            by_season.append(session.ending.id if session.ending else None)
        assert results[name].endings == Counter(by_season), name


def test_single_steps_move_one_lever_by_one_step_all_game() -> None:
    scenario = load_scenario("procurement-crisis-1927", RULES)
    model = Model(scenario)
    table = np.array(plans(scenario, {"h": policies(scenario)["history"]}, model)["h"])
    steps = single_steps(scenario, model, table)
    movable = [n for n in model.levers if n not in scenario.locked]
    assert {name for name, _ in steps} == set(movable)
    for name, changed in steps:
        k = model.levers.index(name)
        others = [i for i in range(len(model.levers)) if i != k]
        assert np.array_equal(changed[:, others], table[:, others])
        moved = np.abs(changed[:, k] - table[:, k])
        assert moved.max() == pytest.approx(scenario.levers[name].step) and moved.min() >= 0


@pytest.mark.parametrize(("scenario_id", "policy"), [("scissors-1923", "history"), ("cooperative-plan", "co-operative")])
def test_the_flips_are_the_season_engines_endings(scenario_id: str, policy: str) -> None:
    """Every single-step change of a holding policy, replayed on the season engine: the script's
    counts of changes that break the game, that make it fall short, and of the steps into
    coercion it sets apart, are what those games end in (the tutorial's scissors fall short
    under a step of either price; the co-operative road has a step into requisition)."""
    seed = 1
    (result,) = [r for r in measure(scenario_id, [seed]) if r.policy == policy]
    assert result.holding == 1, f"{policy} no longer holds in {scenario_id}: pick a policy that does"
    scenario = load_scenario(scenario_id, RULES)
    model = Model(scenario)
    kind = kind_of(model)
    table = _table(scenario_id, policy)
    counted: Counter[str] = Counter()
    apart: Counter[tuple[str, str]] = Counter()
    by_lever: Counter[str] = Counter()
    for name, sign, changed in signed_steps(scenario, model, table):
        session = _replay(scenario_id, seed, changed)
        k = kind(session.ending.id if session.ending else None)
        if into_coercion(model, table, changed):
            assert name in NON_COERCIVE and sign > 0
            apart[name, k] += 1
            continue
        counted[k] += 1
        if k == SHORT:
            by_lever[f"{name} {'up' if sign > 0 else 'down'}"] += 1
    assert result.changes == sum(counted.values()) > 0
    assert result.breaks.changes == counted[BREAKS]
    assert result.short.changes == counted[SHORT]
    assert result.short.by_lever == by_lever
    assert result.coercion == apart
    assert sum(result.coercion_tried.values()) == sum(apart.values())
    if scenario_id == "scissors-1923":
        assert counted[SHORT] > 0  # what the test is for: the flips counted are the engine's
    else:
        assert apart


@pytest.mark.parametrize(("scenario_id", "policy", "ending", "lever"), [
    ("scissors-1923", "history", "scissors-closing", "industrial_price"),
    ("nep-1923-1930", "goods-first", "nep-without-industry", "goods_to_village"),
])
def test_the_margin_is_the_deciding_value_against_its_threshold(scenario_id: str, policy: str, ending: str, lever: str) -> None:
    """The margin is the deciding value at the end against the threshold of the good ending that
    decides (the scissors against 60 in the tutorial; the alliance against 45 for "NEP without
    industry", whether goods first holds it or falls just short), and a step of a lever down and
    up gives the value the season engine gives."""
    seed = 1
    (result,) = [r for r in measure(scenario_id, [seed]) if r.policy == policy]
    m = result.margin
    assert m is not None and m.ending == ending, report([result])
    assert result.holding == 1 or result.count(SHORT) == 1
    scenario = load_scenario(scenario_id, RULES)
    thresholds_of = thresholds(str(scenario.endings[ending].condition), scenario.parameters)
    assert m.threshold in thresholds_of
    table = _table(scenario_id, policy)
    session = _replay(scenario_id, seed, table)
    assert m.value == pytest.approx(session.value(m.threshold.variable))
    assert m.margin == pytest.approx(float(m.threshold.margin(np.array(session.value(m.threshold.variable)))))
    assert (m.margin >= 0) == (result.holding == 1)
    (move,) = [mv for mv in m.moves if mv.lever == lever]
    k = Model(scenario).levers.index(lever)
    bounds = scenario.levers[lever]
    for sign, shown in ((-1, move.down), (1, move.up)):
        changed = table.copy()
        changed[:, k] = np.clip(changed[:, k] + sign * bounds.step, bounds.min, bounds.max)
        assert shown == pytest.approx(_replay(scenario_id, seed, changed).value(m.threshold.variable)), sign
    assert m.largest == max(mv.largest for mv in m.moves)
    assert move.largest == pytest.approx(max(abs(move.down - m.value), abs(move.up - m.value)))  # type: ignore[operator]


def test_the_report_says_when_every_seed_plays_the_same_game() -> None:
    scissors = {r.policy: r for r in measure("scissors-1923", SEEDS[:4])}
    coop = {r.policy: r for r in measure("cooperative-plan", SEEDS[:4])}
    held = scissors["history"]
    assert held.same_game and held.holding == 4
    text = report([held])
    assert "every seed plays the same game" in text and "0 or 100 %" in text
    assert f"breaks (a crisis ending): {len(held.breaks.seeds)} of 4 seeds, {held.breaks.changes} changes" in text
    assert f"falls short (a bad verdict at the end): {len(held.short.seeds)} of 4 seeds, {held.short.changes} changes" in text
    assert f"scissors {held.margin.value:.2f} against >= 60 ({held.margin.margin:+.2f})" in text  # type: ignore[union-attr]
    assert not coop["history"].same_game
    assert "different games" in report([coop["history"]])
    table = summary([*scissors.values(), *coop.values()])
    assert "scissors-1923 / history" in table and "cooperative-plan / history" not in table


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_no_single_step_breaks_a_holding_game_and_none_is_a_spiral(scenario_id: str) -> None:
    """The issue's measure, for every policy whose games hold: one step of one lever (not into
    coercion) sends a holding game into a crisis ending in at most KNIFE_EDGE_SHARE of the seeds,
    and no single step moves the deciding value by SPIRAL points or more."""
    for r in measure(scenario_id, SEEDS[:6]):
        if not r.holding:
            continue
        assert r.changes > 5 * r.holding
        assert r.edge_share <= KNIFE_EDGE_SHARE, report([r])
        assert r.margin is not None and r.margin.margin >= 0, report([r])
        assert r.margin.largest < SPIRAL, report([r])


def test_the_rescue_count_is_the_seeds_one_step_saves() -> None:
    """The other way round: a game that does not hold counts as saved when one single-step change
    of a lever (not into coercion) makes the alliance hold; the count never exceeds those games."""
    scenario = load_scenario("procurement-crisis-1927", RULES)
    model = Model(scenario)
    good = {e.id for e in model.compiled_endings if e.ending.outcome == "good"}
    checked = 0
    for r in measure("procurement-crisis-1927", SEEDS[:3]):
        bad = r.seeds - r.holding - r.endings.get(None, 0)
        assert 0 <= r.rescued <= bad
        if r.rescue is None:
            continue
        seed, name, plan = r.rescue
        assert not into_coercion(model, _table("procurement-crisis-1927", r.policy), plan)
        session = Session(scenario, seed, model)
        session.play([dict(zip(model.levers, row)) for row in plan.tolist()])
        assert session.ending is not None and session.ending.id in good, (r.policy, seed, name)
        checked += 1
    assert checked, "no game of procurement-crisis-1927 is one step from holding any more: pick another"


@pytest.mark.parametrize("scenario_id", ["nep-1923-1930", "procurement-crisis-1927"])
def test_the_history_policy_ends_in_the_great_turn_over_many_seeds(scenario_id: str) -> None:
    """The state's actual policy runs on to the great turn of 1930 (collectivization's peak and the
    spring retreat, issue 11) in nearly every weather, not only under the seed it was calibrated
    with: a change that leaves the history run a fraction of a point above the collapse threshold
    passes with one seed and fails here (the towns' demand by the wage bill, `6c148a9`, ended the
    crisis history in the alliance's collapse in 136 of 200 seeds)."""
    [history] = [r for r in measure(scenario_id, range(1, 201), knife_edge=False) if r.policy == "history"]
    assert history.endings["great-turn"] >= 180, history.endings  # at least 90 % of 200 seeds
