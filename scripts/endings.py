"""How the NEP scenarios end over many seeds, and how close their games sit to a knife-edge.

For each scenario of the base rules (``nep-1923-1930``, ``scissors-1923``,
``procurement-crisis-1927``, ``cooperative-plan``) and each of four policies, the script plays
200 seeds (new weather each) on the batch engine and counts the endings:

* ``history``: the scenario's historical policy (``[history]``; ``cooperative-plan`` has none and
  plays the policy it starts with, held all game);
* ``no-coercion``: the same, with no emergency measures and private trade never banned;
* ``goods-first``: no coercion, and at least 0.55 of consumer goods and 0.2 of implements for the
  village, with investment held to at most 120;
* ``co-operative``: no coercion, earmarked co-op credit of at least 100 with a rate advantage of
  at least 2, a literacy campaign of at least 50 and a procurement price of at least 130.

The knife-edge measure: for every seed whose game ends with the alliance holding (a ``good``
ending), every lever is moved one step up and one step down for the whole game, one lever at a
time; a seed is on a knife-edge when one of these single-step changes makes the alliance break
(a ``bad`` ending). The script prints the share of holding seeds on a knife-edge, the share of
all single-step changes that flip a game, and the levers that flip most; and, the other way, how
many of the seeds that end badly one such step would save. A step of
``emergency_measures`` is not a small difference but the decision to requisition, so it is left
out of the measure and its flips are shown apart.

    .venv/bin/python scripts/endings.py [--seeds N] [--scenario ID ...] [--no-knife-edge]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.engine import Model  # noqa: E402
from game.engine.batch import play_batch  # noqa: E402
from game.impact import plans  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402

RULES = ROOT / "rules"
SCENARIOS = ("nep-1923-1930", "scissors-1923", "procurement-crisis-1927", "cooperative-plan")
SEEDS = 200
COERCION = "emergency_measures"  # one step of it is the decision to requisition: counted apart
Plan = tuple[Mapping[str, float], ...]  # the levers of every turn


def on_step(scenario: Scenario, name: str, value: float) -> float:
    """``value`` moved onto the lever's grid and into its bounds (a locked lever keeps its default)."""
    lever = scenario.levers[name]
    if name in scenario.locked:
        return lever.default
    steps = round((min(max(value, lever.min), lever.max) - lever.min) / lever.step)
    return lever.min + steps * lever.step


def base_plan(scenario: Scenario) -> Plan:
    """The scenario's history, or its starting levers held all game when it has none."""
    if scenario.history is not None:
        return scenario.history
    start = {name: lever.default for name, lever in scenario.levers.items()}
    return tuple(dict(start) for _ in range(scenario.seasons))


def adjusted(scenario: Scenario, plan: Plan, change: Callable[[dict[str, float]], None]) -> Plan:
    """``plan`` with ``change`` applied to every turn's levers, each value put back on its grid."""
    out = []
    for levers in plan:
        turn = dict(levers)
        change(turn)
        out.append({name: on_step(scenario, name, value) for name, value in turn.items()})
    return tuple(out)


def no_coercion(turn: dict[str, float]) -> None:
    turn["emergency_measures"] = 0
    turn["private_trade_policy"] = min(turn["private_trade_policy"], 1)


def goods_first(turn: dict[str, float]) -> None:
    no_coercion(turn)
    turn["goods_to_village"] = max(turn["goods_to_village"], 0.55)
    turn["implement_share"] = max(turn["implement_share"], 0.2)
    turn["industrial_investment"] = min(turn["industrial_investment"], 120)


def co_operative(turn: dict[str, float]) -> None:
    no_coercion(turn)
    turn["coop_credit"] = max(turn["coop_credit"], 100)
    turn["coop_credit_earmarked"] = 1
    turn["coop_credit_advantage"] = max(turn["coop_credit_advantage"], 2)
    turn["literacy_campaign"] = max(turn["literacy_campaign"], 50)
    turn["procurement_price"] = max(turn["procurement_price"], 130)


def policies(scenario: Scenario) -> dict[str, Plan]:
    """The four policies played in ``scenario``, by name."""
    plan = base_plan(scenario)
    return {
        "history": plan,
        "no-coercion": adjusted(scenario, plan, no_coercion),
        "goods-first": adjusted(scenario, plan, goods_first),
        "co-operative": adjusted(scenario, plan, co_operative),
    }


def outcome_of(model: Model) -> Callable[[str | None], str]:
    """Maps an ending id to "holds", "breaks" or "none" (no ending, or a rule error)."""
    outcomes = {e.id: ("holds" if e.ending.outcome == "good" else "breaks") for e in model.compiled_endings}
    return lambda ending: outcomes.get(ending, "none") if ending is not None else "none"


def play(model: Model, table: np.ndarray, seeds: Sequence[int]) -> list[str | None]:
    """The ending of each row of ``table`` (campaigns, seasons, levers) played from its seed."""
    return play_batch(model, list(seeds), table).endings


