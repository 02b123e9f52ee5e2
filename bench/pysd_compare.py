"""A peer comparison: the rule set's formulas as a Vensim model run by PySD, against our engines
on the same work. Prints (with the machine and the load average); asserts nothing.

The work: one scenario's variables, season after season, with the levers held at their defaults,
every draw at its resting value and no events (what the Vensim model can express the same way;
our engines are timed on exactly that). ``prev(x)`` becomes a stock that takes ``x`` each step,
season facts are worked out from ``Time``. Both runs must agree (the largest relative difference
is printed) before their times mean anything.

PySD is not a dependency of the game. Install it for this benchmark only, e.g. in a virtual
environment of its own (it brings pandas, xarray and scipy):

    python3 -m venv /tmp/pysd-venv && /tmp/pysd-venv/bin/pip install pysd==3.14.3
    .venv/bin/python bench/pysd_compare.py --pysd-python /tmp/pysd-venv/bin/python

or into the game's own environment (``.venv/bin/pip install pysd==3.14.3``) and run it without
``--pysd-python``. ``--export FILE`` only writes the Vensim model.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKER = """
import json, sys, time, statistics
import pysd
mdl, runs, columns = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
t0 = time.perf_counter()
model = pysd.read_vensim(mdl)
translate = time.perf_counter() - t0
times, out = [], None
for _ in range(runs):
    model.reload()
    t0 = time.perf_counter()
    out = model.run(return_columns=columns)
    times.append(time.perf_counter() - t0)
print(json.dumps({"translate": translate, "median": statistics.median(times), "best": min(times), "version": pysd.__version__,
                  "values": {c: out[c].tolist() for c in columns}}))
