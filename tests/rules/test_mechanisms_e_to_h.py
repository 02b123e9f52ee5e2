"""Direction tests for the mechanisms of sections E-H of the base rules' catalogue
(``rules/base/mechanisms.toml``: coercion; towns and workers; accumulation, investment and trade;
village politics and the state).

Each test plays the base rules twice (or more) from the same mid-NEP starting point: a baseline,
and a run in which one driver is moved (a lever in one season, a parameter, a starting value, the
weather). Everything else is identical, so any difference is the mechanism's doing. Every test
checks the direction of the effect and its timing (the lag the mechanism's summary gives): nothing
before the driver acts, the effect in the season(s) the catalogue says. Runs are deterministic
(scripted weather, a fixed seed), so the margins only guard against recalibration, not against
noise.

A test is named after the mechanism id it checks (``test_<id>`` or ``test_<id>_<detail>``); the
last tests make sure the ids covered here are exactly sections E-H of the catalogue.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from game.engine.explain import Cause, Explanation
from game.rules.ruleset import load_ruleset
from game.rules.scenario import Scenario, load_scenario
from game.session import Session

ROOT = Path(__file__).resolve().parents[2]
BASE_RULES = ROOT / "rules" / "base"
SECTIONS = ("E", "F", "G", "H")

QUARTERS = ("winter", "spring", "summer", "autumn")
START = "1926-summer"
SEASONS = 24
SEED = 1926

# A mid-NEP village just before the 1926 harvest: the peasants' stocks run low before it, the
# state holds a small reserve, leases are legal. Everything else starts at the rules' own values.
INITIAL: dict[str, float] = {
    "pm_grain": 2.4,
    "kulak_grain": 0.75,
    "grain_reserve": 1.6,
    "private_grain_price": 150,
    "private_grain_price_before": 150,
    "leases_legal": 1,
    "middle_peasant_trust": 50,
    "poor_peasant_trust": 50,
    "worker_trust": 50,
    "accumulation": 100,
}

# The state's policy of 1926-27, played every season unless a test's plan says otherwise. Under it
# the baseline runs the whole six years with no ending and no coercion.
POLICY: dict[str, float] = {
    "procurement_price": 120,
    "industrial_price": 200,
    "goods_to_village": 0.6,
    "implement_share": 0.15,
    "agricultural_tax": 100,
    "private_trade_policy": 1,
    "emergency_measures": 0,
    "industrial_investment": 100,
    "grain_exports": 2.25,
    "coop_credit": 50,
    "literacy_campaign": 30,
}

REQUISITION = {"emergency_measures": 1}
COLLECTIVIZE = {"emergency_measures": 2}

Plan = Mapping[str, Mapping[str, float]]  # season -> lever values for that season only


# --- seasons -------------------------------------------------------------------------------------


def index(season: str) -> int:
    year, name = season.split("-")
    return int(year) * 4 + QUARTERS.index(name)


def shift(season: str, n: int) -> str:
    """The season ``n`` seasons after ``season``."""
    k = index(season) + n
    return f"{k // 4}-{QUARTERS[k % 4]}"


def span(first: str, n: int) -> list[str]:
    return [shift(first, k) for k in range(n)]


def during(first: str, n: int, levers: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """A plan: ``levers`` for ``n`` seasons from ``first``."""
    return {season: dict(levers) for season in span(first, n)}


def summers() -> list[str]:
    return [s for s in span(START, SEASONS) if s.endswith("summer")]


# --- playing the rules ---------------------------------------------------------------------------


class Run:
    """A played game; values are read by season label."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.turns = {state.season: t for t, state in enumerate(session.history)}

    def turn(self, season: str) -> int:
        if season not in self.turns:
            ending = self.session.state.ending
            raise AssertionError(f"season {season} was not played (the game ended with {ending!r} in {self.session.state.season})")
        return self.turns[season]

    def __call__(self, name: str, season: str) -> float:
        return self.session.value(name, self.turn(season))

    def values(self, season: str) -> dict[str, float]:
        return self.session.values(self.turn(season))

    def explain(self, name: str, season: str) -> Explanation:
        return self.session.explain(name, self.turn(season))


class World:
    """Scenarios of the base rules written under a private rules root, and the runs played on
    them (cached: a baseline is played once and shared by the tests that compare with it)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.scenarios: dict[str, Scenario] = {}
        self.runs: dict[str, Run] = {}

    def scenario(self, initial: Mapping[str, float] | None = None, parameters: Mapping[str, float] | None = None,
                 weather: Mapping[str, float] | None = None) -> Scenario:
        key = json.dumps([initial or {}, parameters or {}, weather or {}], sort_keys=True)
        if key not in self.scenarios:
            ident = f"x{len(self.scenarios) + 1}"
            rain = {season: 1.0 for season in summers()}
            rain.update(weather or {})
            doc: dict[str, Any] = {
                "scenario": {"id": ident, "title": "Direction test", "summary": "A controlled run of the base rules.",
                             "ruleset": "base", "start": START, "seasons": SEASONS, "seed": SEED},
                "initial": {**INITIAL, **(initial or {})},
                "scripted_draws": [{"season": s, "draw": "weather", "value": v} for s, v in sorted(rain.items(), key=lambda sv: index(sv[0]))],
            }
            if parameters:
                doc["parameters"] = dict(parameters)
            (self.root / "scenarios" / f"{ident}.toml").write_text(tomli_w.dumps(doc), encoding="utf-8")
            self.scenarios[key] = load_scenario(ident, self.root)
        return self.scenarios[key]

    def run(self, plan: Plan | None = None, *, initial: Mapping[str, float] | None = None,
            parameters: Mapping[str, float] | None = None, weather: Mapping[str, float] | None = None,
            policy: Mapping[str, float] | None = None) -> Run:
        """Play the whole scenario: the defaults, then POLICY (and ``policy``) every season, then
        the plan's levers in the seasons it names."""
        key = json.dumps([plan or {}, initial or {}, parameters or {}, weather or {}, policy or {}], sort_keys=True)
        if key not in self.runs:
            scenario = self.scenario(initial, parameters, weather)
            session = Session(scenario, SEED)
            defaults = dict(session.levers)
            while not session.is_over:
                season = str(session.next_season)
                session.set_levers({**defaults, **POLICY, **(policy or {}), **(plan or {}).get(season, {})})
                session.end_season()
            self.runs[key] = Run(session)
        return self.runs[key]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("rules")
    shutil.copytree(BASE_RULES, root / "base")
    (root / "scenarios").mkdir()
    return World(root)


