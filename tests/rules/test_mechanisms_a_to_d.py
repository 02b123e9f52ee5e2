"""Direction tests for the mechanisms of sections A-D of the base rules' catalogue
(``rules/base/mechanisms.toml``: exchange, prices, the differentiation of the peasantry,
co-operation and credit).

Each test moves one mechanism's driver in a controlled run and checks the direction and the timing
(the lag the mechanism's summary gives: same season, next spring, 1-4 seasons, years) of its effect
against an otherwise identical baseline run: same scenario, seed, scripted weather and levers. The engine is
deterministic, so runs are compared exactly; margins are there only where a claim is about size.

The scenarios are written to a temporary folder next to a link to ``rules/base``: they start in
summer 1926 with an average harvest every year and the levers of ``BASELINE`` (enough goods for the
village that the baseline neither runs into a goods famine nor a bread crisis). A driver that is not
a lever is moved through ``[initial]`` (a starting stock) or, where the mechanism is the strength of
a behaviour, through ``[parameters]``.

A test whose claim is the sources' but which the rules get wrong is kept, marked
``xfail(strict=True)`` with the numbers, until the rule is fixed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import tomli_w

from game.engine.explain import Cause, Explanation
from game.engine.model import Model
from game.rules.ruleset import load_ruleset
from game.rules.scenario import Scenario, load_scenario
from game.rules.season import Season
from game.session import Session
from tests.conftest import ROOT

RULES = ROOT / "rules"
BASE_RULES = RULES / "base"
SECTIONS = ("A", "B", "C", "D")

START = "1926-summer"
LENGTH = 40  # seasons in the scenario: longer than any run, so no "end" ending fires
SEED = 1926
# Goods enough for the village: the baseline settles with no goods famine, bread for the towns and
# a steady private grain price (at the default 0.45 the default levers slide into a bread crisis).
BASELINE: dict[str, float] = {"goods_to_village": 0.55}

# --- which mechanism each test covers -----------------------------------------------------------------

COVERED: dict[str, list[str]] = {}
F = TypeVar("F", bound=Callable[..., Any])


def covers(mechanism: str) -> Callable[[F], F]:
    """Record that the decorated test checks ``mechanism``; its name must start with the id."""

    def mark(test: F) -> F:
        prefix = "test_" + mechanism.replace("-", "_")
        assert test.__name__.startswith(prefix), f"{test.__name__} should be named after {mechanism}"
        COVERED.setdefault(mechanism, []).append(test.__name__)
        return test

    return mark


# --- controlled runs ---------------------------------------------------------------------------------

Changes = Mapping[str, Mapping[str, float]]


def _key(mapping: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _key(v) if isinstance(v, Mapping) else v) for k, v in (mapping or {}).items()))


@dataclass
class Run:
    """A finished run: values by season name."""

    session: Session
    start: Season

    def turn(self, season: str) -> int:
        """Index into the history of the state produced by playing ``season``."""
        index = Season.parse(season).minus(self.start) + 1
        assert 1 <= index < len(self.session.history), f"{season} was not played in this run"
        return index

    def __call__(self, name: str, season: str) -> float:
        return self.session.value(name, self.turn(season))

    def lever(self, name: str, season: str) -> float:
        """The lever setting ``season`` was played with."""
        return self.session.levers_played(self.turn(season))[name]

    def total(self, name: str, seasons: Iterable[str]) -> float:
        return sum(self(name, s) for s in seasons)

    def explain(self, name: str, season: str, depth: int = 6) -> Explanation:
        return self.session.explain(name, self.turn(season), depth=depth)


@dataclass
class World:
    """Writes scenarios on demand (one per set of overrides) and caches their runs."""

    root: Path
    models: dict[Any, tuple[Scenario, Model]] = field(default_factory=dict)
    runs: dict[Any, Run] = field(default_factory=dict)

    def model(self, start: str, initial: Mapping[str, float] | None, parameters: Mapping[str, float] | None) -> tuple[Scenario, Model]:
        key = (start, _key(initial), _key(parameters))
        if key not in self.models:
            ident = f"mech-{len(self.models)}"
            first = Season.parse(start)
            summers = [str(first.plus(i)) for i in range(LENGTH) if first.plus(i).name == "summer"]
            doc: dict[str, Any] = {
                "scenario": {"id": ident, "title": "Mechanism test", "summary": "A controlled run.", "ruleset": "base",
                             "start": start, "seasons": LENGTH, "seed": SEED},
                "scripted_draws": [{"season": s, "draw": "weather", "value": 1.0} for s in summers],
            }
            if initial:
                doc["initial"] = dict(initial)
            if parameters:
                doc["parameters"] = dict(parameters)
            (self.root / "scenarios" / f"{ident}.toml").write_text(tomli_w.dumps(doc), encoding="utf-8")
            scenario = load_scenario(ident, self.root)
            self.models[key] = (scenario, Model(scenario))
        return self.models[key]

    def run(self, changes: Changes | None = None, *, seasons: int = 10, initial: Mapping[str, float] | None = None,
            parameters: Mapping[str, float] | None = None, start: str = START, levers: Mapping[str, float] | None = None) -> Run:
        """Play ``seasons`` seasons from ``start`` with ``BASELINE`` (or ``levers``), applying each
        entry of ``changes`` (season -> levers) from its season on. A run must not reach an ending:
        runs whose driver ends in a crisis (a deep goods famine ends in a bread crisis within a
        year or so) are kept short enough to stop before it."""
        base = dict(BASELINE if levers is None else levers)
        key = (start, seasons, _key(base), _key(changes), _key(initial), _key(parameters))
        if key not in self.runs:
            scenario, model = self.model(start, initial, parameters)
            session = Session(scenario, SEED, model=model)
            first = Season.parse(start)
            plan = {Season.parse(s): dict(v) for s, v in (changes or {}).items()}
            current = dict(base)
            for turn in range(seasons):
                current.update(plan.get(first.plus(turn), {}))
                assert not session.is_over, f"the game ended early ({session.ending}); a controlled run must not end"
                session.set_levers(current)
                session.end_season()
            assert session.state.ending is None, f"the run reached an ending: {session.ending}"
            self.runs[key] = Run(session, first)
        return self.runs[key]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("mechanisms")
    (root / "base").symlink_to(BASE_RULES, target_is_directory=True)
    (root / "scenarios").mkdir()
    return World(root)


def seasons_from(first: str, count: int) -> list[str]:
    start = Season.parse(first)
    return [str(start.plus(i)) for i in range(count)]


def diff(variant: Run, baseline: Run, name: str, season: str) -> float:
    return variant(name, season) - baseline(name, season)


def cause_tree(explanation: Explanation, top: int = 3) -> set[str]:
    """Names of the causes reachable through the ``top`` largest causes at every level."""
    found: set[str] = set()

    def walk(causes: tuple[Cause, ...]) -> None:
        for cause in sorted(causes, key=lambda c: -abs(c.contribution))[:top]:
            found.add(cause.name)
            walk(cause.causes)

    walk(explanation.causes)
    return found


def top_causes(explanation: Explanation, n: int = 2) -> list[str]:
    return [c.name for c in sorted(explanation.causes, key=lambda c: -abs(c.contribution))[:n]]


# ======================================================================================================
# A. Exchange between town and village
# ======================================================================================================

CUT = "1927-autumn"  # the season most drivers move in: the autumn of the marketing year 1927-28


@covers("goods-drive-marketing")
@pytest.mark.parametrize("goods", [0.45, 0.35, 0.25])
def test_goods_drive_marketing_fewer_goods_fewer_sales_same_season(world: World, goods: float) -> None:
    base = world.run(seasons=7)
    cut = world.run({CUT: {"goods_to_village": goods}}, seasons=7)
    # Nothing moves before the goods do.
    assert cut("pm_sales", "1927-summer") == base("pm_sales", "1927-summer")
    # The same season, with the state's price unchanged and the private price not yet moved:
    assert cut("private_grain_price", CUT) == base("private_grain_price", CUT)
    assert cut("goods_famine", CUT) > base("goods_famine", CUT) + 0.05
    assert cut("pm_sell_rate", CUT) < base("pm_sell_rate", CUT)
    assert cut("pm_sales", CUT) < 0.95 * base("pm_sales", CUT)
    assert cut("grain_sold_to_state", CUT) < 0.95 * base("grain_sold_to_state", CUT)
    assert cut("grain_procured", CUT) < 0.95 * base("grain_procured", CUT)


@covers("goods-drive-marketing")
def test_goods_drive_marketing_deeper_cut_sells_less(world: World) -> None:
    sales = [world.run({CUT: {"goods_to_village": g}}, seasons=7)("pm_sales", CUT) for g in (0.55, 0.45, 0.35, 0.25)]
    assert sales == sorted(sales, reverse=True) and sales[0] > sales[-1] * 1.3


@covers("goods-drive-marketing")
def test_goods_drive_marketing_sending_goods_alone_repairs_sales(world: World) -> None:
    # A goods famine from the summer; in winter the state sends goods, and changes nothing else.
    famine = world.run({"1927-summer": {"goods_to_village": 0.3}}, seasons=7)
    repaired = world.run({"1927-summer": {"goods_to_village": 0.3}, "1928-winter": {"goods_to_village": 0.7}}, seasons=7)
    assert repaired("pm_sales", "1927-autumn") == famine("pm_sales", "1927-autumn")
    assert repaired("goods_famine", "1928-winter") < famine("goods_famine", "1928-winter") - 0.1
    assert repaired("pm_sell_rate", "1928-winter") > famine("pm_sell_rate", "1928-winter") * 1.1
    assert repaired("grain_procured", "1928-winter") > famine("grain_procured", "1928-winter")


@covers("goods-drive-marketing")
def test_goods_drive_marketing_explained_by_the_goods_famine(world: World) -> None:
    # Goods cut in spring (the selling season changes least from winter to spring).
    base = world.run()
    cut = world.run({"1928-spring": {"goods_to_village": 0.3}})
    assert cut("grain_procured", "1928-spring") < base("grain_procured", "1928-spring")
    why = cut.explain("grain_procured", "1928-spring")
    assert "goods_famine" in cause_tree(why, top=2)
    assert "goods_factor" in top_causes(cut.explain("pm_sell_rate", "1928-spring"), 1)
    # The baseline has at most a small famine to blame, far below the cut run's.
    assert base("goods_famine", "1928-spring") < 0.5 * cut("goods_famine", "1928-spring")


@covers("unspendable-cash")
def test_unspendable_cash_holds_back_sales_next_season(world: World) -> None:
    base = world.run()
    # Bare shelves for one season only: goods are back to normal the next.
    once = world.run({CUT: {"goods_to_village": 0.3}, "1928-winter": {"goods_to_village": 0.55}})
    # The season of the famine: the memory of useless money forms, but does not yet act.
    assert once("unspendable_cash", CUT) > base("unspendable_cash", CUT) + 0.1
    assert once("cash_factor", CUT) == base("cash_factor", CUT)
    # The next season the goods are there again, yet peasants sell a smaller share of their grain.
    assert once("goods_factor", "1928-winter") == pytest.approx(base("goods_factor", "1928-winter"))
    assert once("cash_factor", "1928-winter") < base("cash_factor", "1928-winter") - 0.05
    assert once("pm_sell_rate", "1928-winter") < base("pm_sell_rate", "1928-winter") * 0.95


@covers("unspendable-cash")
def test_unspendable_cash_explained_next_season(world: World) -> None:
    once = world.run({CUT: {"goods_to_village": 0.3}, "1928-winter": {"goods_to_village": 0.55}})
    why = once.explain("cash_factor", "1928-winter")
    assert top_causes(why, 1) == ["unspendable_cash"]
    assert "cash_factor" in top_causes(once.explain("pm_sell_rate", "1928-winter"), 3)


@covers("tax-constraint-to-sell")
@pytest.mark.parametrize("tax, direction", [(60, -1), (80, -1), (140, +1)])
def test_tax_constraint_to_sell_acts_in_autumn(world: World, tax: float, direction: int) -> None:
    # The tax forces sales when goods are short; with goods plentiful peasants sell to buy them
    # anyway (see the next test), so the tax is tested in a season of goods famine.
    short = {"goods_to_village": 0.4}  # played to 1927-autumn: later the famine becomes a bread crisis
    base = world.run(levers=short, seasons=6)
    assert base("goods_famine", "1927-summer") > 0.1
    taxed = world.run({"1927-summer": {"agricultural_tax": tax}}, levers=short, seasons=6)
    # Set in summer, the tax falls due in autumn: summer sales do not move.
    assert taxed("pm_sales", "1927-summer") == base("pm_sales", "1927-summer")
    change = diff(taxed, base, "pm_sales", "1927-autumn")
    assert direction * change > 0.05 * base("pm_sales", "1927-autumn")
    assert direction * diff(taxed, base, "grain_procured", "1927-autumn") > 0


@covers("tax-constraint-to-sell")
def test_tax_constraint_to_sell_relaxed_without_loss_when_goods_are_there(world: World) -> None:
    plenty = {"goods_to_village": 0.7}
    base = world.run(levers=plenty)
    cut = world.run({"1927-autumn": {"agricultural_tax": 60}}, levers=plenty)
    assert base("goods_famine", "1927-autumn") == 0
    assert cut("pm_sales", "1927-autumn") >= 0.95 * base("pm_sales", "1927-autumn")


@covers("holding-grain")
def test_holding_grain_unsold_grain_goes_to_diets_livestock_and_reserve(world: World) -> None:
    base = world.run(seasons=7)
    cut = world.run({CUT: {"goods_to_village": 0.3}}, seasons=7)
    unsold = -diff(cut, base, "pm_sales", CUT)
    assert unsold > 0.5
    # The same season, what was not sold is eaten, fed to livestock, or kept as a reserve...
    assert diff(cut, base, "grain_fed_and_eaten", CUT) > 0.05 * unsold
    assert diff(cut, base, "pm_grain", CUT) > 0.5 * unsold
    assert cut("livestock", CUT) > base("livestock", CUT)
    assert cut("pm_grain_available", "1928-winter") > base("pm_grain_available", "1928-winter")
    # ...by the poor and middle households themselves, not in a kulak hoard.
    assert cut("kulak_grain", CUT) == base("kulak_grain", CUT)


@covers("seasonal-selling")
def test_seasonal_selling_kulaks_early_poor_and_middle_in_autumn(world: World) -> None:
    base = world.run()
    year = seasons_from("1927-summer", 4)  # summer, autumn, winter, spring
    kulak = {s: base("kulak_sell_rate", s) for s in year}
    pm = {s: base("pm_sell_rate", s) for s in year}
    assert max(kulak, key=kulak.__getitem__) == "1927-summer"  # kulaks own carts and sell early
    assert max(pm, key=pm.__getitem__) == "1927-autumn"  # the others sell when the tax falls due
    assert kulak["1928-spring"] > kulak["1927-autumn"]  # and kulaks hold for the spring prices
    share = {s: base("kulak_sales", s) / (base("kulak_sales", s) + base("pm_sales", s)) for s in year}
    assert share["1927-summer"] > 3 * share["1927-autumn"]


@covers("seasonal-selling")
def test_seasonal_selling_kulaks_hold_when_prices_rise(world: World) -> None:
    base = world.run()
    # The free price climbs for one spring (private traders taxed, which they price in), then eases
    # back. (The state's own price no longer moves the free price: it answers the free market.)
    rise = world.run({"1927-spring": {"private_trade_policy": 1}, "1927-summer": {"private_trade_policy": 0}})
    assert rise("private_grain_price", "1927-spring") > base("private_grain_price", "1927-spring") + 5
    assert rise("kulak_sales", "1927-spring") == base("kulak_sales", "1927-spring")
    # The following season kulaks, expecting more, hold back; the poor and middle do not speculate
    # (they sell a little less only because the free price still stands above the state's).
    assert rise("kulak_sell_rate", "1927-summer") < 0.9 * base("kulak_sell_rate", "1927-summer")
    assert rise("kulak_grain", "1927-summer") > base("kulak_grain", "1927-summer")
    kulak_fall = -diff(rise, base, "kulak_sell_rate", "1927-summer") / base("kulak_sell_rate", "1927-summer")
    pm_move = abs(diff(rise, base, "pm_sell_rate", "1927-summer")) / base("pm_sell_rate", "1927-summer")
    assert pm_move < 0.25 * kulak_fall, (pm_move, kulak_fall)
    # Within the year they sell what they held.
    later = seasons_from("1927-autumn", 3)
    assert rise.total("kulak_sales", later) > base.total("kulak_sales", later)


CHEAP: Changes = {"1927-summer": {"procurement_price": 80}}


@covers("procurement-vs-market-price")
def test_procurement_vs_market_price_sales_go_private_same_season(world: World) -> None:
    base = world.run()
    cheap = world.run(CHEAP)
    season = "1927-summer"
    assert cheap("private_grain_price", season) / 80 > base("private_grain_price", season) / 110
    assert cheap("state_share", season) < base("state_share", season) - 0.05
    assert cheap("grain_sold_privately", season) > base("grain_sold_privately", season)
    assert cheap("grain_procured", season) < 0.9 * base("grain_procured", season)
    assert cheap("grain_procured", "1927-autumn") < base("grain_procured", "1927-autumn")


@covers("procurement-vs-market-price")
def test_procurement_vs_market_price_less_grain_sown_next_spring(world: World) -> None:
    base = world.run()
    cheap = world.run(CHEAP)
    for season in ("1927-summer", "1927-autumn", "1928-winter"):  # the area is sown in spring
        assert cheap("sown_area", season) == base("sown_area", season)
    assert cheap("sown_area", "1928-spring") < base("sown_area", "1928-spring") - 0.5
    assert cheap("harvest", "1928-summer") < base("harvest", "1928-summer")


@covers("procurement-vs-market-price")
def test_procurement_vs_market_price_explained_by_the_price(world: World) -> None:
    cheap = world.run(CHEAP)
    why = cheap.explain("state_share", "1927-summer")
    assert top_causes(why, 1) == ["procurement_price"]
    # Summer's harvest moves sales most; the price is the next cause of what the state gets.
    assert {"state_share", "procurement_price"} <= cause_tree(cheap.explain("grain_sold_to_state", "1927-summer"), top=3)


@covers("procurement-vs-market-price")
def test_procurement_vs_market_price_grain_kept_back_same_season(world: World) -> None:
    base = world.run()
    cheap = world.run(CHEAP)
    assert cheap("pm_grain", "1927-summer") > base("pm_grain", "1927-summer")
    assert cheap("grain_fed_and_eaten", "1927-summer") > base("grain_fed_and_eaten", "1927-summer")


@covers("procurement-vs-market-price")
def test_procurement_vs_market_price_poor_lose_most(world: World) -> None:
    """The poor, who sell first and mostly to the state (B 4917-4924), lose more trust than the
    middle peasants when the state's price is cut."""
    base = world.run()
    cheap = world.run(CHEAP)
    for season in ("1927-autumn", "1928-spring"):
        assert diff(cheap, base, "poor_peasant_trust", season) < diff(cheap, base, "middle_peasant_trust", season)