"""


# -- the export ---------------------------------------------------------------------------------

class VensimWriter:
    """A scenario's variables as a Vensim model (levers and draws as constants)."""

    def __init__(self, model) -> None:  # type: ignore[no-untyped-def]
        from game.engine import initial_state

        self.model = model
        self.start = initial_state(model, 0)
        self.prevs: set[str] = set()

    def name(self, name: str) -> str:
        kind, _env, _slot = self.model._slots[name]
        return {"lever": "l_", "parameter": "p_", "draw": "d_", "event": "e_", "variable": "x_", "fact": "f_"}[kind] + name

    def number(self, node: ast.expr) -> str:
        """A node as a Vensim number."""
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            return f"IF THEN ELSE({self.truth(node)}, 1, 0)"
        if isinstance(node, ast.Constant):
            return repr(float(node.value))
        if isinstance(node, ast.Name):
            return self.name(node.id)
        if isinstance(node, ast.BinOp):
            a, b = self.number(node.left), self.number(node.right)
            if isinstance(node.op, ast.Pow):
                return f"(({a}) ^ ({b}))"
            if isinstance(node.op, ast.Mod):
                return f"MODULO({a}, {b})"
            op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
            return f"({a} {op} {b})"
        if isinstance(node, ast.UnaryOp):
            return f"(-{self.number(node.operand)})" if isinstance(node.op, ast.USub) else self.number(node.operand)
        if isinstance(node, ast.IfExp):
            return f"IF THEN ELSE({self.truth(node.test)}, {self.number(node.body)}, {self.number(node.orelse)})"
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        fn = node.func.id
        if fn == "prev":
            arg = node.args[0]
            assert isinstance(arg, ast.Name)
            self.prevs.add(arg.id)
            return f"prev_{arg.id}"
        args = [self.number(a) for a in node.args]
        if fn in ("min", "max"):
            out = args[0]
            for x in args[1:]:  # Python's choice: the first unless a later one is strictly smaller (larger)
                out = f"IF THEN ELSE({x} {'<' if fn == 'min' else '>'} {out}, {x}, {out})"
            return out
        if fn == "clamp":
            x, lo, hi = args
            return f"IF THEN ELSE({x} < {lo}, {lo}, IF THEN ELSE({x} > {hi}, {hi}, {x}))"
        if fn == "logistic":
            return f"IF THEN ELSE({args[0]} < -700, 0, 1 / (1 + EXP(-({args[0]}))))"
        if fn in ("floor", "ceil"):
            x = args[0]
            step = f"IF THEN ELSE({x} < INTEGER({x}), 1, 0)" if fn == "floor" else f"IF THEN ELSE({x} > INTEGER({x}), 1, 0)"
            return f"(INTEGER({x}) {'-' if fn == 'floor' else '+'} {step})"
        return {"abs": "ABS", "exp": "EXP", "log": "LN", "sqrt": "SQRT"}[fn] + f"({args[0]})"

    def truth(self, node: ast.expr) -> str:
        """A node as a Vensim condition."""
        if isinstance(node, ast.Compare):
            parts = []
            left = self.number(node.left)
            for op, comparator in zip(node.ops, node.comparators):
                right = self.number(comparator)
                symbol = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "<>"}[type(op)]
                parts.append(f"({left} {symbol} {right})")
                left = right
            return " :AND: ".join(parts)
        if isinstance(node, ast.BoolOp):
            joint = " :AND: " if isinstance(node.op, ast.And) else " :OR: "
            return "(" + joint.join(self.truth(v) for v in node.values) + ")"
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return f"(:NOT: {self.truth(node.operand)})"
        return f"({self.number(node)} <> 0)"

    def write(self) -> str:
        m = self.model
        eqs = []
        for name in m.variables:
            eqs.append((f"x_{name}", self.number(m.formulas[name].tree), "a variable of the rule set"))
        for slot, name in enumerate(m.levers):
            eqs.append((f"l_{name}", repr(float(m.lever_defaults[slot])), "a lever, held at its default"))
        for slot, name in enumerate(m.parameters):
            eqs.append((f"p_{name}", repr(float(m.P[slot])), "a parameter"))
        for name, value in zip(m.draws, self.start.draws):
            eqs.append((f"d_{name}", repr(float(value)), "a draw, at its resting value"))
        for name in m.events:
            eqs.append((f"e_{name}", "0", "an event, never fired here"))
        season = m.scenario.start
        first = season.year * 4 + season.quarter
        eqs += [
            ("f_year", f"INTEGER(({first} + Time) / 4)", "the season's year"),
            ("f_quarter", f"MODULO({first} + Time, 4)", "0 winter .. 3 autumn"),
            ("f_is_winter", "IF THEN ELSE(f_quarter = 0, 1, 0)", ""), ("f_is_spring", "IF THEN ELSE(f_quarter = 1, 1, 0)", ""),
            ("f_is_summer", "IF THEN ELSE(f_quarter = 2, 1, 0)", ""), ("f_is_autumn", "IF THEN ELSE(f_quarter = 3, 1, 0)", ""),
            ("f_turn", "Time", "seasons played before this one"),
        ]
        for name in sorted(self.prevs):  # last season's value: a stock that takes this season's each step
            if name in m.index:
                initial, now = self.start.values[m.index[name]], f"x_{name}"
            else:
                initial, now = self.start.levers[m.lever_index[name]], f"l_{name}"
            eqs.append((f"prev_{name}", f"INTEG(({now} - prev_{name}) / TIME STEP, {float(initial)!r})", "last season's value"))
        eqs += [("INITIAL TIME", "0", ""), ("FINAL TIME", str(m.scenario.seasons - 1), ""), ("TIME STEP", "1", ""),
                ("SAVEPER", "TIME STEP", "")]
        body = "\n".join(f"{lhs} = {rhs}\n\t~\t\n\t~\t{doc}\n\t|\n" for lhs, rhs, doc in eqs)
        return "{UTF-8}\n" + body + "\n\\\\\\---/// Sketch information - none\n"


# -- our engines on the same work ---------------------------------------------------------------