@pytest.fixture(scope="module")
def base(world: World) -> Run:
    return world.run()


def gap(run: Run, baseline: Run, name: str, season: str) -> float:
    """How far ``run`` is from ``baseline`` in ``name`` in ``season``."""
    return run(name, season) - baseline(name, season)


def assert_identical_before(run: Run, baseline: Run, season: str) -> None:
    """Every value the same in every season before ``season``: the driver has not acted yet."""
    for s in span(shift(START, -1), index(season) - index(START) + 1):
        assert run.values(s) == baseline.values(s), f"the runs differ already in {s}, before {season}"


def ranked(causes: tuple[Cause, ...] | Explanation, *path: str, top: int = 3) -> list[str]:
    """Names of the ``top`` causes, after following ``path`` down the explanation's tree (each
    step must itself be among the top causes of its level)."""
    level = causes.causes if isinstance(causes, Explanation) else causes
    for name in path:
        names = [c.name for c in level[:top]]
        assert name in names, f"{name} is not among the top causes {names}"
        level = next(c for c in level if c.name == name).causes
    return [c.name for c in level[:top]]


def yearly_mean(run: Run, name: str, first: str) -> float:
    return sum(run(name, s) for s in span(first, 4)) / 4


# =================================================================================================
# E. Coercion
# =================================================================================================

WINTER = "1927-winter"  # the requisition season of most coercion tests (as in January 1928)


def test_emergency_measures_yield(world: World, base: Run) -> None:
    """Requisition brings grain in now: procurement jumps in the season it is used."""
    req = world.run({WINTER: REQUISITION})
    assert_identical_before(req, base, WINTER)
    assert req("requisitioned", WINTER) > 1.5
    assert gap(req, base, "grain_procured", WINTER) > 1.0
    # ... and the season report says so: the grain taken is what moved procurement most.
    assert "requisitioned" in ranked(req.explain("grain_procured", WINTER), top=2)


def test_emergency_measures_yield_kulaks_first(world: World) -> None:
    """From the kulaks first; only when their stocks run out, from the middle and the poor. (With
    the Party everywhere in the village, so no household is hit by mistake.)"""
    exact = {"party_presence": 1.0}
    small = world.run({WINTER: REQUISITION}, initial=exact, parameters={"requisition_reach": 0.058})
    large = world.run({WINTER: REQUISITION}, initial=exact)
    assert small("requisitioned_kulak", WINTER) == pytest.approx(small("requisition_level", WINTER))
    assert small("requisitioned_kulak", WINTER) > 0.2
    assert small("requisitioned_pm", WINTER) == pytest.approx(0.0, abs=1e-9)
    assert large("requisitioned_pm", WINTER) > 0.5
    kulak_taken = large("requisitioned_kulak", WINTER) / large("kulak_grain_available", WINTER)
    pm_taken = large("requisitioned_pm", WINTER) / large("pm_grain_available", WINTER)
    assert kulak_taken > pm_taken + 0.1


def test_emergency_measures_yield_falls_with_each_use(world: World, base: Run) -> None:
    """Returns fall with each use: three winter campaigns, each taking less than the last."""
    winters = ["1927-winter", "1928-winter", "1929-winter"]
    again = world.run({w: REQUISITION for w in winters})
    taken = [again("requisitioned", w) for w in winters]
    extra = [gap(again, base, "grain_procured", w) for w in winters]
    assert taken[1] < 0.85 * taken[0] and taken[2] < 0.9 * taken[1], taken
    assert extra[0] > extra[1] > extra[2] > 0, extra


def test_emergency_measures_cost(world: World, base: Run) -> None:
    """Requisition in winter: the next spring's sowing, the livestock for a year, middle-peasant
    trust, and (at once) the village's reserves and consumption all fall."""
    req = world.run({WINTER: REQUISITION})
    spring, summer = shift(WINTER, 1), shift(WINTER, 2)
    # Sowing: nothing until the spring sowing, then less land under grain and a smaller harvest.
    assert gap(req, base, "sown_area", WINTER) == 0
    assert gap(req, base, "sown_area", spring) < -1.5
    assert gap(req, base, "harvest", summer) < -1.0
    # Livestock falls at once and stays lower for the four seasons after.
    assert all(gap(req, base, "livestock", shift(WINTER, k)) < -1.0 for k in range(5))
    assert gap(req, base, "livestock", shift(WINTER, 4)) < gap(req, base, "livestock", WINTER)
    assert gap(req, base, "middle_peasant_trust", spring) < -5
    # Reserves and consumption, in the season and through the lean spring.
    for season in (WINTER, spring):
        reserves = gap(req, base, "pm_grain", season) + gap(req, base, "kulak_grain", season)
        assert reserves < -0.3, season
        assert gap(req, base, "grain_fed_and_eaten", season) < -0.05, season
    # The season report traces the smaller sowing to the memory of requisition.
    assert "coercion_memory" in ranked(req.explain("sown_area", spring), "sowing_target")