TECHNICAL = {"other_produce_price": 250}  # technical crops and livestock products pay well at the start


@covers("crop-switching")
def test_crop_switching_land_leaves_grain_at_next_sowing(world: World) -> None:
    base = world.run()
    dear = world.run(initial=TECHNICAL)
    assert dear("crop_incentive", "1926-summer") < base("crop_incentive", "1926-summer") - 0.1
    for season in ("1926-summer", "1926-autumn", "1927-winter"):
        assert dear("sown_area", season) == base("sown_area", season)
    assert dear("sown_area", "1927-spring") < base("sown_area", "1927-spring") - 0.5
    assert dear("harvest", "1927-summer") < base("harvest", "1927-summer")


@covers("crop-switching")
def test_crop_switching_technical_crops_favour_the_better_off(world: World) -> None:
    base = world.run()
    dear = world.run(initial=TECHNICAL)
    assert dear("kulak_share", "1928-autumn") > base("kulak_share", "1928-autumn") + 0.0005


@covers("agency-passivity")
def test_agency_passivity_waiting_agencies_lose_grain_same_season(world: World) -> None:
    """Directives not to compete make a price gap cost the state more grain than it otherwise would:
    compared with agencies that compete (``passivity_weight`` 0), the same price cut loses more."""
    losses = {}
    for weight in (0.8, 0.0):
        params = {"passivity_weight": weight}
        base, cheap = world.run(parameters=params), world.run(CHEAP, parameters=params)
        assert cheap("state_share", "1927-spring") == base("state_share", "1927-spring")
        losses[weight] = diff(cheap, base, "grain_sold_to_state", "1927-summer")
        if weight:
            assert cheap("agency_passivity", "1927-summer") > base("agency_passivity", "1927-summer") + 0.05
    assert losses[0.8] < losses[0.0] < 0
    assert losses[0.8] < 1.2 * losses[0.0]


