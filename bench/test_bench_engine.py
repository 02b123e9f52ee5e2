"""pytest-benchmark: one season step of the largest shipped rule set (median in the table)."""

from __future__ import annotations

from pathlib import Path

from bench.machine import load_average, machine
from game.engine import Model, initial_state, step
from game.rules.scenario import available_scenarios, load_scenario

RULES = Path(__file__).resolve().parent.parent / "rules"


def largest_scenario():
    scenarios = [load_scenario(ident, RULES) for ident in available_scenarios(RULES)]
    return max(scenarios, key=lambda s: len(s.ruleset.variables) + len(s.ruleset.events))


def test_season_step(benchmark) -> None:
    scenario = largest_scenario()
    model = Model(scenario)
    state = initial_state(model, 1)
    levers = {name: lever.default for name, lever in scenario.levers.items()}
    benchmark.extra_info["ruleset"] = scenario.ruleset.id
    benchmark.extra_info["variables"] = len(model.variables)
    benchmark.extra_info["machine"] = machine()
    benchmark.extra_info["load average"] = load_average()
    benchmark(step, model, state, levers)


def test_batch_of_1000_campaigns_28_seasons(benchmark) -> None:
    from game.engine.batch import compiled, play_batch, random_levers

    scenario = load_scenario("nep-1923-1930", RULES)
    model = Model(scenario)
    compiled(model)
    plan = random_levers(model, 1000, scenario.seasons, seed=1)  # the levers are picked before the clock runs
    benchmark.extra_info["machine"] = machine()
    benchmark.extra_info["load average"] = load_average()
    benchmark.pedantic(play_batch, args=(model, range(1000), plan), kwargs={"stop_at_ending": False}, rounds=5)


def test_explain_every_variable(benchmark) -> None:
    from game.session import Session

    session = Session(largest_scenario(), 1)
    session.end_season()
    session.end_season()
    benchmark(lambda: [session.explain(name) for name in session.model.variables])