def test_emergency_measures_cost_village_eats_less_for_a_year(world: World, base: Run) -> None:
    """After a winter requisition the village eats and feeds less over the following year: the
    measures were kept up "only by reducing consumption in the villages" (B 3749-3755)."""
    req = world.run({WINTER: REQUISITION})
    year = span(WINTER, 5)
    assert sum(gap(req, base, "grain_fed_and_eaten", s) for s in year) < -0.5
    assert gap(req, base, "grain_fed_and_eaten", WINTER) < 0


@pytest.mark.xfail(strict=True, reason=(
    "emergency-measures-cost, lag 1-4: after a single winter requisition the village holds MORE grain "
    "than the baseline from the next harvest on (pm_grain + kulak_grain gap at lags 1..4 = -0.90, +0.67, "
    "+2.77, +3.08 Mt). The ratchet (B 1283-1294: once the pressure eased, procurement fell sharply) "
    "lowers how much the village sells at all, so the grain it will not sell the state stays in its "
    "stock, and holding_use lets it eat less of that stock while the memory of requisition lasts; "
    "together they outweigh the smaller harvest. The sources' exhausted reserves (B 3648-3654, "
    "3749-3760) come from measures kept up through 1928-29, and the grain withheld from the state was "
    "partly sold outside the official channels by poor and middle peasants too (B 4094-4105). An "
    "earlier trial (commit 7a30497, before a89dd89) moved the ratchet from the sell rates to the "
    "state's share of sales and dropped holding_use's coercion factor; only two margins slipped then. "
    "Measured again on b39bf0e: (a) the ratchet as a logit term in the state's share (-2 x memory), sell "
    "rates and holding_use without it: this test passes, but 8 others fail (sowing after requisition, "
    "the sell-rate ratchet, trust recovery, tribute, crop switching, co-op paper members, both "
    "bureaucratization tests). (b) The grain the ratchet keeps from the state sold outside the "
    "official channels as a flow of its own, sell rates and state share unchanged: half of it moves no "
    "other test but leaves +0.01, +1.35, +1.56 Mt at lags 2-4; three quarters break the three co-op "
    "tests that play forced collectivization; all of it, with holding_use's coercion factor gone, passes "
    "this test (-1.24, -1.19, -0.44, -0.19 Mt at lags 1-4) but fails 7 others (forced runs end in a bread crisis). "
    "Measures kept up (requisition in the winter and spring of two years) still leave the village MORE grain after each harvest (+0.30, +2.77, "
    "+1.71 Mt at lags 2-4): the gap is the ratchet keeping grain in the barns, not the single "
    "requisition this test plays. Why every trial breaks the same tests: on b39bf0e the co-op tests' "
    "forced run (two seasons of collectivization, 16 seasons) escapes the bread-crisis ending by 1.3 "
    "points of worker trust (31.3 against 30 in 1929-summer, the third short season), its voluntary "
    "members sit -0.02003 below the base against the -0.02 asked, and crop switching's sowing "
    "-0.554 against -0.5: any change that leaves the state less grain after coercion crosses them."))
def test_emergency_measures_cost_village_reserves_stay_low_for_a_year(world: World, base: Run) -> None:
    req = world.run({WINTER: REQUISITION})
    for season in span(WINTER, 5)[1:]:
        assert gap(req, base, "pm_grain", season) + gap(req, base, "kulak_grain", season) < 0, season


def test_coercion_realigns_middle(world: World, base: Run) -> None:
    """The same 1 Mt requisition, once taken almost all from kulaks, once mostly from the middle
    (kulaks hide their grain): when it hits the middle, middle-peasant trust falls further at once
    and stays lower, and the poor close ranks with them."""
    exact, quota = {"party_presence": 1.0}, {"requisition_reach": 0.116}
    kulaks = world.run({WINTER: REQUISITION}, initial=exact, parameters=quota)
    middle = world.run({WINTER: REQUISITION}, initial=exact, parameters={**quota, "kulak_take_max": 0.05})
    assert kulaks("requisitioned", WINTER) == pytest.approx(middle("requisitioned", WINTER))
    assert middle("middle_hit_share", WINTER) > kulaks("middle_hit_share", WINTER) + 0.05
    assert_identical_before(middle, kulaks, WINTER)
    for k in range(5):  # same season onward
        season = shift(WINTER, k)
        assert middle("middle_peasant_trust", season) < kulaks("middle_peasant_trust", season) - 1.0, season
    assert middle("poor_peasant_trust", WINTER) < kulaks("poor_peasant_trust", WINTER) - 0.5
    # Under the default requisition the season report names the blow to the middle first.
    req = world.run({WINTER: REQUISITION})
    assert gap(req, base, "middle_peasant_trust", WINTER) < -8
    causes = ranked(req.explain("middle_peasant_trust", WINTER), "middle_trust_target")
    assert "middle_hit_share" in causes and "emergency_measures" in causes, causes


def test_coercion_ratchet(world: World, base: Run) -> None:
    """After one season of requisition, voluntary sales to the state stay low for the next four
    seasons; with the ratchet switched off the shortfall is much smaller."""
    req = world.run({WINTER: REQUISITION})
    after = span(shift(WINTER, 1), 4)
    for season in after:
        assert req("grain_sold_to_state", season) < 0.9 * base("grain_sold_to_state", season), season
        assert gap(req, base, "pm_sell_rate", season) < -0.02, season
        assert gap(req, base, "kulak_sell_rate", season) < -0.02, season
    no_ratchet = {"ratchet_strength": 0.0}
    req0, base0 = world.run({WINTER: REQUISITION}, parameters=no_ratchet), world.run(parameters=no_ratchet)
    shortfall = -sum(gap(req, base, "grain_sold_to_state", s) for s in after)
    shortfall0 = -sum(gap(req0, base0, "grain_sold_to_state", s) for s in after)
    assert shortfall > 1.5 * shortfall0 > 0, (shortfall, shortfall0)