# ======================================================================================================
# B. Prices, the scissors and private trade
# ======================================================================================================


@covers("scissors")
@pytest.mark.parametrize("price, direction", [(250, -1), (150, +1)])
def test_scissors_set_middle_peasant_trust_slowly(world: World, price: float, direction: int) -> None:
    base = world.run(seasons=16)
    # To 1929-summer, the last season read: at 150 the goods famine ends in a bread crisis later on.
    moved = world.run({"1927-summer": {"industrial_price": price}}, seasons=13)
    assert direction * diff(moved, base, "scissors", "1927-summer") > 10  # the blades move at once
    early = direction * diff(moved, base, "middle_peasant_trust", "1927-summer")
    late = direction * diff(moved, base, "middle_peasant_trust", "1929-summer")
    assert late > 1 and late > 2 * early  # trust follows slowly


@covers("scissors")
def test_scissors_skid_weakens_alliance_and_procurement(world: World) -> None:
    base = world.run(seasons=16)
    skid = world.run({"1927-summer": {"industrial_price": 250}}, seasons=16)
    assert diff(skid, base, "alliance", "1929-summer") < -1
    year = seasons_from("1928-summer", 4)
    assert skid.total("grain_procured", year) < base.total("grain_procured", year)


@covers("scissors")
def test_scissors_grain_sold_to_the_state_fares_worse_than_the_farm_index(world: World) -> None:
    base = world.run()
    for season in seasons_from("1926-summer", 10):
        state_grain_terms = 100 * base.lever("procurement_price", season) / base("retail_goods_price", season)
        assert state_grain_terms < base("scissors", season)


