"""What every hostile case checks, in one place.

A case runs the game the way a user does — ``main.py`` with arguments, standard input and a
working folder — in this process (fast) or in a process of its own (for what only a real process
shows: signals, closed or full standard output, bytes in arguments). Around it:

* every file under the folders the case names (the sandbox, the shipped rules) is hashed before
  and after — by ``lstat``, never opening a pipe or a device — and only the paths the case allows
  may differ;
* a watchdog bounds its time (a read from a named pipe would hang forever);
* its output must hold no traceback, no "internal error", and no control character but newlines
  (text from files is escaped);
* a refused case must end with a non-zero exit status.

Device nodes are made only in the case's own temporary folder (``mknod``), never used from /dev.
"""

from __future__ import annotations

import hashlib
import io
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
RULES = ROOT / "rules"
SECONDS = 30.0  # the watchdog: far beyond any case's need, short of a hang

# Characters that must never reach a terminal raw (newline and tab are the game's own layout).
FORBIDDEN_CHARS = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {chr(c) for c in range(0x7F, 0xA0)} | set(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class Hang(BaseException):
    """The watchdog fired (not an Exception: nothing in the game may swallow it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang()


@contextmanager
def watchdog(seconds: float = SECONDS) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the files around a case ---------------------------------------------------------------------

def _entry(path: Path) -> tuple[object, ...]:
    info = os.lstat(path)
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return ("file", hashlib.sha256(path.read_bytes()).hexdigest(), stat.S_IMODE(mode))
    if stat.S_ISLNK(mode):
        return ("link", os.readlink(path))
    if stat.S_ISDIR(mode):
        return ("folder",)
    return ("special", stat.S_IFMT(mode), info.st_rdev, info.st_ino)


def snapshot(roots: Iterable[Path]) -> dict[str, tuple[object, ...]]:
    """Every path under ``roots`` (links not followed) and what it holds."""
    out: dict[str, tuple[object, ...]] = {}
    for root in roots:
        if not os.path.lexists(root):
            continue
        out[os.fsdecode(root)] = _entry(root)
        if not stat.S_ISDIR(os.lstat(root).st_mode):
            continue
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = Path(folder) / name
                out[os.fsdecode(path)] = _entry(path)
    return out


def changed(before: dict[str, tuple[object, ...]], after: dict[str, tuple[object, ...]]) -> set[str]:
    return {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}


# --- making hostile files ----------------------------------------------------------------------------

def make_device(path: Path, major: int, minor: int, block: bool = False) -> Path:
    """A device node of our own in a temporary folder (needs the right to make one: root)."""
    try:
        os.mknod(path, (stat.S_IFBLK if block else stat.S_IFCHR) | 0o666, os.makedev(major, minor))
    except PermissionError:
        pytest.skip("making a device node needs root (CAP_MKNOD)")
    return path


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    return sock


def make_loop(path: Path) -> Path:
    other = path.with_name(path.name + "-other")
    os.symlink(other.name, path)
    os.symlink(path.name, other)
    return path


def make_sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on the disk."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


# --- running a case ---------------------------------------------------------------------------------

@dataclass
class Result:
    status: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def prose(self) -> str:
        """Standard output as flowing text: the text mode wraps sentences to the terminal's width."""
        return " ".join(self.out.split())


def run_game(args: Sequence[str], stdin: bytes = b"", cwd: Path = ROOT, encoding: str = "utf-8", env: dict[str, str] | None = None,
             seconds: float = SECONDS) -> Result:
    """``main.py ARGS`` in this process, as a user runs it: the real entry point (``main.run``) with
    standard input, output and error of its own (in ``encoding``, as a terminal's locale sets it)."""
    import main as entry

    old = (sys.argv, sys.stdin, sys.stdout, sys.stderr, Path.cwd())
    saved_env = {key: os.environ.get(key) for key in (env or {})}
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    sys.argv = ["main.py", *args]
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    # Held here too: main.py drops sys.stdout when it cannot be written, and the wrapper would close the bytes.
    streams = (io.TextIOWrapper(out_bytes, encoding=encoding, write_through=True), io.TextIOWrapper(err_bytes, encoding=encoding, write_through=True))
    sys.stdout, sys.stderr = streams
    os.environ.update(env or {})
    os.chdir(cwd)
    started = time.perf_counter()
    try:
        with watchdog(seconds):
            try:
                status = entry.run()
            except SystemExit as done:  # argparse's own exit (a usage error: status 2)
                status = done.code if isinstance(done.code, int) else 1
    except Hang:
        pytest.fail(f"main.py {' '.join(map(repr, args))}: no answer within {seconds:g} s")
    finally:
        for stream in streams:
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        out_text, err_text = out_bytes.getvalue(), err_bytes.getvalue()
        sys.argv, sys.stdin, sys.stdout, sys.stderr = old[:4]
        os.chdir(old[4])
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return Result(status, out_text.decode(encoding, "replace"), err_text.decode(encoding, "replace"), time.perf_counter() - started)


def run_process(args: Sequence[str | bytes], stdin: bytes = b"", cwd: Path = ROOT, env: dict[str, str] | None = None,
                seconds: float = 120.0, stdout: int | None = subprocess.PIPE) -> Result:
    """``main.py ARGS`` in a process of its own (arguments may be bytes, as a shell passes them)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=seconds, check=False)
    out = done.stdout.decode("utf-8", "replace") if done.stdout is not None else ""
    return Result(done.returncode, out, done.stderr.decode("utf-8", "replace"), time.perf_counter() - started)


def assert_clean(result: Result, refused: bool) -> None:
    """No traceback, no internal error, no raw control character; refused: a non-zero exit."""
    assert "Traceback" not in result.text, result.text[-3000:]
    assert "internal error" not in result.text, result.text[-3000:]
    raw = sorted({c for c in result.text if c in FORBIDDEN_CHARS})
    assert not raw, f"raw control characters {raw!r} in the output: {result.text[-2000:]!r}"
    if refused:
        assert result.status != 0, result.text[-3000:]
    else:
        assert result.status == 0, result.text[-3000:]


@contextmanager
def guarded(roots: Iterable[Path], may_change: Iterable[Path] = ()) -> Iterator[None]:
    """Fail if any file under ``roots`` other than ``may_change`` (and what is under them)
    differs after the block."""
    roots = list(roots)
    allowed = [os.fsdecode(p) for p in may_change]
    before = snapshot(roots)
    yield
    after = snapshot(roots)
    unexpected = sorted(p for p in changed(before, after) if not any(p == a or p.startswith(a.rstrip("/") + "/") for a in allowed))
    assert not unexpected, f"changed without being asked: {unexpected}"


def case(args: Sequence[str], *, roots: Iterable[Path], refused: bool, says: str | Sequence[str] = (), may_change: Iterable[Path] = (),
         stdin: bytes = b"", cwd: Path = ROOT, encoding: str = "utf-8", env: dict[str, str] | None = None) -> Result:
    """One hostile case, run in this process: the files around it guarded, its output checked;
    ``says``: what its output must contain (a located or plain message)."""
    with guarded([*roots, RULES], may_change):
        result = run_game(args, stdin=stdin, cwd=cwd, encoding=encoding, env=env)
    assert_clean(result, refused)
    flowing = " ".join(result.text.split())  # (see Result.prose)
    for words in [says] if isinstance(says, str) else says:
        assert " ".join(words.split()) in flowing, f"{words!r} not in:\n{result.text[-3000:]}"
    return result