def same_work(model):  # type: ignore[no-untyped-def]
    """``model`` with every draw at its resting value and no events, for every season."""
    twin = copy.copy(model)
    twin._plans = {}
    twin._unscripted = None
    for turn in range(model.scenario.seasons):
        plan = model.turn_plan(turn)
        draws = tuple((name, spec, _resting(spec), False) for name, spec, _fixed, _scripted in plan.draws)
        # Every draw now rests and none is scripted: the values a season with nothing to draw
        # takes from its plan must say so too (else the plan's scripted weather comes back).
        twin._plans[turn] = dataclasses.replace(plan, draws=draws, events=(), fixed_draws=tuple(d[2] for d in draws), fixed_log=())
    return twin


def _resting(spec):  # type: ignore[no-untyped-def]
    from game.engine.model import resting_value

    return resting_value(spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="nep-1923-1930")
    parser.add_argument("--pysd-python", help="a Python that has pysd (default: this one)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--export", type=Path, help="only write the Vensim model to this file")
    args = parser.parse_args(argv)

    import numpy as np

    from bench.machine import header, load_average
    from game.engine import Model, initial_state, step
    from game.engine.batch import compiled, play_batch
    from game.rules.scenario import load_scenario

    scenario = load_scenario(args.scenario, ROOT / "rules")
    model = same_work(Model(scenario))
    text = VensimWriter(model).write()
    if args.export:
        args.export.write_text(text)
        print(f"wrote {args.export}")
        return 0
    header("bench/pysd_compare.py: the rule set as a Vensim model in PySD, against our engines")
    seasons, nvar = scenario.seasons, len(model.variables)
    print(f"work: {scenario.id}, {nvar} variables x {seasons} seasons, levers at their defaults, draws at rest, no events")

    # The season engine, one run of 28 seasons.
    levers = dict(zip(model.levers, model.lever_defaults))

    def season_engine() -> list:  # type: ignore[type-arg]
        state = initial_state(model, 0)
        states = []
        for _ in range(seasons):
            state = step(model, state, levers)
            states.append(state)
        return states

    states = season_engine()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        season_engine()
        times.append(time.perf_counter() - t0)
    ours_one = statistics.median(times)
    compiled(model)
    n = 10_000
    table = np.broadcast_to(np.array(model.lever_defaults), (n, len(model.levers)))
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        play_batch(model, [0] * n, table, stop_at_ending=False)
        times.append(time.perf_counter() - t0)
    ours_batch = statistics.median(times) / n
    load = load_average()

    with tempfile.TemporaryDirectory(prefix="smychka-pysd-") as tmp:
        mdl = Path(tmp) / f"{scenario.id}.mdl"
        mdl.write_text(text)
        columns = [f"x_{name}" for name in model.variables]
        python = args.pysd_python or sys.executable
        done = subprocess.run([python, "-c", WORKER, str(mdl), str(args.runs), json.dumps(columns)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print("PySD did not run:", done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output")
            print("install it for this benchmark (see the notes at the top of bench/pysd_compare.py)")
            return 1
        pysd = json.loads(done.stdout.strip().splitlines()[-1])
    worst = 0.0
    for i, name in enumerate(model.variables):
        theirs = pysd["values"][f"x_{name}"]
        for t in range(seasons):
            a, b = states[t].values[i], theirs[t]
            worst = max(worst, abs(a - b) / max(1.0, abs(a), abs(b)))
    per = seasons * nvar
    print(f"agreement: largest relative difference between PySD and our values {worst:.1e} over {nvar} variables x {seasons} seasons")
    print(f"PySD {pysd['version']}: translating the model {pysd['translate']:.2f} s; one run of {seasons} seasons: median "
          f"{pysd['median'] * 1e3:.1f} ms (best {pysd['best'] * 1e3:.1f}), {pysd['median'] / per * 1e6:.2f} us a variable-season")
    print(f"season engine: one run {ours_one * 1e3:.2f} ms, {ours_one / per * 1e6:.3f} us a variable-season: "
          f"{pysd['median'] / ours_one:.0f}x faster than PySD for one campaign")
    print(f"batch engine: {n:,} runs at once, {ours_batch * 1e3:.3f} ms a run, {ours_batch / per * 1e9:.1f} ns a variable-season: "
          f"{pysd['median'] / ours_batch:.0f}x faster than PySD per variable-season  [load {load}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
