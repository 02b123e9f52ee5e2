"""A whole game in the window, driven only by synthetic keys and mouse clicks: start a scenario
from the title screen, move levers, end seasons, read the report, open the why view and the
charts, save, load the save, and play to the ending and its debrief."""

from __future__ import annotations

import pygame
import pygame_gui

from game.present.seasons import season_title
from game.ui.inspect import find, visible_texts
from game.ui.scenes.title import TitleScene
from tests.ui.conftest import click, key, save_png, settle


def scene_name(app) -> str:
    return type(app.scene).__name__


def press(app, k: int, mod: int = 0, text: str = "") -> None:
    app.frame(key(k, mod, text))
    settle(app)


def type_text(app, text: str) -> None:
    for ch in text:
        app.frame([pygame.event.Event(pygame.TEXTINPUT, text=ch)])
    settle(app)


def test_a_scripted_game_from_title_screen_to_debrief(make_app) -> None:
    app = make_app()
    app.push(TitleScene(app))
    settle(app)

    # New game: choose the tutorial with the keyboard, start it with a mouse click.
    press(app, pygame.K_n, text="n")
    assert scene_name(app) == "PickerScene"
    picker = app.scene
    target = next(i for i, c in enumerate(picker.choices) if c.ident == "scissors-1923")
    while picker.selected < target:
        press(app, pygame.K_DOWN)
    app.frame(click(find(app, "start").rect.center))
    settle(app)
    assert scene_name(app) == "DashboardScene"
    session = app.session
    assert session.scenario.id == "scissors-1923" and session.turn == 0

    # A lever moved with the mouse: click the right arrow of the first open lever's slider.
    open_levers = [n for n in session.scenario.levers if n not in session.scenario.locked]
    sliders = [e for n, e in app.scene.placed if isinstance(e, pygame_gui.elements.UIHorizontalSlider) and e.is_enabled]
    assert sliders, "the dashboard shows no slider"
    before = dict(session.levers)
    slider = sliders[0]
    app.frame(click(slider.right_button.rect.center))
    settle(app, 3)
    assert session.levers != before, "clicking the slider's end moved no lever"

    # And with the keyboard: Tab to a slider, then Right.
    moved = dict(session.levers)
    for _ in range(40):
        press(app, pygame.K_TAB)
        if isinstance(app.focus, pygame_gui.elements.UIHorizontalSlider):
            break
    assert isinstance(app.focus, pygame_gui.elements.UIHorizontalSlider)
    press(app, pygame.K_LEFT, pygame.KMOD_SHIFT)
    assert session.levers != moved, "Shift+Left on the focused slider moved no lever"
    assert set(open_levers) >= {n for n in session.levers if session.levers[n] != before[n]}

    # End the season (E), read the report, back to the dashboard (Enter).
    press(app, pygame.K_e, text="e")
    assert session.turn == 1 and scene_name(app) == "ReportScene"
    assert season_title(session.state.season) in visible_texts(app)
    save_png(app, "scripted-report")
    press(app, pygame.K_RETURN)
    assert scene_name(app) == "DashboardScene"

    # The why view (W) and back; the charts (C) and back.
    press(app, pygame.K_w, text="w")
    assert scene_name(app) == "WhyScene"
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "DashboardScene"
    press(app, pygame.K_c, text="c")
    assert scene_name(app) == "ChartsScene"
    save_png(app, "scripted-charts")
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "DashboardScene"

    # Save (Ctrl+S) under a typed name.
    press(app, pygame.K_s, pygame.KMOD_CTRL)
    assert scene_name(app) == "SavesScene"
    entry = find(app, "name")
    entry.set_text("")
    type_text(app, "coursework")
    press(app, pygame.K_RETURN)
    saved = sorted(p.name for p in app.saves_dir.glob("*.json"))
    assert any("coursework" in name for name in saved), saved
    for _ in range(2):  # the first Esc leaves the name entry, the next the dialog
        if scene_name(app) == "SavesScene":
            press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "DashboardScene"

    # Play on a season, then load the save from the title screen: back to one season played.
    press(app, pygame.K_e, text="e")
    press(app, pygame.K_RETURN)
    assert app.session.turn == 2
    press(app, pygame.K_ESCAPE)
    assert scene_name(app) == "TitleScene"
    press(app, pygame.K_l, text="l")
    assert scene_name(app) == "SavesScene"
    scene = app.scene
    index = next(i for i, e in enumerate(scene.entries) if "coursework" in e.path.name)
    scene.choose(index)
    settle(app)
    app.frame(click(find(app, "load").rect.center))
    settle(app)
    assert scene_name(app) == "DashboardScene"
    assert app.session.turn == 1 and app.session is not session

    # Play to the end with the keyboard: E, then Enter past each report.
    for _ in range(app.session.scenario.seasons + 2):
        if scene_name(app) == "DebriefScene":
            break
        press(app, pygame.K_e, text="e")
        press(app, pygame.K_RETURN)
    assert scene_name(app) == "DebriefScene"
    assert app.session.is_over
    ending = app.session.ending
    texts = visible_texts(app)
    assert ending.ending is not None and ending.ending.title in texts
    save_png(app, "scripted-debrief")
