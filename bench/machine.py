"""What every benchmark prints beside its figures: the machine and how busy it was.

A figure without its machine cannot be compared (the published 34 us a step came from another
machine), and one taken while other work loads the processor is slower than the machine is:
each figure is the median of several runs, printed with the load average of the moment.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine() -> str:
    """``CPU model, N cores, Python x.y, numpy z`` (numpy only if it is already loaded)."""
    import sys

    numpy = sys.modules.get("numpy")
    extra = f", numpy {numpy.__version__}" if numpy is not None else ""
    return f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}{extra}"


def header(title: str) -> None:
    print(f"{title}\nmachine: {machine()}; load average now {load_average()} (1, 5, 15 min)")


def timed(action: Callable[[], object], runs: int = 5, warm: int = 1) -> tuple[float, float, str]:
    """``action`` run ``warm`` times unmeasured, then ``runs`` times: (median s, min s, load
    average when the runs ended)."""
    for _ in range(warm):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), load_average()


def report(label: str, seconds: float, best: float, load: str, runs: int, unit: str = "ms", extra: str = "") -> None:
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit]
    print(f"{label}: median {seconds * scale:,.1f} {unit} (best {best * scale:,.1f}) over {runs} runs{extra}  [load {load}]")
