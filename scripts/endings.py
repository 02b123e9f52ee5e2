"""How the NEP scenarios end over many seeds, and how close their games sit to a knife-edge.

For each scenario of the base rules (``nep-1923-1930``, ``scissors-1923``,
``procurement-crisis-1927``, ``cooperative-plan``) and each of four policies, the script plays
200 seeds (each its own draws, where the scenario does not script them) on the batch engine and
counts the endings:

* ``history``: the scenario's historical policy (``[history]``; ``cooperative-plan`` has none and
  plays the policy it starts with, held all game);
* ``no-coercion``: the same, with no emergency measures and private trade never banned;
* ``goods-first``: no coercion, and at least 0.55 of consumer goods and 0.2 of implements for the
  village, with investment held to at most 120;
* ``co-operative``: no coercion, earmarked co-op credit of at least 100 with a rate advantage of
  at least 2, a literacy campaign of at least 50 and a procurement price of at least 130.

What an ending means for the alliance is read from the rules (:func:`kinds`): a ``good`` ending
**holds** it; a ``bad`` ending that can end the game in any season (``when = "any"``: the great
turn, a bread crisis, kulak ascendancy, the alliance falling apart) **breaks** it; a ``bad`` ending
judged after the last season (``when = "end"``: a strained alliance, "neither broken ... nor
renewed", or a tutorial's bad verdict such as "the scissors stay open") **falls short** of holding
without breaking it.

The knife-edge measure: for every seed whose game holds, every lever is moved one step up and one
step down for the whole game, one lever at a time. The script counts, apart, the changes that
break the game (the issue's measure: a holding game that one step sends into a crisis) and those
that make it fall short, each as a share of the holding seeds and of the changes, with the levers
and directions responsible. A step into coercion (requisition, or suppressing private trade) is
not a small difference but a decision the non-coercive policies never take: its endings are
shown apart. When every seed plays the same game (the harvest weather scripted from history, and
no chance event telling them apart), a share of seeds can only be 0 or 100 %, and the script says so; what
shows whether the response is smooth or a spiral is then the **margin**: the final value that
decides the ending against its threshold (``alliance >= 45`` for "NEP without industry"), and
what one step of each lever does to it. A spiral would show as one step moving that value by tens
of points. For games that fall short the margin is the shortfall from the nearest good ending.
The other way round, the script counts the games that do not hold and that one step (not into
coercion) would make hold.

    .venv/bin/python scripts/endings.py [--seeds N] [--scenario ID ...] [--no-knife-edge]
"""

from __future__ import annotations

import argparse
import ast
import math
import sys
import textwrap
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
from game.formula.parser import parse as parse_formula  # noqa: E402
from game.impact import plans  # noqa: E402
from game.rules.scenario import Scenario, load_scenario  # noqa: E402

RULES = ROOT / "rules"
SCENARIOS = ("nep-1923-1930", "scissors-1923", "procurement-crisis-1927", "cooperative-plan")
SEEDS = 200
# What the non-coercive policies never do, and a step into it is counted apart: each lever's
# highest non-coercive value (requisition is any emergency measure; suppressing private trade is
# the step beyond taxing it).
NON_COERCIVE = {"emergency_measures": 0, "private_trade_policy": 1}
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
    for name, highest in NON_COERCIVE.items():
        turn[name] = min(turn[name], highest)


def into_coercion(model: Model, table: np.ndarray, changed: np.ndarray) -> bool:
    """Whether a change of a plan (seasons, levers) requisitions or suppresses private trade in a
    season where the plan did not: a decision to coerce, not a small difference."""
    for name, highest in NON_COERCIVE.items():
        k = model.levers.index(name)
        if np.any((changed[:, k] > highest) & (table[:, k] <= highest)):
            return True
    return False


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


HOLDS, BREAKS, SHORT, NONE = "holds", "breaks", "falls short", "none"


def kinds(model: Model) -> dict[str, str]:
    """What each ending of the scenario means for the alliance, read from the rules: a ``good``
    ending holds it; a ``bad`` ending that may end the game in any season (``when = "any"``: the
    great turn, a bread crisis, kulak ascendancy, the alliance falling apart) breaks it; a ``bad``
    ending judged only after the last season (``when = "end"``: a strained alliance, "neither
    broken ... nor renewed", or a tutorial's bad verdict such as the scissors staying open) falls
    short of holding without breaking."""
    out = {}
    for e in model.compiled_endings:
        out[e.id] = HOLDS if e.ending.outcome == "good" else BREAKS if e.ending.when == "any" else SHORT
    return out


