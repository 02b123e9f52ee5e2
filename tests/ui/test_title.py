"""The title screen, the scenario picker and the error screen, rendered headless."""

from __future__ import annotations

import pygame
import pytest

from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.picker import PickerScene
from game.ui.scenes.title import TitleScene
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def test_upstream_pygame_is_absent_and_pygame_ce_is_used() -> None:
    from importlib import metadata

    assert pygame.IS_CE
    names = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "pygame-ce" in names and "pygame" not in names


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_title_screen_shows_its_menu_without_overlap(make_app, size, scale) -> None:
    app = make_app(size, scale)
    app.push(TitleScene(app))
    settle(app)
    save_png(app, "title")
    texts = visible_texts(app)
    for entry in ("Smychka", "New game", "Load game", "Encyclopedia", "Settings", "Quit"):
        assert entry in texts
    assert "Continue" not in texts  # no game in progress
    assert overlaps(app) == []
    assert cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_picker_describes_each_scenario(make_app, size, scale) -> None:
    app = make_app(size, scale)
    app.push(TitleScene(app))
    app.frame(key(pygame.K_n, text="n"))
    assert isinstance(app.scene, PickerScene)
    settle(app)
    save_png(app, "picker")
    texts = visible_texts(app)
    assert "Starts" in texts and "seasons" in texts
    first = app.scene.choices[0].scenario
    assert first.title in texts and str(first.start) in texts
    assert overlaps(app) == [] and cut_off(app) == []


def test_picker_keyboard_moves_the_selection_and_shows_objectives(make_app) -> None:
    app = make_app()
    app.push(TitleScene(app))
    app.frame(key(pygame.K_n, text="n"))
    scene = app.scene
    target = next(i for i, c in enumerate(scene.choices) if c.ident == "scissors-1923")
    for _ in range(target):
        app.frame(key(pygame.K_DOWN))
    settle(app)
    assert scene.choices[scene.selected].ident == "scissors-1923"
    assert "What you will learn" in visible_texts(app)


def test_quit_button_clicked_with_the_mouse_stops_the_loop(make_app) -> None:
    app = make_app()
    app.push(TitleScene(app))
    settle(app)
    quit_button = find(app, "quit")
    app.frame(click(quit_button.rect.center))
    settle(app)
    assert not app.running


def test_a_broken_scenario_opens_the_error_screen_and_returns_to_the_title(make_app, tmp_path) -> None:
    import shutil

    from tests.conftest import ROOT

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    bad = rules / "scenarios" / "scissors-1923.toml"
    bad.write_text(bad.read_text().replace("seasons = ", "seasons = \"eight\" # ", 1))
    app = make_app(rules=rules)
    app.push(TitleScene(app))
    app.frame(key(pygame.K_n, text="n"))
    scene = app.scene
    scene.choose(next(i for i, c in enumerate(scene.choices) if c.ident == "scissors-1923"))
    settle(app)
    assert "cannot be opened" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    texts = visible_texts(app)
    save_png(app, "error")
    assert "scissors-1923.toml:" in texts and "nothing was changed" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene)
