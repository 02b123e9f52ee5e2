"""Direction tests for the grain market of the NEP rules (issue 11, findings 1 and 7).

Each test replays ``procurement-crisis-1927`` with the state's historical policy and moves one
driver against an otherwise identical baseline (same seed, scripted weather and levers), then checks
the direction the sources argue. Bettelheim, Part 2, ch. 2, §IV(a): the state's "firm" grain price
fell behind a free-market price that rose of itself (lines 4937-4954), and that gap was one of the
immediate causes of the procurement crisis; so a higher state price, with the goods sent to the
village unchanged, must bring the state more grain and narrow the gap, while the free price
answers the free market (towns short of bread, money with nothing to buy, a ban on private trade).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from game.history import year_of
from game.rules.scenario import Scenario, load_scenario
from game.rules.season import Season
from game.session import Session
from tests.conftest import RULES

CRISIS = "procurement-crisis-1927"
YEARS = ("1927-28", "1928-29")

Change = Callable[[str, dict[str, float]], None]


@pytest.fixture(scope="module")
def crisis() -> Scenario:
    return load_scenario(CRISIS, RULES)


def play(scenario: Scenario, change: Change | None = None) -> Session:
    """The scenario's historical policy, each season's levers passed through ``change``."""
    assert scenario.history is not None
    session = Session(scenario, scenario.seed or 0)
    for levers in scenario.history:
        if session.is_over:
            break
        season = str(session.next_season)
        chosen = dict(levers)
        if change is not None:
            change(season, chosen)
        session.set_levers(chosen)
        session.end_season()
    return session


def by_year(session: Session, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for turn in range(1, session.turn + 1):
        year = year_of(Season.parse(session.history[turn].season), "agricultural")
        out[year] = out.get(year, 0.0) + session.value(name, turn)
    return out


def gap(session: Session, turn: int) -> float:
    """The free grain price over the state's, in a season."""
    return session.value("private_grain_price", turn) / session.levers_played(turn)["procurement_price"]


def share_in(session: Session, year: str) -> float:
    """The state's mean share of marketed grain over an agricultural year."""
    shares = [session.value("state_share", t) for t in range(1, session.turn + 1)
              if year_of(Season.parse(session.history[t].season), "agricultural") == year]
    assert len(shares) == 4, (year, len(shares))
    return sum(shares) / 4


def raise_price(by: float) -> Change:
    def change(season: str, levers: dict[str, float]) -> None:
        levers["procurement_price"] += by
    return change


@pytest.fixture(scope="module")
def runs(crisis: Scenario) -> Mapping[float, Session]:
    return {by: play(crisis, raise_price(by) if by else None) for by in (-30.0, 0.0, 30.0, 60.0)}


def test_a_higher_state_price_brings_the_state_more_grain(runs: Mapping[float, Session]) -> None:
    """Raised by 30 or 60 every season (goods to the village unchanged), the state procures more in
    1927-28 and in 1928-29; lowered by 30, less. (Before issue 11 it was the other way round:
    9.37 Mt at history, 8.51 at +30 and 7.80 at +60 in 1927-28.)"""
    procured = {by: by_year(session, "grain_procured") for by, session in runs.items()}
    for year in YEARS:
        ladder = [procured[by][year] for by in (-30.0, 0.0, 30.0, 60.0)]
        assert ladder == sorted(ladder) and ladder[-1] > ladder[0] * 1.04, (year, ladder)


def test_a_higher_state_price_narrows_the_gap_with_the_free_market(runs: Mapping[float, Session]) -> None:
    base, dear = runs[0.0], runs[30.0]
    for turn in range(1, min(base.turn, dear.turn) + 1):
        assert gap(dear, turn) < gap(base, turn)
    # and the state's share of what is sold is higher, year by year
    for year in YEARS:
        assert share_in(dear, year) > share_in(base, year) + 0.01, year


def test_the_free_price_does_not_follow_the_state_price(runs: Mapping[float, Session]) -> None:
    """In the season the state first pays more, the free price is untouched; later it moves only
    through the market (more bread for the towns, more money in the village), far less than the
    state's price does."""
    base, dear = runs[0.0], runs[60.0]
    assert dear.value("private_grain_price", 1) == base.value("private_grain_price", 1)
    for turn in range(1, base.turn + 1):
        state_rise = dear.levers_played(turn)["procurement_price"] / base.levers_played(turn)["procurement_price"] - 1
        free_rise = dear.value("private_grain_price", turn) / base.value("private_grain_price", turn) - 1
        assert abs(free_rise) < 0.5 * state_rise, (dear.history[turn].season, free_rise, state_rise)


def test_the_free_price_answers_a_ban_on_private_trade(crisis: Scenario) -> None:
    """Suppressing private traders from autumn 1926 (instead of taxing them) raises the free price
    the same season: traders price in the risk (Bettelheim, Part 2, ch. 2, §IV(a), 4956-4965)."""
    def ban(season: str, levers: dict[str, float]) -> None:
        levers["private_trade_policy"] = 2.0
    base, banned = play(crisis), play(crisis, ban)
    assert banned.value("private_grain_price", 1) > base.value("private_grain_price", 1) * 1.05


def test_the_free_price_answers_money_with_nothing_to_buy(crisis: Scenario) -> None:
    """Fewer goods for the village from autumn 1926: the goods famine deepens and, a season later,
    the peasants' unspendable cash bids the free grain price up, with the state's price unchanged."""
    def starve(season: str, levers: dict[str, float]) -> None:
        levers["goods_to_village"] = 0.3
    base, starved = play(crisis), play(crisis, starve)
    assert starved.value("goods_famine", 1) > base.value("goods_famine", 1) + 0.1
    assert starved.value("private_grain_price", 1) == base.value("private_grain_price", 1)
    assert starved.value("private_grain_price", 2) > base.value("private_grain_price", 2) * 1.03
