"""The season report after each season, rendered headless on real sessions, and a game of three
seasons played purely with synthetic mouse clicks and keys."""

from __future__ import annotations

import pygame
import pytest

from game.report import cause_lines, cause_sentence, format_value, season_report
from game.ui.games import new_game
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.dashboard import DashboardScene
from game.ui.scenes.report import ReportScene
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def played(app, scenario: str, seasons: int) -> ReportScene:
    session = new_game(app, scenario)
    assert session is not None
    for _ in range(seasons):
        session.end_season()
    app.push(ReportScene(app))
    settle(app)
    return app.scene


@pytest.mark.parametrize("scenario", ["nep-1923-1930", "scissors-1923"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_report_says_what_changed_and_why_with_sources(make_app, scenario, size, scale) -> None:
    app = make_app(size, scale)
    scene = played(app, scenario, 2)
    save_png(app, f"report-{scenario}")
    s = app.session
    rs = s.scenario.ruleset
    texts = visible_texts(app)
    report = season_report(s)
    assert f"Season report — {report.season}" in texts
    assert report.changes
    for change in report.changes:
        assert change.label in texts
        assert format_value(rs, change.name, change.before) in texts and format_value(rs, change.name, change.after) in texts
        for line in cause_lines(rs, change.explanation):
            sentence = cause_sentence(rs, change.name, line)
            assert sentence.head in texts
            if sentence.provenance:
                assert sentence.provenance in texts
    assert len(scene.links) >= 1 and "<a href='why:1'>" in find(app, "report").html_text
    assert overlaps(app) == []
    assert cut_off(app) == []


def test_number_keys_and_links_open_the_why_view_and_enter_continues(make_app) -> None:
    app = make_app()
    scene = played(app, "nep-1923-1930", 1)
    link = scene.links[0]
    app.frame(key(pygame.K_1, text="1"))
    settle(app)
    assert type(app.scene).__name__ == "WhyScene"
    assert app.scene.trail[0] == (link.variable, link.turn)
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene
    # The same through the link event the text box posts when a link is clicked.
    box = find(app, "report")
    scene.handle(pygame.event.Event(__import__("pygame_gui").UI_TEXT_BOX_LINK_CLICKED, link_target="why:2", ui_element=box))
    assert type(app.scene).__name__ == "WhyScene" and app.scene.trail[0][0] == scene.links[1].variable
    app.pop()
    settle(app)
    app.frame(key(pygame.K_RETURN))
    assert isinstance(app.scene, DashboardScene)


def test_continue_opens_the_debrief_when_the_game_is_over(make_app) -> None:
    app = make_app()
    session = new_game(app, "scissors-1923")
    while not session.is_over:
        session.end_season()
    app.push(ReportScene(app))
    settle(app)
    assert "Debrief (Enter)" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert type(app.scene).__name__ in ("DebriefScene", "DashboardScene")


def _type(app, text: str) -> None:
    for ch in text:
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))


def test_three_seasons_played_with_synthetic_events_only(make_app, capsys) -> None:
    app = make_app((1024, 640), 1.0)
    session = new_game(app, "nep-1923-1930")
    settle(app)
    timings = []
    for season in range(3):
        scene = app.scene
        assert isinstance(scene, DashboardScene)
        # Move a slider with the mouse: its right arrow, one step up.
        slider = find(app, "slider:goods_to_village")
        before = session.levers["goods_to_village"]
        app.frame(click(slider.right_button.rect.center))
        settle(app, 3)
        assert session.levers["goods_to_village"] == pytest.approx(before + 0.05)
        # Type a number into an entry.
        entry = find(app, "entry:procurement_price")
        app.frame(click(entry.rect.center))
        app.frame(key(pygame.K_a, mod=pygame.KMOD_CTRL))
        _type(app, str(120 + 10 * season))
        app.frame(key(pygame.K_RETURN))
        settle(app)
        assert session.levers["procurement_price"] == 120 + 10 * season
        # An out-of-bounds number: refused, the bounds on screen, the value kept.
        entry = find(app, "entry:coop_credit")
        app.frame(click(entry.rect.center))
        app.frame(key(pygame.K_a, mod=pygame.KMOD_CTRL))
        _type(app, "900")
        app.frame(key(pygame.K_RETURN))
        settle(app)
        texts = visible_texts(app)
        assert "outside the bounds" in texts and "0 to 200" in texts
        assert session.levers["coop_credit"] == 40
        # End the season with the mouse; the report comes up.
        end = find(app, "end")
        app.frame(click(end.rect.center))
        app.frame(pygame.event.get())  # the press pygame_gui posted: the season is played
        assert isinstance(app.scene, ReportScene), visible_texts(app)
        timings.append(app.scene.shown_after_ms)
        settle(app)
        assert session.turn == season + 1
        assert f"Season report — {session.state.season}" in visible_texts(app)
        report = app.scene
        # Click a cause (the first link) into the why view, if the report has one.
        if report.links:
            app.frame([pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0, unicode="1", scancode=0)])
            settle(app)
            assert type(app.scene).__name__ == "WhyScene"
            app.frame(key(pygame.K_ESCAPE))
            settle(app)
        assert app.scene is report
        app.frame(click(find(app, "continue").rect.center))
        settle(app)
    assert isinstance(app.scene, DashboardScene) and session.turn == 3
    with capsys.disabled():
        print("\nEnd season -> report on screen (ms): " + ", ".join(f"{t:.0f}" for t in timings))