def kind_of(model: Model) -> Callable[[str | None], str]:
    """Maps an ending id to HOLDS, BREAKS or SHORT, and no ending (or a rule error) to NONE."""
    table = kinds(model)
    return lambda ending: table.get(ending, NONE) if ending is not None else NONE


@dataclass(frozen=True)
class Threshold:
    """One ``variable OP number`` test of an ending's condition (only tests joined by ``and``)."""

    variable: str
    op: str          # ">=", ">", "<=" or "<"
    value: float

    def margin(self, x: np.ndarray) -> np.ndarray:
        """How far ``x`` is on the passing side of the threshold (negative: it fails)."""
        return x - self.value if self.op in (">=", ">") else self.value - x


_OPS = {ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.Lt: "<"}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}


def thresholds(condition: str, parameters: Mapping[str, float] | None = None) -> list[Threshold]:
    """The simple thresholds an ending's condition requires all at once: each comparison of a
    variable with a number, or with a parameter (its value in ``parameters``), joined by ``and``
    (a test under ``or`` or ``not``, or comparing two variables, is left out)."""
    known = parameters or {}

    def number(node: ast.expr) -> float | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in known:
            return float(known[node.id])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = number(node.operand)
            return None if inner is None else -inner
        return None

    out: list[Threshold] = []

    def walk(node: ast.expr) -> None:
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
            for value in node.values:
                walk(value)
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _OPS:
            op, left, right = _OPS[type(node.ops[0])], node.left, node.comparators[0]
            if isinstance(left, ast.Name) and left.id not in known and number(right) is not None:
                out.append(Threshold(left.id, op, number(right)))  # type: ignore[arg-type]
            elif isinstance(right, ast.Name) and right.id not in known and number(left) is not None:
                out.append(Threshold(right.id, _FLIP[op], number(left)))  # type: ignore[arg-type]

    walk(parse_formula(condition).tree)
    return out


@dataclass(frozen=True)
class Move:
    """What one lever's single steps do to the deciding value: the largest change over the seeds,
    and the value after a step down and up in the seed nearest the threshold."""

    lever: str
    largest: float               # the largest change of the value by a step of the lever, any seed
    down: float | str            # the value after one step down ("—": no such step; "breaks";
                                 # "apart": a step into coercion)
    up: float | str              # ... one step up


@dataclass(frozen=True)
class Margin:
    """How far the games sit from the threshold that decides whether the alliance holds: the
    value at the end against the threshold, in the seed closest to it, and what single steps of
    each lever for the whole game do to that value (the coercive steps apart; a step after which
    the game breaks early shows as "breaks", and its value, of another season, is left out of the
    largest change)."""

    ending: str
    threshold: Threshold
    seed: int
    value: float                 # the value at the end of the game in ``seed``
    moves: tuple[Move, ...]      # per lever that moves it, the largest change first

    @property
    def margin(self) -> float:
        return float(self.threshold.margin(np.array(self.value)))

    @property
    def largest(self) -> float:
        """The largest change of the value one single step makes (0 when none moves it)."""
        return self.moves[0].largest if self.moves else 0.0


@dataclass(frozen=True)
class Step:
    """One single-step change (a lever, up or down, for the whole game) played from some seeds:
    each seed's ending kind and final values."""

    lever: str
    sign: int
    coercive: bool               # a step into coercion (:func:`into_coercion`): counted apart
    kinds: list[str]
    final: np.ndarray            # (seeds, variables)


