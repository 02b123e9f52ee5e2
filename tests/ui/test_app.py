"""The window itself: the notice bar and the help overlay drawn without redoing their layout
every frame, and the last-resort guard that keeps a failing frame from killing the game."""

from __future__ import annotations

import pygame

import game.ui.app as app_module
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