@covers("goods-famine-from-towns")
def test_goods_famine_from_towns_investment_empties_village_shops(world: World) -> None:
    base = world.run()
    build = world.run({"1927-summer": {"industrial_investment": 200}})
    for season in seasons_from("1927-autumn", 4):  # lags 1-4
        assert build("village_goods_supply", season) < base("village_goods_supply", season) - 5
        assert build("goods_famine", season) > base("goods_famine", season)
        # The famine comes from the towns' side: the village does not want more than before.
        assert build("village_goods_demand", season) <= base("village_goods_demand", season)
    assert build("consumer_goods_share", "1927-summer") < base("consumer_goods_share", "1927-summer")


@covers("private-trader-markup")
def test_private_trader_markup_pays_a_little_more_sells_much_dearer(world: World) -> None:
    base = world.run()
    for season in seasons_from("1927-summer", 4):
        assert 1.0 < base("private_grain_price", season) / base.lever("procurement_price", season) < 1.4  # a little more for grain
        assert base("private_markup", season) > 1.1  # but manufactures much dearer


@covers("private-trader-markup")
def test_private_trader_markup_widens_with_shortage(world: World) -> None:
    base = world.run(seasons=7)
    cut = world.run({CUT: {"goods_to_village": 0.3}}, seasons=7)
    assert cut("private_markup", "1928-winter") > base("private_markup", "1928-winter") + 0.05
    assert cut("retail_goods_price", "1928-winter") > base("retail_goods_price", "1928-winter")


