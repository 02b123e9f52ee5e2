"""Opening the window from the command line: the title screen, or straight into a game."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.ui.app import App


HEADLESS_DRIVERS = ("offscreen", "dummy")


class WindowUnavailable(RuntimeError):
    """The display could not be opened (the caller falls back to the text mode)."""


def run_window(rules_root: Path, scenario: str | None = None, seed: int | None = None) -> int:
    """Open the window and play until the player quits."""
    from game.ui.games import new_game
    from game.ui.scenes.title import TitleScene

    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
    except pygame.error as err:
        raise WindowUnavailable(str(err)) from None
    if driver in HEADLESS_DRIVERS:  # SDL fell back to drawing into memory: no one would see it
        pygame.display.quit()
        raise WindowUnavailable(f"no usable display; SDL could only offer its '{driver}' driver")
    try:
        app = App(rules_root)
    except pygame.error as err:
        raise WindowUnavailable(str(err)) from None
    app.push(TitleScene(app))
    if scenario is not None:
        new_game(app, scenario, seed)
    return app.run()