@dataclass
class PolicyResult:
    """One policy in one scenario over the seeds: endings, and the knife-edge measure."""

    scenario: str
    policy: str
    seeds: int
    endings: Counter[str | None]
    holding: int                                   # seeds whose game ends with the alliance holding
    edge_seeds: int = 0                            # ... of which a single-step change breaks it
    changes: int = 0                               # single-step changes tried on holding seeds
    flips: int = 0                                 # ... that made the alliance break
    by_lever: Counter[str] = field(default_factory=Counter)  # flips per lever (either direction)
    coercion_flips: int = 0                        # holding seeds that requisition one step more breaks
    rescued: int = 0                               # breaking seeds that one step of a lever (not coercion) saves
    rescue: tuple[int, str, np.ndarray] | None = None  # one of them: the seed, the lever and the changed plan

    @property
    def edge_share(self) -> float:
        return self.edge_seeds / self.holding if self.holding else 0.0

    @property
    def flip_share(self) -> float:
        return self.flips / self.changes if self.changes else 0.0


def single_steps(scenario: Scenario, model: Model, table: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Every one-lever, one-step change of a plan (seasons, levers) for the whole game: the lever
    and the changed plan. A step that would leave the lever's bounds in some season stops there;
    a change that alters nothing (a locked lever, or one pinned at a bound all game) is left out."""
    out = []
    for k, name in enumerate(model.levers):
        lever = scenario.levers[name]
        if name in scenario.locked:
            continue
        for sign in (1, -1):
            changed = table.copy()
            changed[:, k] = np.clip(changed[:, k] + sign * lever.step, lever.min, lever.max)
            if not np.array_equal(changed, table):
                out.append((name, changed))
    return out


def measure(scenario_id: str, seeds: Sequence[int], knife_edge: bool = True) -> list[PolicyResult]:
    """The ending distribution and (if ``knife_edge``) the knife-edge measure of each policy."""
    scenario = load_scenario(scenario_id, RULES)
    model = Model(scenario)
    outcome = outcome_of(model)
    tables = plans(scenario, policies(scenario), model)
    results = []
    for label, rows in tables.items():
        table = np.array(rows, dtype=np.float64)
        endings = play(model, np.broadcast_to(table, (len(seeds), *table.shape)), seeds)
        holding = [s for s, e in zip(seeds, endings) if outcome(e) == "holds"]
        result = PolicyResult(scenario_id, label, len(seeds), Counter(endings), len(holding))
        if knife_edge and holding:
            steps = single_steps(scenario, model, table)
            batch = np.array([plan for _, plan in steps for _ in holding])
            flipped = [outcome(e) == "breaks" for e in play(model, batch, holding * len(steps))]
            on_edge: set[int] = set()
            for i, (name, _) in enumerate(steps):
                for j, seed in enumerate(holding):
                    if not flipped[i * len(holding) + j]:
                        continue
                    if name == COERCION:
                        result.coercion_flips += 1
                        continue
                    on_edge.add(seed)
                    result.by_lever[name] += 1
            small = [f for i, (name, _) in enumerate(steps) if name != COERCION for f in flipped[i * len(holding):(i + 1) * len(holding)]]
            result.edge_seeds = len(on_edge)
            result.changes = len(small)
            result.flips = sum(small)
        breaking = [s for s, e in zip(seeds, endings) if outcome(e) == "breaks"]
        if knife_edge and breaking:
            steps = [(name, plan) for name, plan in single_steps(scenario, model, table) if name != COERCION]
            batch = np.array([plan for _, plan in steps for _ in breaking])
            holds = [outcome(e) == "holds" for e in play(model, batch, breaking * len(steps))]
            saved = [k for k, h in enumerate(holds) if h]
            result.rescued = len({breaking[k % len(breaking)] for k in saved})
            if saved:
                name, plan = steps[saved[0] // len(breaking)]
                result.rescue = (breaking[saved[0] % len(breaking)], name, plan)
        results.append(result)
    return results


def report(results: Sequence[PolicyResult]) -> str:
    """The figures, line by line, for a terminal about 90 columns wide."""
    lines = []
    for r in results:
        shown = ", ".join(f"{e or 'none'} {n}" for e, n in r.endings.most_common())
        lines.append(f"{r.scenario} / {r.policy}: {r.seeds} seeds, alliance holds in {r.holding} ({r.holding / r.seeds:.0%})")
        lines.append(f"    endings: {shown}")
        if r.changes:
            top = ", ".join(f"{name} {n}" for name, n in r.by_lever.most_common(3)) or "none"
            lines.append(f"    knife-edge: a one-step change of a lever breaks {r.edge_seeds} of {r.holding} holding seeds "
                         f"({r.edge_share:.1%});")
            lines.append(f"    {r.flips} of {r.changes} such changes flip a game ({r.flip_share:.2%}); most: {top}")
            lines.append(f"    one step more of requisition breaks {r.coercion_flips} of {r.holding}")
        if r.seeds > r.holding:
            lines.append(f"    the other way: one step of a lever saves {r.rescued} of the {r.seeds - r.holding} bad endings")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"seeds per scenario and policy (default {SEEDS})")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="a scenario (default: all four)")
    parser.add_argument("--no-knife-edge", action="store_true", help="only the ending distributions")
    args = parser.parse_args(argv)
    seeds = list(range(1, args.seeds + 1))
    began = time.perf_counter()
    for scenario_id in args.scenario or SCENARIOS:
        print(report(measure(scenario_id, seeds, knife_edge=not args.no_knife_edge)), flush=True)
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