def test_mistargeting(world: World) -> None:
    """An autumn requisition (kulak stocks full, so the quota alone need not touch the middle):
    with little Party presence more of it falls on poor and middle households, in the same
    season, and their trust falls further."""
    autumn = "1927-autumn"
    thin, dense = {"party_presence": 0.05}, {"party_presence": 0.6}
    thin_req, thin_base = world.run({autumn: REQUISITION}, initial=thin), world.run(initial=thin)
    dense_req, dense_base = world.run({autumn: REQUISITION}, initial=dense), world.run(initial=dense)
    assert thin_req("mistargeting", autumn) > dense_req("mistargeting", autumn) + 1
    # No requisition, no one hit, whatever the presence.
    assert thin_base("requisitioned_pm", autumn) == dense_base("requisitioned_pm", autumn) == 0
    assert thin_req("requisitioned_pm", shift(autumn, -1)) == 0
    assert thin_req("requisitioned_kulak", autumn) == pytest.approx(dense_req("requisitioned_kulak", autumn), rel=0.01)
    assert thin_req("requisitioned_pm", autumn) > dense_req("requisitioned_pm", autumn) + 0.2
    assert thin_req("middle_hit_share", autumn) > dense_req("middle_hit_share", autumn) + 0.02
    thin_drop = gap(thin_req, thin_base, "middle_peasant_trust", autumn)
    dense_drop = gap(dense_req, dense_base, "middle_peasant_trust", autumn)
    assert thin_drop < dense_drop - 1.0, (thin_drop, dense_drop)


def test_forced_collectivization(world: World, base: Run) -> None:
    """Two seasons of 'collectivize' against two of plain requisition: membership leaps at once,
    with cattle slaughtered and low-quality paper members; the next harvest is smaller; when the
    pressure relaxes the coerced members leave within a year and the voluntary part stays."""
    first, n = "1927-autumn", 2
    relaxed = shift(first, n)
    coll = world.run(during(first, n, COLLECTIVIZE))
    req = world.run(during(first, n, REQUISITION))
    assert_identical_before(coll, req, first)
    # Rises fast.
    assert coll("coop_coerced", first) > 0.2
    assert coll("collective_farms", shift(first, 1)) > req("collective_farms", shift(first, 1)) + 0.3
    # Cattle slaughter and falling output, beyond what requisition alone does.
    assert gap(coll, req, "livestock", first) < -2
    assert gap(coll, req, "livestock", shift(first, 1)) < -5
    assert gap(coll, req, "sown_area", "1928-spring") < -3
    assert gap(coll, req, "harvest", "1928-summer") < -3
    # Paper members: participation quality falls.
    for k in range(1, 6):
        assert gap(coll, req, "coop_quality", shift(first, k)) < -0.05
    # Collapses when the pressure relaxes (1-8 seasons); the voluntary part stays.
    peak = max(coll("coop_coerced", s) for s in span(first, n))
    assert coll("coop_coerced", relaxed) < 0.6 * peak
    assert coll("coop_coerced", shift(relaxed, 3)) < 0.25 * peak
    late = shift(relaxed, 8)
    assert coll("collective_farms", late) - coll("kolkhoz_voluntary", late) < 0.02
    for season in span(first, n + 9):
        assert coll("coop_voluntary", season) > 0.85 * base("coop_voluntary", season), season


# =================================================================================================
# F. Towns and workers
# =================================================================================================

NO_RESERVE = {"grain_reserve": 0.0}  # no state reserve to cover a shortfall


def bread_runs(world: World) -> tuple[Run, Run, str]:
    """A bad 1926 harvest with no state reserve, against a normal one; and the first season in
    which the towns get clearly less state bread: a tenth of their need or more. (A smaller dip,
    such as the 0.051 of the harvest season itself, is made up by the grain private traders bring
    to the towns (``private_grain_to_towns``), so it tests nothing a shortage does.)"""
    normal = world.run(initial=NO_RESERVE)
    poor = world.run(initial=NO_RESERVE, weather={"1926-summer": 0.75})
    for season in span(START, 4):
        if poor("state_bread_share", season) < normal("state_bread_share", season) - 0.1:
            return normal, poor, season
    raise AssertionError("a 25 % harvest failure with no state reserve left the towns' bread untouched")


def test_bread_and_real_wages(world: World) -> None:
    """Less grain procured: in the same season, less state bread, dearer living, lower real wages
    and discontented workers."""
    normal, poor, short = bread_runs(world)
    assert gap(poor, normal, "grain_procured", short) < -0.1
    assert gap(poor, normal, "state_bread_share", short) < -0.05
    assert gap(poor, normal, "bread_supply", short) < -0.05
    assert gap(poor, normal, "cost_of_living", short) > 0.5
    assert gap(poor, normal, "real_wage", short) < -0.5
    # Worker discontent comes in the season of the shortfall, not before.
    before, now = gap(poor, normal, "worker_trust", shift(short, -1)), gap(poor, normal, "worker_trust", short)
    assert now < -1.0 and now < before - 1.0, (before, now)
    assert ranked(poor.explain("real_wage", short), "cost_of_living", top=1) == ["state_bread_share"]
    assert "bread_supply" in ranked(poor.explain("worker_trust", short), "worker_trust_target", top=2)


