"""The presentation layer on real games of every scenario, under history's policy and at the
default levers: what the reports show must agree with itself and with the game. These assert
properties (a change equals the difference shown, its causes add up to it ...), not model
figures, so they hold whatever the model's numbers become."""

from __future__ import annotations

import io
import math
import re
from decimal import Decimal
from functools import cache

import pytest

from game.controller import Game, StartRefused, choose_seed
from game.present.conditions import environment, holds
from game.present.debrief import debrief, ending_text, historical_path, scorecard
from game.present.index import find_variable
from game.present.levers import find_lever, parse_assignments
from game.present.numbers import kind_of, number, quantity, shown_change, signed
from game.present.story import season_report, yearly_reading
from game.present.warnings import meters, threats
from game.rules.scenario import available_scenarios, load_scenario
from game.rules.season import Season
from game.rules.story import placeholders
from game.session import Session
from game.text import views
from game.text.terminal import Terminal
from tests.conftest import RULES

SCENARIOS = available_scenarios(RULES)
GAMES = [(ident, policy) for ident in SCENARIOS for policy in ("history", "default")
         if policy == "default" or load_scenario(ident, RULES).history is not None]


@cache
def played(ident: str, policy: str) -> Session:
    scenario = load_scenario(ident, RULES)
    session = Session(scenario, choose_seed(None, scenario) if scenario.seed is not None else 7)
    while not session.is_over:
        if policy == "history":
            session.set_levers(scenario.history[session.turn])
        session.end_season()
    return session


def reports(session: Session):
    return [season_report(session, turn) for turn in range(1, session.turn + 1)]


def _decimal(text: str) -> Decimal:
    """The number at the start of a value as shown ('2.14 Mt', '41%', '−0.3', '1,250')."""
    match = re.match(r"[+−±-]?[\d,]+(\.\d+)?", text.replace("−", "-").replace("±", ""))
    assert match, text
    return Decimal(match.group(0).replace(",", ""))


@pytest.mark.parametrize("ident, policy", GAMES)
def test_every_change_shown_is_the_difference_of_the_values_shown_and_its_causes_add_up(ident: str, policy: str) -> None:
    session = played(ident, policy)
    for report in reports(session):
        for change in report.changes:
            c = change.change
            assert c.visible, f"{report.season}: {change.label} did not visibly move"
            # The change written is the difference of the two values written.
            assert _decimal(c.after_text) - _decimal(c.before_text) == _decimal(c.delta_text), (report.season, change.sentence)
            # The causes shown and the rest add up exactly to the change shown.
            assert sum(row.units for row in change.rows) + change.rest == c.units, (report.season, change.label)
            shown = sum(_decimal(row.part) for row in change.all_rows)
            assert shown == _decimal(c.delta_text), (report.season, change.label, [r.part for r in change.all_rows])
            assert all(row.units != 0 for row in change.all_rows)  # never a '+0' row
            for row in change.rows:
                assert "start" not in row.phrase and "scenario" not in row.phrase  # no cause names the starting data


@pytest.mark.parametrize("ident, policy", GAMES)
def test_the_first_report_tells_changes_that_come_from_play(ident: str, policy: str) -> None:
    """Against the start, a change whose causes leave most of it unexplained comes from the
    scenario's starting figures (which the rules do not reproduce exactly), not from play: the
    report tells the changes its causes explain instead, the headline indicator aside."""
    session = played(ident, policy)
    first = indicators_of(session)[0]
    for report in reports(session):
        for change in report.changes:
            against_start = session.history.index(next(s for s in session.history if s.season == change.since_season)) == 0
            if against_start and change.name != first:
                assert 2 * abs(change.rest) <= abs(change.change.units), (report.season, change.sentence, change.rest)


def indicators_of(session: Session) -> list[str]:
    from game.present.index import indicators

    return [i.variable for i in indicators(session.scenario.ruleset)]


