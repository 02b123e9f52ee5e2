"""scripts/crisis_tradeoff.py: in procurement-crisis-1927, keeping October 1926's levers all game is
a trade-off against history (less industry built, less accumulation, but the towns fed), and not
the best outcome a small search finds (issue 11, "no easy way out, extended")."""

from __future__ import annotations

import pytest

from game.rules.scenario import load_scenario
from scripts.crisis_tradeoff import SCENARIO, Figures, compare, report
from tests.conftest import RULES

pytestmark = pytest.mark.slow

SEEDS = range(1, 31)


@pytest.fixture(scope="module")
def figures() -> tuple[dict[str, Figures], dict[str, float]]:
    found, best = compare(SEEDS)
    return {f.policy: f for f in found}, best


def test_every_policy_plays_every_seed(figures: tuple[dict[str, Figures], dict[str, float]]) -> None:
    by_policy, best = figures
    assert list(by_policy) == ["history", "kept-1926", "best-found"]
    for f in by_policy.values():
        assert sum(f.endings.values()) == len(SEEDS) and None not in f.endings
        assert 0 <= f.holding <= f.seeds
    assert best["emergency_measures"] == 0
    scenario = load_scenario(SCENARIO, RULES)
    assert scenario.history is not None
    text = report(list(by_policy.values()), best, scenario.history[0])
    assert all(len(line) <= 80 for line in text.splitlines()[:6])


def test_keeping_the_1926_levers_is_a_trade_off_against_history(figures: tuple[dict[str, Figures], dict[str, float]]) -> None:
    by_policy, _ = figures
    history, kept = by_policy["history"], by_policy["kept-1926"]
    # Industry and accumulation fall behind history ...
    assert kept.capacity_end < history.capacity_end - 1
    assert kept.accumulation < history.accumulation - 1
    # ... while the towns keep their bread and the alliance stands higher.
    assert kept.bread > history.bread
    assert kept.alliance_end > history.alliance_end


def test_keeping_the_1926_levers_is_not_the_best_outcome(figures: tuple[dict[str, Figures], dict[str, float]]) -> None:
    by_policy, _ = figures
    kept, best = by_policy["kept-1926"], by_policy["best-found"]
    assert best.key() > kept.key()
    assert best.holding >= kept.holding