@pytest.mark.xfail(strict=True, reason=(
    "bread-and-real-wages, lag 'same season': the private grain price does not rise in the season "
    "the towns first go clearly short of state bread (1927-spring: state share 0.74 against 1.00). Every "
    "term of the free price is last season's (grain_scarcity reads prev(bread_supply); a same-season "
    "answer would be a cycle, since this season's state bread depends on the free price through the "
    "state's share of sales). After the bad harvest it is even LOWER for a year (-1.2 in 1927-winter, "
    "-0.7 in 1927-spring): the poorer village has less money, so the goods famine and the overhang term "
    "are smaller; it rises only once the towns go short (+10.1 in 1927-summer). Answering the harvest "
    "itself needs a term for the grain on offer, and no cited passage found (B Part 2, ch. 1 and ch. 2 "
    "§IV) ties a poor harvest to the free grain price."))
def test_bread_and_real_wages_private_price_same_season(world: World) -> None:
    normal, poor, short = bread_runs(world)
    assert gap(poor, normal, "private_grain_price", short) > 0.5


def test_goods_for_towns(world: World, base: Run) -> None:
    """Goods kept in the towns for one season: workers are better served and trust more, in the
    same season; the village gets fewer goods, sells less grain and trusts less."""
    autumn = "1927-autumn"
    towns = world.run({autumn: {"goods_to_village": 0.35}})
    assert_identical_before(towns, base, autumn)
    assert gap(towns, base, "town_goods_shortage", autumn) < -0.1
    assert gap(towns, base, "worker_trust", autumn) > 0.5
    assert gap(towns, base, "village_goods_supply", autumn) < -10
    assert gap(towns, base, "goods_famine", autumn) > 0.1
    assert gap(towns, base, "pm_sales", autumn) < -0.5
    assert gap(towns, base, "grain_sold_to_state", autumn) < -0.5
    assert gap(towns, base, "middle_peasant_trust", autumn) < -1.0
    causes = ranked(towns.explain("worker_trust", autumn), "worker_trust_target", top=1)
    assert causes == ["town_goods_shortage"]
    assert ranked(towns.explain("worker_trust", autumn), "worker_trust_target", "town_goods_shortage", top=1) == ["goods_to_village"]


def test_wages_and_costs(world: World) -> None:
    """Money wages drifting further above productivity: industrial costs rise, more each season
    over a year, what accumulation can pay for shrinks, and more investment must be financed by
    printing money."""
    tempo = {"industrial_investment": 130}
    normal = world.run(policy=tempo)
    dear = world.run(policy=tempo, parameters={"wage_drift": 0.052})  # 3 points a season above the default
    first, fourth = START, shift(START, 3)  # the first and the fourth season of the drift
    assert 0 < gap(dear, normal, "money_wage", first) < gap(dear, normal, "money_wage", fourth)
    assert 0 < gap(dear, normal, "industrial_cost", first)
    assert gap(dear, normal, "industrial_cost", fourth) > 3 * gap(dear, normal, "industrial_cost", first)
    assert gap(dear, normal, "accumulation", first) < 0
    assert gap(dear, normal, "accumulation", fourth) < 3 * gap(dear, normal, "accumulation", first) < 0
    assert gap(dear, normal, "investment_overshoot", fourth) > 0.05
    assert gap(dear, normal, "inflation", fourth) > 0


def test_goods_for_towns_wage_rises_without_goods_make_goods_dearer(world: World) -> None:
    """Money wages rising faster (the 1927 kind of rise, a point a season more) with the towns
    short of goods: the workers' pay chases what the state's shops lack, manufactures grow dearer,
    and the real wage gains less than where the towns' shops are supplied (Bettelheim 13428-13434)."""
    year = shift(START, 4)

    def real_gain(goods: float) -> tuple[float, float]:
        tempo = {"goods_to_village": goods}
        normal = world.run(policy=tempo)
        dear = world.run(policy=tempo, parameters={"wage_drift": 0.032})
        assert gap(dear, normal, "money_wage", year) > 3
        rise = gap(dear, normal, "money_wage", year) / normal("money_wage", year)
        return gap(dear, normal, "real_wage", year) / normal("real_wage", year) / rise, gap(dear, normal, "cost_of_living", year)

    starved, starved_cost = real_gain(0.8)
    supplied, supplied_cost = real_gain(0.4)
    assert world.run(policy={"goods_to_village": 0.8})("town_goods_shortage", year) > 0.4
    assert starved_cost > supplied_cost >= 0
    assert starved < supplied - 0.05, (starved, supplied)


def test_unemployment_migration(world: World, base: Run) -> None:
    """A heavier tax on poor households from 1927 on: the poor's trust falls at once; the
    migrants arrive from the next season and registered unemployment climbs over a year. Some
    come to the towns whatever happens."""
    taxed = world.run(during(WINTER, 8, {"agricultural_tax": 200}))
    assert gap(taxed, base, "poor_peasant_trust", WINTER) < -3
    assert gap(taxed, base, "migrants", WINTER) == 0
    gaps = [gap(taxed, base, "unemployment", shift(WINTER, k)) for k in range(1, 5)]
    assert all(gap(taxed, base, "migrants", shift(WINTER, k)) > 0.003 for k in range(1, 5))
    assert gaps[0] > 0.003 and all(b > a for a, b in zip(gaps, gaps[1:])), gaps
    assert gaps[-1] > 2 * gaps[0]
    assert min(base("migrants", s) for s in span(START, SEASONS)) > 0


# =================================================================================================
# G. Accumulation, investment and trade
# =================================================================================================


