"""Figures for saves: save and load of a whole 28-season nep-1923-1930 game, and its size on disk.
Prints; asserts nothing.

    .venv/bin/python bench/saves.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header  # noqa: E402
from game.engine import Model  # noqa: E402
from game.rules.scenario import Scenario, load_policy, load_scenario  # noqa: E402
from game.saves import load_save, save_game  # noqa: E402
from game.saves.store import read_save, save_text, to_save  # noqa: E402
from game.session import Session  # noqa: E402

RULES = ROOT / "rules"
POLICY = ROOT / "tests" / "fixtures" / "saves" / "steady-nep.toml"


def whole_game() -> tuple[Scenario, Session]:
    """nep-1923-1930 played to its 28th season with a steady policy."""
    scenario = load_scenario("nep-1923-1930", RULES)
    policy = load_policy(POLICY, scenario)
    session = Session(scenario, 1923)
    while not session.is_over:
        session.set_levers(policy[session.turn])
        session.end_season()
    return scenario, session


def median_ms(action: Callable[[], object], runs: int = 50) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    header("bench/saves.py: saves of a whole game (medians of several runs)")
    scenario, session = whole_game()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "game.json"
        save_game(session, path)
        size = path.stat().st_size
        print(f"a {session.turn}-season {scenario.id} game: {len(session.model.variables)} variables, {len(session.model.levers)} levers")
        print(f"size on disk: {size / 1024:.0f} KiB ({size:,} bytes)")
        print(f"save (build, JSON, write, fsync, rename): median {median_ms(lambda: save_game(session, path)):.1f} ms")
        print(f"  of which building the save and its JSON text: {median_ms(lambda: save_text(to_save(session))):.1f} ms")
        print(f"load the file (read, parse, validate): median {median_ms(lambda: read_save(path)):.1f} ms")
        print(f"load_save with the scenario in hand (+ checks against the rules): median {median_ms(lambda: load_save(path, RULES, scenario=scenario)):.1f} ms")
        model = Model(scenario)
        resume_ms = median_ms(lambda: load_save(path, RULES, scenario=scenario).resume(model))
        print(f"  and resume it as a session (the model compiled already): median {resume_ms:.1f} ms")
        print(f"load_save reading the rules from disk too: median {median_ms(lambda: load_save(path, RULES), 10):.1f} ms")
        print(f"  and resume it as a session, compiling the model: median {median_ms(lambda: load_save(path, RULES).resume(), 10):.1f} ms")


if __name__ == "__main__":
    main()
