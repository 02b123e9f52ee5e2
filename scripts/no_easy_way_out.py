"""Exhaustive check of which constant policies reach the co-operative road (too slow for CI).

Every lever held at its minimum, its middle or its maximum for a whole game of a scenario, in
every combination (levers with only two values take both), from the scenario's own seed.
Prints how many combinations were played, how the games ended, and any that reached the
ending. The games are played by the batch engine (``game.engine.batch``), many thousand at a
time on every core.

    .venv/bin/python scripts/no_easy_way_out.py [SCENARIO] [ENDING] [--processes N]
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.engine import Model, initial_state, step  # noqa: E402
from game.engine.batch import play_batch  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402

CHUNK = 16_384  # campaigns per batch


def settings(scenario: Scenario, name: str) -> list[float]:
    """A lever's minimum, middle (on a step) and maximum, without repeats."""
    lever = scenario.levers[name]
    if name in scenario.locked:
        return [lever.default]
    steps = round((lever.max - lever.min) / lever.step)
    values = [lever.min, lever.min + lever.step * (steps // 2), lever.max]
    return sorted(set(values))


def constant_policies(scenario: Scenario) -> tuple[list[str], list[tuple[float, ...]]]:
    names = list(scenario.levers)
    return names, list(itertools.product(*(settings(scenario, n) for n in names)))


def play_constant(model: Model, levers: dict[str, float]) -> str | None:
    """The ending a game reaches with ``levers`` held all game (None: none), by the season engine."""
    state = initial_state(model, model.scenario.seed or 0)
    for _ in range(model.scenario.seasons):
        state = step(model, state, levers)
        if state.ending:
            return state.ending
    return state.ending


def grid_rows(options: list[list[float]], start: int, stop: int) -> np.ndarray:
    """Rows ``start`` to ``stop`` of the product of ``options`` (in ``itertools.product``'s
    order), as an array ``(stop - start, levers)``."""
    index = np.arange(start, stop, dtype=np.int64)
    out = np.empty((stop - start, len(options)))
    for k in range(len(options) - 1, -1, -1):  # the last lever changes fastest
        size = len(options[k])
        out[:, k] = np.asarray(options[k])[index % size]
        index //= size
    return out


def play_constants(model: Model, levers: np.ndarray) -> list[str | None]:
    """The ending each row of ``levers`` (held all game) reaches, from the scenario's seed; an
    error stops a game with no ending."""
    seed = model.scenario.seed or 0
    return play_batch(model, [seed] * len(levers), levers).endings


_MODEL: Model | None = None
_OPTIONS: list[list[float]] = []


def _init(ref: str) -> None:
    global _MODEL, _OPTIONS
    scenario = load_scenario(ref, ROOT / "rules")
    _MODEL = Model(scenario)
    _OPTIONS = [settings(scenario, n) for n in scenario.levers]


def _play(bounds: tuple[int, int]) -> tuple[int, list[str | None], int]:
    assert _MODEL is not None
    start, stop = bounds
    t0 = time.process_time()
    endings = play_constants(_MODEL, grid_rows(_OPTIONS, start, stop))
    return start, endings, int((time.process_time() - t0) * 1e6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default="nep-1923-1930")
    parser.add_argument("ending", nargs="?", default="cooperative-road")
    parser.add_argument("--processes", type=int, default=multiprocessing.cpu_count(), help="worker processes (default: every core)")
    args = parser.parse_args(argv)
    scenario = load_scenario(args.scenario, ROOT / "rules")
    names = list(scenario.levers)
    options = [settings(scenario, n) for n in names]
    total = int(np.prod([len(o) for o in options]))
    print(f"{args.scenario}: {total:,} constant policies over {len(names)} levers; looking for '{args.ending}'", flush=True)
    start = time.perf_counter()
    endings: Counter[str | None] = Counter()
    winners: list[dict[str, float]] = []
    chunks = [(a, min(a + CHUNK, total)) for a in range(0, total, CHUNK)]
    cpu = 0
    with multiprocessing.Pool(args.processes, initializer=_init, initargs=(args.scenario,)) as pool:
        for first, found, used in pool.imap_unordered(_play, chunks):
            cpu += used
            endings.update(found)
            for k, ending in enumerate(found):
                if ending == args.ending:
                    winners.append(dict(zip(names, grid_rows(options, first + k, first + k + 1)[0].tolist())))
    elapsed = time.perf_counter() - start
    print(f"played {sum(endings.values()):,} games in {elapsed:.1f} s ({cpu / 1e6:.1f} s of processor time in {args.processes} processes)")
    for ending, count in endings.most_common():
        print(f"  {ending or '(none)'}: {count:,}")
    print(f"reached '{args.ending}': {len(winners)}")
    for w in winners[:20]:
        print(f"  {w}")
    return 1 if winners else 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
