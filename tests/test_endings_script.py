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
    session.play([dict(zip(model.levers, row)) for row in table.tolist()])
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


def test_the_flips_are_the_season_engines_endings() -> None:
    """Every single-step change of nep-1923-1930's goods-first policy, replayed on the season
    engine: the script's counts of changes that break the game, that make it fall short, and of
    the steps into coercion it sets apart, are what those games end in."""
    scenario_id, seed = "nep-1923-1930", 1
    (result,) = [r for r in measure(scenario_id, [seed]) if r.policy == "goods-first"]
    assert result.holding == 1, "goods-first no longer holds the alliance in nep-1923-1930: update this test"
    model = Model(load_scenario(scenario_id, RULES))
    kind = kind_of(model)
    table = _table(scenario_id, "goods-first")
    counted: Counter[str] = Counter()
    apart: Counter[tuple[str, str]] = Counter()
    by_lever: Counter[str] = Counter()
    for name, sign, changed in signed_steps(load_scenario(scenario_id, RULES), model, table):
        session = _replay(scenario_id, seed, changed)
        k = kind(session.ending.id if session.ending else None)
        if into_coercion(model, table, changed):
            assert name in NON_COERCIVE and sign > 0
            apart[name, k] += 1
            continue
        counted[k] += 1
        if k == SHORT:
            by_lever[f"{name} {'up' if sign > 0 else 'down'}"] += 1
    assert result.changes == sum(counted.values())
    assert result.breaks.changes == counted[BREAKS]
    assert result.short.changes == counted[SHORT]
    assert result.short.by_lever == by_lever
    assert result.coercion == apart
    assert sum(result.coercion_tried.values()) == sum(apart.values())


def test_the_margin_is_the_deciding_value_against_its_threshold() -> None:
    """nep-1923-1930 under goods-first ends in "NEP without industry", decided by ``alliance >= 45``:
    the margin is the alliance at the end, and a step of goods to the village down and up gives
    the alliance the season engine gives."""
    scenario_id, seed = "nep-1923-1930", 1
    (result,) = [r for r in measure(scenario_id, [seed]) if r.policy == "goods-first"]
    m = result.margin
    assert m is not None and m.ending == "nep-without-industry"
    scenario = load_scenario(scenario_id, RULES)
    assert [m.threshold] == thresholds(str(scenario.endings["nep-without-industry"].condition))
    table = _table(scenario_id, "goods-first")
    session = _replay(scenario_id, seed, table)
    assert session.ending is not None and session.ending.id == "nep-without-industry"
    assert m.value == pytest.approx(session.value("alliance"))
    assert m.margin == pytest.approx(session.value("alliance") - 45)
    (goods,) = [move for move in m.moves if move.lever == "goods_to_village"]
    k = Model(scenario).levers.index("goods_to_village")
    step = scenario.levers["goods_to_village"].step
    for sign, shown in ((-1, goods.down), (1, goods.up)):
        changed = table.copy()
        changed[:, k] = np.clip(changed[:, k] + sign * step, scenario.levers["goods_to_village"].min, scenario.levers["goods_to_village"].max)
        assert shown == pytest.approx(_replay(scenario_id, seed, changed).value("alliance")), sign
    assert m.largest == max(move.largest for move in m.moves)
    assert goods.largest == pytest.approx(max(abs(goods.down - m.value), abs(goods.up - m.value)))  # type: ignore[operator]


def test_the_report_says_when_every_seed_plays_the_same_game() -> None:
    nep = {r.policy: r for r in measure("nep-1923-1930", SEEDS[:4])}
    coop = {r.policy: r for r in measure("cooperative-plan", SEEDS[:4])}
    held = nep["goods-first"]
    assert held.same_game and held.holding == 4
    text = report([held])
    assert "every seed plays the same game" in text and "0 or 100 %" in text
    assert f"breaks (a crisis ending): {len(held.breaks.seeds)} of 4 seeds, {held.breaks.changes} changes" in text
    assert f"falls short (a bad verdict at the end): {len(held.short.seeds)} of 4 seeds, {held.short.changes} changes" in text
    assert f"alliance {held.margin.value:.2f} against >= 45 ({held.margin.margin:+.2f})" in text  # type: ignore[union-attr]
    assert not coop["history"].same_game
    assert "different games" in report([coop["history"]])
    table = summary([*nep.values(), *coop.values()])
    assert "nep-1923-1930 / goods-first" in table and "nep-1923-1930 / history" not in table


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
