"""The settings screen: interface size, colours, window size, fullscreen, the player's name;
Apply uses and remembers them, Cancel leaves them; a corrupt settings file is reported and kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pygame
import pytest

from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.settings import SettingsScene
from game.ui.scenes.title import TitleScene
from game.ui.settings import settings_path
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def open_settings(app) -> SettingsScene:
    app.push(TitleScene(app))
    app.frame(key(pygame.K_s, text="s"))
    assert isinstance(app.scene, SettingsScene)
    settle(app)
    return app.scene


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES + [2.0])
def test_settings_shows_every_setting_without_overlap(make_app, size, scale) -> None:
    app = make_app(size, scale)
    open_settings(app)
    save_png(app, "settings")
    for name in ("scale", "palette-standard", "palette-okabe-ito", "size", "windowed", "fullscreen", "name", "apply", "cancel", "preview"):
        assert find(app, name).visible
    texts = visible_texts(app)
    assert f"{round(scale * 100)} %" in texts
    assert f"{size[0]} × {size[1]}" in texts
    assert "Preview: Standard" in texts
    assert overlaps(app) == [] and cut_off(app) == []


def test_keys_change_scale_and_colours_and_apply_remembers_them(make_app, tmp_path: Path) -> None:
    app = make_app()
    scene = open_settings(app)
    assert app.focus is find(app, "scale")  # the first setting has the keyboard
    app.frame(key(pygame.K_RIGHT))  # 125 %
    app.frame(key(pygame.K_c, text="c"))  # the colour-blind-safe palette
    settle(app)
    assert scene.scale == 1.25 and scene.palette_name == "okabe-ito"
    assert "Preview: Okabe–Ito" in visible_texts(app)
    assert "Cancel (Esc)" in visible_texts(app)  # something to cancel now
    assert app.settings.ui_scale == 1.0  # nothing applied yet
    app.frame(key(pygame.K_a, text="a"))
    settle(app)
    assert app.settings.ui_scale == 1.25 and app.settings.palette == "okabe-ito"
    assert app.palette.name == "okabe-ito"
    assert "Applied and remembered" in visible_texts(app)
    save_png(app, "settings-applied")
    assert overlaps(app) == [] and cut_off(app) == []
    # Remembered between runs: a new window with the same configuration folder sees them.
    assert os.environ["SMYCHKA_CONFIG_DIR"] == str(tmp_path / "config")
    stored = json.loads(settings_path().read_text())
    assert stored["ui_scale"] == 1.25 and stored["palette"] == "okabe-ito"
    again = make_app(None, None)
    assert again.settings.ui_scale == 1.25 and again.settings.palette == "okabe-ito"
    assert again.notice is None


def test_cancel_leaves_the_settings_as_they_were(make_app) -> None:
    app = make_app()
    scene = open_settings(app)
    app.frame(key(pygame.K_RIGHT) + key(pygame.K_f, text="f"))
    assert scene.fullscreen and scene.scale == 1.25
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert isinstance(app.scene, TitleScene)
    assert app.settings.ui_scale == 1.0 and not app.settings.fullscreen
    assert not settings_path().exists()  # nothing written


def test_mouse_chooses_palette_window_size_and_fullscreen(make_app) -> None:
    app = make_app((1024, 640))
    scene = open_settings(app)
    app.frame(click(find(app, "palette-okabe-ito").rect.center))
    settle(app)
    assert scene.palette_name == "okabe-ito"
    app.set_focus(find(app, "size"))
    app.frame(key(pygame.K_RIGHT))  # 1024x640 -> 1280x720
    settle(app)
    assert scene.window_size == (1280, 720)
    assert "1280 × 720 (default)" in visible_texts(app)
    app.frame(click(find(app, "apply").rect.center))
    settle(app)
    assert app.size == (1280, 720) and app.settings.window_size == (1280, 720)
    assert overlaps(app) == [] and cut_off(app) == []
    app.frame(click(find(app, "fullscreen").rect.center))
    settle(app)
    app.frame(click(find(app, "apply").rect.center))
    settle(app)
    assert app.settings.fullscreen
    app.frame(click(find(app, "windowed").rect.center))
    app.frame(click(find(app, "apply").rect.center))
    settle(app)
    assert not app.settings.fullscreen and app.size == (1280, 720)


def test_the_players_name_is_typed_and_remembered(make_app) -> None:
    app = make_app()
    open_settings(app)
    app.frame(key(pygame.K_n, text="n"))  # N: to the name (the n itself is not typed)
    assert app.typing()
    for ch in "Анна K.":
        app.frame(key(pygame.K_a, text=ch))  # the key code does not matter to a text entry
    app.frame(key(pygame.K_RETURN))  # Enter in the name applies
    settle(app)
    assert app.settings.player == "Анна K."
    assert json.loads(settings_path().read_text())["player"] == "Анна K."


def test_a_corrupt_settings_file_is_reported_and_kept_until_the_player_applies(make_app, tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"ui_scale": 1.5, "palette": ')
    app = make_app()
    assert app.notice and "settings.json:1:" in app.notice
    scene = open_settings(app)
    texts = visible_texts(app)
    assert "could not be read" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    assert find(app, "apply").rect.bottom <= app.size[1] - app.notice_height()  # clear of the notice
    save_png(app, "settings-corrupt")
    app.frame(key(pygame.K_RIGHT) + key(pygame.K_ESCAPE))  # change something, then cancel
    assert path.read_text() == '{"ui_scale": 1.5, "palette": '  # not overwritten
    scene = open_settings(app)
    app.frame(key(pygame.K_a, text="a"))
    settle(app)
    assert app.notice is None and app.settings_problem is None
    assert json.loads(path.read_text())["ui_scale"] == 1.0
    assert scene.status.startswith("Applied")


@pytest.mark.parametrize("text, where, reason", [
    ('{\n "ui_scale": ' + "9" * 5000 + "}", "settings.json:2:14:", "more than 4,300 digits"),
    ('{"player": ' + "[" * 100_000 + "]" * 100_000 + "}", "settings.json:1:1:", "nested too deeply"),
])
def test_settings_json_that_python_cannot_read_opens_the_window_with_a_located_notice(make_app, tmp_path: Path, text, where, reason) -> None:
    path = tmp_path / "config" / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    app = make_app()  # json raises ValueError / RecursionError here: the window must open all the same
    assert app.notice is not None and where in app.notice and reason in app.notice and "using the defaults" in app.notice
    assert app.settings.ui_scale == 1.0
    assert path.read_text() == text  # kept as it is


def test_a_settings_file_that_cannot_be_written_is_reported(make_app, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("a file where the folder should be")
    app = make_app()
    scene = open_settings(app)
    app.frame(key(pygame.K_c, text="c") + key(pygame.K_a, text="a"))
    settle(app)
    assert app.settings.palette == "okabe-ito"  # in use all the same
    assert scene.status_bad and "not remembered" in scene.status
    assert "cannot save the settings" in (app.notice or "")
    assert overlaps(app) == [] and cut_off(app) == []


def test_the_preview_draws_with_the_chosen_palette(make_app) -> None:
    from game.ui.palette import palette

    app = make_app()
    open_settings(app)
    canvas = find(app, "preview")
    okabe = palette("okabe-ito")

    def colours() -> set[tuple[int, int, int]]:
        image = canvas.image
        return {tuple(image.get_at((x, y)))[:3] for x in range(0, image.get_width(), 3) for y in range(0, image.get_height(), 3)}

    assert tuple(okabe.colour(0))[:3] not in colours()
    app.frame(key(pygame.K_c, text="c"))
    settle(app)
    canvas = find(app, "preview")
    assert {tuple(okabe.colour(i))[:3] for i in range(3)} <= colours()

