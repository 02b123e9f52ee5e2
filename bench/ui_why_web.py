"""Frame time of the why view and the causal web at 1280x720 in software (headless). Prints; asserts nothing.

    .venv/bin/python bench/ui_why_web.py
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from bench.machine import header  # noqa: E402
from game.rules.scenario import load_scenario  # noqa: E402
from game.session import Session  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.scenes.title import TitleScene  # noqa: E402
from game.ui.scenes.web import WebScene  # noqa: E402
from game.ui.scenes.why import WhyScene  # noqa: E402


def frames(app: App, count: int = 300) -> list[float]:
    """Milliseconds per frame, the mouse wandering over the screen (hover tooltips included)."""
    out = []
    w, h = app.size
    for i in range(count):
        pos = ((i * 37) % w, (i * 23) % h)
        event = pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
        start = time.perf_counter()
        app.frame([event])
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    header("bench/ui_why_web.py: the why and web screens")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SMYCHKA_CONFIG_DIR"] = tmp
        app = App(ROOT / "rules", size=(1280, 720), scale=1.0, saves_dir=Path(tmp) / "saves")
        session = Session(load_scenario("nep-1923-1930", ROOT / "rules"), 1)
        for _ in range(3):
            session.end_season()
        app.session = session
        for name, make in (("why view (alliance)", lambda: WhyScene(app, "alliance")),
                           ("causal web (alliance)", lambda: WebScene(app, "alliance")),
                           ("causal web (whole graph)", lambda: WebScene(app, None))):
            start = time.perf_counter()
            app.reset_to(TitleScene(app), make())
            app.frame()
            opened = (time.perf_counter() - start) * 1000
            times = sorted(frames(app))
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{name}: open {opened:.0f} ms; frame median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms over {len(times)} frames at 1280x720")
        pygame.quit()


if __name__ == "__main__":
    main()