def test_tribute(world: World, base: Run) -> None:
    """Grain bought further below its market value for a season: in that season more tribute,
    more accumulation, the scissors open against the village and the alliance suffers."""
    autumn = "1927-autumn"
    cheap = world.run({autumn: {"procurement_price": 90}})
    assert_identical_before(cheap, base, autumn)
    assert gap(cheap, base, "tribute", autumn) > 0.1
    assert gap(cheap, base, "accumulation", autumn) > 1.0
    assert gap(cheap, base, "scissors", autumn) < -2
    assert gap(cheap, base, "middle_peasant_trust", autumn) < -0.5
    assert gap(cheap, base, "alliance", autumn) < -0.2


def test_investment_lag(world: World, base: Run) -> None:
    """A year of heavy investment (twice the 1926-27 tempo): inflation and fewer consumer goods
    now; the extra capacity, and the extra goods, come years later."""
    first = "1927-winter"
    heavy = world.run(during(first, 4, {"industrial_investment": 200}))
    assert_identical_before(heavy, base, first)
    assert gap(heavy, base, "inflation", first) > 0.01
    assert gap(heavy, base, "price_level", shift(first, 1)) > 1
    for season in span(first, 3):
        assert gap(heavy, base, "village_goods_supply", season) < 0, season
    capacity = {k: gap(heavy, base, "industrial_capacity", shift(first, k)) for k in range(17)}
    assert min(capacity[k] for k in range(8, 17)) > 1.5 * max(capacity[1], capacity[2])
    # Heavy projects finish nothing in the first half-year and only a tenth in the first year.
    completed = [gap(heavy, base, "construction_completed", shift(first, k)) for k in range(16)]
    assert abs(completed[0]) < 1e-9 and abs(completed[1]) < 1e-9
    assert sum(completed[:4]) < 0.15 * sum(completed)
    # Light industry and crafts turn the same investment into capacity much faster.
    light = {"light_investment_share": 1.0}
    light_gain = gap(world.run(during(first, 4, {"industrial_investment": 200}), parameters=light),
                     world.run(parameters=light), "industrial_capacity", shift(first, 1))
    assert light_gain > 2 * capacity[1]


@pytest.mark.xfail(strict=True, reason=(
    "investment-lag: the capacity comes years later (test_investment_lag), but the village does not get "
    "the goods. Measured on 542f0f1: village_goods_supply gap at lags 8-16 between -2.55 and +1.58 while "
    "capacity is +1.85 to +2.43. Output is cut in the season after one in which goods went unsold "
    "(unsold_cut 0.8), the base run leaves goods unsold in winter, spring and summer, and crafts are "
    "still -1.4 to -0.4 from the raw materials heavy industry took. The heavy run's village wants fewer "
    "goods (demand -0.5 to -6.8 at lags 8-16): the retail price of manufactures is +12 % and its money "
    "only +5 to +11 %, while the sources have state and co-op retail prices FALLING 8 % from 1926 to 1928 "
    "(B 2238-2242), rising only from 1928-29 (B 6290-6293). Tried before: the price level on the private "
    "share only (-4.87 at lag 14; plan escalation, goods famine from towns and co-op bureaucratization "
    "fail), industry cutting on a year-long average of unsold goods (-4.76; 4 others fail). Tried on 542f0f1, a stock of unsold goods carried to later seasons "
    "(B 9408-9417; goods_stock = goods on offer - goods bought, on offer again the next season): "
    "(a) industry cutting output by the stock against a season's new deliveries passes this test "
    "(+0.56) but the model's 1924-25 sales slump (15-37 % unsold every season of the history run) piles "
    "up 34-47 and cuts 1924-25 output to 42-54 (was 67-84): unemployment 1925-26 1.21 M "
    "(test_unemployment_grows_with_employment, 0.95-1.15), forced collectivization ends in a bread crisis "
    "in summer 1929 (three coop tests of A-D), tribute trust -0.45 (< -0.5); no share carried (0.3-1), "
    "cut (0.3-1) or stock held anyway (0-0.2) passes both this test and unemployment, and marking stocked "
    "goods down (retail price -0.3 to -0.5 per unit of stock) blunts the price lever (scissors trust at "
    "250 and 150, real-wage ranking). (b) The stock on offer, the cut left on the season's unsold share "
    "of new deliveries: 1924-25 output as now, --compare all same (procurement 1925-26 +7.3 %), "
    "unemployment 1.06 M, no_easy_way_out 65, endings no step >= 10 points, goods famine Nov 1928 0.465; "
    "this test passes only for a carried share of 0.5-0.6 (+0.25 at 0.5, +0.72 at 0.55, -0.22 at 0.45) "
    "and tribute needs under 0.6 (-0.55 at 0.55, -0.495 at 0.6), the autumn 1925 goods famine (0.145; "
    "B 3080-3092) vanishes into the 1924-25 stock, and "
    "test_coop_bureaucratization_forced_co_ops_grow_an_apparatus_members_leave fails at any share "
    "(gap -0.01991 against -0.02, its margin 0.00001 on 542f0f1: stocked goods end the forced run's goods "
    "famine of spring 1929). And in (b) the heavy run's village buys less at every lag 8-16 (-0.4 to "
    "-4.6): only the stock on the shelves is larger (+1.9 to +8.2), so the goods still do not reach the "
    "peasants; the gap is on the demand side."))
def test_investment_lag_goods_reach_the_village_years_later(world: World, base: Run) -> None:
    first = "1927-winter"
    heavy = world.run(during(first, 4, {"industrial_investment": 200}))
    goods = {k: gap(heavy, base, "village_goods_supply", shift(first, k)) for k in range(17)}
    assert min(goods[k] for k in range(8, 17)) > 0.2 > max(goods[1], goods[2])


