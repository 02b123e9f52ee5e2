"""Exhaustive check that no constant policy reaches the co-operative road (too slow for CI).

Every lever held at its minimum, its middle or its maximum for a whole game of a scenario, in
every combination (levers with only two values take both), from the scenario's own seed.
Prints how many combinations were played, how the games ended, and any that reached the
ending. Uses every core.

    .venv/bin/python scripts/no_easy_way_out.py [SCENARIO] [ENDING]
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from game.engine import Model, initial_state, step  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402


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
    """The ending a game reaches with ``levers`` held all game (None: none)."""
    state = initial_state(model, model.scenario.seed or 0)
    for _ in range(model.scenario.seasons):
        state = step(model, state, levers)
        if state.ending:
            return state.ending
    return state.ending


_MODEL: Model | None = None
_NAMES: list[str] = []


def _init(ref: str) -> None:
    global _MODEL, _NAMES
    scenario = load_scenario(ref, ROOT / "rules")
    _MODEL = Model(scenario)
    _NAMES = list(scenario.levers)


def _play(values: tuple[float, ...]) -> tuple[tuple[float, ...], str | None]:
    assert _MODEL is not None
    return values, play_constant(_MODEL, dict(zip(_NAMES, values)))


def main() -> int:
    ref = sys.argv[1] if len(sys.argv) > 1 else "nep-1923-1930"
    target = sys.argv[2] if len(sys.argv) > 2 else "cooperative-road"
    scenario = load_scenario(ref, ROOT / "rules")
    names, combos = constant_policies(scenario)
    print(f"{ref}: {len(combos):,} constant policies over {len(names)} levers; looking for '{target}'", flush=True)
    start = time.perf_counter()
    endings: Counter[str | None] = Counter()
    winners = []
    with multiprocessing.Pool(initializer=_init, initargs=(ref,)) as pool:
        for i, (values, ending) in enumerate(pool.imap_unordered(_play, combos, chunksize=256), 1):
            endings[ending] += 1
            if ending == target:
                winners.append(dict(zip(names, values)))
            if i % 100_000 == 0:
                print(f"  {i:,} played, {time.perf_counter() - start:.0f} s", flush=True)
    print(f"played {sum(endings.values()):,} games in {time.perf_counter() - start:.0f} s")
    for ending, count in endings.most_common():
        print(f"  {ending or '(none)'}: {count:,}")
    print(f"reached '{target}': {len(winners)}")
    for w in winners[:20]:
        print(f"  {w}")
    return 1 if winners else 0


if __name__ == "__main__":
    sys.exit(main())
