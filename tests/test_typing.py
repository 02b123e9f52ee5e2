"""The pure core and the loader type-check under mypy --strict (the house habit, enforced)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_core_is_mypy_strict_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "game/engine", "game/formula", "game/rules", "game/saves", "game/session.py"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
