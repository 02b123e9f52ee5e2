"""bench/pysd_compare.py's work (PySD itself is not needed here): the twin of the model it hands to
our engines rests every draw and fires no event in every season, as the exported Vensim model does,
so the two compute the same thing."""

from __future__ import annotations

from bench.pysd_compare import _resting, same_work
from game.engine import Model, initial_state, step
from game.rules.scenario import load_scenario
from tests.conftest import RULES


def test_the_compared_model_rests_every_draw_and_fires_no_event_in_every_season() -> None:
    scenario = load_scenario("nep-1923-1930", RULES)  # its weather is scripted from history
    model = same_work(Model(scenario))
    resting = tuple(_resting(scenario.ruleset.draws[name]) for name in model.draws)
    levers = dict(zip(model.levers, model.lever_defaults))
    state = initial_state(model, 0)
    for _ in range(scenario.seasons):
        state = step(model, state, levers)
        assert state.draws == resting, state.season
        assert not [e for e in state.log if e.kind == "event"], state.season
