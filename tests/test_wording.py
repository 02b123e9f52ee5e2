"""What a student reads: values kept from earlier seasons named by how far back they go, no
internal ids, changes of nothing never written as changes."""

from __future__ import annotations

import io
import re
from functools import cache

import pytest

from game.engine.explain import Cause
from game.present.causes import _Root, phrase_of
from game.present.index import find_variable, formula_in_words, kept_from, label_back, label_of, seasons_back
from game.present.story import season_report
from game.rules.scenario import load_scenario
from game.session import Session
from game.text import views
from game.text.terminal import Terminal
from tests.conftest import RULES

AWKWARD_LAG = re.compile(r"(before|ago) last season|last season last season|season before \(|seasons before\b")


@cache
def history_game() -> Session:
    scenario = load_scenario("nep-1923-1930", RULES)
    session = Session(scenario, 1923)
    while not session.is_over:
        session.set_levers(scenario.history[session.turn])
        session.end_season()
    return session


def test_seasons_back_in_words() -> None:
    assert [seasons_back(n) for n in (1, 2, 3, 4, 5, 8)] == [
        "last season", "two seasons ago", "three seasons ago", "a year ago", "five seasons ago", "two years ago"]


def test_a_value_kept_from_earlier_seasons_is_named_by_what_it_keeps_and_how_far_back() -> None:
    rs = history_game().scenario.ruleset
    kept = {name: kept_from(rs, name) for name in rs.variables if kept_from(rs, name)[1]}
    assert kept["private_grain_price_before"] == ("private_grain_price", 1)
    assert kept["industrial_output_year_ago"] == ("industrial_output", 3)
    for name, (base, back) in kept.items():
        # As it stood last season (a 'prev' cause): one season further back, said once.
        cause = Cause(name, "prev", 100.0, 110.0, 1.0)
        phrase, _, _ = phrase_of(rs, _Root(1.0, cause, cause), "1925-autumn", "alliance")
        assert phrase.startswith(f"{label_of(rs, base)} {seasons_back(back + 1)} ("), phrase
        assert not AWKWARD_LAG.search(phrase), phrase
        assert label_back(rs, name) == (label_of(rs, base), seasons_back(back))
    assert label_back(rs, "private_grain_price", 1) == ("Private grain price", "last season")


def test_no_report_names_a_lag_twice() -> None:
    session = history_game()
    out = io.StringIO()
    term = Terminal(out, 80)
    for turn in range(1, session.turn + 1):
        views.report(term, season_report(session, turn), details=True)
    text = out.getvalue()
    assert "two seasons ago" in text or "a year ago" in text  # the kept values do show up
    assert not AWKWARD_LAG.search(text), AWKWARD_LAG.search(text)


@pytest.mark.parametrize("typed", ["trust", "price", "peasants", "harvst", "share"])
def test_did_you_mean_offers_labels_never_ids(typed: str) -> None:
    rs = history_game().scenario.ruleset
    found = find_variable(rs, typed)
    out = io.StringIO()
    views.suggestions(Terminal(out, 80), typed, found.suggestions)
    text = out.getvalue()
    assert found.suggestions and "Did you mean" in text
    for ident, label in found.suggestions:
        assert label in " ".join(text.split())
        assert ident not in text or ident == label.lower()


def test_a_rule_shown_to_a_player_names_quantities_by_label_and_parameters_by_value() -> None:
    rs = history_game().scenario.ruleset
    for name in rs.variables:
        text = formula_in_words(rs, name)
        assert text and not re.search(r"\w_\w", text), (name, text)  # no rule id left
    worker = formula_in_words(rs, "worker_trust")
    assert worker.startswith("[Workers' trust last season] + ")
    assert f"{rs.parameters['accumulation_tax_weight'].value:g} × ([Tax on poor and middle peasants] ÷ 100 − 1)" in formula_in_words(rs, "accumulation")