def test_exports_and_imports(world: World, base: Run) -> None:
    """A bad 1927 harvest cuts procurement, and exports fall within the same year; grain exports
    pay for machinery, so shipping none slows the construction started the season after."""
    summer = "1927-summer"
    bad = world.run(weather={summer: 0.75})
    assert_identical_before(bad, base, summer)
    year = span(summer, 4)
    assert sum(gap(bad, base, "grain_procured", s) for s in year) < -1.0
    assert sum(gap(bad, base, "exports_shipped", s) for s in year) < -0.3
    none = world.run(policy={"grain_exports": 0})
    shipped = [s for s in span(START, 12) if base("exports_shipped", s) > 0.1]
    assert shipped, "the baseline never exports"
    for season in shipped:
        assert none("exports_shipped", season) == 0
        assert gap(none, base, "investment_started", shift(season, 1)) < -0.1, season
    first = shipped[0]
    assert gap(none, base, "investment_started", first) == 0  # machines arrive after the grain leaves


def test_plan_escalation(world: World, base: Run) -> None:
    """Plan targets raised every season (from 110 to 250) whatever accumulation allows: investment
    is financed by printing money, and over the years inflation, the price level and the goods
    famine grow while real wages fall."""
    first = "1926-autumn"
    plan = {s: {"industrial_investment": min(250, 110 + 10 * k)} for k, s in enumerate(span(first, SEASONS - 1))}
    escalated = world.run(plan)
    assert_identical_before(escalated, base, first)
    assert all(escalated("investment_overshoot", s) > 0 for s in span("1927-spring", 16))
    assert all(gap(escalated, base, "inflation", s) > 0 for s in span("1927-spring", 16))
    price = [gap(escalated, base, "price_level", shift(first, 4 * y)) for y in (1, 3)]
    assert price[0] > 0 and price[1] > 3 * price[0] and price[1] > 10, price
    for year in ("1927-autumn", "1928-autumn"):
        assert yearly_mean(escalated, "goods_famine", year) > yearly_mean(base, "goods_famine", year) + 0.05, year
    assert gap(escalated, base, "real_wage", shift(first, 12)) < 3 * gap(escalated, base, "real_wage", shift(first, 4)) < 0


# =================================================================================================
# H. Village politics and the state
# =================================================================================================


def test_trust_falls_fast_rises_slowly(world: World, base: Run) -> None:
    """One season of requisition: middle-peasant trust drops within the season, and a year later
    more than half the drop is still there."""
    req = world.run({WINTER: REQUISITION})
    drop = gap(req, base, "middle_peasant_trust", WINTER)
    assert drop < -8
    assert gap(req, base, "middle_peasant_trust", shift(WINTER, 4)) < 0.5 * drop
    # The stock itself: from above what the season justifies it falls at least twice as fast (as a
    # share of the distance) as it rises from below.
    high, low = world.run(initial={"middle_peasant_trust": 70}), world.run(initial={"middle_peasant_trust": 30})
    speeds = []
    for run, start in ((high, 70.0), (low, 30.0)):
        target = run("middle_trust_target", START)
        speeds.append((run("middle_peasant_trust", START) - start) / (target - start))
    assert 30 < high("middle_trust_target", START) < 70 and 30 < low("middle_trust_target", START) < 70
    assert speeds[0] > 2 * speeds[1] > 0, speeds


def test_trust_makes_deliveries_voluntary(world: World) -> None:
    """Trusting middle peasants sell a larger share of their grain, from the first season."""
    high, low = world.run(initial={"middle_peasant_trust": 70}), world.run(initial={"middle_peasant_trust": 30})
    assert high("pm_sell_rate", START) > 1.1 * low("pm_sell_rate", START)
    assert high("pm_sales", START) > low("pm_sales", START)


def test_trust_built_by_goods_that_arrive(world: World, base: Run) -> None:
    """A year of empty village shops (goods_to_village 0.3), then the goods come back: trust
    drains within the first season, and is rebuilt by the goods that arrive, season by season,
    but slowly: a year after the goods return, more than half the loss remains."""
    back = shift(WINTER, 4)
    empty = world.run(during(WINTER, 4, {"goods_to_village": 0.3}))
    assert_identical_before(empty, base, WINTER)
    loss = [gap(empty, base, "middle_peasant_trust", s) for s in span(WINTER, 4)]
    assert loss[0] < -4 and loss[0] < 0.4 * loss[-1], loss
    rebuilt = [empty("middle_peasant_trust", s) for s in span(shift(back, -1), 6)]
    assert all(b > a for a, b in zip(rebuilt, rebuilt[1:])), rebuilt
    assert gap(empty, base, "middle_peasant_trust", shift(back, 3)) < 0.5 * loss[-1]


def test_party_presence(world: World, base: Run) -> None:
    """A real Party presence (0.5 against the NEP's 0.12): measures hit fewer households by
    mistake, the soviet counts for more against the assembly, and over the years the kulaks lose
    ground. Presence itself moves only over years."""
    strong = world.run(initial={"party_presence": 0.5})
    assert gap(strong, base, "mistargeting", START) < -0.5
    assert gap(strong, base, "village_assembly_power", START) < -0.05
    lever_gap = [gap(strong, base, "kulak_leverage", shift(START, k)) for k in (1, 4, 12)]
    assert lever_gap[0] < 0 and lever_gap[1] < lever_gap[0] and lever_gap[2] < lever_gap[1], lever_gap
    # Even the most generous cultural work adds little presence in a year.
    built = world.run(policy={"literacy_campaign": 100})
    assert 0 < built("party_presence", shift(START, 4)) - base("party_presence", shift(START, 4)) < 0.05
    # Weak presence: the same autumn requisition hits the middle harder.
    autumn = "1927-autumn"
    weak_req = world.run({autumn: REQUISITION})
    strong_req = world.run({autumn: REQUISITION}, initial={"party_presence": 0.5})
    assert weak_req("middle_hit_share", autumn) > strong_req("middle_hit_share", autumn) + 0.02