@covers("private-trader-markup")
def test_private_trader_markup_widens_in_the_same_season(world: World) -> None:
    base = world.run(seasons=7)
    cut = world.run({CUT: {"goods_to_village": 0.3}}, seasons=7)
    assert cut("private_markup", CUT) > base("private_markup", CUT)


@covers("suppressing-private-trade")
@pytest.mark.parametrize("policy", [1, 2])
def test_suppressing_private_trade_fewer_goods_not_cheaper(world: World, policy: int) -> None:
    base = world.run()
    banned = world.run({"1927-summer": {"private_trade_policy": policy}})
    for season in seasons_from("1927-summer", 3):  # lags 0-2
        assert banned("village_goods_supply", season) < base("village_goods_supply", season) - 2
        assert banned("retail_goods_price", season) >= base("retail_goods_price", season)
    if policy == 2:
        assert banned("goods_famine", "1927-autumn") > base("goods_famine", "1927-autumn")


@covers("suppressing-private-trade")
def test_suppressing_private_trade_harder_the_faster_it_goes(world: World) -> None:
    base = world.run()
    loss = {p: diff(world.run({"1927-summer": {"private_trade_policy": p}}), base, "village_goods_supply", "1927-autumn") for p in (1, 2)}
    assert loss[2] < loss[1] < 0


@covers("suppressing-private-trade")
def test_suppressing_private_trade_co_op_shops_replace_private_ones(world: World) -> None:
    """Suppression costs fewer goods where co-op and state shops can take over."""
    losses = {}
    for members in (0.25, 0.8):
        start = {"coop_voluntary": members, "coop_membership": members}
        base = world.run(initial=start)
        banned = world.run({"1927-summer": {"private_trade_policy": 2}}, initial=start)
        losses[members] = diff(banned, base, "village_goods_supply", "1927-autumn")
    assert losses[0.25] < losses[0.8] < 0


@covers("rural-crafts")
@pytest.mark.parametrize("starve", [{"industrial_investment": 200}, {"private_trade_policy": 2}], ids=["heavy-industry", "suppression"])
def test_rural_crafts_wither_over_seasons(world: World, starve: dict[str, float]) -> None:
    base = world.run()
    starved = world.run({"1927-summer": starve})
    gaps = [diff(starved, base, "crafts_output", s) for s in seasons_from("1927-summer", 5)]
    assert all(b < a < 0 for a, b in zip(gaps, gaps[1:]))  # deeper every season, lags 0-4
    assert gaps[4] < 2.5 * gaps[0]


@covers("rural-crafts")
def test_rural_crafts_without_raw_materials_cut_goods_and_incomes(world: World) -> None:
    base = world.run()
    starved = world.run(parameters={"crafts_base": 8})
    gaps = [diff(starved, base, "crafts_output", s) for s in seasons_from("1926-summer", 5)]
    assert all(b < a < 0 for a, b in zip(gaps, gaps[1:]))
    season = "1927-summer"  # four seasons on
    assert starved("village_goods_supply", season) < base("village_goods_supply", season) - 5
    assert starved("goods_famine", season) > base("goods_famine", season)
    year = seasons_from("1926-autumn", 4)
    assert starved.total("peasant_cash_income", year) < base.total("peasant_cash_income", year)


@covers("inflation")
def test_inflation_money_issue_raises_free_prices_next_seasons(world: World) -> None:
    base = world.run()
    build = world.run({"1927-summer": {"industrial_investment": 200}})
    assert build("investment_overshoot", "1927-summer") > base("investment_overshoot", "1927-summer")
    assert build("inflation", "1927-summer") > base("inflation", "1927-summer") + 0.01
    assert build("price_level", "1927-summer") == base("price_level", "1927-summer")  # not yet
    for season in ("1927-autumn", "1928-winter"):  # lags 1-2
        assert build("price_level", season) > base("price_level", season)
        assert build("retail_goods_price", season) > base("retail_goods_price", season)
        assert build("private_grain_price", season) > base("private_grain_price", season)
    # The official price of manufactures is held; only the market moves.
    assert build.lever("industrial_price", "1928-winter") == base.lever("industrial_price", "1928-winter")


# ======================================================================================================
# C. Means of production and the differentiation of the peasantry
# ======================================================================================================

FEW_IMPLEMENTS = {"implements_owned": 0.6}


