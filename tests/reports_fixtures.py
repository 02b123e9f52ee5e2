"""A small class of finished games, saved to a folder, for the report tests: one student plays
history's policy, one buys the grain with goods and prices, one reaches for requisition; the
last has a name that tries to break the page."""

from __future__ import annotations

from pathlib import Path

from game.rules.scenario import Scenario, load_scenario
from game.saves import save_game
from game.session import GameOver, Session
from tests.conftest import RULES

SCENARIO = "procurement-crisis-1927"
HOSTILE = "Vera <script>alert('x')</script> & \x1b[2J\u202e"


def scenario() -> Scenario:
    return load_scenario(SCENARIO, RULES)


def play(scn: Scenario, choose: dict[int, dict[str, float]] | None = None) -> Session:
    """A whole game of ``scn`` from its seed; ``choose`` sets levers by season number (from 0)."""
    session = Session(scn, scn.seed or 1)
    if choose is None:
        try:
            session.play(scn.history)
        except GameOver:
            pass
        return session
    current: dict[str, float] = {}
    while not session.is_over:
        current.update(choose.get(session.turn, {}))
        session.set_levers(current)
        session.end_season()
    return session


def write_class(folder: Path) -> list[Path]:
    """Three finished games in ``folder``; returns their paths."""
    scn = scenario()
    folder.mkdir(parents=True, exist_ok=True)
    games = [
        ("anna.json", "Anna", play(scn)),
        ("boris.json", "Boris", play(scn, {0: {"procurement_price": 150, "goods_to_village": 0.65}})),
        ("vera.json", HOSTILE, play(scn, {0: {"procurement_price": 110}, 4: {"emergency_measures": 1}, 7: {"emergency_measures": 0}})),
    ]
    paths = []
    for name, player, session in games:
        paths.append(save_game(session, folder / name, player=player))
    return paths
