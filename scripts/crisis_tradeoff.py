"""Keeping October 1926's levers through the procurement crisis: a trade-off, or a way out?

In ``procurement-crisis-1927`` three policies are played over the same seeds (new weather each)
on the batch engine, every game to the scenario's last season (the first ending reached counts):

* ``history``: the state's actual policy (the scenario's ``[history]``: the price cuts, the
  emergency measures from January 1928, the faster investment);
* ``kept-1926``: the levers in force in October 1926 (the history's first season), held all game;
* ``best-found``: the best policy held all game that a small search found: random lever settings
  with no coercion, each played over a few seeds, ranked by how often the alliance holds, then by
  industrial output at the end, then by accumulation.

For each the script prints the endings and, averaged over the seeds, industry (the plant built and
the output at the end, and the output's average growth), accumulation (the investment tempo the state could finance, averaged
over the game), grain (procured in all, the towns' bread) and the alliance at the end.

    .venv/bin/python scripts/crisis_tradeoff.py [--seeds N] [--candidates N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.engine import Model  # noqa: E402
from game.engine.batch import play_batch  # noqa: E402
from game.impact import plans  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402

RULES = ROOT / "rules"
SCENARIO = "procurement-crisis-1927"
SEEDS = 200
CANDIDATES = 400       # constant policies the search tries
SEARCH_SEEDS = 12      # seeds each candidate is played over
SEARCH_RANDOM = 1927   # the search's own seed: the same candidates on every machine
RECORD = ("industrial_capacity", "industrial_output", "industrial_growth", "accumulation", "grain_procured", "bread_supply", "alliance")
Plan = tuple[Mapping[str, float], ...]


@dataclass(frozen=True)
class Figures:
    """What one policy gives over the seeds: endings and the averages the report shows."""

    policy: str
    seeds: int
    endings: Counter[str | None]
    holding: int                # games whose first ending is a good one
    capacity_end: float         # industrial capacity after the last season: the industry built (1926 = 100)
    output_end: float           # industrial output after the last season (1926 = 100)
    growth: float               # industrial growth, year on year, averaged over the game
    accumulation: float         # investment tempo the state could finance, averaged over the game
    procured: float             # grain procured over the whole game, Mt
    bread: float                # the towns' bread supply, averaged over the game (1 = all they need)
    alliance_end: float         # the alliance after the last season

    def key(self) -> tuple[float, float, float]:
        """How the search ranks policies: the alliance first, then industry, then accumulation."""
        return (self.holding / self.seeds, self.output_end, self.accumulation)


def held(levers: Mapping[str, float], seasons: int) -> Plan:
    return tuple(dict(levers) for _ in range(seasons))


def play(scenario: Scenario, model: Model, named: Mapping[str, Plan], seeds: Sequence[int]) -> list[Figures]:
    """Each plan over ``seeds``, every game to the last season; its figures."""
    tables = plans(scenario, named, model)
    seeds = list(seeds)
    table = np.array([tables[name] for name in named for _ in seeds], dtype=np.float64)
    result = play_batch(model, seeds * len(named), table, record=RECORD, stop_at_ending=False)
    good = {e.id for e in model.compiled_endings if e.ending.outcome == "good"}
    endings = result.endings
    series = {name: result.series[1:, i, :] for i, name in enumerate(RECORD)}  # (seasons, campaigns)
    out = []
    for k, name in enumerate(named):
        cols = slice(k * len(seeds), (k + 1) * len(seeds))
        mine = endings[cols]
        out.append(Figures(
            policy=name,
            seeds=len(seeds),
            endings=Counter(mine),
            holding=sum(e in good for e in mine),
            capacity_end=float(np.mean(series["industrial_capacity"][-1, cols])),
            output_end=float(np.mean(series["industrial_output"][-1, cols])),
            growth=float(np.mean(series["industrial_growth"][:, cols])),
            accumulation=float(np.mean(series["accumulation"][:, cols])),
            procured=float(np.mean(np.sum(series["grain_procured"][:, cols], axis=0))),
            bread=float(np.mean(series["bread_supply"][:, cols])),
            alliance_end=float(np.mean(series["alliance"][-1, cols])),
        ))
    return out


def candidates(scenario: Scenario, count: int, rng: random.Random) -> list[dict[str, float]]:
    """``count`` random constant policies without coercion: every free lever on its grid."""
    out = []
    for _ in range(count):
        levers = {}
        for name, lever in scenario.levers.items():
            if name in scenario.locked:
                levers[name] = lever.default
                continue
            steps = round((lever.max - lever.min) / lever.step)
            levers[name] = lever.min + rng.randint(0, steps) * lever.step
        levers["emergency_measures"] = 0
        out.append(levers)
    return out


def search(scenario: Scenario, model: Model, count: int = CANDIDATES) -> dict[str, float]:
    """The best of ``count`` random constant policies (and the kept 1926 levers), by
    :meth:`Figures.key` over :data:`SEARCH_SEEDS` seeds."""
    assert scenario.history is not None
    pool = [dict(scenario.history[0]), *candidates(scenario, count, random.Random(SEARCH_RANDOM))]
    named = {f"c{i}": held(levers, scenario.seasons) for i, levers in enumerate(pool)}
    figures = play(scenario, model, named, range(1, SEARCH_SEEDS + 1))
    best = max(range(len(pool)), key=lambda i: figures[i].key())
    return pool[best]


def compare(seeds: Sequence[int], count: int = CANDIDATES) -> tuple[list[Figures], dict[str, float]]:
    """History, the kept 1926 levers and the best policy found, over ``seeds``; and that policy."""
    scenario = load_scenario(SCENARIO, RULES)
    model = Model(scenario)
    assert scenario.history is not None
    best = search(scenario, model, count)
    named = {
        "history": scenario.history,
        "kept-1926": held(scenario.history[0], scenario.seasons),
        "best-found": held(best, scenario.seasons),
    }
    return play(scenario, model, named, seeds), best


def report(figures: Sequence[Figures], best: Mapping[str, float], october: Mapping[str, float]) -> str:
    lines = [f"{SCENARIO}, {figures[0].seeds} seeds, every game to its last season",
             f"{'policy':<11} {'holds':>6} {'plant':>7} {'output':>7} {'growth':>7} {'accum.':>7} {'procured':>9} {'bread':>6} {'alliance':>8}",
             f"{'':<11} {'':>6} {'at end':>7} {'at end':>7} {'a year':>7} {'tempo':>7} {'Mt':>9} {'share':>6} {'at end':>8}"]
    for f in figures:
        lines.append(f"{f.policy:<11} {f.holding / f.seeds:>6.0%} {f.capacity_end:>7.1f} {f.output_end:>7.1f} {f.growth:>+7.1%} {f.accumulation:>7.1f} "
                     f"{f.procured:>9.2f} {f.bread:>6.2f} {f.alliance_end:>8.1f}")
    for f in figures:
        lines.append(f"endings, {f.policy}: " + ", ".join(f"{e or 'none'} {n}" for e, n in f.endings.most_common()))
    moved = [f"{name} {october[name]:g} -> {value:g}" for name, value in best.items() if value != october[name]]
    lines.append("best-found against October 1926: " + ("; ".join(moved) or "the same levers"))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"seeds per policy (default {SEEDS})")
    parser.add_argument("--candidates", type=int, default=CANDIDATES, help=f"policies the search tries (default {CANDIDATES})")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    figures, best = compare(range(1, args.seeds + 1), args.candidates)
    scenario = load_scenario(SCENARIO, RULES)
    assert scenario.history is not None
    print(report(figures, best, scenario.history[0]))
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
