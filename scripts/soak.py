"""Soak: 100,000 seasons of random levers across every shipped scenario, every invariant checked
every season. Not part of the test suite; prints its figures and exits 1 on any error or broken
invariant.

Games go round the scenarios in turn, each from a fresh seed, and are played to their end. Each
season every unlocked lever either keeps its value or (with a chance that varies from game to
game, so that both steady and erratic players are tried) moves to a random value on its steps
within the scenario's bounds.

The games are played by the batch engine, a few thousand side by side, and the invariants are
checked over all of them at once each season (the invariants' formulas as array code); a
season that breaks one is checked again by ``check_invariants``, which words the violation.

    .venv/bin/python scripts/soak.py                      # 100,000 seasons
    .venv/bin/python scripts/soak.py --seasons 5000 --seed 3
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.engine import GameState, Model  # noqa: E402
from game.engine.batch import SeasonView, array_function, compiled, play_batch, random_levers  # noqa: E402
from game.engine.invariants import DEFAULT_TOLERANCE, Violation, check_invariants  # noqa: E402
from game.rules.scenario import available_scenarios, load_scenario  # noqa: E402

RULES = ROOT / "rules"
RESTLESS = (0.05, 0.3, 1.0)  # how often a lever moves, per game


class InvariantWatch:
    """Checks every invariant of ``model`` over every campaign each season; the seasons that
    break one are checked again one by one, for the violation in words."""

    def __init__(self, model: Model) -> None:
        self.model = model
        formulas = {**model.ruleset.formulas, **model.scenario.formulas}
        self.checks = []
        for ident, invariant in model.scenario.invariants.items():
            parts = [formulas.get(("invariants", ident, key)) for key in ("condition", "left", "right")]
            fns = [None if f is None else array_function(model, f) for f in parts]
            tolerance = DEFAULT_TOLERANCE if invariant.tolerance is None else invariant.tolerance
            self.checks.append((fns, tolerance))
        self.violations: list[tuple[int, Violation]] = []
        self.count = 0
        self.seconds = 0.0

    def __call__(self, view: SeasonView) -> None:
        start = time.perf_counter()
        env = view.env(self.model)
        n = view.campaigns.size
        broken = np.zeros(n, dtype=bool)
        with np.errstate(all="ignore"):
            for (condition, left, right), tolerance in self.checks:
                if condition is not None:
                    value, flagged = condition(*env)
                    broken |= (value == 0.0) | ~np.isfinite(value) | flagged
                else:
                    assert left is not None and right is not None
                    a, fa = left(*env)
                    b, fb = right(*env)
                    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
                    broken |= ~(np.abs(a - b) <= tolerance * scale) | fa | fb
        self.count += n * len(self.checks)
        for row in np.flatnonzero(broken).tolist():
            before = GameState(view.turn, "", (), tuple(view.last_levers[:, row].tolist()), (), (), (), 0, 0)
            after = GameState(view.turn + 1, view.season, tuple(view.values[:, row].tolist()), tuple(view.levers[:, row].tolist()),
                              tuple(view.draws[:, row].tolist()), tuple(view.events[:, row].tolist()), tuple(view.prev[:, row].tolist()), 0, 0)
            self.violations.extend((int(view.campaigns[row]), v) for v in check_invariants(self.model, before, after))
        self.seconds += time.perf_counter() - start


def soak(seasons: int, seed: int, out=sys.stdout, games_per_batch: int = 2000) -> int:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    scenarios = [load_scenario(ident, RULES) for ident in available_scenarios(RULES)]
    models = {s.id: Model(s) for s in scenarios}
    t0 = time.perf_counter()
    for model in models.values():
        compiled(model)  # once per rule set and scenario: not part of the seasons' time
    compile_time = time.perf_counter() - t0
    played = checks = games = 0
    endings: Counter[tuple[str, str]] = Counter()
    seasons_by: Counter[str] = Counter()
    problems: list[str] = []
    play_time = check_time = 0.0
    start = time.perf_counter()
    round_ = 0
    while played < seasons and len(problems) < 20:
        scenario = scenarios[round_ % len(scenarios)]
        round_ += 1
        model = models[scenario.id]
        # About an even share of the seasons still to play, in games of this scenario.
        share = max(1, (seasons - played) // max(1, len(scenarios) - (round_ - 1) % len(scenarios)))
        count = max(1, min(games_per_batch, share // max(1, scenario.seasons // 2)))
        seeds = [rng.randrange(2**32) for _ in range(count)]
        restless = np.array([rng.choice(RESTLESS) for _ in range(count)])
        plan = random_levers(model, count, scenario.seasons, seed=rng.randrange(2**32), restless=restless)
        watch = InvariantWatch(model)
        t0 = time.perf_counter()
        result = play_batch(model, seeds, plan, watch=watch)
        play_time += time.perf_counter() - t0 - watch.seconds
        check_time += watch.seconds
        games += count
        played += int(result.played.sum())
        seasons_by[scenario.id] += int(result.played.sum())
        checks += watch.count
        for c, err in sorted(result.errors.items()):
            problems.append(f"{scenario.id} seed {seeds[c]} {err.season}: RuleError: {err.error}")
        problems.extend(f"{scenario.id} seed {seeds[c]}: {v}" for c, v in watch.violations)
        for c, ending in enumerate(result.endings):
            if c not in result.errors:
                endings[(scenario.id, ending or "(ran out of seasons)")] += 1
    elapsed = time.perf_counter() - start

    print(f"soak: {played:,} seasons in {games:,} games, {elapsed:.1f} s ({played / elapsed:,.0f} seasons/s), seed {seed}", file=out)
    print(f"invariant checks: {checks:,} ({checks / max(played, 1):.1f} per season)", file=out)
    print(f"time per season: {play_time / max(played, 1) * 1e6:.1f} us playing, "
          f"{check_time / max(played, 1) * 1e6:.1f} us checking invariants (batch engine; "
          f"{compile_time:.1f} s compiling {len(models)} scenarios before)", file=out)
    for scenario in scenarios:
        reached = ", ".join(f"{e} {n:,}" for (s, e), n in sorted(endings.items(), key=lambda kv: -kv[1]) if s == scenario.id)
        print(f"  {scenario.id:<26} {seasons_by[scenario.id]:>7,} seasons  endings: {reached}", file=out)
    print(f"errors and broken invariants: {len(problems)}", file=out)
    for problem in problems[:20]:
        print(f"  {problem}", file=out)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seasons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    return soak(args.seasons, args.seed)


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