@covers("implement-dependence")
def test_implement_dependence_lowers_yields_and_sowing_feeds_kulaks(world: World) -> None:
    base = world.run()
    poor = world.run(initial=FEW_IMPLEMENTS)
    season = "1926-summer"
    assert poor("implement_dependence", season) > base("implement_dependence", season) + 0.1
    assert poor("yield_factor", season) < base("yield_factor", season)
    assert poor("harvest", season) < base("harvest", season)
    assert poor("sowing_target", season) < base("sowing_target", season)
    assert poor("kulak_leverage", season) > base("kulak_leverage", season)
    assert poor("sown_area", "1927-spring") < base("sown_area", "1927-spring")


@covers("implements-raise-output")
def test_implements_raise_output_within_a_year(world: World) -> None:
    base = world.run()
    tools = world.run({CUT: {"implement_share": 0.5}})
    assert tools("implements_owned", CUT) > base("implements_owned", CUT)
    assert tools("sown_area", "1928-spring") > base("sown_area", "1928-spring") + 0.5  # next sowing, lag 2
    assert tools("harvest", "1928-summer") > base("harvest", "1928-summer") * 1.01  # the harvest, lag 3
    assert tools("pm_grain_available", "1928-summer") > base("pm_grain_available", "1928-summer")
    assert tools("pm_sales", "1928-autumn") > base("pm_sales", "1928-autumn")  # able and willing to deliver
    gaps = [diff(tools, base, "kulak_leverage", s) for s in seasons_from(CUT, 5)]
    assert all(b < a < 0 for a, b in zip(gaps, gaps[1:])) and gaps[-1] < -1


DIFFERENTIATION_DRIVERS: dict[str, tuple[Changes | None, dict[str, float] | None, int]] = {
    "tax-relief": ({"1927-summer": {"agricultural_tax": 50}}, None, -1),
    "equipment": ({"1927-summer": {"implement_share": 0.5}}, None, -1),
    "self-organization": (None, {"self_organization": 0.5}, -1),
    "coercion": ({"1927-summer": {"emergency_measures": 1}}, None, +1),
}


@covers("differentiation")
@pytest.mark.parametrize("driver", DIFFERENTIATION_DRIVERS)
def test_differentiation_poor_rise_into_the_middle_over_years(world: World, driver: str) -> None:
    changes, initial, direction = DIFFERENTIATION_DRIVERS[driver]
    base = world.run(seasons=16, initial=None)
    moved = world.run(changes, seasons=16, initial=initial)
    soon = direction * diff(moved, base, "poor_share", "1927-autumn")
    years = direction * diff(moved, base, "poor_share", "1929-summer")
    assert years > 0.003 and years > 1.35 * soon  # a matter of years
    assert -direction * diff(moved, base, "middle_share", "1929-summer") > 0.002


@covers("kulak-leverage")
def test_kulak_leverage_far_beyond_their_share_of_production(world: World) -> None:
    base = world.run()
    for season in seasons_from("1926-summer", 8):
        assert base("kulak_leverage", season) / 100 > 2 * base("kulak_grain_share", season)
        assert base("kulak_grain_share", season) > 3 * base("kulak_share", season)


KULAK_CIRCULATION: dict[str, tuple[Changes | None, dict[str, float] | None]] = {
    "lending": ({"1927-summer": {"coop_credit": 150}}, None),
    "renting-implements": (None, FEW_IMPLEMENTS),
    "trading": (CHEAP, None),
}


@covers("kulak-leverage")
@pytest.mark.parametrize("channel", KULAK_CIRCULATION)
def test_kulak_leverage_grows_through_circulation(world: World, channel: str) -> None:
    changes, initial = KULAK_CIRCULATION[channel]
    base = world.run()
    moved = world.run(changes, initial=initial)
    assert diff(moved, base, "kulak_leverage", "1927-autumn") > 0.5
    # and the village assembly follows a season later
    assert diff(moved, base, "village_assembly_power", "1928-winter") > 0


@covers("fear-of-kulak-label")
@pytest.mark.parametrize("pressure", [{"private_trade_policy": 2}, {"emergency_measures": 1}], ids=["suppression", "requisition"])
def test_fear_of_kulak_label_builds_under_pressure(world: World, pressure: dict[str, float]) -> None:
    base = world.run()
    pressed = world.run({"1927-summer": pressure})
    gaps = [diff(pressed, base, "fear_of_kulak_label", s) for s in seasons_from("1927-summer", 5)]
    assert all(0 < a < b for a, b in zip(gaps, gaps[1:]))  # builds over 1-4 seasons
    assert gaps[-1] > 0.2


@covers("fear-of-kulak-label")
def test_fear_of_kulak_label_stops_investing_hiring_and_cattle(world: World) -> None:
    base = world.run()
    afraid = world.run(initial={"fear_of_kulak_label": 0.6})
    for season in seasons_from("1926-summer", 4):
        assert afraid("kulak_share", season) < base("kulak_share", season)  # no one rises into the kulaks
        assert afraid("livestock", season) < base("livestock", season) - 0.5
    assert afraid("sown_area", "1927-spring") < base("sown_area", "1927-spring")


LEASES = {"leases_legal": 1}


@covers("liberalization-1925")
def test_liberalization_1925_strengthens_kulaks_over_years(world: World) -> None:
    base = world.run(seasons=16)  # 1926-summer: leases still illegal in this scenario
    legal = world.run(seasons=16, initial=LEASES)
    early = diff(legal, base, "kulak_leverage", "1926-summer")
    late = diff(legal, base, "kulak_leverage", "1929-summer")
    assert late > 5 and late > 3 * early
    assert diff(legal, base, "kulak_share", "1929-summer") > 0.005
    # little gain for state accumulation or procurement
    years = seasons_from("1926-summer", 16)
    assert abs(legal.total("accumulation", years) - base.total("accumulation", years)) < 0.01 * base.total("accumulation", years)
    assert abs(legal.total("grain_procured", years) - base.total("grain_procured", years)) < 0.03 * base.total("grain_procured", years)


