"""Starting a game in the window: through the game controller (:mod:`game.controller`), with the
error screen for what cannot start; then the dashboard over the title screen."""

from __future__ import annotations

from pathlib import Path

from game.controller import Game, StartRefused
from game.session import Session
from game.ui.app import App


def start_game(app: App, game: Game) -> None:
    """Show ``game``'s dashboard, with the title screen beneath it."""
    from game.ui.scenes.dashboard import DashboardScene
    from game.ui.scenes.saves import AutosaveOnQuit
    from game.ui.scenes.title import TitleScene

    app.game = game
    game.played_in("window")
    if AutosaveOnQuit(app) not in app.on_quit:
        app.on_quit.append(AutosaveOnQuit(app))
    app.reset_to(TitleScene(app), DashboardScene(app))


def start_session(app: App, session: Session) -> None:
    """Show ``session``'s dashboard (a game made elsewhere), with the title screen beneath it."""
    start_game(app, Game(session, app.saves_dir, app.settings.player))


def new_game(app: App, ref: str, seed: int | None = None, branch_at: str | None = None, mod: str | Path | None = None) -> Session | None:
    """Start ``ref`` (under ``mod``, an id or a mod's place, if given) from ``seed`` (the
    controller's one seed policy when None) — with ``branch_at``, the historical policy plays up
    to that season and the player takes over there; None if it could not start (the error screen
    is showing, with the located problems)."""
    try:
        game = Game.start(app.rules_root, ref, seed, branch_at, app.saves_dir, app.settings.player, mod=mod)
    except StartRefused as err:
        app.show_problems(err.what, err.problems)
        return None
    start_game(app, game)
    return game.session
