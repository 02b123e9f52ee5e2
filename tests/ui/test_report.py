"""The season report after each season, rendered headless on real sessions, and a game of three
seasons played purely with synthetic mouse clicks and keys."""

from __future__ import annotations

import pygame
import pytest

from game.present.seasons import season_title
from game.present.story import season_report
from game.ui.games import new_game
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.dashboard import DashboardScene
from game.ui.scenes.report import ReportScene
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def read_report(app) -> str:
    """Everything the report's box draws, read page by page (Home, then Page Down to the end),
    in reading order, with the line breaks of the wrapping undone."""
    box = find(app, "report")
    scene = app.scene
    app.frame(key(pygame.K_HOME))
    seen: dict[tuple[int, int, str], None] = {}
    while True:
        for text, rect in box.texts:  # drawn in reading order; lines shared by two pages once
            seen.setdefault((rect.x, rect.y + scene.text.top, text), None)
        top = scene.text.top
        app.frame(key(pygame.K_PAGEDOWN))
        if scene.text.top == top:
            break
    app.frame(key(pygame.K_HOME))
    return " ".join(" ".join(text for _, _, text in seen).split())


def on_screen(expected: str, document: str) -> bool:
    return " ".join(expected.split()) in document


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
    texts = visible_texts(app)
    report = season_report(s)
    assert f"Season report — {season_title(report.season)}" in texts
    assert report.changes and report.headline
    document = read_report(app)
    assert on_screen(" ".join(report.headline), document)  # the headline first
    for change in report.changes:
        assert on_screen(change.label, document)
        assert on_screen(change.change.before_text, document) and on_screen(change.change.after_text, document)
        for row in change.all_rows:
            assert on_screen(f"{row.part} {row.phrase}", document)
        assert not any(on_screen(row.source, document) for row in change.rows if row.source)  # sources wait for D
    # D shows what each cause means and its sources; D again hides them.
    app.frame(key(pygame.K_d, text="d"))
    settle(app)
    document = read_report(app)
    for change in report.changes:
        for row in change.rows:
            if row.source:
                assert on_screen(row.source, document)
    app.frame(key(pygame.K_d, text="d"))
    settle(app)
    # Each cause's head is a link: a hotspot on the box, drawn in the palette's link colour.
    box = find(app, "report")
    assert len(scene.links) >= 1 and 1 in [payload for _, payload in box.hotspots]
    link = tuple(app.palette.focus)[:3]
    for _ in range(30):  # the first cause clear of the fade at the bottom of the box
        if all(r.bottom < box.rect.h * 2 // 3 for r, p in box.hotspots if p == 1):
            break
        app.frame(key(pygame.K_DOWN))
    assert any(box.image.get_at((x, y))[:3] == link for rect, p in box.hotspots if p == 1
               for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom))
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
    # The same with the mouse: a click on the second cause's link.
    box = find(app, "report")
    rect = next(r for r, payload in box.hotspots if payload == 2)
    app.frame(click((box.rect.x + rect.centerx, box.rect.y + rect.centery)))
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
        credit = session.levers["coop_credit"]
        app.frame(click(entry.rect.center))
        app.frame(key(pygame.K_a, mod=pygame.KMOD_CTRL))
        _type(app, "900")
        app.frame(key(pygame.K_RETURN))
        settle(app)
        texts = visible_texts(app)
        assert "outside the bounds" in texts and "0 to 200" in texts
        assert session.levers["coop_credit"] == credit
        # End the season with the mouse; the report comes up.
        end = find(app, "end")
        app.frame(click(end.rect.center))
        app.frame(pygame.event.get())  # the press pygame_gui posted: the season is played
        assert isinstance(app.scene, ReportScene), visible_texts(app)
        timings.append(app.scene.shown_after_ms)
        settle(app)
        assert session.turn == season + 1
        assert f"Season report — {season_title(session.state.season)}" in visible_texts(app)
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