def test_a_change_of_one_point_is_one_pt() -> None:
    from game.present.numbers import Display, signed_units

    share = Display(0, True, False, "")
    assert signed_units(share, 1, 0) == "+1 pt" and signed_units(share, -1, 0) == "−1 pt"
    assert signed_units(share, 2, 0) == "+2 pts" and signed_units(share, 10, 1) == "+1.0 pts"
    assert signed_units(Display(2, False, False, "M people"), -2, 2) == "−0.02 M people"


def test_a_scorecard_figure_that_is_an_average_says_so_and_a_trust_is_out_of_100() -> None:
    from game.present.debrief import scorecard

    session = history_game()
    for axis in session.scenario.ruleset.story.scorecard:
        if axis.aggregate == "mean":
            assert "average" in axis.label.lower(), axis.label  # 'trust 28' read as the trust at the end
    trust = next(s for s in scorecard(session) if s.label.startswith("Middle peasants' trust"))
    assert re.fullmatch(r"\d+/100", trust.yours_text), trust.yours_text


def test_the_status_gives_short_lever_units_and_compares_with_a_year_earlier() -> None:
    scenario = load_scenario("nep-1923-1930", RULES)
    session = Session(scenario, 1923)
    for turn in range(5):
        session.set_levers(scenario.history[turn])
        session.end_season()
    out = io.StringIO()
    views.status(Terminal(out, 80), session)
    text = " ".join(out.getvalue().split())
    assert re.search(r"Grain exports [\d.]+ Mt a year[;.]", text), text
    assert re.search(r"Credit to co-operatives \d+ M roubles a season;", text), text
    assert re.search(r"Grain procurement price \d+;", text)  # an index: no unit repeated
    assert "on a year earlier" in text and "on a year before" not in text


def test_a_draw_is_read_against_its_average() -> None:
    from game.present.story import season_log

    session = history_game()
    summers = [turn for turn in range(1, session.turn + 1) if session.history[turn].season.endswith("summer")]
    _, draws = season_log(session, summers[0])
    assert draws and all(", where 1 is average" in value or value == "1, the average" for _, value, _ in draws), draws


@pytest.mark.parametrize("ident", sorted(p.stem for p in (RULES / "scenarios").glob("*.toml")))
def test_every_variable_a_player_can_meet_has_a_label_in_words(ident: str) -> None:
    """Every shipped scenario (Hammurabi's too): a variable is named by its own label, its
    indicator's, or as a value kept from earlier seasons ('Output two seasons ago'), never by
    its id in words ('grain after food', 'harvest')."""
    rs = load_scenario(ident, RULES).ruleset
    unlabelled = [name for name, variable in rs.variables.items()
                  if not variable.label and not any(i.variable == name for i in rs.indicators) and not kept_from(rs, name)[1]]
    assert unlabelled == [], f"no label: {unlabelled}"


def test_a_vague_name_offers_the_indicators_on_the_screen_first() -> None:
    rs = history_game().scenario.ruleset
    offered = [label for _, label in find_variable(rs, "price").suggestions]
    assert offered[:2] == ["Private grain price", "Scissors (farm ÷ industrial prices)"], offered


@pytest.mark.parametrize("price", [200.0, 65.0])
def test_the_tutorial_never_says_grain_goes_elsewhere_when_the_state_pays_more(price: float) -> None:
    from game.present.tutorial import Tutorial

    session = Session(load_scenario("scissors-1923", RULES), 1923)
    tutorial = Tutorial(session)
    said = []
    while str(session.next_season) != "1924-summer":
        session.set_levers({"procurement_price": price})
        session.end_season()
        said += tutorial.after(session)
    text = " ".join(said)
    state_pays_more = price >= session.value("private_grain_price")
    assert ("go where it fetches more" in text) != state_pays_more, text


