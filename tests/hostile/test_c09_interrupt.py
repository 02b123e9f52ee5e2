"""Class 9: Ctrl-C at any moment.

SIGINT is sent to `main.py` at moments from its start to its end — while Python imports the game,
while it reads the rules, while the text mode waits for an answer, while a save is written. From
the game's first line on, the answer is at most "interrupted" and exit status 130, with no
traceback, no temporary file left and nothing else changed. (Before the game's first line runs,
the interpreter starting up is Python's own: a signal then ends it as Python does; the README
says so. The sweep below counts those moments apart and fails on any traceback from the game.)"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.harness import ROOT, guarded


def _as_from_a_terminal() -> None:
    """In the child: Ctrl-C as a shell at a terminal gives it. A test worker may ignore SIGINT, and
    a child inherits that; Python then installs no KeyboardInterrupt and the game never sees one."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupted(args: list[str], delay: float, cwd: Path, stdin: int | None = subprocess.DEVNULL) -> tuple[int, str]:
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=cwd, preexec_fn=_as_from_a_terminal)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    return proc.returncode, err.decode("utf-8", "replace")


def before_the_game(err: str) -> bool:
    """A traceback of the interpreter's own start: no frame of the game's code (main.py's line 0
    is the instant before its first line)."""
    frames = [line for line in err.splitlines() if line.strip().startswith("File ")]
    # The virtual environment lives inside the project folder; its packages are not the game.
    installed = (sys.prefix, sys.base_prefix)
    ours = [f for f in frames if str(ROOT) in f and not any(p in f for p in installed) and 'main.py", line 0' not in f]
    return not ours


def judge(status: int, err: str) -> str:
    if "Traceback" not in err and "Exception" not in err and "Error" not in err:
        assert status in (130, -signal.SIGINT, 0), (status, err)  # 0: it had finished; -2: before Python's handler
        if status == 130 and err.strip():
            assert err.strip().splitlines()[-1] == "interrupted", err  # (after what it had said before)
        return "quiet"
    assert before_the_game(err), err
    return "interpreter start"


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3, 0.6])
def test_ctrl_c_while_the_game_starts_and_checks(tmp_path: Path, delay: float) -> None:
    with guarded([tmp_path]):
        status, err = interrupted(["check", str(ROOT / "rules" / "hammurabi")], delay, tmp_path)
    judge(status, err)


def test_ctrl_c_at_a_prompt_of_the_text_mode(tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    read, write = os.pipe()  # an answer that never comes
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "play", "--text", "--scenario", "hammurabi-short", "--saves", str(saves)],
                            stdin=read, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, preexec_fn=_as_from_a_terminal)
    os.close(read)
    try:
        assert proc.stdout is not None
        seen = b""
        while b"Acres to buy" not in seen:
            chunk = proc.stdout.read1(4096)
            assert chunk, seen.decode()
            seen += chunk
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(write)
    text = (seen + out).decode()
    assert proc.returncode == 130 and "Interrupted. 0 season(s) played." in text and "Traceback" not in err.decode(), err.decode()


def test_ctrl_c_while_a_save_is_written_leaves_no_temporary_file(tmp_path: Path) -> None:
    """simulate --save of a whole NEP game, interrupted at moments across its run."""
    rng = random.Random(7)
    target = tmp_path / "game.json"
    for _ in range(6):
        status, err = interrupted(["simulate", "--scenario", "nep-1923-1930", "--policy", "history", "--save", str(target), "--out",
                                   str(tmp_path / "run.json")], rng.uniform(0.3, 2.5), tmp_path)
        judge(status, err)
        assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


@pytest.mark.slow
def test_ctrl_c_at_forty_moments_of_the_first_second(tmp_path: Path) -> None:
    outcomes: dict[str, int] = {}
    for n in range(40):
        status, err = interrupted(["check", str(ROOT / "rules" / "hammurabi")], n * 0.025, tmp_path)
        outcome = judge(status, err)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print(f"Ctrl-C at 40 moments of the first second: {outcomes}")
    assert outcomes.get("quiet", 0) >= 35, outcomes
