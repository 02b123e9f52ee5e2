"""Figures for the impact report (`main.py compare`): how long playing the campaigns (on the batch
engine, and one at a time on the season engine for reference) and comparing them take, per side
and in all: medians of three runs (the batch engine's first, compiling included, apart), with the
machine and the load average. Prints; asserts nothing.

    .venv/bin/python bench/compare.py [SEEDS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header, report, timed  # noqa: E402
from game.impact import Side, impact, impact_text, play_campaigns, play_campaigns_by_season  # noqa: E402
from game.rules.scenario import load_scenario  # noqa: E402

RULES = ROOT / "rules"


def main() -> None:
    seeds = list(range(1, (int(sys.argv[1]) if len(sys.argv) > 1 else 20) + 1))
    header("bench/compare.py: the impact report")
    sides = []
    for rules in ("base", "long-memory"):
        start = time.perf_counter()
        scenario = load_scenario("nep-1923-1930", RULES, mod=rules)
        loaded = time.perf_counter()
        campaigns = play_campaigns(scenario, seeds, {"history": scenario.history})
        first = time.perf_counter() - loaded
        seasons = sum(len(c.values) for c in campaigns)
        print(f"{rules}: load {loaded - start:.2f} s; {len(campaigns)} campaigns, {seasons} seasons; the batch engine's first run "
              f"(compiling included) {first:.2f} s")
        report("  batch engine", timed(lambda scenario=scenario: play_campaigns(scenario, seeds, {"history": scenario.history}), runs=3, warm=0),
               3, "ms")
        report("  season engine", timed(lambda scenario=scenario: play_campaigns_by_season(scenario, seeds, {"history": scenario.history}),
                                        runs=3, warm=0), 3, "ms")
        sides.append(Side(rules, scenario, tuple(campaigns)))
    report("comparing and wording the report", timed(lambda: impact_text(impact(sides[0], sides[1], seeds, ["history"])), runs=3), 3, "ms")


if __name__ == "__main__":
    main()