@cache
def tutorial_at_a_high_grain_price() -> Session:
    """The scissors tutorial with the state paying 200 for grain and manufactures never cut."""
    session = Session(load_scenario("scissors-1923", RULES), 1923)
    while not session.is_over:
        session.set_levers({"procurement_price": 200.0})
        session.end_season()
    return session


def test_no_cause_says_private_traders_outbid_the_state_when_they_do_not() -> None:
    session = tutorial_at_a_high_grain_price()
    for turn in range(1, session.turn + 1):
        report = season_report(session, turn)
        for change in report.changes:
            for row in change.rows:
                if "than the state" in row.meaning:
                    assert session.value("private_grain_price", turn) > session.value("procurement_price", turn), row.text


def test_the_tutorial_s_ending_does_not_credit_a_lever_the_player_never_moved() -> None:
    from game.present.debrief import debrief

    session = tutorial_at_a_high_grain_price()
    assert {session.levers_played(t)["industrial_price"] for t in range(1, session.turn + 1)} == {225.0}  # never cut
    told = debrief(session)
    assert told.title == "The blades are closing"
    text = " ".join(told.paragraphs)
    assert "Cheaper manufactures let the goods move" not in text and "or both" in text


def test_the_first_status_says_what_the_indexes_are_measured_against() -> None:
    session = Session(load_scenario("nep-1923-1930", RULES), 1923)
    out = io.StringIO()
    views.status(Terminal(out, 80), session, legend=True)
    text = " ".join(out.getvalue().split())
    assert re.search(r"Indexes: Private grain price and Scissors \(farm ÷ industrial prices\): 1913 = 100;", text), text
    assert "Industrial output: 1926 = 100" in text
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80
    out = io.StringIO()
    views.status(Terminal(out, 80), session)
    assert "Indexes:" not in out.getvalue()  # said once, not every season


def test_a_cause_in_money_units_says_what_a_money_unit_is_and_no_plant_jargon() -> None:
    session = history_game()
    for turn in range(1, session.turn + 1):
        for change in season_report(session, turn).changes:
            for row in change.rows:
                if "money units" in row.phrase:
                    assert "1913 prices" in row.description, (row.phrase, row.description)
                assert "Plant in use" not in row.phrase  # 'plant' is not a student's word for factories


def test_the_time_of_year_and_an_older_price_are_causes_with_a_reason() -> None:
    """A cause a student cannot guess the reason of is said with one: what the time of year does
    (here, spring for the poor peasants), and why the grain price half a year back pushes the
    grain procured the other way from the price now."""
    session = history_game()
    out = io.StringIO()
    term = Terminal(out, 200)
    for turn in range(1, session.turn + 1):
        views.report(term, season_report(session, turn))
    text = out.getvalue()
    spring = [line for line in text.splitlines() if "the time of year (as every spring)" in line]
    assert spring and all("poor peasants must buy back, dearer, the grain they sold cheap after the harvest" in line
                          for line in spring), spring
    older = [line for line in text.splitlines() if "Private grain price two seasons ago (" in line]
    assert older and all("hold grain back in hope of a further rise" in line for line in older), older
    assert not re.search(r"the time of year \([^)]*\)\s*$", text, re.M), "the time of year without its reason"


def test_no_description_or_label_in_the_shipped_rules_names_a_rule_by_its_id() -> None:
    """The encyclopedia, tooltips and the why view show descriptions and labels as they are
    written: a rule is named there in words, never by its id (`town_goods_need`, money_wage)."""
    import tomllib

    ident = re.compile(r"`|\b[a-z]+_[a-z0-9_]+\b")
    found = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("description", "label") and isinstance(value, str):
                    found.extend(f"{where}.{key}: {hit}" for hit in ident.findall(value))
                else:
                    walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}[{i}]")

    files = sorted(RULES.rglob("*.toml"))
    assert len(files) > 20
    for path in files:
        walk(tomllib.loads(path.read_text(encoding="utf-8")), str(path.relative_to(RULES)))
    assert not found, found
