"""Two versions of the engine side by side: the season step and the forecast, timed in turns on
the same busy machine, counted in processor instructions, and checked to give the same games.

A wall-clock median on a 2-core machine shared with other work moves by a third from one minute
to the next, so two versions timed a minute apart cannot be compared. Here each figure comes from
fresh processes of the two versions run in turns (old, new, old, new, ...), so both see the same
load; the medians of all the runs are printed beside the load average. The instruction count
(valgrind's callgrind, counting only the measured calls) does not depend on the load at all: it
is the figure to compare between commits. ``--digest`` plays many games of every shipped
scenario (three policies, past their end) and both engines' forecasts in both versions and says
whether every value, draw, event, counter, log entry and ending is the same, bit for bit.

    .venv/bin/python bench/step_compare.py                    # HEAD against the working tree
    .venv/bin/python bench/step_compare.py --old 545fa28 --new HEAD --rounds 10
    .venv/bin/python bench/step_compare.py --instructions --digest
    .venv/bin/python bench/step_compare.py --work forecast

A version is a commit (checked out into a temporary folder with ``git worktree``) or ``.`` (the
working tree). The workloads (``--work``): ``step`` (one season step from the fourth season at
the default levers, as in ``bench/campaigns.py``), ``campaign`` (every season of a
nep-1923-1930 game on history's levers, per season, its start made beforehand), ``season_fn`` (the generated season
function alone) and ``forecast`` (200 weathers x 4 seasons from the seventh season on history's
levers, as in ``bench/campaigns.py``). Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header, load_average  # noqa: E402

# What a version runs: its own engine, imported from its own folder (the current directory).
# Kept to the engine's stable calls so that older commits run it too.
_CHILD = r'''
import functools, json, sys, time
from pathlib import Path
sys.path.insert(0, ".")
from game.engine import Model, initial_state, step
from game.rules.scenario import load_scenario
from game.session import Session

work, n, runs, mode, exact = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
if exact != "-":  # whether numpy's exp, log and power are the C library's, as found outside valgrind
    import game.engine.batch
    game.engine.batch._NUMPY_EXACT = exact == "1"
scenario = load_scenario("nep-1923-1930", Path("rules"))
model = Model(scenario)
defaults = dict(zip(model.levers, model.lever_defaults))
if work in ("step", "season_fn"):
    state = initial_state(model, 1)
    for _ in range(3):
        state = step(model, state, defaults)
    if work == "step":
        def once():
            step(model, state, defaults)
    else:
        plan = model.turn_plan(state.turn)
        env = (model.levers_tuple(defaults), model.P, state.draws, state.events, state.values, state.levers, plan.facts)
        fn = model.season_fn
        def once():
            fn(*env, False)
elif work == "campaign":
    history = scenario.history or []
    plan = [dict(defaults, **(history[t] if t < len(history) else {})) for t in range(scenario.seasons)]
    seasons = len(plan)
    first = initial_state(model, 7)
    def once():
        state = first
        for levers in plan:
            state = step(model, state, levers)
else:
    from game.forecast import forecast
    session = Session(scenario, scenario.seed or 1)
    for _ in range(6):
        session.set_levers(scenario.history[session.turn])
        session.end_season()
    def once():
        forecast(session, runs=200, seasons=4)
per = seasons if work == "campaign" else 1
for _ in range(3):
    once()
if mode == "count":
    # Only what runs inside functools.reduce is counted (callgrind --toggle-collect).
    functools.reduce(lambda acc, _: once(), range(n), None)
    print(json.dumps({"calls": n * per}))
else:
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(n):
            once()
        times.append((time.perf_counter() - t0) / (n * per))
        cpu.append((time.process_time() - c0) / (n * per))
    print(json.dumps({"times": times, "cpu": cpu}))
'''

# Every shipped scenario, three policies (defaults, history's levers or else defaults, random
# levers each season), several seeds, each game played a season past its end; then both engines'
# forecasts from a few states. The digest of all of it, and how many seasons it covers.
_DIGEST = r'''
import hashlib, sys
from pathlib import Path
sys.path.insert(0, ".")
from game.engine import Model, RuleError, initial_state, step
from game.engine.batch import random_levers
from game.forecast import forecast
from game.rules.scenario import available_scenarios, load_scenario
from game.session import Session

h = hashlib.sha256()
seasons_played = 0
def feed(*items):
    h.update(repr(items).encode())
for ident in available_scenarios(Path("rules")):
    scenario = load_scenario(ident, Path("rules"))
    model = Model(scenario)
    n = scenario.seasons + 1
    defaults = dict(zip(model.levers, model.lever_defaults))
    history = scenario.history or []
    table = random_levers(model, 20, n, seed=11)
    policies = {
        "defaults": lambda c, t: defaults,
        "history": lambda c, t: dict(defaults, **(history[t] if t < len(history) else {})),
        "random": lambda c, t: dict(zip(model.levers, table[c, t].tolist())),
    }
    for name, policy in policies.items():
        for c in range(20):
            state = initial_state(model, 1000 + c)
            feed(ident, name, c, state.values, state.prev_values)
            for t in range(n):
                try:
                    state = step(model, state, policy(c, t))
                except RuleError as err:
                    feed("error", str(err))
                    break
                seasons_played += 1
                feed(state.turn, state.season, state.values, state.levers, state.draws, state.events, state.prev_values,
                     state.counter, state.fired, [(e.kind, e.name, e.value, e.message, e.scripted) for e in state.log], state.ending)
    for engine in ("season", "batch"):
        session = Session(scenario, scenario.seed or 1)
        for t in range(min(4, scenario.seasons - 1)):
            for horizon in (1, 4):
                f = forecast(session, runs=60, seasons=horizon, engine=engine)
                feed(engine, f.seasons, f.runs, [sorted(a.items()) for a in f.ahead], f.chances, sorted(f.endings.items()), f.failed, f.failure)
            session.set_levers(history[t] if t < len(history) else defaults)
            session.end_season()
print(h.hexdigest(), seasons_played)
'''


def checkout(version: str, keep: list[Path]) -> Path:
    """The folder holding ``version``: the working tree for ``.``, else a temporary worktree."""
    if version == ".":
        return ROOT
    folder = Path(tempfile.mkdtemp(prefix="step-compare-"))
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(folder), version], cwd=ROOT, check=True)
    keep.append(folder)
    return folder


def run_child(tree: Path, work: str, n: int, runs: int, mode: str, prefix: list[str] | None = None, exact: str = "-") -> tuple[dict, str]:
    env = dict(os.environ, PYTHONHASHSEED="0")  # the same string hashes, run after run: the same count
    done = subprocess.run([*(prefix or []), sys.executable, "-c", _CHILD, work, str(n), str(runs), mode, exact], cwd=tree,
                          capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {work} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def instructions(tree: Path, work: str, n: int, exact: str) -> float:
    """Instructions a call of ``work`` (a season for ``campaign``), by valgrind's callgrind.

    Valgrind's processor has no AVX-512: numpy there takes other paths than on a processor
    that has it. ``exact`` ("1" or "0") tells the batch engine what this machine's numpy is
    (whether its exp, log and power are the C library's), so that it does the same work as here."""
    if shutil.which("valgrind") is None:
        return float("nan")
    prefix = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
              "--callgrind-out-file=/dev/null"]
    out, err = run_child(tree, work, n, 1, "count", prefix, exact)
    found = re.search(r"Collected\s*:\s*(\d+)", err)
    return int(found.group(1)) / out["calls"] if found else float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", default="HEAD", help="a commit (default HEAD), or . for the working tree")
    parser.add_argument("--new", default=".", help="a commit, or . for the working tree (default)")
    parser.add_argument("--work", default="step", choices=("step", "campaign", "season_fn", "forecast"))
    parser.add_argument("--rounds", type=int, default=8, help="processes of each version, in turns")
    parser.add_argument("--runs", type=int, default=5, help="timed runs in each process")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--digest", action="store_true", help="also check that both versions play the same games")
    parser.add_argument("--no-timing", action="store_true", help="only the counts and digests asked for")
    args = parser.parse_args(argv)
    header(f"bench/step_compare.py: {args.work}, {args.old} against {args.new}")
    keep: list[Path] = []
    try:
        trees = {"old": checkout(args.old, keep), "new": checkout(args.new, keep)}
        names = {"old": args.old, "new": args.new}
        n = {"step": 500, "season_fn": 500, "campaign": 20, "forecast": 5}[args.work]
        unit, scale = ("ms", 1e3) if args.work == "forecast" else ("us", 1e6)
        if not args.no_timing:
            times: dict[str, list[float]] = {"old": [], "new": []}
            cpu: dict[str, list[float]] = {"old": [], "new": []}
            loads = []
            for r in range(args.rounds):
                for side in (("old", "new") if r % 2 == 0 else ("new", "old")):
                    out, _ = run_child(trees[side], args.work, n, args.runs, "time")
                    times[side] += out["times"]
                    cpu[side] += out["cpu"]
                loads.append(load_average())
            print(f"load average after each round: {'; '.join(loads)}")
            for side in ("old", "new"):
                t, c = times[side], cpu[side]
                print(f"{side} ({names[side]}): median {statistics.median(t) * scale:.2f} {unit} (best {min(t) * scale:.2f}, "
                      f"processor {statistics.median(c) * scale:.2f}) over {len(t)} runs of {n} calls in {args.rounds} processes")
            ratio = statistics.median(times["new"]) / statistics.median(times["old"])
            print(f"new / old: {ratio:.3f} (medians), {min(times['new']) / min(times['old']):.3f} (bests)  [load {load_average()}]")
        if args.instructions:
            from game.engine.batch import _exact

            exact = "1" if _exact() else "0"
            counted = {side: instructions(trees[side], args.work, {"forecast": 3, "campaign": 4}.get(args.work, 200), exact)
                       for side in ("old", "new")}
            for side in ("old", "new"):
                print(f"{side} ({names[side]}): {counted[side] / 1000:,.1f} k instructions a call")
            print(f"new / old: {counted['new'] / counted['old']:.3f}")
        if args.digest:
            digests = {}
            for side in ("old", "new"):
                done = subprocess.run([sys.executable, "-c", _DIGEST], cwd=trees[side], capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"{names[side]}: the digest failed:\n{done.stderr[-2000:]}")
                digests[side] = done.stdout.split()
                print(f"{side} ({names[side]}): digest {digests[side][0][:16]} over {digests[side][1]} seasons and the forecasts")
            print("same games, bit for bit" if digests["old"] == digests["new"] else "THE GAMES DIFFER")
    finally:
        for folder in keep:
            subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
