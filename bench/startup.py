"""Start-up: the time from launching ``main.py play --text`` to its first prompt, and ``main.py
check`` of everything shipped, each a whole process; then what the first prompt's time is made
of (imports, loading the rules, the model, the forecast behind the warnings). Medians of several
runs, with the machine and the load average; asserts nothing.

    .venv/bin/python bench/startup.py            # about half a minute
    .venv/bin/python bench/startup.py --runs 9

Python compiles each module it imports unless a bytecode cache (``__pycache__``) holds it: a
player's first start compiles the game's modules, every later start reads them. Likewise the
rules cache (game/rules/cache.py) keeps what reading each rule file gave: a later start neither
parses nor validates an unchanged file, and a check of everything whose files and code are all
unchanged prints what it printed before (game/rules/checked.py); a check after one rule file
changed (a copy of the rules, edited before each run) shows what the cache saves a modder. All
are measured with the caches and without (the rules cache in a temporary folder, never the
user's). When the environment forbids the bytecode
cache (``PYTHONDONTWRITEBYTECODE``, as some sandboxes set it), every start is a first start.
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import Timing, header, load_average, report  # noqa: E402

PROMPT_ENDS = (b": ", b"> ", b"? ")
QUIT = b"quit\n"
QUIET = 0.25  # seconds without output after a prompt-like ending: the program waits for input


def to_first_prompt(env: dict[str, str]) -> tuple[float, float]:
    """Launch text mode, wait for its first prompt, answer 'quit'. Returns the wall time to the
    prompt's last byte and the processor time of the whole process (quitting included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "main.py", "play", "--text"], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None and proc.stdin is not None
    seen = b""
    last = start
    while True:
        ready, _, _ = select.select([proc.stdout], [], [], QUIET if seen.endswith(PROMPT_ENDS) else 30.0)
        if not ready:
            break  # a prompt, and nothing more: waiting for the player
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break  # it ended without asking
        seen += chunk
        last = time.perf_counter()
    proc.communicate(b"quit\n", timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return last - start, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def whole(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def figure(label: str, measure, runs: int) -> None:  # type: ignore[no-untyped-def]
    measure()  # warms the file cache (and, where allowed, the bytecode cache)
    results = [measure() for _ in range(runs)]
    wall = [w for w, _ in results]
    cpu = [c for _, c in results]
    report(label, Timing((statistics.median(wall), min(wall), load_average(), statistics.median(cpu))), runs, "ms")


# As main.py has it, the garbage collector is off while the game starts (game.cli.started).
_OFF = "import gc; gc.disable(); "
_LOAD = _OFF + "import game.cli; from game.rules.scenario import load_scenario; scenario = load_scenario('scissors-1923', game.cli.RULES)"
PARTS = (
    ("the interpreter alone", "pass"),
    ("+ the rule models (plain records: pydantic is imported only to validate a file read afresh)", _OFF + "import game.rules.models"),
    ("+ the command line (it imports each command's modules when the command runs)", _OFF + "import game.rules.models, game.cli"),
    ("+ loading the tutorial scenario", _LOAD),
    ("+ its model (the season engine compiled)", _LOAD + "; from game.session import Session; session = Session(scenario, 1)"),
    ("+ the warnings' forecast (200 weathers x 2 seasons: the season engine)",
     _LOAD + "; from game.session import Session; from game.present.warnings import threats; session = Session(scenario, 1); "
     "game.cli.started(); threats(session)"),
)


class Edited:
    """A copy of the shipped rules, one of whose files changes (a comment) before each check."""

    def __init__(self, where: Path) -> None:
        shutil.copytree(ROOT / "rules", where, ignore=shutil.ignore_patterns("__pycache__"))
        self.file = where / "mods" / "long-memory" / "memory.toml"
        self.where = where
        self.count = 0

    def touch(self) -> str:
        self.count += 1
        with self.file.open("a", encoding="utf-8") as handle:
            handle.write(f"# edit {self.count}\n")
        return str(self.where)


def instructions(argv: list[str], env: dict[str, str], answer: bytes = b"") -> str:
    """The instructions one whole process runs, counted by valgrind's cachegrind (the same on a
    busy machine as on an idle one, unlike any time); "n/a" without valgrind."""
    if shutil.which("valgrind") is None:
        return "n/a (no valgrind)"
    done = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", sys.executable, *argv],
                          cwd=ROOT, env=env, input=answer, capture_output=True, check=False)
    for line in done.stderr.decode(errors="replace").splitlines():
        if "I   refs:" in line or "I refs:" in line:
            return line.split(":", 1)[1].strip() + " instructions"
    return "n/a"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--instructions", action="store_true",
                        help="also count the instructions of one start and one check with valgrind (about a minute each)")
    args = parser.parse_args(argv)
    header("bench/startup.py: start-up and check, whole processes")
    forbidden = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    # The rules cache (game/rules/cache.py) in a folder of this run's, never the user's: the
    # first, unmeasured run of each figure fills it, as a player's first start does.
    folder = tempfile.mkdtemp(prefix="smychka-bench-cache-")
    edited = Edited(Path(folder) / "rules")
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"SMYCHKA_CACHE": folder}
    envs = [("with the bytecode cache and the rules cache (every start after the first)", cached),
            ("with the bytecode cache, the rules cache off (SMYCHKA_CACHE=off: every start reads the rules afresh)",
             cached | {"SMYCHKA_CACHE": "off"})]
    if forbidden:
        envs.append(("with neither (PYTHONDONTWRITEBYTECODE is set here: every start compiles the game's modules)",
                     dict(os.environ) | {"SMYCHKA_CACHE": "off"}))
    try:
        for what, env in envs:
            print(what + ":")
            figure("  start-up to the first text-mode prompt", lambda env=env: to_first_prompt(env), args.runs)
            figure("  `main.py check` of everything shipped", lambda env=env: whole(["main.py", "check"], env), args.runs)
            if env["SMYCHKA_CACHE"] != "off":
                figure("  `main.py check` after one rule file changed (a modder's check: its answer is not kept yet)",
                       lambda env=env: whole(["main.py", "--rules", edited.touch(), "check"], env), args.runs)
            if args.instructions:
                counted = instructions(["main.py", "play", "--text"], env, QUIT)
                print(f"  start-up to the first prompt (and quit): {counted}")
                print(f"  `main.py check` of everything shipped: {instructions(['main.py', 'check'], env)}")
                if env["SMYCHKA_CACHE"] != "off":
                    print(f"  `main.py check` after one rule file changed: {instructions(['main.py', '--rules', edited.touch(), 'check'], env)}")
        print("what start-up is made of (each line a whole process doing what the line above did and more, "
              "with the bytecode cache and the rules cache):")
        env = {**cached, "PYDANTIC_DISABLE_PLUGINS": "__all__"}  # as main.py sets it
        for label, code in PARTS:
            figure(f"  {label}", lambda code=code: whole(["-c", code], env), args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