def test_the_report_scrolls_with_wheel_keys_and_its_scroll_bar(make_app) -> None:
    from game.ui.palette import MUTED

    app = make_app((1024, 640), 1.5)
    scene = played(app, "nep-1923-1930", 2)
    text, box = scene.text, find(app, "report")
    assert text.max_top() > 0, "this report is longer than its box"
    # The scroll bar: its thumb at the top of the track, in the muted ink.
    track, thumb = text.scrollbar()
    assert thumb.y == track.y and box.image.get_at(thumb.center)[:3] == tuple(MUTED)[:3]
    first = box.texts[0][0]
    app.frame([pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1, flipped=False, precise_x=0.0, precise_y=-1.0)])
    assert text.top > 0 and text.scrollbar()[1].y > track.y
    app.frame(key(pygame.K_HOME))
    assert text.top == 0 and box.texts[0][0] == first
    app.frame(key(pygame.K_DOWN))
    line = text.top
    assert line > 0
    app.frame(key(pygame.K_UP))
    assert text.top == 0
    app.frame(key(pygame.K_PAGEDOWN))
    assert text.top > 3 * line and box.texts[0][0] != first
    app.frame(key(pygame.K_PAGEUP))
    assert text.top == 0
    app.frame(key(pygame.K_END))
    assert text.top == text.max_top()
    app.frame(key(pygame.K_HOME))
    # A click on the track below the thumb pages down; dragging the thumb to the bottom, the end.
    track, thumb = text.scrollbar()
    at = (box.rect.x + track.centerx, box.rect.y + track.bottom - 2)
    app.frame(click(at))
    assert text.top > 3 * line
    app.frame(key(pygame.K_HOME))
    grab = (box.rect.x + thumb.centerx, box.rect.y + thumb.centery)
    app.frame([pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=grab, button=1),
               pygame.event.Event(pygame.MOUSEMOTION, pos=(grab[0], grab[1] + track.h), rel=(0, track.h), buttons=(1, 0, 0)),
               pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(grab[0], grab[1] + track.h), button=1)])
    assert text.top == text.max_top()
    # The keys are listed in the help overlay; links stay clickable after scrolling.
    assert {"Page Down", "Page Up", "Up", "Down", "Home", "End", "1–9", "W", "D"} <= {s.label for s in scene.shortcuts}
    rect, number = box.hotspots[-1]
    app.frame(click((box.rect.x + rect.centerx, box.rect.y + rect.centery)))
    assert type(app.scene).__name__ == "WhyScene" and app.scene.trail[0] == (scene.links[number - 1].variable, scene.links[number - 1].turn)
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene and text.top == text.max_top(), "the report keeps its place"
    assert overlaps(app) == [] and cut_off(app) == []


def test_hovering_a_cause_highlights_it(make_app) -> None:
    app = make_app()
    scene = played(app, "nep-1923-1930", 1)
    box = find(app, "report")
    rect = next(r for r, payload in box.hotspots if payload == 1 and r.w > 60)
    at = (box.rect.x + rect.centerx, box.rect.y + rect.centery)
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=at, rel=(1, 1), buttons=(0, 0, 0))])
    assert scene.text.hovered == 1
    hover = tuple(app.palette.bad)[:3]
    assert any(box.image.get_at((x, y))[:3] == hover for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom))


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 1.0), ((1024, 640), 1.5)])
def test_end_season_draws_the_whole_report_in_its_first_frame(make_app, size, scale) -> None:
    """End season on the dashboard: the very frame of the key press shows the whole report,
    pixel for pixel what the same report opened afresh shows, and the same text; the autosave
    waits for the next frame."""
    app = make_app(size, scale)
    session = new_game(app, "procurement-crisis-1927")
    assert session is not None
    settle(app, 3)
    assert isinstance(app.scene, DashboardScene)
    autosaves = app.saves_dir / "autosave"
    app.frame(key(pygame.K_RETURN, mod=pygame.KMOD_CTRL))  # one frame only
    scene = app.scene
    assert isinstance(scene, ReportScene) and session.turn == 1 and scene.shown_after_ms is not None
    first = app.screen.copy()
    assert f"Season report — {season_title(session.state.season)}" in visible_texts(app)
    assert not list(autosaves.glob("*.json")), "the autosave waits until the report is on screen"
    app.frame([])
    assert len(list(autosaves.glob("*.json"))) == 1
    document = read_report(app)
    report = season_report(session)
    assert on_screen(" ".join(report.headline), document)
    for change in report.changes:
        assert on_screen(change.label, document) and on_screen(change.change.after_text, document)
    # The same report opened afresh over it draws the same picture and the same text.
    app.push(ReportScene(app))
    settle(app)
    assert app.scene is not scene
    assert pygame.image.tobytes(app.screen, "RGB") == pygame.image.tobytes(first, "RGB")
    assert read_report(app) == document
    assert overlaps(app) == [] and cut_off(app) == []
