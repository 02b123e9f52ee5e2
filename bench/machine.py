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


class Timing(tuple):  # type: ignore[type-arg]
    """(median s, best s, load average at the end, median processor seconds of this process)."""


def timed(action: Callable[[], object], runs: int = 5, warm: int = 1) -> Timing:
    """``action`` run ``warm`` times unmeasured, then ``runs`` times: the median and best wall
    time, the load average when the runs ended, and the median processor time this process
    spent (less sensitive than the wall time to other work on the machine; a whole process run
    by ``action`` is not in it)."""
    for _ in range(warm):
        action()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return Timing((statistics.median(times), min(times), load_average(), statistics.median(cpu)))


def report(label: str, timing: Timing, runs: int, unit: str = "ms", extra: str = "", per: float = 1.0, cpu: bool = True) -> None:
    """One figure: ``timing`` divided by ``per`` (e.g. steps a run), in ``unit``."""
    seconds, best, load, processor = timing
    scale = {"s": 1.0, "ms": 1e3, "us": 1e6}[unit] / per
    busy = f", processor {processor * scale:,.1f}" if cpu else ""
    print(f"{label}: median {seconds * scale:,.2f} {unit} (best {best * scale:,.2f}{busy}) over {runs} runs{extra}  [load {load}]")