@covers("liberalization-1925")
def test_liberalization_1925_event_legalizes_leases_in_spring_1925(world: World) -> None:
    # (Three seasons: from 1924 the default levers run into a bread crisis by the summer.)
    run = world.run(seasons=3, start="1924-autumn", initial={"leases_legal": 0})
    assert [run("leases_legal", s) for s in ("1924-autumn", "1925-winter", "1925-spring")] == [0, 0, 1]


# ======================================================================================================
# D. Co-operation and credit
# ======================================================================================================


@covers("coop-privileges")
@pytest.mark.parametrize("privilege", [{"coop_credit_advantage": 5}, {"coop_credit": 120}], ids=["rate", "larger-loans"])
def test_coop_privileges_draw_members_over_seasons(world: World, privilege: dict[str, float]) -> None:
    base = world.run(seasons=16)
    privileged = world.run({"1927-summer": privilege}, seasons=16)
    assert privileged("coop_appeal", "1927-summer") > base("coop_appeal", "1927-summer")
    gaps = [diff(privileged, base, "coop_voluntary", s) for s in seasons_from("1927-summer", 9)]  # lags 0-8
    assert all(0 < a < b for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] > 0.03


FORCED: Changes = {"1927-summer": {"emergency_measures": 2}, "1928-winter": {"emergency_measures": 0}}


@covers("coop-participation-quality")
def test_coop_participation_quality_coerced_members_are_paper_members_and_leave(world: World) -> None:
    base = world.run(seasons=16)
    forced = world.run(FORCED, seasons=16)
    assert diff(forced, base, "collective_farms", "1927-autumn") > 0.3  # joined fast
    assert forced("coop_quality", "1927-autumn") < base("coop_quality", "1927-autumn") - 0.05
    assert forced("coop_benefit", "1927-autumn") < base("coop_benefit", "1927-autumn")  # more members, less benefit
    peak = forced("coop_coerced", "1927-autumn")
    assert forced("coop_coerced", "1928-summer") < 0.25 * peak  # gone when the pressure relaxes
    assert forced("coop_quality", "1929-summer") < base("coop_quality", "1929-summer") - 0.05  # and it lasts years


@covers("coop-participation-quality")
@pytest.mark.parametrize("help_", [({"1927-summer": {"coop_credit_earmarked": 1}}, None), (None, {"literacy": 0.75})], ids=["checks", "literacy"])
def test_coop_participation_quality_needs_checks_and_literacy(world: World, help_: tuple[Any, Any]) -> None:
    changes, initial = help_
    base = world.run(seasons=16)
    helped = world.run(changes, seasons=16, initial=initial)
    assert diff(helped, base, "coop_quality", "1929-summer") > 0.05


@covers("coop-credit-capture")
def test_coop_credit_capture_unearmarked_credit_reaches_the_better_off(world: World) -> None:
    base = world.run()
    loose = world.run({"1927-summer": {"coop_credit": 150}})
    earmarked = world.run({"1927-summer": {"coop_credit": 150, "coop_credit_earmarked": 1}})
    season = "1927-summer"
    assert loose("credit_to_poor_middle", season) < 0.25 * 150 < 0.75 * 150 < earmarked("credit_to_poor_middle", season)
    later = seasons_from("1927-autumn", 4)  # lags 1-4
    for s in later:
        assert loose("kulak_leverage", s) > base("kulak_leverage", s)
        assert earmarked("kulak_leverage", s) < base("kulak_leverage", s)
    assert diff(earmarked, base, "kulak_leverage", later[-1]) < -1
    assert diff(earmarked, base, "poor_peasant_trust", later[-1]) > 2 * diff(loose, base, "poor_peasant_trust", later[-1])


@covers("coop-credit-capture")
def test_coop_credit_capture_explained_by_loans_to_the_better_off(world: World) -> None:
    loose = world.run({"1927-summer": {"coop_credit": 150}})
    why = loose.explain("kulak_leverage", "1927-summer")
    assert why.change > 0
    assert top_causes(why, 1) == ["credit_to_kulaks"]
    assert "coop_credit" in cause_tree(why, top=1)


@covers("coop-serves-procurement")
def test_coop_serves_procurement_co_ops_without_goods_lose_appeal(world: World) -> None:
    base = world.run(seasons=9)
    bare = world.run({CUT: {"goods_to_village": 0.3}}, seasons=9)
    assert bare("coop_appeal", CUT) < base("coop_appeal", CUT)
    for season in seasons_from(CUT, 4):
        assert bare("coop_voluntary", season) < base("coop_voluntary", season)


CONTRACTS: Changes = {"1927-summer": {"coop_credit": 150, "coop_credit_earmarked": 1}}


@covers("kontraktatsiya")
def test_kontraktatsiya_voluntary_contracts_bring_grain_the_same_year(world: World) -> None:
    base = world.run()
    bound = world.run(CONTRACTS)
    assert diff(bound, base, "contract_deliveries", "1927-autumn") > 0.5
    assert bound("grain_sold_to_state", "1927-autumn") > base("grain_sold_to_state", "1927-autumn")
    year = seasons_from("1927-summer", 4)
    assert bound.total("grain_procured", year) > base.total("grain_procured", year)


@covers("kontraktatsiya")
def test_kontraktatsiya_made_compulsory_binds_less_and_turns_the_village(world: World) -> None:
    levy = {"1927-autumn": {"emergency_measures": 1}}
    contracts_and_levy = world.run({**CONTRACTS, **levy})
    contracts = world.run(CONTRACTS)
    share = {name: run("contract_deliveries", "1927-autumn") / (run("pm_grain_available", "1927-autumn") - run("requisitioned_pm", "1927-autumn") - run("pm_sales", "1927-autumn"))
             for name, run in (("voluntary", contracts), ("compulsory", contracts_and_levy))}
    assert share["compulsory"] < 0.75 * share["voluntary"]
    assert contracts_and_levy("middle_peasant_trust", "1927-autumn") < contracts("middle_peasant_trust", "1927-autumn") - 5


