"""Figures for the impact report (`main.py compare`): how long playing the campaigns (on the batch
engine, and one at a time on the season engine for reference) and comparing them take, per side
and in all. Prints; asserts nothing.

    .venv/bin/python bench/compare.py [SEEDS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header  # noqa: E402
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
        played = time.perf_counter()
        play_campaigns_by_season(scenario, seeds, {"history": scenario.history})
        by_season = time.perf_counter() - played
        seasons = sum(len(c.values) for c in campaigns)
        print(f"{rules}: load {loaded - start:.2f} s; {len(campaigns)} campaigns, {seasons} seasons: batch engine {played - loaded:.2f} s "
              f"(compiling included), season engine {by_season:.2f} s")
        sides.append(Side(rules, scenario, tuple(campaigns)))
    start = time.perf_counter()
    impact_text(impact(sides[0], sides[1], seeds, ["history"]))
    print(f"comparing and wording the report: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
