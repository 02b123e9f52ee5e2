"""Opening the window from the command line: the title screen, or straight into a game."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.ui.app import App


class WindowUnavailable(RuntimeError):
    """The display could not be opened (the caller falls back to the text mode)."""


def run_window(rules_root: Path, scenario: str | None = None, seed: int | None = None) -> int:
    """Open the window and play until the player quits."""
    from game.ui.games import new_game
    from game.ui.scenes.title import TitleScene

    try:
        app = App(rules_root)
    except pygame.error as err:
        raise WindowUnavailable(str(err)) from None
    app.push(TitleScene(app))
    if scenario is not None:
        new_game(app, scenario, seed)
    return app.run()