def test_mir_vs_soviet(world: World) -> None:
    """A kulak-led assembly that runs the village: overriding it by decree to push requisition
    through breaks with the middle peasants who sit in it. The same requisition costs more
    middle-peasant trust where the assembly is strong (kulak leverage 80) than where it is weak
    (30); without requisition nothing is overridden."""
    strong, weak = {"kulak_leverage": 80}, {"kulak_leverage": 30}
    strong_req, strong_base = world.run({WINTER: REQUISITION}, initial=strong), world.run(initial=strong)
    weak_req, weak_base = world.run({WINTER: REQUISITION}, initial=weak), world.run(initial=weak)
    assert strong_base("village_assembly_power", WINTER) > weak_base("village_assembly_power", WINTER) + 0.2
    assert strong_base("mir_override", WINTER) == weak_base("mir_override", WINTER) == 0
    assert strong_req("mir_override", WINTER) > weak_req("mir_override", WINTER) + 0.2
    strong_drop = gap(strong_req, strong_base, "middle_peasant_trust", WINTER)
    weak_drop = gap(weak_req, weak_base, "middle_peasant_trust", WINTER)
    assert strong_drop < weak_drop - 1.0, (strong_drop, weak_drop)


def test_bureaucracy(world: World, base: Run) -> None:
    """Two winter campaigns grow the apparatus over the following years, and it does not wither by
    itself: four years after the last campaign more than half the growth is still there. Forced
    collectivization grows it more; voluntary, well-run co-ops hold it back."""
    winters = ["1927-winter", "1928-winter"]
    req = world.run({w: REQUISITION for w in winters})
    assert_identical_before(req, base, winters[0])
    growth = {k: gap(req, base, "bureaucracy", shift(winters[0], k)) for k in range(21)}
    assert 0 < growth[0] < growth[4] < growth[8]
    peak = max(growth.values())
    assert growth[20] > 0.5 * peak  # 16 seasons after the last campaign
    first = "1927-autumn"
    coll, plain = world.run(during(first, 2, COLLECTIVIZE)), world.run(during(first, 2, REQUISITION))
    assert gap(coll, plain, "bureaucracy", shift(first, 2)) > 0.03
    counter = world.run(initial={"coop_voluntary": 0.6, "coop_membership": 0.6, "coop_quality": 0.7})
    checks = [gap(counter, base, "bureaucracy", shift(START, k)) for k in (0, 4, 8)]
    assert 0 > checks[0] > checks[1] > checks[2], checks


def test_alliance(world: World, base: Run) -> None:
    """The middle peasant weighs most: ten more points of trust in one class move the alliance
    most for the middle peasants, then the workers, then the poor. And it needs both halves: it
    falls when coercion hits the middle, and when the towns go without bread."""
    moved = {cls: gap(world.run(initial={cls: 60}), base, "alliance", START)
             for cls in ("middle_peasant_trust", "worker_trust", "poor_peasant_trust")}
    assert moved["middle_peasant_trust"] > moved["worker_trust"] > moved["poor_peasant_trust"] > 0, moved
    req = world.run({WINTER: REQUISITION})
    assert gap(req, base, "alliance", WINTER) < -2
    normal, poor, short = bread_runs(world)
    assert gap(poor, normal, "alliance", short) < -0.5


# =================================================================================================
# Every mechanism of sections E-H is tested here, and nothing else is claimed.
# =================================================================================================

META_TESTS = {"test_every_mechanism_of_sections_e_to_h_is_tested", "test_the_rules_catalogue_sections_e_to_h_match"}


def section_ids(lines: list[str], heading: str, entry: str) -> dict[str, set[str]]:
    """Mechanism ids by section letter: ``heading`` finds a section's letter, ``entry`` an id."""
    found: dict[str, set[str]] = {}
    current: str | None = None
    for line in lines:
        head = re.match(heading, line)
        if head:
            current = head.group(1)
            continue
        item = re.match(entry, line)
        if item and current:
            found.setdefault(current, set()).add(item.group(1))
    return found


def catalogue_ids() -> set[str]:
    """The base rules' mechanisms whose ``section`` is one of E-H."""
    mechanisms = load_ruleset(BASE_RULES).mechanisms
    assert all(m.section for m in mechanisms.values()), "every base mechanism names its section"
    return {ident for ident, m in mechanisms.items() if m.section in SECTIONS}


def covered_ids() -> set[str]:
    """The mechanism each test of this file is named after (the longest id that fits)."""
    catalogue = (BASE_RULES / "mechanisms.toml").read_text(encoding="utf-8")
    known = set(re.findall(r"^\[mechanisms\.([a-z0-9-]+)\]", catalogue, flags=re.MULTILINE))
    covered = set()
    for name in (n for n in globals() if n.startswith("test_") and n not in META_TESTS):
        fits = [i for i in known if name == f"test_{i.replace('-', '_')}" or name.startswith(f"test_{i.replace('-', '_')}_")]
        assert fits, f"{name} is not named after a mechanism of the base rules"
        covered.add(max(fits, key=len))
    return covered


def test_every_mechanism_of_sections_e_to_h_is_tested() -> None:
    assert covered_ids() == catalogue_ids()


def test_the_rules_catalogue_sections_e_to_h_match() -> None:
    """The section comments of mechanisms.toml put the same ids under E-H as the ``section`` fields."""
    lines = (BASE_RULES / "mechanisms.toml").read_text(encoding="utf-8").splitlines()
    by_section = section_ids(lines, r"^# ([A-Z])\. ", r"^\[mechanisms\.([a-z0-9-]+)\]")
    assert set().union(*(by_section.get(s, set()) for s in SECTIONS)) == covered_ids()
