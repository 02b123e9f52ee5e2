"""Starting a game in the window: load the scenario (or show its problems), make the session,
show the dashboard over the title screen."""

from __future__ import annotations

from game.engine import RuleError
from game.rules.problems import LoadError
from game.rules.scenario import Scenario, load_scenario
from game.session import BranchRefused, Session
from game.ui.app import App


def load_for_window(app: App, ref: str) -> Scenario | None:
    """The scenario ``ref`` (id or path), or None after showing the error screen."""
    try:
        return load_scenario(ref, app.rules_root)
    except LoadError as err:
        app.show_problems(f"The scenario '{ref}' cannot be opened", err.problems)
        return None


def start_session(app: App, session: Session) -> None:
    """Show ``session``'s dashboard, with the title screen beneath it."""
    from game.ui.scenes.dashboard import DashboardScene
    from game.ui.scenes.saves import AutosaveOnQuit
    from game.ui.scenes.title import TitleScene

    app.session = session
    if AutosaveOnQuit(app) not in app.on_quit:
        app.on_quit.append(AutosaveOnQuit(app))
    app.reset_to(TitleScene(app), DashboardScene(app))


def new_game(app: App, ref: str, seed: int | None = None, branch_at: str | None = None) -> Session | None:
    """Start ``ref`` from ``seed`` (default: the scenario's, else the fixed seed 1 a player can
    change in the picker) — with ``branch_at``, the historical policy plays up to that season and
    the player takes over there; None if it could not start (the error screen is showing)."""
    scenario = load_for_window(app, ref)
    if scenario is None:
        return None
    seed = seed if seed is not None else scenario.seed if scenario.seed is not None else 1
    try:
        session = Session.branch(scenario, seed, branch_at) if branch_at else Session(scenario, seed)
    except RuleError as err:
        app.show_problems(f"The scenario '{ref}' cannot start", [str(err)])
        return None
    except BranchRefused as err:
        app.show_problems(f"The scenario '{ref}' cannot be taken over at {branch_at}", [str(err)])
        return None
    start_session(app, session)
    return session
