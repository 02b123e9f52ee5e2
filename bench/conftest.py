"""The pytest-benchmark tables of bench/ (medians in their columns) say which machine made them and
how busy it was (at the end of the run, where ``-q`` still shows it)."""

from __future__ import annotations

from typing import Any

from bench.machine import load_average, machine


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(f"machine: {machine()}; load average {load_average()} (1, 5, 15 min) at the end")
