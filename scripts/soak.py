"""Soak: 100,000 seasons of random levers across every shipped scenario, every invariant checked
every season. Not part of the test suite; prints its figures and exits 1 on any error or broken
invariant.

Games go round the scenarios in turn, each from a fresh seed, and are played to their end. Each
season every unlocked lever either keeps its value or (with a chance that varies from game to
game, so that both steady and erratic players are tried) moves to a random value on its steps
within the scenario's bounds.

    .venv/bin/python scripts/soak.py                      # 100,000 seasons
    .venv/bin/python scripts/soak.py --seasons 5000 --seed 3
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from game.engine import Model  # noqa: E402
from game.engine.invariants import check_invariants  # noqa: E402
from game.rules.scenario import Scenario, available_scenarios, load_scenario  # noqa: E402
from game.session import Session  # noqa: E402

RULES = ROOT / "rules"


def lever_steps(scenario: Scenario) -> dict[str, list[float]]:
    """Every allowed value of each unlocked lever: on the rule set's steps, within the scenario's bounds."""
    out = {}
    for name, lever in scenario.levers.items():
        if name in scenario.locked:
            continue
        base = scenario.ruleset.levers[name].min
        first = round((lever.min - base) / lever.step)
        last = round((lever.max - base) / lever.step)
        out[name] = [base + k * lever.step for k in range(first, last + 1)]
    return out


def soak(seasons: int, seed: int, out=sys.stdout) -> int:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    scenarios = [load_scenario(ident, RULES) for ident in available_scenarios(RULES)]
    models = {s.id: Model(s) for s in scenarios}
    steps = {s.id: lever_steps(s) for s in scenarios}
    played = checks = games = 0
    endings: Counter[tuple[str, str]] = Counter()
    seasons_by: Counter[str] = Counter()
    problems: list[str] = []
    step_time = check_time = 0.0
    start = time.perf_counter()
    while played < seasons and len(problems) < 20:
        scenario = scenarios[games % len(scenarios)]
        games += 1
        game_seed = rng.randrange(2**32)
        session = Session(scenario, game_seed, models[scenario.id])
        restless = rng.choice([0.05, 0.3, 1.0])  # how often a lever moves
        choices = steps[scenario.id]
        while not session.is_over and played < seasons:
            moves = {name: rng.choice(values) for name, values in choices.items() if rng.random() < restless}
            session.set_levers(moves)
            t0 = time.perf_counter()
            try:
                session.end_season()
            except Exception as err:  # noqa: BLE001 - the soak reports every error it meets
                problems.append(f"{scenario.id} seed {game_seed} {session.next_season}: {type(err).__name__}: {err}\n"
                                + "".join(traceback.format_exception(err)[-3:]))
                break
            t1 = time.perf_counter()
            violations = check_invariants(session.model, session.history[-2], session.history[-1])
            t2 = time.perf_counter()
            step_time += t1 - t0
            check_time += t2 - t1
            played += 1
            seasons_by[scenario.id] += 1
            checks += len(session.model.compiled_invariants)
            problems.extend(f"{scenario.id} seed {game_seed}: {v}" for v in violations)
        if session.is_over:
            ending = session.ending
            endings[(scenario.id, ending.id if ending and ending.id else "(ran out of seasons)")] += 1
    elapsed = time.perf_counter() - start

    print(f"soak: {played:,} seasons in {games:,} games, {elapsed:.1f} s ({played / elapsed:,.0f} seasons/s), seed {seed}", file=out)
    print(f"invariant checks: {checks:,} ({checks / max(played, 1):.1f} per season)", file=out)
    print(f"time per season: {step_time / max(played, 1) * 1e6:.0f} us playing, "
          f"{check_time / max(played, 1) * 1e6:.0f} us checking invariants", file=out)
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
    sys.exit(main())
