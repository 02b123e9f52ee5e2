"""The second rule set plays as a game on the unchanged engine: the generality proof, tested."""

from __future__ import annotations

from game.rules.scenario import load_scenario
from game.session import Session
from tests.conftest import RULES


def session(seed: int = 1968, ident: str = "hammurabi-reign") -> Session:
    return Session(load_scenario(ident, RULES), seed)


def play_until(s: Session, season: str, **levers: float) -> None:
    s.set_levers(levers)
    while str(s.next_season) != season:
        s.end_season()
    s.end_season()


def test_scripted_drought_cuts_the_harvest_and_the_report_blames_the_weather() -> None:
    s = session()
    play_until(s, "1925-summer")
    drought = s.value("harvest")
    assert s.history[-1].draws[s.model.draw_index["weather"]] == 0.4
    normal = s.value("harvest", s.turn - 4)  # 1924-summer, same sowing policy
    assert 0 < drought < normal
    causes = s.explain("harvest").causes
    assert causes[0].name == "weather" and causes[0].kind == "draw" and causes[0].contribution < 0


def test_sowing_more_in_spring_gives_a_bigger_summer_harvest() -> None:
    small, large = session(), session()
    for s, acres in ((small, 200), (large, 900)):
        s.set_lever("acres_to_sow", acres)
        s.end_season()  # 1923-spring: sow
        s.end_season()  # 1923-summer: reap
    assert large.value("harvest") > 2 * small.value("harvest") > 0
    # From the winter before the game to its first spring, both the season and the lever moved.
    kinds = {c.name: c.kind for c in large.explain("acres_sown", 1).causes}
    assert kinds.get("is_spring") == "fact" and kinds.get("acres_to_sow") == "lever"


def test_a_city_that_is_not_fed_deposes_its_ruler() -> None:
    s = session()
    s.set_lever("grain_to_feed", 0)
    s.end_season()
    assert s.is_over and s.ending.id == "deposed" and s.ending.ending.outcome == "bad"


def test_selling_land_brings_grain_and_costs_land() -> None:
    keep, sell = session(), session()
    sell.set_lever("acres_to_sell", 300)
    keep.end_season()
    sell.end_season()
    assert sell.value("land") == keep.value("land") - 300
    assert sell.value("grain_store") > keep.value("grain_store")


def test_scheduled_scenario_event_fires_in_its_season() -> None:
    s = session()
    play_until(s, "1928-spring")
    assert "river_flood" in [e.name for e in s.state.log if e.kind == "event"]


def test_short_scenario_locks_the_granary_care_lever() -> None:
    s = session(ident="hammurabi-short")
    assert "granary_care" in s.scenario.locked and s.levers["granary_care"] == 1


def test_large_numbers_read_as_whole_numbers_not_exponents() -> None:
    from game.present.numbers import number
    from game.rules.scenario import load_scenario

    rs = load_scenario("hammurabi-reign", RULES).ruleset
    shown = {i.variable for i in rs.indicators}
    name = next(n for n, v in rs.variables.items() if n not in shown and not v.unit.startswith("share"))
    assert number(rs, name, 6072.4) == "6,072"
    assert number(rs, name, -25000) == "−25,000"  # a true minus sign
    assert number(rs, name, 12.345) == "12.3"