@pytest.mark.parametrize("ident, policy", GAMES)
def test_no_artefacts_of_formatting_in_any_report(ident: str, policy: str) -> None:
    session = played(ident, policy)
    out = io.StringIO()
    term = Terminal(out, 80)
    for report in reports(session):
        views.report(term, report, details=True)
    text = out.getvalue()
    assert not re.search(r"(?<![\w.])[−-]0(?![.,\d])", text), "a '-0'"
    assert not re.search(r"\d[eE][+-]?\d", text), "a number in exponent form"
    assert not re.search(r"\+0(?![.,\d])", text)
    assert not re.search(r"\b(rose|fell|up|down) from (\S+) to \2\b", text)
    assert "{" not in text and "}" not in text  # every placeholder filled
    assert max(len(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("ident, policy", GAMES)
def test_a_yearly_harvest_is_never_read_as_zero_outside_its_season(ident: str, policy: str) -> None:
    session = played(ident, policy)
    rs = session.scenario.ruleset
    yearly = {name: told for name, told in rs.story.quantities.items() if told.once_a_year}
    assert yearly, "both rule sets have a harvest brought in once a year"
    for turn in range(0, session.turn + 1):
        season = Season.parse(session.history[turn].season)
        for name, told in yearly.items():
            reading = yearly_reading(session, name, turn)
            if season.name == told.once_a_year:
                assert reading is None
            else:
                assert reading is not None and (math.isnan(reading.value) or reading.value > 0)
                assert "brought in during" in reading.text or "not yet brought in" in reading.text
                assert " in in " not in reading.text, reading.text
                if not math.isnan(reading.value):  # the season it came in, with its year: never read as the coming one
                    came = next(t for t in range(turn, -1, -1) if Season.parse(session.history[t].season).name == told.once_a_year)
                    assert f"(brought in during {told.once_a_year} {Season.parse(session.history[came].season).year})" in reading.text
    # The text mode's status and reports never write the harvest as '0.0'.
    out = io.StringIO()
    term = Terminal(out, 80)
    probe = Session(session.scenario, session.seed)
    for turn in range(session.turn):
        probe.set_levers(session.levers_played(turn + 1))
        probe.end_season()
        if not probe.is_over:
            views.status(term, probe)
        views.report(term, season_report(probe))
    zeros = [re.compile(r"(?<![\d.])" + re.escape(quantity(rs, name, 0.0)) + r"(?!\d)") for name in yearly]
    for line in out.getvalue().splitlines():
        for zero in zeros:
            assert not zero.search(line), line


@pytest.mark.parametrize("ident, policy", GAMES)
def test_the_last_report_opens_with_the_ending_and_the_debrief_fits_the_numbers(ident: str, policy: str) -> None:
    session = played(ident, policy)
    rs = session.scenario.ruleset
    all_reports = reports(session)
    assert all(r.ending is None for r in all_reports[:-1])
    last = all_reports[-1]
    assert last.ending is not None and last.ending.sentence.startswith("The game is over")
    ending = session.ending
    assert ending is not None
    paragraphs = ending_text(session)
    values = session.values()
    if ending.id is not None and ending.id in rs.story.debriefs:
        told = rs.story.debriefs[ending.id]
        env = environment(session.model, session.history, session.turn)
        said = [p for i, p in enumerate(told.paragraphs) if holds(session.model, ("debriefs", ending.id, i), env)]
        assert len(paragraphs) == 1 + len(said)
        for paragraph, text in zip(said, paragraphs[1:]):
            for name in placeholders(paragraph.text):  # each number in it is the game's final one
                assert quantity(rs, name, values[name]) in text
    assert all("{" not in p for p in paragraphs)
    told = debrief(session)
    assert told.title and (told.holds is None or told.verdict or rs.verdicts is None)


@pytest.mark.parametrize("ident, policy", GAMES)
def test_the_headline_says_one_sentence_per_subject(ident: str, policy: str) -> None:
    session = played(ident, policy)
    subjects = list(dict.fromkeys(h.about for h in session.scenario.ruleset.story.headlines))
    for report in reports(session):
        assert len(report.headline) == len(subjects)  # every subject has a sentence that always holds
        assert all(sentence.endswith(".") and "{" not in sentence for sentence in report.headline)


def test_the_nep_s_debrief_never_claims_what_the_numbers_deny() -> None:
    session = played("procurement-crisis-1927", "default")
    assert session.state.ending == "nep-without-industry"
    text = " ".join(ending_text(session))
    kulaks = session.value("kulak_leverage")
    assert ("keep their hold" in text) == (kulaks >= 55)
    assert ("unemployed crowd the towns" in text) == (session.value("unemployment") >= 1)
    assert number(session.scenario.ruleset, "industrial_output", session.value("industrial_output")) in text


def test_two_games_with_the_same_ending_are_told_apart_by_their_scorecards() -> None:
    scenario = load_scenario("procurement-crisis-1927", RULES)
    by_ending: dict[str | None, list[Session]] = {}
    for name in [n for n in scenario.levers if n not in scenario.locked][:6]:
        lever = scenario.levers[name]
        for value in (lever.default, lever.min, lever.max):
            session = Session(scenario, scenario.seed)
            session.set_lever(name, value)
            session.play()
            by_ending.setdefault(session.state.ending, []).append(session)
    alike = max(by_ending.values(), key=len)
    assert len(alike) >= 2, "some policies end alike"
    cards = {tuple(s.yours_text for s in scorecard(g, historical_path(g))) for g in alike}
    assert len(cards) >= 2, "the scorecard tells games with the same ending apart"
    for card in (scorecard(g, historical_path(g)) for g in alike[:2]):
        assert [s.label for s in card] == [a.label for a in scenario.ruleset.story.scorecard]
        assert all(s.history_text and s.judgement for s in card)


def test_a_game_heading_for_a_loss_is_warned_before_it() -> None:
    scenario = load_scenario("nep-1923-1930", RULES)
    session = Session(scenario, scenario.seed)
    # Few goods for the village: the towns go short of bread (with the default levers the towns'
    # free market now carries the game to a strained alliance at the end, a loss with no meter).
    session.set_lever("goods_to_village", 0.35)
    warned: list[tuple[int, str]] = []
    while not session.is_over:
        warned += [(session.turn, t.ending) for t in threats(session)]
        session.end_season()
    lost = session.state.ending
    assert lost is not None and scenario.endings[lost].outcome == "bad"
    assert any(ending == lost and turn < session.turn - 1 for turn, ending in warned), warned
    meter = next(m for m in meters(session, session.turn - 1) if m.ending == lost)
    assert meter.warning  # its loss meter stood past the warning point before the end


def test_threats_are_worded_for_a_student() -> None:
    from game.present.warnings import Threat

    assert Threat("x", "Bread crisis", False, 2, 0.6).text == "Bread crisis within 2 seasons in 60% of weathers"
    assert Threat("x", "Bread crisis", False, 1, 1.0).text == "Bread crisis next season in every weather"


# --- numbers ------------------------------------------------------------------------------------


def test_numbers_have_units_and_a_change_shown_equals_the_difference_shown() -> None:
    rs = load_scenario("nep-1923-1930", RULES).ruleset
    assert quantity(rs, "harvest", 77.84) == "77.8 Mt"
    assert quantity(rs, "goods_famine", 0.412) == "41%"
    assert quantity(rs, "bread_crisis_seasons", 1) == "1 season" and quantity(rs, "bread_crisis_seasons", 2) == "2 seasons"
    c = shown_change(rs, "worker_trust", 44.2, 44.4)  # both '44' at the usual places: one more place
    assert (c.before_text, c.after_text, c.delta_text) == ("44.2/100", "44.4/100", "+0.2")
    assert not shown_change(rs, "worker_trust", 44.2, 44.2).visible
    assert shown_change(rs, "goods_famine", 0.11, 0.41).delta_text == "+30 pts"
    assert signed(rs, "grain_procured", -0.0) == "±0.00 Mt" and signed(rs, "inflation", 4.15e-05) == "+0.0042 pts"
    assert number(rs, "worker_trust", -0.004) == "0"  # never '-0'


def test_names_are_found_by_label_or_id_with_a_short_did_you_mean() -> None:
    rs = load_scenario("nep-1923-1930", RULES).ruleset
    assert find_variable(rs, "Workers' trust").name == "worker_trust"
    assert find_variable(rs, "worker trust").name == "worker_trust"
    assert find_variable(rs, "workers").name == "worker_trust"  # the one indicator it starts
    vague = find_variable(rs, "trust")
    assert vague.name is None and 2 <= len(vague.suggestions) <= 4
    assert find_variable(rs, "harvst").suggestions[0][0] == "harvest"


def test_several_levers_are_read_from_one_line() -> None:
    session = Session(load_scenario("scissors-1923", RULES), 1)
    found = parse_assignments(session, "procurement_price=120, price of manufactures 200; goods=0.5; grain_exports=2; nonsense=3")
    assert found.values == {"procurement_price": 120, "industrial_price": 200, "goods_to_village": 0.5}
    assert any("locked" in p for p in found.problems) and any("no lever 'nonsense'" in p for p in found.problems)
    assert find_lever(session, "manufactures") == "industrial_price"
    # A word two levers end with names neither: 'price' is never silently the manufactures'.
    assert find_lever(session, "price") is None
    vague = parse_assignments(session, "price=130, tax=80")
    assert vague.values == {} or "industrial_price" not in vague.values
    assert any("could be Grain procurement price or Price of manufactures" in p for p in vague.problems)


# --- the controller -----------------------------------------------------------------------------


def test_one_seed_policy_and_one_autosave_record(tmp_path) -> None:
    fixed = load_scenario("scissors-1923", RULES)
    assert choose_seed(None, fixed) == fixed.seed and choose_seed(5, fixed) == 5
    free = load_scenario("hammurabi-reign", RULES)
    assert free.seed is None or choose_seed(None, free) == free.seed
    game = Game.start(RULES, "hammurabi-short", seed=3, saves=tmp_path)
    assert game.autosave() is None  # a new game needs no autosave
    report = game.end_season()
    assert report.turn == 1 and game.report() is report  # built once per state
    first = game.autosave()
    assert first is not None and game.autosave() is None  # not twice the same state
    game.undo()
    assert game.autosave() is not None  # the game changed since
    saved = game.save(tmp_path / "mine.json")
    from game.controller import read_saved_game

    again = Game.open(read_saved_game(RULES, saved), saves=tmp_path)
    assert again.session.history == game.session.history and again.autosave() is None
    with pytest.raises(StartRefused) as refused:
        Game.start(RULES, "no-such-scenario")
    assert refused.value.kind == "scenario" and refused.value.errors == 1
    with pytest.raises(StartRefused) as refused:
        Game.start(RULES, "nep-1923-1930", branch_at="1999-autumn")
    assert refused.value.kind == "branch"


def test_a_mod_keeps_the_story_of_the_rule_set_it_extends() -> None:
    scenario = load_scenario("nep-1923-1930", RULES, mod="long-memory")
    base = load_scenario("nep-1923-1930", RULES).ruleset.story
    story = scenario.ruleset.story
    assert [h.text for h in story.headlines] == [h.text for h in base.headlines]
    assert set(story.debriefs) == set(base.debriefs) and len(story.scorecard) == len(base.scorecard)
    session = Session(scenario, scenario.seed)
    session.end_season()
    assert len(season_report(session).headline) == len({h.about for h in base.headlines})


def test_a_scorecard_figure_of_one_takes_the_singular_unit() -> None:
    from game.present.debrief import _axis_text
    from game.rules.models import ScoreAxis

    axis = ScoreAxis(label="Seasons of hunger", formula="1", unit="seasons", format=".0f")
    assert (_axis_text(axis, 1.0), _axis_text(axis, 3.0), _axis_text(axis, 0.0)) == ("1 season", "3 seasons", "0 seasons")


def test_a_stock_that_keeps_its_last_value_is_told_as_its_account() -> None:
    """The state's reserve is last season's plus what came in less what went out: its report
    reads 'Grain procured this season (2.45 Mt)', not a change of changes ('most of last
    season's rise carries over'), and the flows add up to the change shown."""
    from game.engine.explain import flows

    session = played("procurement-crisis-1927", "history")
    model = session.model
    told = 0
    for turn in range(1, session.turn + 1):
        found = flows(model, session.history, turn, "grain_reserve")
        if found is not None:
            change = session.value("grain_reserve", turn) - session.history[turn].prev_values[model.index["grain_reserve"]]
            assert math.isclose(sum(f.part for f in found), change, abs_tol=1e-6)
        story = next((c for c in season_report(session, turn).changes if c.name == "grain_reserve"), None)
        if story is not None and found is not None:
            assert all("this season" in row.phrase for row in story.rows), [r.phrase for r in story.rows]
            assert not any(row.kind == "carry" for row in story.rows)
            told += 1
    assert told >= 3
    # A stock that settles toward a target (trust) has no such account: it is told the usual way.
    assert flows(model, session.history, 5, "middle_peasant_trust") is None


@pytest.mark.parametrize("ident, policy", [("hammurabi-reign", "history"), ("hammurabi-short", "default")])
def test_a_store_reached_through_the_season_s_steps_is_told_as_its_account(ident: str, policy: str) -> None:
    """The granary's rule reads last season's store only through this season's steps (on hand,
    after rations, after sowing, after trade): its account follows them. The first report reads
    'Rations handed out this season (500 bushels)' and 'Seed sown this season', never 'it was
    already falling when you took over' for grain the player's own rations and sowing took; every
    season's flows add up to the change, and the rats' share counts as what they ate."""
    from game.engine.explain import flows

    session = played(ident, policy)
    model = session.model
    k = model.index["grain_store"]
    accounts = 0
    for turn in range(1, session.turn + 1):
        found = flows(model, session.history, turn, "grain_store")
        if found is None:
            continue
        accounts += 1
        change = session.value("grain_store", turn) - session.history[turn].prev_values[k]
        # (each part is read as a slope, to about 1e-5 bushels; the report shows whole bushels)
        assert math.isclose(sum(f.part for f in found), change, abs_tol=1e-3), turn
        fed = next(f for f in found if f.name == "food_given")
        assert fed.part == pytest.approx(-session.value("food_given", turn))
    assert accounts >= session.turn - 1
    first = next(c for c in season_report(session, 1).changes if c.name == "grain_store")
    phrases = [row.phrase for row in first.rows]
    assert not [row for row in first.rows if row.kind in ("trend", "carry")], phrases
    fed, sown = session.value("food_given", 1), session.value("seed_used", 1)
    assert f"Rations handed out this season ({fed:,.0f} bushels)" in phrases, phrases
    if sown:
        assert f"Seed sown this season ({sown:,.0f} bushels)" in phrases, phrases


def test_a_stock_that_ran_out_says_so_and_its_account_still_adds_up() -> None:
    """When what went out would take the reserve below zero, the account has a row for it."""
    import dataclasses

    from game.engine.explain import flows
    from game.present.causes import flow_rows

    session = played("procurement-crisis-1927", "history")
    model, rs = session.model, session.scenario.ruleset
    i = model.index["grain_reserve"]
    turn = next(t for t in range(1, session.turn + 1) if session.value("bread_distributed", t) > session.value("grain_procured", t) + 0.3)
    state = session.history[turn]
    emptied = dataclasses.replace(state, values=state.values[:i] + (0.0,) + state.values[i + 1:],
                                  prev_values=state.prev_values[:i] + (0.1,) + state.prev_values[i + 1:])
    history = list(session.history[:turn]) + [emptied]
    found = flows(model, history, turn, "grain_reserve")
    assert found is not None and [f.kind for f in found].count("bound") == 1
    assert math.isclose(sum(f.part for f in found), -0.1, abs_tol=1e-6)  # from 0.1 to 0
    shown = shown_change(rs, "grain_reserve", 0.1, 0.0)
    told = flow_rows(rs, found, shown, "grain_reserve")
    assert told is not None
    rows, rest = told
    assert any(r.phrase.startswith("it ran out") for r in rows)
    assert sum(r.units for r in rows) + rest == shown.units


def test_the_private_traders_markup_is_read_against_the_state_shops_price() -> None:
    """A ratio alone ('1.53') means nothing to a student: it says what it is a ratio of."""
    rs = load_scenario("procurement-crisis-1927", RULES).ruleset
    assert quantity(rs, "private_markup", 1.53) == "1.53 times the state shops' price"


def _places(text: str) -> int:
    number = re.match(r"[+−±-]?[\d,]+(\.\d+)?", text.replace("−", "-"))
    assert number, text
    return len(number.group(1)) - 1 if number.group(1) else 0


@pytest.mark.parametrize("ident, policy", [("procurement-crisis-1927", "history"), ("nep-1923-1930", "default")])
def test_one_kind_of_quantity_is_written_with_one_precision_in_a_report(ident: str, policy: str) -> None:
    """Trusts on 0-100 (or any kind with fixed places) never read '42 to 25' beside '37.3 to
    27.7' in one report, in its changes or in their causes' from-to."""
    session = played(ident, policy)
    rs = session.scenario.ruleset
    for report in reports(session):
        seen: dict[object, set[int]] = {}
        for story in report.changes:
            kind = kind_of(rs, story.name)
            if kind is not None:
                seen.setdefault(kind, set()).update({_places(story.change.after_text), _places(story.change.before_text)})
            for row in story.rows:
                kind = kind_of(rs, row.name)
                # '(12% to 38%)', or in a label's own brackets: '(farm ÷ industrial prices; 71.9 to 78.7)'
                moves = re.findall(r"\((?:[^();]*; )?(?:[a-z][a-z ]* )?([^()]*) to ([^()]*)\)", row.phrase)
                if kind is None or not moves:
                    continue
                before, after = moves[-1]
                seen.setdefault(kind, set()).update({_places(before), _places(after)})
        mixed = {kind[1]: places for kind, places in seen.items() if len(places) > 1}
        assert mixed == {}, (report.season, [r.text for s in report.changes for r in s.rows])


@pytest.mark.parametrize("ident, policy", [("procurement-crisis-1927", "history"), ("nep-1923-1930", "default")])
def test_a_cause_s_from_to_says_its_baseline_when_the_change_is_on_a_year_before(ident: str, policy: str) -> None:
    """'Grain procured ... on autumn 1926' is explained by the goods famine '(12% a year before
    to 38%)', not '(12% to 38%)' beside the goods famine's own 'up 20 pts on last season (18%)'."""
    session = played(ident, policy)
    yearly = 0
    for report in reports(session):
        for story in report.changes:
            if story.since == "last season":
                continue
            for row in story.rows:
                if re.search(r"\([^()]* to [^()]*\)", row.phrase):
                    yearly += 1
                    assert "a year before to" in row.phrase, row.text
    assert yearly


@pytest.mark.parametrize("ident, policy", [("procurement-crisis-1927", "history"), ("nep-1923-1930", "history")])
def test_a_from_to_on_a_year_before_has_its_unit_with_both_numbers(ident: str, policy: str) -> None:
    """'(12.8 Mt a year before to 11.8 Mt)', never '(12.8 a year before to 11.8 Mt)': the words
    between the numbers keep the unit from reaching back to the first."""
    checked = 0
    for report in reports(played(ident, policy)):
        for story in report.changes:
            for row in story.rows:
                for before, after in re.findall(r"([^();]*) a year before to ([^()]*)\)", row.phrase):
                    if not re.match(r"[+−±-]?[\d,]", after):
                        continue  # a choice ('none a year before to requisition')
                    unit = re.sub(r"^[+−±-]?[\d,]+(\.\d+)?%?", "", after).strip()
                    if unit:
                        checked += 1
                        assert before.endswith(unit) or before.endswith(unit.rstrip("s")), row.phrase
    assert checked


@pytest.mark.parametrize("ident, policy", [("procurement-crisis-1927", "history"), ("nep-1923-1930", "history")])
def test_a_label_with_brackets_of_its_own_takes_the_from_to_into_them(ident: str, policy: str) -> None:
    """'Scissors (farm ÷ industrial prices; 71.9 to 78.7)', never two brackets in a row as in
    'Scissors (farm ÷ industrial prices) (71.9 to 78.7)'."""
    phrases = [row.phrase for report in reports(played(ident, policy)) for story in report.changes for row in story.rows]
    assert not [p for p in phrases if re.search(r"\)\s*\(", p)]
    assert [p for p in phrases if p.startswith("Scissors (farm ÷ industrial prices; ") and " to " in p]


def test_with_note_puts_a_note_inside_a_label_s_own_brackets() -> None:
    from game.present.index import with_note

    assert with_note("Harvest", "last year 70.1 Mt") == "Harvest (last year 70.1 Mt)"
    assert with_note("Scissors (farm ÷ industrial prices)", "last year 45") == "Scissors (farm ÷ industrial prices; last year 45)"
    assert with_note("Harvest", "65 to 70 Mt", " last season") == "Harvest last season (65 to 70 Mt)"
    assert with_note("The alliance (smychka)", "40 to 38", " last season") == "The alliance (smychka; last season 40 to 38)"


def test_a_count_of_seasons_moves_in_whole_seasons() -> None:
    """'Seasons of emergency measures (0 to 2 seasons)', never '(0.00 to 2.00 seasons)'."""
    rs = load_scenario("procurement-crisis-1927", RULES).ruleset
    shown = shown_change(rs, "coercion_uses", 0.0, 2.0)
    assert (shown.before_text, shown.after_text, shown.delta_text) == ("0 seasons", "2 seasons", "+2 seasons")
    phrases = [row.phrase for report in reports(played("procurement-crisis-1927", "history"))
               for story in report.changes for row in story.rows]
    assert not [p for p in phrases if re.search(r"\.0+ seasons?\)|\b1 seasons\)", p)]