ORGANIZED = {"self_organization": 0.5}


@covers("self-organization")
def test_self_organization_raises_output_and_independence(world: World) -> None:
    base = world.run(seasons=16)
    organized = world.run(seasons=16, initial=ORGANIZED)
    for summer in ("1926-summer", "1927-summer", "1928-summer"):
        assert organized("harvest", summer) > base("harvest", summer)
    assert organized("implement_dependence", "1926-summer") < base("implement_dependence", "1926-summer") - 0.05
    gaps = [diff(organized, base, "kulak_leverage", s) for s in ("1926-summer", "1927-summer", "1928-winter")]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < -5  # independence from the kulaks builds over years
    assert diff(organized, base, "poor_share", "1929-summer") < -0.005


@covers("self-organization")
def test_self_organization_grows_from_small_earmarked_loans(world: World) -> None:
    base = world.run(seasons=16)
    helped = world.run(CONTRACTS, seasons=16)
    gaps = [diff(helped, base, "self_organization", s) for s in seasons_from("1927-summer", 9)]
    assert all(0 < a < b for a, b in zip(gaps, gaps[1:]))


@covers("literacy")
def test_literacy_is_a_slow_stock(world: World) -> None:
    base = world.run(seasons=28)
    schools = world.run({"1927-summer": {"literacy_campaign": 100}}, seasons=28)
    after = {lag: diff(schools, base, "literacy", str(Season.parse("1927-summer").plus(lag))) for lag in (0, 4, 8, 20)}
    assert 0 < after[0] < 0.01
    assert after[4] < 0.03  # a year of schools moves literacy little...
    assert after[20] > 0.07 and after[20] > after[8] > after[4]  # ...years of them, more
    quality = {lag: diff(schools, base, "coop_quality", str(Season.parse("1927-summer").plus(lag))) for lag in (4, 8, 20)}
    assert quality[4] < 0.01 < quality[20] and quality[20] > quality[8] > quality[4]


@covers("literacy")
def test_literacy_lifts_co_op_quality_trust_and_trade(world: World) -> None:
    base = world.run()
    lettered = world.run(initial={"literacy": 0.75})
    season = "1928-summer"
    for name in ("coop_quality", "coop_appeal", "coop_voluntary", "coop_benefit", "party_presence", "self_organization"):
        assert lettered(name, season) > base(name, season), name


@covers("coop-bureaucratization")
def test_coop_bureaucratization_forced_co_ops_grow_an_apparatus_members_leave(world: World) -> None:
    base = world.run(seasons=16)
    forced = world.run(FORCED, seasons=16)
    gaps = [diff(forced, base, "bureaucracy", s) for s in ("1927-summer", "1928-summer", "1929-summer")]
    assert 0 < gaps[0] < gaps[1] and gaps[2] > 0.15  # it does not wither by itself
    assert forced("coop_voluntary", "1929-summer") < base("coop_voluntary", "1929-summer") - 0.02


@covers("coop-bureaucratization")
def test_coop_bureaucratization_voluntary_co_ops_meet_a_crisis_on_surer_ground(world: World) -> None:
    sound = {"coop_voluntary": 0.6, "coop_membership": 0.6, "coop_quality": 0.7}
    rise = {}
    for name, initial in (("thin", None), ("sound", sound)):
        base = world.run(seasons=16, initial=initial)
        forced = world.run(FORCED, seasons=16, initial=initial)
        rise[name] = diff(forced, base, "bureaucracy", "1928-summer")
    assert 0 < rise["sound"] < rise["thin"]


@covers("coop-like-firm")
@pytest.mark.parametrize("literacy, direction", [(0.2, -1), (0.75, +1)])
def test_coop_like_firm_without_education_members_stay_apolitical(world: World, literacy: float, direction: int) -> None:
    base = world.run()
    run = world.run(initial={"literacy": literacy})
    season = "1927-summer"
    per_member = run("coop_benefit", season) / run("coop_voluntary", season)
    per_member_base = base("coop_benefit", season) / base("coop_voluntary", season)
    assert direction * (per_member - per_member_base) > 0.02
    assert direction * diff(run, base, "party_presence", season) > 0


# ======================================================================================================
# Coverage: every mechanism of sections A-D has a test here
# ======================================================================================================


def ruleset_section_ids() -> dict[str, list[str]]:
    """Mechanism ids of the base rules' catalogue by their ``section`` letter."""
    sections: dict[str, list[str]] = {}
    for ident, mechanism in load_ruleset(BASE_RULES).mechanisms.items():
        assert mechanism.section, f"mechanism {ident} names no section"
        sections.setdefault(mechanism.section, []).append(ident)
    return sections


def test_every_mechanism_stands_under_the_heading_of_its_section() -> None:
    """The ``section`` field and the section comments of ``mechanisms.toml`` agree."""
    current = None
    for line in (BASE_RULES / "mechanisms.toml").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#\s*([A-Z])\.\s", line)
        if heading:
            current = heading.group(1)
        section = re.match(r'section = "([A-Z])"', line)
        if section:
            assert section.group(1) == current, line


def test_covered_mechanisms_are_sections_a_to_d_of_the_rule_set() -> None:
    sections = ruleset_section_ids()
    declared = set(load_ruleset(BASE_RULES).mechanisms)
    listed = {m for ids in sections.values() for m in ids}
    assert listed == declared  # the parse found every declared mechanism
    wanted = {m for s in SECTIONS for m in sections.get(s, [])}
    assert len(wanted) >= 29
    assert set(COVERED) == wanted
