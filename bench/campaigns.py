"""The engine's figures: one season step, campaigns one by one and in batches, the forecast, the
memory of a batch, check and start-up. Prints (with the machine and the load average); asserts
nothing. Lever plans are made before the clock starts: only the engine is timed.

    .venv/bin/python bench/campaigns.py              # a minute or two
    .venv/bin/python bench/campaigns.py --quick      # fewer runs
    .venv/bin/python bench/campaigns.py --no-easy-way-out   # also time scripts/no_easy_way_out.py
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header, load_average, report, timed  # noqa: E402
from bench.startup import figure, to_first_prompt, whole  # noqa: E402
from game.cli import cmd_check  # noqa: E402
from game.engine import Model, initial_state, step  # noqa: E402
from game.engine.batch import compiled, play_batch, random_levers  # noqa: E402
from game.forecast import forecast  # noqa: E402
from game.rules.scenario import load_scenario  # noqa: E402
from game.session import Session  # noqa: E402

RULES = ROOT / "rules"
SCENARIO = "nep-1923-1930"


def one_by_one(model: Model, plans: list[list[dict[str, float]]]) -> None:
    """Campaigns played by the season engine, every season of the plan (endings or not, as the
    batch figure below)."""
    for campaign, plan in enumerate(plans):
        state = initial_state(model, campaign)
        for levers in plan:
            state = step(model, state, levers)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and campaigns")
    parser.add_argument("--no-easy-way-out", action="store_true", help="also run scripts/no_easy_way_out.py (tens of seconds)")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else 5
    import numpy  # noqa: F401 - loaded here so that the header names its version

    header("bench/campaigns.py: the engine")
    scenario = load_scenario(SCENARIO, RULES)
    model = Model(scenario)
    seasons = scenario.seasons
    print(f"rule set {scenario.ruleset.id}: {len(model.variables)} variables, {len(model.levers)} levers, {len(model.events)} events; "
          f"scenario {scenario.id}, {seasons} seasons")

    # One season step, and the generated season function alone.
    state = initial_state(model, 1)
    for _ in range(3):
        state = step(model, state, dict(zip(model.levers, model.lever_defaults)))
    levers = dict(zip(model.levers, model.lever_defaults))
    steps = 500
    timing = timed(lambda: [step(model, state, levers) for _ in range(steps)], runs=runs * 3)
    report("one season step (step())", timing, runs * 3, "us", f", {steps} steps a run", per=steps)
    plan = model.turn_plan(state.turn)
    env = (model.levers_tuple(levers), model.P, state.draws, state.events, state.values, state.levers, plan.facts)
    timing = timed(lambda: [model.season_fn(*env, False) for _ in range(steps)], runs=runs * 3)
    report("  of which the generated season function", timing, runs * 3, "us", per=steps)

    # Campaigns one by one (the season engine), levers planned beforehand.
    n_one = 200 if args.quick else 1000
    table = random_levers(model, n_one, seasons, seed=7)
    plans = [[dict(zip(model.levers, row)) for row in table[c].tolist()] for c in range(n_one)]
    timing = timed(lambda: one_by_one(model, plans), runs=3, warm=0)
    per_one = timing[3] / (n_one * seasons)
    report(f"{n_one:,} campaigns x {seasons} seasons one by one (season engine)", timing, 3, "s",
           f"; {per_one * 1e6:.1f} us of processor a campaign-season")

    # The batch engine.
    t0 = time.perf_counter()
    compiled(model)
    print(f"batch engine: compiling {scenario.id} once: {(time.perf_counter() - t0) * 1000:.0f} ms  [load {load_average()}]")
    n = 10_000
    table = random_levers(model, n, seasons, seed=3)
    seeds = list(range(n))
    timing = timed(lambda: play_batch(model, seeds, table, stop_at_ending=False), runs=runs)
    per = timing[3] / (n * seasons)
    report(f"{n:,} campaigns x {seasons} seasons in one batch (random levers, every season played)", timing, runs, "s",
           f"; {per * 1e6:.2f} us of processor a campaign-season, {per_one / per:.0f}x the season engine")
    result = play_batch(model, seeds, table)
    timing = timed(lambda: play_batch(model, seeds, table), runs=runs)
    report(f"{n:,} campaigns in one batch, each to its ending ({int(result.played.sum()):,} campaign-seasons)", timing, runs, "s")
    for size in (100, 1000):
        sub = table[:size]
        timing = timed(lambda sub=sub, size=size: play_batch(model, seeds[:size], sub, stop_at_ending=False), runs=runs)
        report(f"{size:,} campaigns x {seasons} seasons in one batch", timing, runs, "ms",
               f"; {timing[3] / (size * seasons) * 1e6:.2f} us of processor a campaign-season")

    # Memory of a 10,000-campaign batch (numpy's allocations are traced).
    gc.collect()
    tracemalloc.start()
    play_batch(model, seeds, table, stop_at_ending=False)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    play_batch(model, seeds, table, stop_at_ending=False, record=("alliance",), record_draws=True, record_events=True)
    _now, peak_rec = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory of a {n:,}-campaign batch x {seasons} seasons: peak {peak / 2**20:.1f} MiB allocated while playing (of which "
          f"{table.nbytes / 2**20:.1f} MiB is the batch's own copy of the lever plan); {peak_rec / 2**20:.1f} MiB recording one "
          f"variable, the draws and the events; this process's peak resident size so far {rss:.0f} MiB")

    # The forecast: 200 weathers x 4 seasons, from the sixth season of the historical policy.
    session = Session(scenario, scenario.seed or 1)
    assert scenario.history is not None
    for _ in range(6):
        session.set_levers(scenario.history[session.turn])
        session.end_season()
    timing = timed(lambda: forecast(session, runs=200, seasons=4), runs=runs * 3)
    report("forecast, 200 runs x 4 seasons (batch)", timing, runs * 3, "ms")

    # check, and start-up.
    timing = timed(lambda: cmd_check([], RULES, io.StringIO()), runs=runs, warm=0)
    report("check of everything shipped, in process", timing, runs, "ms")
    env = dict(os.environ)
    figure("`main.py check` (whole process)", lambda: whole(["main.py", "check"], env), runs)
    figure("start-up to the first text-mode prompt (whole process; bench/startup.py says what it is made of)",
           lambda: to_first_prompt(env), runs)

    if args.no_easy_way_out:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "scripts/no_easy_way_out.py"], cwd=ROOT, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        played = next((line for line in done.stdout.splitlines() if line.startswith("played")), done.stdout[-200:])
        print(f"scripts/no_easy_way_out.py: {elapsed:.1f} s ({played})  [load {load_average()}]")


if __name__ == "__main__":
    main()
