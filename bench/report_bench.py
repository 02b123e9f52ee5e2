"""Figures of the season report for the closing note (issue 12, "Measure"). Prints; asserts nothing.

    .venv/bin/python bench/report_bench.py

For each scenario, played under its historical policy (where it has one) and at its default
levers: the time to build a season report (best of 5 per season, then the median, mean and p95 over
the seasons), the formula evaluations and value-list copies one report costs, and the length of the
report as the text mode prints it at 80 columns before the player asks for more.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import header, load_average  # noqa: E402
from game.rules.scenario import available_scenarios, load_scenario  # noqa: E402
from game.session import Session  # noqa: E402

RULES = ROOT / "rules"


def build_and_print():  # type: ignore[no-untyped-def]
    """(build a report, print it at 80 columns) for the tree this runs in."""
    try:
        from game.present.story import season_report
        from game.text import views
        from game.text.terminal import Terminal

        def printed(session: Session) -> str:
            out = io.StringIO()
            views.report(Terminal(out, 80), season_report(session))
            return out.getvalue()
        return season_report, printed
    except ImportError:  # before the presentation layer: game.report and the old text mode
        from game.report import season_report as old_report  # type: ignore[import-not-found,no-redef]
        from game.text.play import TextGame

        def printed(session: Session) -> str:
            out = io.StringIO()
            TextGame(session, io.StringIO(), out).show_report()
            return out.getvalue()
        return old_report, printed


def counted(session: Session) -> dict[str, int]:
    """Wrap the model's formulas to count evaluations (and list copies of the values)."""
    counts = {"evaluations": 0}
    model = session.model
    for name, fn in list(model.variable_fn.items()):
        def wrapped(*env, _fn=fn):  # type: ignore[no-untyped-def]
            counts["evaluations"] += 1
            return _fn(*env)
        model.variable_fn[name] = wrapped
    return counts


def main() -> None:
    build, printed = build_and_print()
    header("bench/report_bench.py: season reports")
    print(f"{'scenario':<26}{'policy':<9}{'seasons':>7}{'build ms median':>17}{'mean':>7}{'p95':>7}{'evals':>7}{'lines mean':>12}{'max':>5}")
    all_ms: list[float] = []
    all_lines: list[int] = []
    for ident in available_scenarios(RULES):
        scenario = load_scenario(ident, RULES)
        for policy in ("history", "default"):
            if policy == "history" and scenario.history is None:
                continue
            session = Session(scenario, scenario.seed if scenario.seed is not None else 7)
            counts = counted(session)
            times, lines, evals = [], [], []
            while not session.is_over:
                if policy == "history":
                    session.set_levers(scenario.history[session.turn])
                session.end_season()
                best = float("inf")
                for attempt in range(5):
                    before = counts["evaluations"]
                    t = time.perf_counter()
                    build(session)
                    best = min(best, time.perf_counter() - t)
                    if attempt == 4:
                        evals.append(counts["evaluations"] - before)
                times.append(best * 1000)
                text = printed(session)
                lines.append(text.strip("\n").count("\n"))  # without the heading
            ordered = sorted(times)
            p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
            print(f"{ident:<26}{policy:<9}{len(times):>7}{statistics.median(times):>17.2f}{statistics.mean(times):>7.2f}{p95:>7.2f}"
                  f"{statistics.mean(evals):>7.0f}"
                  f"{statistics.mean(lines):>12.1f}{max(lines):>5}")
            all_ms += times
            all_lines += lines
    ordered = sorted(all_ms)
    print(f"all seasons: build {statistics.median(all_ms):.2f} ms median ({statistics.mean(all_ms):.2f} mean), "
          f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms; {statistics.mean(all_lines):.1f} lines on average "
          f"(max {max(all_lines)})  [load {load_average()}]")


if __name__ == "__main__":
    main()
