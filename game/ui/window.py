"""Opening the window from the command line: the title screen, or straight into a game."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.ui.app import App

HEADLESS_DRIVERS = ("offscreen", "dummy")


class WindowUnavailable(RuntimeError):
    """The display could not be opened (the caller falls back to the text mode)."""


def run_window(rules_root: Path, scenario: str | None = None, seed: int | None = None, load: Path | None = None,
               branch_at: str | None = None, on_changed: str | None = None, saves_dir: Path | None = None,
               mod: str | Path | None = None) -> int:
    """Open the window and play until the player quits: at the title screen, or straight into
    the game the command line asked for (under ``mod``, an id or a mod's place, if given)."""
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
    except pygame.error as err:
        raise WindowUnavailable(str(err)) from None
    if driver in HEADLESS_DRIVERS:  # SDL fell back to drawing into memory: no one would see it
        pygame.display.quit()
        raise WindowUnavailable(f"no usable display; SDL could only offer its '{driver}' driver")
    try:
        app = App(rules_root, saves_dir=saves_dir)
    except pygame.error as err:
        raise WindowUnavailable(str(err)) from None
    open_start(app, scenario, seed, load, branch_at, on_changed, mod)
    return app.run()


def open_start(app: App, scenario: str | None = None, seed: int | None = None, load: Path | None = None,
               branch_at: str | None = None, on_changed: str | None = None, mod: str | Path | None = None) -> None:
    """The first screens: the title screen, then the saved game (``play --load``; a save names
    its own mods), the game taken over from history (``--branch-at``) or the scenario named
    (``--scenario``), under ``mod`` (``--mod``) if given. A save, scenario or mod that cannot be
    opened shows the error screen over the title screen."""
    from game.ui.games import new_game
    from game.ui.scenes.saves import SavesScene, load_path, open_loaded
    from game.ui.scenes.title import TitleScene

    app.push(TitleScene(app))
    if load is not None:
        loaded = load_path(app, load)
        if loaded is None:
            return
        if loaded.change is None:
            open_loaded(app, loaded, "resume")
        elif on_changed in ("replay", "as-saved"):
            open_loaded(app, loaded, on_changed)  # type: ignore[arg-type]
        else:  # ask: replay under the new rules, or open as saved
            dialog = SavesScene(app, mode="load")
            dialog.changed = loaded
            app.push(dialog)
    elif scenario is not None or branch_at is not None:
        if scenario is None:
            app.show_problems("No scenario to take over", [f"no scenario with a historical policy has the season {branch_at}"])
            return
        new_game(app, scenario, seed, branch_at=branch_at, mod=mod)
