"""The NEP as a student reads it: the season reports of the historical path explain the 1927-28
crisis by its causes, with mechanisms and sources; the debrief gives turning points and history."""

from __future__ import annotations

import io

import pytest

from game.history import Row, compare, format_comparison, year_of, yearly
from game.present.causes import cause_rows
from game.present.debrief import historical_ending, history_rows, turning_points
from game.present.story import season_report
from game.rules.scenario import load_scenario
from game.rules.season import Season
from game.session import Session
from game.text.play import play_text
from tests.conftest import RULES

NEP = load_scenario("nep-1923-1930", RULES)


def historical_session(until: str) -> Session:
    """The nep-1923-1930 game played with the state's actual policy through season ``until``."""
    session = Session(NEP, NEP.seed or 0)
    while True:
        season = str(session.next_season)
        session.set_levers(NEP.history[session.turn])
        session.end_season()
        if season == until:
            return session


def roots(session: Session, name: str) -> dict[str, float]:
    change = next(c for c in season_report(session, most=8).changes if c.name == name)
    return {row.name: row.contribution for row in cause_rows(NEP.ruleset, change.explanation, change.change, most=5)[0]}


def test_autumn_1927_collapse_is_explained_by_goods_famine_and_tax_exemptions() -> None:
    session = historical_session("1927-autumn")
    report = season_report(session)
    procured = next(c for c in report.changes if c.name == "grain_procured")
    assert procured.since_season == "1926-autumn" and procured.since == "autumn 1926"  # the same season a year before
    assert procured.change.after < 0.6 * procured.change.before  # the collapse
    causes = roots(session, "grain_procured")
    assert list(causes)[0] == "goods_famine" and causes["goods_famine"] < 0
    assert causes.get("agricultural_tax", 0) < 0  # the 35 % exemptions of October 1927
    row = procured.rows[0]
    assert "Bettelheim" in row.source and row.mechanisms  # every cause carries its provenance


def test_january_1928_emergency_measures_bring_grain_and_cost_the_next_harvest() -> None:
    session = historical_session("1928-winter")
    causes = roots(session, "grain_procured")
    assert list(causes)[0] == "emergency_measures" and causes["emergency_measures"] > 1
    trust = roots(session, "middle_peasant_trust")
    assert trust.get("emergency_measures", 0) < -5
    sown_before = session.value("sown_area")
    harvest_1927 = session.value("harvest", session.turn - 2)
    historical_session_after = historical_session("1928-summer")
    assert historical_session_after.value("sown_area") < sown_before  # spring 1928 sowing fell
    assert historical_session_after.value("harvest") < harvest_1927
    why = historical_session_after.explain("sowing_target", historical_session_after.turn - 1, depth=4)
    assert "coercion_memory" in {c.name for c in why.causes}


def test_the_report_of_the_emergency_measures_tells_procurement_the_alliance_and_each_class() -> None:
    session = historical_session("1928-winter")
    report = season_report(session)
    names = {c.name for c in report.changes}
    assert {"grain_procured", "alliance", "middle_peasant_trust"} <= names
    # The headline speaks of the alliance and of every class, one sentence each.
    assert len(report.headline) == 5 and "requisition" in report.headline[1]


def test_debrief_turning_points_and_history() -> None:
    session = Session(NEP, NEP.seed or 0)
    while not session.is_over:
        session.set_levers(NEP.history[session.turn])
        session.end_season()
    points = turning_points(session)
    assert "1928-winter" in [p.season for p in points]
    winter = next(p for p in points if p.season == "1928-winter")
    assert winter.story.rows[0].name == "emergency_measures"
    rows = history_rows(session)
    harvests = [r for r in rows if r.label.startswith("Grain harvest")]
    assert [r.year for r in harvests] == ["1925", "1926", "1927", "1928", "1929"]
    assert all(r.within for r in rows if r.tolerance is not None)
    assert historical_ending(session) == ("great-turn", "1930-summer")