def margin_of(model: Model, seeds: Sequence[int], base: np.ndarray, steps: Sequence[Step]) -> Margin | None:
    """The threshold nearest to deciding the games ``seeds`` (final values ``base``, one row a
    seed), counted in single steps: for every good ending judged at the end, the test that fails
    first (smallest margin over the largest one-step change of its value); of the good endings,
    the one nearest to passing. ``steps`` are the single-step changes played from the same seeds
    (steps into coercion are shown, not measured). None when no good ending has a simple
    threshold."""
    best: tuple[float, Margin] | None = None
    for e in model.compiled_endings:
        if e.ending.outcome != "good" or e.ending.when != "end":
            continue
        worst: tuple[float, Margin] | None = None
        for t in thresholds(str(e.ending.condition), dict(zip(model.parameters, model.P, strict=True))):
            k = model.index[t.variable]
            margins = t.margin(base[:, k])
            at = int(np.argmin(margins))
            moves = []
            for lever in dict.fromkeys(step.lever for step in steps):
                mine = [step for step in steps if step.lever == lever]
                moved = np.stack([np.where([kind != BREAKS and not step.coercive for kind in step.kinds],
                                           np.abs(step.final[:, k] - base[:, k]), -1.0) for step in mine])
                i, j = np.unravel_index(int(np.argmax(moved)), moved.shape)
                if moved[i, j] <= 0:
                    continue
                sides: dict[int, float | str] = {-1: "—", 1: "—"}
                for step in mine:
                    sides[step.sign] = ("apart" if step.coercive else "breaks" if step.kinds[at] == BREAKS
                                        else float(step.final[at, k]))
                moves.append(Move(lever, float(moved[i, j]), sides[-1], sides[1]))
            moves.sort(key=lambda m: -m.largest)
            m = Margin(e.id, t, int(seeds[at]), float(base[at, k]), tuple(moves))
            ratio = float(margins[at]) / m.largest if m.largest > 0 else math.copysign(math.inf, float(margins[at]))
            if worst is None or ratio < worst[0]:
                worst = (ratio, m)
        if worst is not None and (best is None or worst[0] > best[0]):
            best = worst
    return best[1] if best else None


@dataclass
class Flips:
    """Single-step changes that turned a holding game into one kind of ending."""

    seeds: set[int] = field(default_factory=set)   # the seeds one such change turns
    changes: int = 0                               # the changes that did it
    by_lever: Counter[str] = field(default_factory=Counter)  # per lever and direction ("goods_to_village down")


@dataclass
class PolicyResult:
    """One policy in one scenario over the seeds: endings, and the knife-edge measure."""

    scenario: str
    policy: str
    seeds: int
    endings: Counter[str | None]
    kinds: Mapping[str, str]                       # ending id -> HOLDS, BREAKS or SHORT
    holding: int                                   # seeds whose game ends with the alliance holding
    games: int = 0                                 # distinct games the seeds play (by their final values)
    changes: int = 0                               # single-step changes tried on holding seeds (not requisition)
    breaks: Flips = field(default_factory=Flips)   # ... that end the game in a crisis (the measure)
    short: Flips = field(default_factory=Flips)    # ... that end it short of holding, unbroken
    coercion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lever, kind) of the steps into coercion
    coercion_tried: Counter[str] = field(default_factory=Counter)       # per lever, such steps tried
    rescued: int = 0                               # bad seeds that one step of a lever (not into coercion) makes hold
    rescue: tuple[int, str, np.ndarray] | None = None  # one of them: the seed, the lever and the changed plan
    margin: Margin | None = None                   # holding games (else games falling short): their threshold

    def count(self, kind: str) -> int:
        return sum(n for e, n in self.endings.items() if (self.kinds.get(e, NONE) if e else NONE) == kind)

    @property
    def same_game(self) -> bool:
        return self.games == 1

    @property
    def edge_share(self) -> float:
        """The issue's measure: the share of holding seeds that one step of a lever breaks."""
        return _fraction(len(self.breaks.seeds), self.holding)

    @property
    def break_share(self) -> float:
        return _fraction(self.breaks.changes, self.changes)

    @property
    def short_seed_share(self) -> float:
        return _fraction(len(self.short.seeds), self.holding)

    @property
    def short_share(self) -> float:
        return _fraction(self.short.changes, self.changes)


def _fraction(part: int, whole: int) -> float:
    """``part`` of ``whole`` (0 when there is no whole)."""
    return part / whole if whole else 0.0


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


def signed_steps(scenario: Scenario, model: Model, table: np.ndarray) -> list[tuple[str, int, np.ndarray]]:
    """:func:`single_steps` with the direction of each (+1 up, -1 down)."""
    out = []
    for name, changed in single_steps(scenario, model, table):
        k = model.levers.index(name)
        out.append((name, 1 if (changed[:, k] - table[:, k]).sum() > 0 else -1, changed))
    return out


