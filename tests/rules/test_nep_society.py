"""Direction tests for the NEP model's society and towns (issue 11, findings 2, 4, 5, 6 and 10).

Each test plays the shipped base rules from an identical starting point twice: a baseline and a run
in which one driver is moved (a lever, or the historical policy itself). Everything else is the
same, so the difference is the mechanism's doing. The historical runs are deterministic (scripted
weather, the scenario's seed); the margins guard against recalibration, not against noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from game.rules.scenario import Scenario, load_scenario
from game.session import Session
from tests.conftest import RULES

NEP = load_scenario("nep-1923-1930", RULES)
CRISIS = load_scenario("procurement-crisis-1927", RULES)


def play(scenario: Scenario, policy: Sequence[Mapping[str, float]] | None = None) -> dict[str, dict[str, float]]:
    """Every season's values of a game played with ``policy`` (default: the scenario's history)."""
    policy = policy if policy is not None else scenario.history
    assert policy is not None
    session = Session(scenario, scenario.seed or 0)
    seasons: dict[str, dict[str, float]] = {}
    while session.turn < len(policy) and not session.is_over:
        season = str(session.next_season)
        session.set_levers(policy[session.turn])
        session.end_season()
        seasons[season] = {name: session.value(name) for name in scenario.ruleset.variables}
    return seasons


# --- finding 10: the history policy -----------------------------------------------------------------


def test_historical_scenarios_share_one_policy() -> None:
    """procurement-crisis-1927 replays nep-1923-1930's historical policy from autumn 1926: every
    lever in every season the two cover (the 1926-27 grain price included) is the same."""
    assert NEP.history is not None and CRISIS.history is not None
    offset = CRISIS.start.minus(NEP.start)
    for turn, levers in enumerate(CRISIS.history):
        season = CRISIS.start.plus(turn)
        assert NEP.history[offset + turn] == levers, season
    assert CRISIS.history[0]["procurement_price"] == 120  # the "firm" price cut of 1926-27 (B 4941-4945)


def test_history_renews_the_emergency_measures_in_may_june_1928() -> None:
    """The measures eased in April 1928 were applied afresh, and harder, in May and June
    (B 1296-1299), and kept through 1928 and 1929 (B 3604-3607): the history policy has them in
    spring and summer 1928, and they bring in grain the spring before would not have."""
    assert NEP.history is not None
    turn = {str(NEP.start.plus(k)): k for k in range(len(NEP.history))}
    for season in ("1928-winter", "1928-spring", "1928-summer", "1928-autumn"):
        assert NEP.history[turn[season]]["emergency_measures"] == 1, season
    eased = [dict(levers) for levers in NEP.history]
    eased[turn["1928-spring"]]["emergency_measures"] = 0
    history, without = play(NEP), play(NEP, eased)
    assert history["1928-winter"] == without["1928-winter"]
    assert history["1928-spring"]["requisitioned"] > 0.5
    assert history["1928-spring"]["grain_procured"] > without["1928-spring"]["grain_procured"] + 0.5
