"""scripts/endings.py: the ending distribution of the NEP scenarios over seeds, and the knife-edge
measure. The script's figures are the batch engine's; here a few seeds are checked against the
season engine, the policies against their definitions, and the co-operative road against the
issue's demand that a one-step change of a lever rarely breaks a holding alliance."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from game.engine import Model
from game.impact import plans
from game.rules.scenario import load_scenario
from game.session import Session
from scripts.endings import COERCION, SCENARIOS, measure, policies, report, single_steps
from tests.conftest import RULES

pytestmark = pytest.mark.slow

SEEDS = list(range(1, 13))
# The bound for "no knife-edges" (issue 11): a one-step change of one lever may break a
# holding alliance in at most this share of the seeds where it holds.
KNIFE_EDGE_SHARE = 0.10


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_policy_is_played_on_every_seed_and_ends_somewhere(scenario_id: str) -> None:
    results = measure(scenario_id, SEEDS, knife_edge=False)
    assert [r.policy for r in results] == ["history", "no-coercion", "goods-first", "co-operative"]
    for r in results:
        assert sum(r.endings.values()) == len(SEEDS)
        assert None not in r.endings, f"{scenario_id} / {r.policy}: a game ran out or failed"
        assert 0 <= r.holding <= len(SEEDS)
    text = report(results)
    assert all(len(line) <= 96 for line in text.splitlines()), text


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_the_alternative_policies_never_coerce_and_change_what_they_say(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id, RULES)
    chosen = policies(scenario)
    for name in ("no-coercion", "goods-first", "co-operative"):
        for turn in chosen[name]:
            if COERCION not in scenario.locked:
                assert turn[COERCION] == 0
            assert turn["private_trade_policy"] <= 1 or "private_trade_policy" in scenario.locked

    def free(lever: str) -> bool:
        return lever not in scenario.locked

    for turn in chosen["goods-first"]:
        assert turn["goods_to_village"] >= 0.55 or not free("goods_to_village")
        assert turn["industrial_investment"] <= 120 or not free("industrial_investment")
    for turn in chosen["co-operative"]:
        assert turn["coop_credit_earmarked"] == 1 or not free("coop_credit_earmarked")
        assert turn["coop_credit"] >= 100 or not free("coop_credit")


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


def test_a_holding_co_operative_road_is_no_knife_edge() -> None:
    (result,) = [r for r in measure("cooperative-plan", SEEDS) if r.policy == "co-operative"]
    assert result.holding > 0, "the co-operative policy no longer holds the alliance in cooperative-plan"
    assert result.changes > 10 * result.holding
    assert result.edge_share <= KNIFE_EDGE_SHARE, report([result])


def test_the_rescue_count_is_the_seeds_one_step_saves() -> None:
    """The other way round: a game that ends badly counts as saved when one single-step change of
    a lever (not coercion) makes the alliance hold; the count never exceeds the bad endings."""
    scenario = load_scenario("nep-1923-1930", RULES)
    model = Model(scenario)
    good = {e.id for e in model.compiled_endings if e.ending.outcome == "good"}
    checked = 0
    for r in measure("nep-1923-1930", SEEDS[:3]):
        bad = r.seeds - r.holding - r.endings.get(None, 0)
        assert 0 <= r.rescued <= bad
        if r.rescue is None:
            continue
        seed, name, plan = r.rescue
        assert name != COERCION
        session = Session(scenario, seed, model)
        session.play([dict(zip(model.levers, row)) for row in plan.tolist()])
        assert session.ending is not None and session.ending.id in good, (r.policy, seed, name)
        checked += 1
    assert checked or all(r.rescued == 0 for r in measure("nep-1923-1930", SEEDS[:3]))
