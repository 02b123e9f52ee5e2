"""Figures for the closing note: season step, 1,000 campaigns, check, start-up. Prints; asserts nothing.

    .venv/bin/python bench/campaigns.py
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.cli import cmd_check  # noqa: E402
from game.engine import Model, initial_state, step  # noqa: E402
from game.engine.rng import uniform  # noqa: E402
from game.rules.scenario import available_scenarios, load_scenario  # noqa: E402

RULES = ROOT / "rules"


def main() -> None:
    scenarios = [load_scenario(ident, RULES) for ident in available_scenarios(RULES)]
    scenario = max(scenarios, key=lambda s: len(s.ruleset.variables) + len(s.ruleset.events))
    model = Model(scenario)
    print(f"largest rule set: {scenario.ruleset.id} ({len(model.variables)} variables, {len(model.events)} events), scenario {scenario.id}")

    state = initial_state(model, 1)
    levers = {name: lever.default for name, lever in scenario.levers.items()}
    samples = []
    for _ in range(20):
        start = time.perf_counter()
        for _ in range(200):
            step(model, state, levers)
        samples.append((time.perf_counter() - start) / 200 * 1e6)
    print(f"season step: median {statistics.median(samples):.1f} us (20 x 200 steps)")

    seasons = min(28, scenario.seasons)
    names = [n for n in scenario.levers if n not in scenario.locked]
    start = time.perf_counter()
    for campaign in range(1000):
        state = initial_state(model, campaign)
        for turn in range(seasons):
            chosen = dict(levers)
            for k, name in enumerate(names):
                lever = scenario.levers[name]
                steps = int((lever.max - lever.min) / lever.step)
                chosen[name] = lever.min + lever.step * int(uniform(campaign, turn * 64 + k) * (steps + 1))
            state = step(model, state, chosen)
    elapsed = time.perf_counter() - start
    print(f"1,000 campaigns x {seasons} seasons (random levers): {elapsed:.2f} s")

    start = time.perf_counter()
    status = cmd_check([], RULES, io.StringIO())
    print(f"check of everything shipped (in process, cold caches): {(time.perf_counter() - start) * 1000:.0f} ms, status {status}")

    for label, args, stdin in (
        ("`main.py check` (whole process)", ["check"], ""),
        ("start-up to the first text-mode prompt and quit", ["play", "--text"], "quit\n"),
    ):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, check=False)
            runs.append(time.perf_counter() - start)
        print(f"{label}: median {statistics.median(runs) * 1000:.0f} ms over 5 runs")


if __name__ == "__main__":
    main()
