"""Opening the window from the command line: the title screen, or straight into a game."""

from __future__ import annotations

from pathlib import Path

from game.ui.app import App


def run_window(rules_root: Path, scenario: str | None = None, seed: int | None = None) -> int:
    """Open the window and play until the player quits."""
    from game.ui.games import new_game
    from game.ui.scenes.title import TitleScene

    app = App(rules_root)
    app.push(TitleScene(app))
    if scenario is not None:
        new_game(app, scenario, seed)
    return app.run()