def test_text_debrief_shows_turning_points_comparison_and_questions() -> None:
    answers = []
    for turn in range(NEP.seasons):
        answers += [f"{NEP.history[turn][name]:g}" for name in NEP.levers if name not in NEP.locked]
    out = io.StringIO()
    play_text(Session(NEP, NEP.seed or 0), io.StringIO("\n".join(answers) + "\n"), out)
    text = out.getvalue()
    debrief = text[text.index("=== Ending: The great turn (summer 1930)"):]
    assert "The turning points of your game:" in debrief and "your emergency measures" in debrief
    assert "Your game beside history's record, year by year:" in debrief and "1927-28" in debrief
    assert "Under the state's actual policy this scenario ends in: The great turn (summer 1930)." in " ".join(debrief.split())
    assert "Questions to discuss:" in debrief
    # Played as history was, the scorecard matches history's on every axis.
    card = debrief[debrief.index("Your game beside history's policy"):]
    assert card.count(", the same") == len(NEP.ruleset.story.scorecard)


# --- the comparison machinery -----------------------------------------------------------------


@pytest.mark.parametrize("season, calendar, agricultural", [
    ("1927-summer", "1927", "1927-28"), ("1927-autumn", "1927", "1927-28"),
    ("1928-winter", "1928", "1927-28"), ("1928-spring", "1928", "1927-28"), ("1999-summer", "1999", "1999-00"),
])
def test_year_of(season: str, calendar: str, agricultural: str) -> None:
    assert year_of(Season.parse(season), "calendar") == calendar
    assert year_of(Season.parse(season), "agricultural") == agricultural


def test_yearly_sums_full_years_only_and_compare_judges_direction() -> None:
    series = NEP.series[1]  # procurement, July-June sums
    seasons = [(str(Season(1926, 2).plus(i)), {series.variable: float(i + 1)}) for i in range(6)]
    assert yearly(series, seasons) == {"1926-27": 1 + 2 + 3 + 4}  # 1927-28 is incomplete
    rows = compare([series], seasons)
    first = next(r for r in rows if r.year == "1926-27")
    assert first.model == 10 and first.deviation == pytest.approx(10 / 10.59 - 1) and first.within is True
    assert next(r for r in rows if r.year == "1927-28").model is None
    assert "1926-27" in format_comparison(rows)
    up = Row("x", "2", 11.0, 9.0, None, None)
    assert up.deviation == pytest.approx(11 / 9 - 1) and up.within is None


def test_a_cause_too_small_for_its_owner_s_format_is_never_a_zero_row() -> None:
    from game.present.numbers import shown_change, signed

    rs = NEP.ruleset
    trust = next(i.variable for i in rs.indicators if i.format.endswith(".0f"))
    change = shown_change(rs, trust, 40.0, 60.0)  # a change of 20: whole numbers
    assert change.part(0.23) == 0 and change.part(2.4) == 2  # a part rounds as the change does
    assert signed(rs, trust, 0.23) == "+0.23" and signed(rs, trust, -2.4) == "−2"
    assert signed(rs, trust, 4.15e-05) == "+0.000042" and "e" not in signed(rs, trust, 4.15e-05)


def test_a_year_beside_history_is_written_with_its_units_and_a_true_minus() -> None:
    from game.present.debrief import record_figures

    rs = NEP.ruleset
    share = Row("Poor peasants (share of households)", "1926-27", 0.296, 0.29, None, None, "poor_share")
    assert record_figures(rs, share) == ("30%", "29%", "+2%")
    grain = Row("Grain procurement (Mt)", "1927-28", 9.0, 10.59, None, None, "grain_procured")
    assert record_figures(rs, grain) == ("9.00 Mt", "10.59 Mt", "−15%")  # (as the indicator writes it)
    unreached = Row("Grain procurement (Mt)", "1929-30", None, 16.1, None, None, "grain_procured")
    assert record_figures(rs, unreached) == ("—", "16.10 Mt", "")
