"""Property tests: any valid lever sequence, any seed, on every shipped scenario, plays without
an error, keeps every variable inside its declared bounds and keeps every declared invariant."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.invariants import check_invariants
from game.rules.scenario import Scenario, available_scenarios, load_scenario
from game.session import Session
from tests.conftest import RULES

pytestmark = pytest.mark.slow

SCENARIOS = {ident: load_scenario(ident, RULES) for ident in available_scenarios(RULES)}


def lever_values(scenario: Scenario) -> st.SearchStrategy[dict[str, float]]:
    """Any allowed value of every unlocked lever (on its steps, within the scenario's bounds)."""
    fields = {}
    for name, lever in scenario.levers.items():
        if name in scenario.locked:
            continue
        base = scenario.ruleset.levers[name].min
        first = math.ceil((lever.min - base) / lever.step - 1e-9)
        last = math.floor((lever.max - base) / lever.step + 1e-9)
        fields[name] = st.integers(first, last).map(lambda k, base=base, step=lever.step: base + k * step)
    return st.fixed_dictionaries(fields)


@pytest.mark.parametrize("ident", sorted(SCENARIOS))
def test_random_lever_sequences_never_fail_and_stay_in_bounds(ident: str) -> None:
    scenario = SCENARIOS[ident]
    variables = scenario.ruleset.variables
    assert scenario.invariants, f"{ident} declares no invariants to check"

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(seed=st.integers(0, 2**32), plan=st.lists(lever_values(scenario), min_size=scenario.seasons, max_size=scenario.seasons))
    def play(seed: int, plan: list[dict[str, float]]) -> None:
        session = Session(scenario, seed)
        for levers in plan:
            if session.is_over:
                break
            session.set_levers({k: v for k, v in levers.items() if not session.is_locked(k)})  # (a class unlocks some later)
            session.end_season()
            for name, value in session.values().items():
                assert variables[name].min <= value <= variables[name].max, (name, value, session.state.season)
            violations = check_invariants(session.model, session.history[-2], session.history[-1])
            assert not violations, "\n".join(str(v) for v in violations)

    play()


@pytest.mark.parametrize("ident", sorted(SCENARIOS))
def test_explanations_account_for_every_change(ident: str) -> None:
    scenario = SCENARIOS[ident]
    session = Session(scenario, 5)
    for _ in range(min(8, scenario.seasons)):
        if session.is_over:
            break
        session.end_season()
        for name in scenario.ruleset.variables:
            e = session.explain(name)
            total = sum(c.contribution for c in e.causes) + e.other
            if len(session.model.inputs[name]) <= 5:  # top-5 causes cover every input
                assert total == pytest.approx(e.change, rel=1e-6, abs=1e-6), (name, e)
