"""Nothing the player types or clicks crashes the window: garbage typed into every text entry
(huge numbers, NaN, unicode, control characters, empty) and Enter pressed; random clicks on every
screen. The screens only have to survive and show something; the tests of each screen check
what they show."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from typing import Any

import pygame
import pygame_gui
import pytest

from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.app import App
from game.ui.scene import Scene
from tests.conftest import ROOT
from tests.ui.conftest import click, key, settle

FUZZ = [
    "", " ", "0", "-1", "007", "1e309", "-1e309", "9" * 200, "NaN", "nan", "inf", "-Infinity", "1e-400", "0x1F", "1_000",
    "１２３", "١٢٣", "½", "Смычка 1923", "кулак/NEPman", "😀🚜🌾", "\u202eRTL override", "e\u0301\u0301\u0301", "a\tb",
    "\x00nul", "\x7f\x1b[31m", "../../etc/passwd", "C:\\con\\aux", "<b>bold</b>&amp;<br>", "%s%n{0}{}", "' OR 1=1 --",
    "null", "None", "True", "[]", "{}", "\\", "...", "x" * 500,
]


def game(app: App, seasons: int = 3) -> Session:
    session = Session(load_scenario("nep-1923-1930", ROOT / "rules"), 1923)
    for _ in range(seasons):
        session.end_season()
    app.session = session
    return session


def scene_factory(module: str, cls: str, *args: Any, **kwargs: Any) -> Callable[[App], Scene]:
    def make(app: App) -> Scene:
        try:
            kind = getattr(importlib.import_module(f"game.ui.scenes.{module}"), cls)
        except (ImportError, AttributeError):
            pytest.skip(f"game.ui.scenes.{module}.{cls} does not exist")
        return kind(app, *args, **kwargs)

    return make


# The screens of the title, new game, settings and saves, with a game in progress where needed.
OWN = {
    "title": scene_factory("title", "TitleScene"),
    "picker": scene_factory("picker", "PickerScene"),
    "settings": scene_factory("settings", "SettingsScene"),
    "load": scene_factory("saves", "SavesScene", mode="load"),
    "save": scene_factory("saves", "SavesScene", mode="save"),
    "error": scene_factory("error", "ErrorScene", "The save 'x.json' cannot be opened", ["x.json:1:1: error: empty file"]),
}
# Every other screen of the window.
OTHERS = {
    "dashboard": scene_factory("dashboard", "DashboardScene"),
    "report": scene_factory("report", "ReportScene"),
    "why": scene_factory("why", "WhyScene", "alliance"),
    "web": scene_factory("web", "WebScene"),
    "charts": scene_factory("charts", "ChartsScene"),
    "forecast": scene_factory("forecast", "ForecastScene"),
    "encyclopedia": scene_factory("encyclopedia", "EncyclopediaScene"),
    "debrief": scene_factory("debrief", "DebriefScene"),
}


def show(app: App, make: Callable[[App], Scene]) -> Scene:
    from game.ui.scenes.title import TitleScene

    game(app)
    scene = make(app)
    if isinstance(scene, TitleScene):
        app.reset_to(scene)
    else:
        app.reset_to(TitleScene(app), scene)
    settle(app)
    return scene


def entries(app: App) -> list[pygame_gui.elements.UITextEntryLine]:
    scene = app.scene
    return [e for _, e in (scene.placed if scene else []) if isinstance(e, pygame_gui.elements.UITextEntryLine) and e.alive()]


def type_garbage(app: App, make: Callable[[App], Scene]) -> int:
    """Every fuzz text into every entry of the screen, pasted and typed, each followed by Enter;
    the number typed. (Enter is pressed once per distinct text the entry ends up holding: what
    Enter does depends only on that.)"""
    typed = 0
    scene = show(app, make)
    count = len(entries(app))
    entered: set[tuple[int, str]] = set()
    for index in range(count):
        for text in FUZZ:
            if app.scene is not scene or not app.running:  # Enter started a game, or saved and left
                from game.ui.scenes.title import TitleScene

                app.running = True
                app.reset_to(TitleScene(app), scene)
                settle(app)
            found = entries(app)
            if index >= len(found):
                continue
            entry = found[index]
            app.set_focus(entry)
            entry.set_text("")
            app.frame([pygame.event.Event(pygame.TEXTINPUT, text=text)])  # as pasted
            app.frame([pygame.event.Event(pygame.TEXTINPUT, text=ch) for ch in text[:40]])  # as typed
            typed += 1
            if (index, entry.get_text()) in entered:
                continue
            entered.add((index, entry.get_text()))
            app.frame(key(pygame.K_RETURN))
            settle(app)
    return typed


def click_randomly(app: App, make: Callable[[App], Scene], seed: int, clicks: int = 40) -> None:
    rng = random.Random(seed)
    show(app, make)
    for _ in range(clicks):
        if not app.running:
            app.running = True
        w, h = app.size
        pos = (rng.randrange(w), rng.randrange(h))
        button = rng.choice((1, 1, 1, 3, 4, 5))
        app.frame(click(pos, button))
        if rng.random() < 0.2:
            app.frame(key(rng.choice((pygame.K_RETURN, pygame.K_SPACE, pygame.K_TAB, pygame.K_LEFT, pygame.K_RIGHT,
                                      pygame.K_UP, pygame.K_DOWN, pygame.K_ESCAPE))))
        settle(app)
        if app.scene is None:
            show(app, make)


@pytest.mark.parametrize("screen", ["picker", "settings", "save"])
def test_garbage_typed_into_every_entry_never_crashes(make_app, screen) -> None:
    app = make_app()
    typed = type_garbage(app, OWN[screen])
    assert typed >= len(FUZZ)  # each of these screens has a text entry


@pytest.mark.parametrize("screen", sorted(OWN))
def test_random_clicks_never_crash(make_app, screen) -> None:
    app = make_app((1024, 640), 1.5)
    click_randomly(app, OWN[screen], seed=sum(map(ord, screen)))


@pytest.mark.parametrize("screen", sorted(OTHERS))
def test_garbage_and_random_clicks_on_the_other_screens_never_crash(make_app, screen) -> None:
    app = make_app()
    type_garbage(app, OTHERS[screen])
    click_randomly(app, OTHERS[screen], seed=len(screen))


def test_control_and_zero_width_characters_never_reach_an_entry(make_app) -> None:
    from game.ui.scenes.settings import SettingsScene

    app = make_app()
    scene = show(app, OWN["settings"])
    assert isinstance(scene, SettingsScene)
    app.set_focus(scene.name_entry)
    app.frame([pygame.event.Event(pygame.TEXTINPUT, text="a\x00\u200b\u202eb\ufe00e\u0301")])
    settle(app)
    assert scene.name_entry.get_text() == "ab\u00e9"


def test_a_name_with_control_characters_is_refused_on_screen(make_app) -> None:
    from game.ui.scenes.settings import SettingsScene

    app = make_app()
    scene = show(app, OWN["settings"])
    assert isinstance(scene, SettingsScene)
    scene.name_entry.set_text("a\tb")
    scene.apply()
    settle(app)
    assert app.settings.player == ""  # not applied
    assert scene.status_bad and "control characters" in scene.status
