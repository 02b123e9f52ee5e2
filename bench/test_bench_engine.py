"""pytest-benchmark: one season step of the largest shipped rule set (median in the table)."""

from __future__ import annotations

from pathlib import Path

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
    benchmark(step, model, state, levers)


def test_explain_every_variable(benchmark) -> None:
    from game.session import Session

    session = Session(largest_scenario(), 1)
    session.end_season()
    session.end_season()
    benchmark(lambda: [session.explain(name) for name in session.model.variables])
