"""Figures of the window for the closing note (issue 4, "Measure"). Prints; asserts nothing.

    .venv/bin/python bench/ui_bench.py          (make bench runs it too)

At 1280x720 with SDL's dummy (software) driver:
- frame time of the dashboard and of the charts screen over 300 frames with the mouse moving
  (p50 / p95 / max ms; aim p95 <= 16.7 ms);
- "End season" pressed to the season report drawn, wall and processor time, over 5 fresh
  processes of 10 seasons each, and their first (cold) seasons apart (aim p95 <= 50 ms, issue 12);
- start-up of a fresh process to the title screen drawn (aim <= 1.5 s);
- resident memory after a 28-season game played in the window (aim <= 200 MB).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
os.environ.setdefault("SMYCHKA_CONFIG_DIR", tempfile.mkdtemp(prefix="smychka-bench-config-"))

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from bench.machine import header, load_average  # noqa: E402
from game.rules.scenario import load_policy, load_scenario  # noqa: E402
from game.session import Session  # noqa: E402
from game.ui.app import App  # noqa: E402

RULES = ROOT / "rules"
SIZE = (1280, 720)
FRAMES = 300
# A policy that plays the whole of nep-1923-1930 (28 seasons) without an early ending.
POLICY = ROOT / "tests" / "fixtures" / "saves" / "steady-nep.toml"

STARTUP = """
import os, sys, time
os.environ["SDL_VIDEODRIVER"] = "dummy"; os.environ["SDL_AUDIODRIVER"] = "dummy"
sys.path.insert(0, {root!r})
from pathlib import Path
from game.ui.app import App
from game.ui.scenes.title import TitleScene
app = App(Path({rules!r}), size=(1280, 720))
app.push(TitleScene(app))
app.frame([])
import pygame; pygame.display.flip()
print("drawn", flush=True)
"""


def key(k: int, mod: int = 0) -> list[pygame.event.Event]:
    return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0),
            pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0)]


def stats(name: str, ms: list[float], aim: float | None = None) -> None:
    ordered = sorted(ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    verdict = "" if aim is None else f"  (aim p95 <= {aim:.1f} ms: {'met' if p95 <= aim else 'MISSED'})"
    print(f"{name:<34} n={len(ms):<4} p50 {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   max {max(ms):6.2f} ms{verdict}")


def new_app(saves: Path) -> App:
    return App(RULES, size=SIZE, scale=1.0, saves_dir=saves)


def played(app: App, seasons: int) -> Session:
    """nep-1923-1930 after ``seasons`` seasons of the steady policy, shown on the dashboard."""
    from game.ui.games import start_session

    scenario = load_scenario("nep-1923-1930", RULES)
    policy = load_policy(POLICY, scenario)
    session = Session(scenario, 1923)
    for turn in range(seasons):
        session.set_levers(policy[turn])
        session.end_season()
    start_session(app, session)
    return session


def frame_times(app: App, frames: int = FRAMES) -> list[float]:
    """Milliseconds per frame with the mouse sweeping the window (hovering over everything)."""
    w, h = app.size
    out = []
    for i in range(frames):
        x = int((i * 37) % w)
        y = int((i * 23 + (i // 20) * 50) % h)
        event = pygame.event.Event(pygame.MOUSEMOTION, pos=(x, y), rel=(5, 3), buttons=(0, 0, 0))
        t = time.perf_counter()
        app.frame([event])
        pygame.display.flip()
        out.append((time.perf_counter() - t) * 1000)
    return out


def bench_frames(saves: Path) -> None:
    from game.ui.scenes.charts import ChartsScene

    app = new_app(saves)
    played(app, 12)
    for _ in range(5):
        app.frame([])
    stats("dashboard frame (12 seasons played)", frame_times(app), 16.7)
    app.push(ChartsScene(app))
    for _ in range(5):
        app.frame([])
    stats("charts frame (12 seasons played)", frame_times(app), 16.7)
    pygame.quit()


def bench_end_season(saves: Path, seasons: int = 10) -> list[tuple[float, float]]:
    """Ctrl+Enter on the dashboard to the frame that draws the report, season after season, from
    the fifth season of nep-1923-1930: (wall ms, processor ms) each. The dashboard is shown for
    a few frames before each click (a player cannot click sooner), and the report's second frame
    (where the autosave runs) and the way back are outside the figure."""
    from game.ui.scenes.dashboard import DashboardScene
    from game.ui.scenes.report import ReportScene

    app = new_app(saves)
    session = played(app, 4)
    policy = load_policy(POLICY, session.scenario)
    out = []
    for _ in range(seasons):
        assert isinstance(app.scene, DashboardScene)
        session.set_levers(policy[session.turn])
        for _ in range(3):
            app.frame([])
        t, cpu = time.perf_counter(), time.process_time()
        app.frame(key(pygame.K_RETURN, pygame.KMOD_CTRL))
        pygame.display.flip()
        out.append(((time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000))
        assert isinstance(app.scene, ReportScene), type(app.scene).__name__
        app.frame([])  # the report's second frame: the autosave
        app.frame(key(pygame.K_RETURN))  # back to the dashboard
    pygame.quit()
    return out


def end_season_runs(runs: int = 5) -> None:
    """:func:`bench_end_season` in ``runs`` fresh processes (so each one's first End season is
    as cold as a player's first): every season's wall and processor time, and the first seasons
    alone, with the load average before and after (the machine may be shared)."""
    import json

    load_before = load_average()
    samples: list[list[tuple[float, float]]] = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, __file__, "--end-season"], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print("End season run failed:", proc.stderr[-500:])
            return
        samples.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    every = [x for run in samples for x in run]
    label = f"End season -> report drawn ({runs} runs)"
    stats(label, [w for w, _ in every], 50.0)
    stats("  the same, processor time", [c for _, c in every])
    stats("  first season of each run (cold)", [run[0][0] for run in samples])
    print(f"  load average before {load_before}, after {load_average()} (1, 5, 15 min)")


def bench_startup(runs: int = 3) -> None:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", STARTUP.format(root=str(ROOT), rules=str(RULES))],
                              capture_output=True, text=True, check=False)
        out.append(time.perf_counter() - t)
        if "drawn" not in proc.stdout:
            print("start-up run failed:", proc.stderr[-500:])
            return
    print(f"{'start-up to the title screen drawn':<34} n={runs:<4} best {min(out):.2f} s   median {statistics.median(out):.2f} s"
          f"  (aim <= 1.5 s: {'met' if statistics.median(out) <= 1.5 else 'MISSED'})")


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_memory(saves: Path) -> None:
    """A whole 28-season game played through the window: each season ended on the dashboard,
    its report shown, then the charts opened at the end."""
    from game.ui.scenes.charts import ChartsScene
    from game.ui.scenes.report import ReportScene

    before = rss_mb()
    app = new_app(saves)
    session = played(app, 0)
    policy = load_policy(POLICY, session.scenario)
    while not session.is_over:
        session.set_levers(policy[session.turn])
        app.frame(key(pygame.K_RETURN, pygame.KMOD_CTRL))
        if isinstance(app.scene, ReportScene):
            app.frame([])
            app.frame(key(pygame.K_RETURN))
        app.frame([])
    app.push(ChartsScene(app))
    app.frame([])
    after = rss_mb()
    print(f"{'memory after a 28-season game':<34} {session.turn} seasons, VmRSS {after:.0f} MB "
          f"(process before the window {before:.0f} MB)  (aim <= 200 MB: {'met' if after <= 200 else 'MISSED'})")
    pygame.quit()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="smychka-bench-saves-") as tmp:
        saves = Path(tmp)
        if sys.argv[1:] == ["--memory"]:  # in a fresh process, so earlier benchmarks do not count
            bench_memory(saves)
            return
        if sys.argv[1:] == ["--end-season"]:  # in a fresh process: one run of end_season_runs
            import json

            print(json.dumps(bench_end_season(saves)))
            return
        header("bench/ui_bench.py: the window")
        print(f"window {SIZE[0]}x{SIZE[1]}, SDL video driver {os.environ['SDL_VIDEODRIVER']}, pygame-ce {pygame.version.ver}")
        bench_frames(saves)
        end_season_runs()
        bench_startup()
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--memory"], check=False)


if __name__ == "__main__":
    main()
