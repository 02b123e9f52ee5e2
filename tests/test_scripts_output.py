"""The scripts in scripts/ are commands too: a reader that has stopped reading (``| head``) ends
them quietly with status 0, never with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize("args", [
    ["scripts/endings.py", "--seeds", "2", "--scenario", "scissors-1923", "--no-knife-edge"],
    ["scripts/counterfactuals.py", "--seeds", "2"],
    ["scripts/crisis_tradeoff.py", "--seeds", "2", "--candidates", "2"],
])
def test_a_script_whose_reader_is_gone_ends_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the script writes: as `| head -1` after its line
    try:
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, stdout=write, stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(write)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err and "Error" not in err, err
    assert proc.returncode == 0, (proc.returncode, err)