def play_steps(model: Model, table: np.ndarray, steps: Sequence[tuple[str, int, np.ndarray]], seeds: list[int]) -> list[Step]:
    """Each single-step change of the plan ``table`` played from each of ``seeds``."""
    if not steps or not seeds:
        return []
    kind = kind_of(model)
    batch = np.array([plan for _, _, plan in steps for _ in seeds])
    played = play_batch(model, seeds * len(steps), batch)
    n = len(seeds)
    return [
        Step(name, sign, into_coercion(model, table, plan), [kind(e) for e in played.endings[i * n:(i + 1) * n]],
             played.final[i * n:(i + 1) * n])
        for i, (name, sign, plan) in enumerate(steps)
    ]


def measure(scenario_id: str, seeds: Sequence[int], knife_edge: bool = True) -> list[PolicyResult]:
    """The ending distribution and (if ``knife_edge``) the knife-edge measure of each policy."""
    scenario = load_scenario(scenario_id, RULES)
    model = Model(scenario)
    kind = kind_of(model)
    tables = plans(scenario, policies(scenario), model)
    results = []
    for label, rows in tables.items():
        table = np.array(rows, dtype=np.float64)
        played = play_batch(model, list(seeds), np.broadcast_to(table, (len(seeds), *table.shape)))
        endings = played.endings
        final = played.final
        holding = [i for i, e in enumerate(endings) if kind(e) == HOLDS]
        result = PolicyResult(scenario_id, label, len(seeds), Counter(endings), kinds(model), len(holding),
                              games=len(np.unique(final, axis=0)))
        if not knife_edge:
            results.append(result)
            continue
        steps = signed_steps(scenario, model, table)
        small = [s for s in steps if not into_coercion(model, table, s[2])]
        if holding:
            seeds_held = [seeds[i] for i in holding]
            played_steps = play_steps(model, table, steps, seeds_held)
            for step in played_steps:
                for seed, k in zip(seeds_held, step.kinds):
                    if step.coercive:
                        result.coercion[step.lever, k] += 1
                        result.coercion_tried[step.lever] += 1
                        continue
                    result.changes += 1
                    flips = result.breaks if k == BREAKS else result.short if k == SHORT else None
                    if flips is not None:
                        flips.seeds.add(seed)
                        flips.changes += 1
                        flips.by_lever[f"{step.lever} {'up' if step.sign > 0 else 'down'}"] += 1
            result.margin = margin_of(model, seeds_held, final[holding], played_steps)
        bad = [i for i, e in enumerate(endings) if kind(e) in (BREAKS, SHORT)]
        if bad:
            seeds_bad = [seeds[i] for i in bad]
            played_steps = play_steps(model, table, small, seeds_bad)
            saved = {seeds_bad[j] for step in played_steps for j, k in enumerate(step.kinds) if k == HOLDS}
            result.rescued = len(saved)
            for step, (_, _, plan) in zip(played_steps, small):
                if HOLDS in step.kinds:
                    result.rescue = (seeds_bad[step.kinds.index(HOLDS)], step.lever, plan)
                    break
            short = [j for j, i in enumerate(bad) if kind(endings[i]) == SHORT]
            if not holding and short:
                result.margin = margin_of(
                    model, [seeds_bad[j] for j in short], final[[bad[j] for j in short]],
                    [Step(s.lever, s.sign, s.coercive, [s.kinds[j] for j in short], s.final[short]) for s in played_steps],
                )
        results.append(result)
    return results


def _share(n: int, of: int) -> str:
    return f"{n} of {of} ({n / of:.0%})" if of else f"{n} of 0"


def _wrapped(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 92, initial_indent=indent, subsequent_indent=indent + "    ", break_on_hyphens=False)


def _number(x: float | str) -> str:
    return x if isinstance(x, str) else f"{x:.2f}"


