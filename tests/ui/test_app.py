"""The window itself: the notice bar and the help overlay drawn without redoing their layout
every frame, and the last-resort guard that keeps a failing frame from killing the game."""

from __future__ import annotations

import pygame
import pytest

import game.ui.app as app_module
from game.ui.games import new_game
from game.ui.inspect import visible_texts
from game.ui.scene import Scene
from game.ui.scenes.error import ErrorScene
from game.ui.scenes.title import TitleScene
from tests.ui.conftest import key, settle


def test_the_notice_is_wrapped_and_rendered_once_until_it_or_the_window_changes(make_app, monkeypatch) -> None:
    app = make_app()
    app.push(TitleScene(app))
    settle(app)
    calls: list[str] = []
    real_wrap = app_module.wrap

    def counting_wrap(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real_wrap(text, *args, **kwargs)

    monkeypatch.setattr(app_module, "wrap", counting_wrap)
    app.notice = "The autosave could not be written; the game goes on — save it yourself. " * 7
    for _ in range(5):
        app.frame()
        assert app.notice_height() > 0
    assert len(calls) == 1
    tall = app.notice_height()
    app.resize((1024, 640))  # narrower: wrapped again, onto more lines
    app.frame()
    assert len(calls) == 2 and app.notice_height() > tall
    app.notice = "Short."
    app.frame()
    app.frame()
    assert len(calls) == 3 and app.notice_height() < tall
    bar = app.screen.get_at((app.size[0] // 2, app.size[1] - 2))
    assert bar == pygame.Color(255, 244, 214)


def test_the_help_overlay_reuses_its_shade_until_the_window_is_resized(make_app) -> None:
    app = make_app()
    app.push(TitleScene(app))
    settle(app)
    app.frame(key(pygame.K_F1))
    shade = app._help_shade
    assert shade is not None and shade.get_size() == app.size
    for _ in range(3):
        app.frame()
    assert app._help_shade is shade
    app.resize((1024, 640))
    app.frame()
    assert app._help_shade is not shade and app._help_shade.get_size() == (1024, 640)


class BrokenScene(Scene):
    """A screen with a bug: its first update raises."""

    title = "Broken"

    def build(self, rect: pygame.Rect) -> None:
        self.label("what", pygame.Rect(10, 10, 300, 30), "about to fail")

    def update(self, dt: float) -> None:
        raise RuntimeError("a bug in a screen")


def run_frames(app, frames: int, seen: list[str]) -> int:
    """``app.run()`` for ``frames`` frames, then quit; ``seen`` gets the texts of each frame."""
    frame = app.frame

    def counted(events=(), dt=1 / 60):  # type: ignore[no-untyped-def]
        surface = frame(events, dt)
        seen.append(" ".join(visible_texts(app).split()))  # the text box's line breaks undone
        if len(seen) >= frames:
            app.quit()
        return surface

    app.frame = counted
    return app.run()


def test_an_unexpected_error_in_a_frame_autosaves_and_shows_the_error_screen(make_app, monkeypatch, capsys) -> None:
    from game.saves import load_save
    from tests.conftest import ROOT

    monkeypatch.delenv("SMYCHKA_DEBUG", raising=False)
    app = make_app()
    session = new_game(app, "nep-1923-1930")
    session.end_season()
    app.push(BrokenScene(app))
    seen: list[str] = []
    assert run_frames(app, 3, seen) == 0
    assert len(seen) == 3  # the game went on after the failing frame
    assert isinstance(app.scene, ErrorScene) and isinstance(app.scenes[0], TitleScene) and len(app.scenes) == 2
    texts = seen[-1]
    assert "Something went wrong: RuntimeError: a bug in a screen." in texts and "Please report this." in texts
    autosaves = list((app.saves_dir / "autosave").glob("*.json"))
    assert len(autosaves) == 1 and load_save(autosaves[0], ROOT / "rules").turn == 1
    assert f"Your game was autosaved to {autosaves[0]}." in texts
    err = capsys.readouterr().err
    assert "a bug in a screen" in err and "Traceback" not in err
    assert app.session is session  # Continue on the title screen goes back to it


def test_developers_see_the_error_raised(make_app, monkeypatch) -> None:
    monkeypatch.setenv("SMYCHKA_DEBUG", "1")
    app = make_app()
    app.push(TitleScene(app))
    app.push(BrokenScene(app))
    with pytest.raises(RuntimeError, match="a bug in a screen"):
        run_frames(app, 3, [])


def test_an_error_screen_that_fails_too_is_left_to_main(make_app, monkeypatch) -> None:
    monkeypatch.delenv("SMYCHKA_DEBUG", raising=False)

    def fail(self, dt):  # type: ignore[no-untyped-def]
        raise ValueError("the error screen fails as well")

    monkeypatch.setattr(ErrorScene, "update", fail)
    app = make_app()
    app.push(TitleScene(app))
    app.push(BrokenScene(app))
    with pytest.raises(ValueError, match="fails as well"):
        run_frames(app, 5, [])


def test_a_game_screen_without_a_game_says_so(make_app) -> None:
    import pytest as _pytest

    from game.ui.scenes.dashboard import DashboardScene

    app = make_app()
    with _pytest.raises(RuntimeError, match="DashboardScene needs a game in progress"):
        DashboardScene(app)
