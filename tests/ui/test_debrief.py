"""The ending and debrief screen, after games played to their end headless: the tutorial with its
default levers, and the whole NEP under the state's actual policy (history beside the game)."""

from __future__ import annotations

from functools import cache
from html import escape

import pygame
import pygame_gui
import pytest

from game.history import Row
from game.present.debrief import historical_ending, historical_path, history_rows, record_figures, scorecard, turning_points
from game.present.seasons import season_label
from game.present.story import indicator_rows
from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.debrief import DebriefScene
from game.ui.scenes.title import TitleScene
from tests.conftest import ROOT
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


@cache
def finished(ident: str, historical: bool) -> Session:
    """``ident`` played to its end: the scenario's default levers, or its historical policy."""
    scenario = load_scenario(ident, ROOT / "rules")
    session = Session(scenario, scenario.seed if scenario.seed is not None else 1)
    while not session.is_over:
        if historical:
            session.set_levers(scenario.history[session.turn])
        session.end_season()
    return session


def show(app, session: Session) -> DebriefScene:
    app.session = session
    app.push(TitleScene(app))
    scene = app.push(DebriefScene(app))
    settle(app)
    return scene


def ending_line(session: Session) -> str:
    ending = session.ending
    assert ending is not None
    return ending.ending.title if ending.ending is not None else "no decisive outcome"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_tutorial_s_debrief_shows_its_ending_turning_points_and_questions(make_app, size, scale) -> None:
    session = finished("scissors-1923", False)
    assert session.turn == 8 or session.ending.ending is not None
    app = make_app(size, scale)
    show(app, session)
    save_png(app, "debrief-scissors")
    texts = visible_texts(app)
    assert ending_line(session) in texts
    debrief = find(app, "debrief").html_text
    for point in turning_points(session):
        assert season_label(point.season) in debrief
    # The scorecard sets the game beside history's policy on the rules' axes.
    for score in scorecard(session, historical_path(session)):
        assert escape(score.label) in debrief and escape(score.yours_text) in debrief
    for question in session.scenario.debrief_questions:
        assert question[:40] in visible_texts(app).replace("\n", " ") or question[:40] in debrief
    chart = "\n".join(t for t, _ in find(app, "chart").texts)
    assert "The whole game" in chart
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_nep_under_history_sets_the_game_beside_history(make_app, size, scale) -> None:
    session = finished("nep-1923-1930", True)
    app = make_app(size, scale)
    scene = show(app, session)
    save_png(app, "debrief-nep-history")
    assert ending_line(session) in visible_texts(app)
    debrief = find(app, "debrief").html_text
    rows: list[Row] = history_rows(session)
    assert rows and "Your game beside history" in debrief
    for row in rows[:6]:  # each figure with its unit, the difference with a true minus (as in the text mode and the report)
        model, history, apart = record_figures(session.scenario.ruleset, row)
        assert f"{row.year}: model <b>{model}</b> · history <b>{history}</b>" in debrief
        assert apart and f"{apart}</font>" in debrief
        assert "-" not in apart
    # The end figures agree with what the player last saw: the indicators as the game ended, with
    # the last season's change, before the scorecard ('Industrial output: 108 (−15)').
    ended = debrief.index("Where your game ended, after summer 1930")
    assert debrief.index("Mechanisms") < ended < debrief.index("Your game beside history")
    for label, value, change in indicator_rows(session):
        assert f"• {escape(label)}: <b>{escape(value)}</b>{f' ({escape(change)})' if change else ''}" in debrief
    ident, season = historical_ending(session)
    assert "Under the state's actual policy" in debrief and season_label(season) in debrief
    legend = "\n".join(t for t, _ in find(app, "chart").texts)
    assert "actual policy" in legend
    assert scene.replay is not None
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("ident", ["hammurabi-reign", "scissors-1923"])
def test_the_verdict_is_in_the_rule_set_s_own_words(make_app, ident) -> None:
    session = finished(ident, False)
    ending = session.ending.ending
    assert ending is not None
    verdicts = session.scenario.ruleset.verdicts
    words = verdicts.good if ending.outcome == "good" else verdicts.bad
    app = make_app()
    show(app, session)
    verdict = find(app, "verdict").text
    assert verdict.startswith(f"{words}. ")
    if ident.startswith("hammurabi"):
        # A Sumerian reign is not told of the worker-peasant alliance anywhere on the screen.
        assert words.startswith("The reign")
        assert "alliance" not in visible_texts(app).lower() and "alliance" not in find(app, "debrief").html_text.lower()
    else:
        assert words.startswith("The alliance")


def test_keys_and_buttons_lead_on(make_app) -> None:
    from game.ui.scenes.encyclopedia import EncyclopediaScene
    from game.ui.scenes.picker import PickerScene

    session = finished("scissors-1923", False)
    app = make_app()
    show(app, session)
    app.frame(key(pygame.K_e, text="e"))
    settle(app)
    assert isinstance(app.scene, EncyclopediaScene)
    mechanisms = session.ending.ending.mechanisms if session.ending.ending else []
    if mechanisms:
        assert app.scene.current == f"mechanism:{mechanisms[0]}"
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert isinstance(app.scene, DebriefScene)
    # A mechanism link in the debrief opens its article.
    if mechanisms:
        app.frame([pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, {"link_target": f"mechanism:{mechanisms[-1]}", "ui_element": find(app, "debrief")})])
        assert isinstance(app.scene, EncyclopediaScene) and app.scene.current == f"mechanism:{mechanisms[-1]}"
        app.frame(key(pygame.K_ESCAPE))
        settle(app)
    app.frame(click(find(app, "new").rect.center))
    settle(app)
    assert isinstance(app.scene, PickerScene)


def test_title_key_returns_to_the_title_screen(make_app) -> None:
    app = make_app()
    show(app, finished("scissors-1923", False))
    app.frame(key(pygame.K_t, text="t"))
    settle(app)
    assert isinstance(app.scene, TitleScene)


def test_why_and_charts_open_when_their_screens_exist(make_app) -> None:
    app = make_app()
    show(app, finished("scissors-1923", False))
    app.frame(key(pygame.K_w, text="w"))
    settle(app)
    assert type(app.scene).__name__ == "WhyScene"
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    app.frame(key(pygame.K_c, text="c"))
    settle(app)
    assert type(app.scene).__name__ == "ChartsScene"