def report(results: Sequence[PolicyResult]) -> str:
    """The figures, line by line, for a terminal about 90 columns wide."""
    lines = []
    for r in results:
        shown = ", ".join(f"{e or 'none'} {n} ({r.kinds.get(e, NONE) if e else NONE})" for e, n in r.endings.most_common())
        lines.append(f"{r.scenario} / {r.policy}: {r.seeds} seeds")
        lines.append(f"    the alliance holds in {_share(r.holding, r.seeds)}, breaks in {r.count(BREAKS)}, "
                     f"falls short in {r.count(SHORT)}")
        lines += _wrapped(f"endings: {shown}", "    ")
        if r.same_game and r.seeds > 1:
            lines.append("    every seed plays the same game (the harvest weather is scripted from history and")
            lines.append("    no chance event changes it): a share of seeds can only be 0 or 100 %")
        elif r.seeds > 1:
            lines.append(f"    the seeds play {r.games} different games")
        if r.changes:
            lines.append(f"    one step of one lever for the whole game: {r.changes} changes on "
                         f"{r.holding} holding seeds")
            for name, flips, share in (("breaks (a crisis ending)", r.breaks, r.break_share),
                                       ("falls short (a bad verdict at the end)", r.short, r.short_share)):
                top = ", ".join(f"{lever} {n}" for lever, n in flips.by_lever.most_common())
                lines.append(f"      {name}: {len(flips.seeds)} of {r.holding} seeds, "
                             f"{flips.changes} changes ({share:.1%})")
                if top:
                    lines += _wrapped(f"by {top}", "        ")
            for lever, tried in r.coercion_tried.items():
                lines.append(f"      apart, a step into coercion ({lever}): breaks {r.coercion[lever, BREAKS]} "
                             f"of {tried}, falls short in {r.coercion[lever, SHORT]}")
        if r.margin is not None:
            m, t = r.margin, r.margin.threshold
            where = "holds" if r.holding else "falls short"
            lines.append(f"    margin ({where}; {m.ending}): {t.variable} {m.value:.2f} against {t.op} {t.value:g}"
                         f" ({m.margin:+.2f}), seed {m.seed}")
            if not m.moves:
                lines.append("      no single step moves it")
            if m.moves:
                lines.append("      one step down / as played / up (the largest change over the seeds):")
            for move in m.moves[:3]:
                lines.append(f"      {move.lever}: {_number(move.down)} / {m.value:.2f} / {_number(move.up)} "
                             f"(at most {move.largest:.2f})")
        if r.seeds > r.holding:
            lines.append(f"    the other way: one step of a lever makes the alliance hold in {r.rescued} of the "
                         f"{r.seeds - r.holding} other games")
    return "\n".join(lines)


def summary(results: Sequence[PolicyResult]) -> str:
    """One line per policy whose games hold: the issue's measure (a step breaks them), the games
    falling short, the margin and the largest single step."""
    lines = ["", "holding policies: single steps of one lever (steps into coercion apart)",
             f"{'':<36}{'breaks':>14} {'falls short':>14}",
             f"{'scenario / policy':<36}{'seeds':>6} {'changes':>7} {'seeds':>6} {'changes':>7}{'margin':>18}{'largest':>9}"]
    for r in results:
        if not r.changes:
            continue
        m = r.margin
        margin = f"{m.threshold.variable} {m.margin:+.2f}" if m else "—"
        largest = f"{m.largest:.2f}" if m else "—"
        lines.append(f"{r.scenario + ' / ' + r.policy:<36}{r.edge_share:>6.0%} {r.break_share:>7.1%} "
                     f"{r.short_seed_share:>6.0%} {r.short_share:>7.1%}{margin:>18}{largest:>9}")
    lines.append("(shares of the holding seeds and of the single-step changes; margin: the deciding value")
    lines.append("over its threshold; largest: the largest change of that value one step makes)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=SEEDS, help=f"seeds per scenario and policy (default {SEEDS})")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="a scenario (default: all four)")
    parser.add_argument("--no-knife-edge", action="store_true", help="only the ending distributions")
    args = parser.parse_args(argv)
    seeds = list(range(1, args.seeds + 1))
    began = time.perf_counter()
    everything = []
    for scenario_id in args.scenario or SCENARIOS:
        results = measure(scenario_id, seeds, knife_edge=not args.no_knife_edge)
        everything += results
        print(report(results), flush=True)
    if not args.no_knife_edge:
        print(summary(everything))
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    from scripts import run_script

    sys.exit(run_script(main))
