"""The fuzzer's hostile-environment classes (scripts/fuzz.py runs them beside its file mutations).

Each case runs ``main.py`` in-process — its real entry point, with standard input, output and
error of its own — on something a user's machine can throw at it:

* ``files``: a path that is not a regular file where the game reads or writes one — named pipes
  (with and without a reader), copies of /dev/null, /dev/zero, /dev/urandom, /dev/random and of
  a block device made with mknod in the case's folder, folders, sockets, links (to a pipe, to a
  file elsewhere, to nothing, in a loop), a file over every size limit, an empty file, a file of
  another kind, a file where a folder should be;
* ``names``: names built at random from the parts the system or the locale refuse — components
  over 255 bytes, paths over 4,096, NUL, bytes that are not UTF-8, control characters, escapes,
  bidi overrides, newlines, a leading dash or tilde — given as arguments, typed in the text
  mode, and as names of files on disk in a folder that is checked;
* ``locale``: output in ASCII, latin-1 or cp1252 (LANG=C, an old terminal) and input of random
  bytes (not UTF-8, controls) to the text mode, to ``replay`` of a save with a hostile player
  name, to ``simulate --compare`` and ``check``.

A case passes when the game answers — accepted (exit 0) or refused with a sentence (non-zero) as
the class expects — within the watchdog's time, with no traceback, no "internal error", no raw
control character in its output, and no file changed but those it was asked to write.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import select
import socket
import stat
import sys
from pathlib import Path
from typing import Any

KINDS = ("files", "names", "locale")
FORBIDDEN = {chr(c) for c in range(32) if chr(c) not in "\n\t"} | {chr(c) for c in range(0x7F, 0xA0)} | set(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# --- files -------------------------------------------------------------------------------------------

THINGS = ["fifo", "fifo with a reader", "null copy", "zero copy", "urandom copy", "random copy", "block device", "folder", "socket",
          "link to a fifo", "link to a file elsewhere", "link to nothing", "link loop", "link to a null copy", "huge file", "empty file",
          "text file", "file as a folder", "new file"]
DEVICES = {"null copy": (1, 3), "zero copy": (1, 5), "urandom copy": (1, 9), "random copy": (1, 8)}
READERS = ["check", "play --load", "replay", "simulate --policy", "play --scenario", "check a folder holding it"]
WRITERS = ["simulate --out", "simulate --save", "text-mode save", "schema --out"]
# What a writer may do with each thing (else it must refuse): write straight (never replacing it), or create/replace a file.
WRITTEN_STRAIGHT = {"fifo with a reader", "null copy", "zero copy", "link to a null copy"}
WRITTEN_AS_FILE = {"empty file", "new file"}
FILES_MUTATORS = [f"{who}: {thing}" for who in READERS + WRITERS for thing in THINGS]


def _make(thing: str, path: Path, rng: random.Random) -> tuple[Path, list[Any]]:
    """``thing`` at ``path``; returns the path to name and what must stay open during the case."""
    keep: list[Any] = []
    elsewhere = path.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    if thing in ("fifo", "fifo with a reader"):
        os.mkfifo(path)
        if thing == "fifo with a reader":
            keep.append(os.open(path, os.O_RDWR | os.O_NONBLOCK))
    elif thing in DEVICES:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(*DEVICES[thing]))
    elif thing == "block device":
        os.mknod(path, stat.S_IFBLK | 0o666, os.makedev(7, 250))
    elif thing == "folder":
        path.mkdir()
    elif thing == "socket":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        keep.append(sock)
    elif thing == "link to a fifo":
        os.mkfifo(elsewhere / "pipe")
        path.symlink_to(elsewhere / "pipe")
    elif thing == "link to a file elsewhere":
        (elsewhere / "victim.txt").write_text("the user's own file\n")
        path.symlink_to(elsewhere / "victim.txt")
    elif thing == "link to nothing":
        path.symlink_to(elsewhere / "nothing")
    elif thing == "link loop":
        path.symlink_to(path.name + "-2")
        path.with_name(path.name + "-2").symlink_to(path.name)
    elif thing == "link to a null copy":
        os.mknod(elsewhere / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        path.symlink_to(elsewhere / "null")
    elif thing == "huge file":
        with open(path, "wb") as handle:
            handle.truncate(rng.choice([4 * 1024 * 1024 + 1, 64 * 1024 * 1024 + 1, 1 << 30]))
    elif thing == "empty file":
        path.touch()
    elif thing == "text file":
        path.write_text(rng.choice(["my notes\n", "[ruleset]\nid = 'x'\n", "{}\n", "x = 1\n", "\x00\x01binary"]))
    elif thing == "file as a folder":
        path.write_text("a file\n")
        return path / "inside.json", keep
    return path, keep


def _files_case(mutator: str, rng: random.Random, case: Path) -> tuple[list[str], bytes, bool | None, list[Path]]:
    """The command line for a ``files`` case: (args, stdin, expected to be refused?, paths it may change)."""
    who, thing = mutator.split(": ", 1)
    suffix = ".toml" if who in ("check", "simulate --policy", "play --scenario") else ".json"
    target, keep = _make(thing, case / f"target{suffix}", rng)
    _KEEP.extend(keep)
    saves = case / "saves"
    args = {
        "check": ["check", str(target)], "play --load": ["play", "--text", "--load", str(target), "--saves", str(saves)],
        "replay": ["replay", str(target)], "simulate --policy": ["simulate", "--scenario", "hammurabi-short", "--policy", str(target)],
        "play --scenario": ["play", "--text", "--scenario", str(target), "--saves", str(saves)],
        "check a folder holding it": ["check", str(case)],
        "simulate --out": ["simulate", "--scenario", "hammurabi-short", "--out", str(target)],
        "simulate --save": ["simulate", "--scenario", "hammurabi-short", "--save", str(target)],
        "text-mode save": ["play", "--text", "--scenario", "hammurabi-short", "--saves", str(saves)],
        "schema --out": ["schema", "--out", str(target)],
    }[who]
    stdin = f"save {target}\ny\nquit\n".encode() if who == "text-mode save" else b"quit\n"
    if who in READERS:
        # Nothing that is not a regular file is read; of regular files, only an empty policy is a valid input.
        refused: bool | None = None if (who == "simulate --policy" and thing in ("empty file", "text file")) else True
        return args, stdin, refused, [saves]
    if who == "text-mode save":
        return args, stdin, None, [saves, target]  # the game goes on either way: its output says which
    if who == "schema --out":  # (a folder: a new one, or one that exists; anything else is refused)
        refused = {"new file": False, "folder": False}.get(thing, True if thing in ("fifo", "socket", "text file", "empty file", "huge file",
                                                                                      "block device", *DEVICES) else None)
        return args, stdin, refused, [target, case / "target.json"]
    return args, stdin, thing not in WRITTEN_STRAIGHT | WRITTEN_AS_FILE, [target]


_KEEP: list[Any] = []


# --- names -------------------------------------------------------------------------------------------

PARTS = ["a" * 256, "b" * 100, "\x00", "\udcff", "caf\udce9", "\x1b[2J", "\x1b]0;x\x07", "\r", "\u202e", "\u0301", "\U0001f600",
         " ", "-", "~", "~nobody-here", "..", ".", "", "x" * 4200, "Ω", "\t", "\x7f", "\x9b", "$HOME", "*", "?", "'", '"', "\\", ":",
         "a/b", "//", "name.json", "name.toml", "\ufeff", "\ufffd"]
NAME_USES = ["check", "play --load", "replay", "simulate --out", "simulate --save", "play --scenario", "--saves", "typed save",
             "typed lever value", "file on disk, checked"]
NAMES_MUTATORS = NAME_USES


def _odd_name(rng: random.Random) -> str:
    return "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 4)))


def _inside(name: str) -> str:
    """``name`` made to stay inside the case's folder (the run's working folder): no climbing out
    with '..', no absolute path, no '~' that the text mode would take for a home folder. (The fuzzer
    writes only where it looks; a name that escaped would be a user's, unguarded.)"""
    name = name.replace("..", "__").lstrip("/") or "x"
    return "./" + name if name.startswith("~") else name


def _names_case(mutator: str, rng: random.Random, case: Path) -> tuple[list[str], bytes, bool | None, list[Path]]:
    name = _inside(_odd_name(rng))
    path = str(case / name) if rng.random() < 0.7 else name  # (relative: from the case's folder, the run's working folder)
    saves = case / "saves"
    if mutator == "file on disk, checked":
        folder = case / "folder"
        folder.mkdir()
        raw = os.fsencode(folder) + b"/" + os.fsencode(name.replace("/", "_").replace("\x00", "_")[:200] or "x") + rng.choice([b".toml", b".json"])
        try:
            with open(raw, "wb") as handle:
                handle.write(rng.choice([b"x = 1\n", b"{}\n", b"", b"\xff\xfe"]))
        except (OSError, ValueError):
            pass
        return ["check", str(folder)], b"", True, []
    typed = name.replace("\n", " ").encode("utf-8", "surrogateescape")
    args = {
        "check": ["check", path], "play --load": ["play", "--text", "--load", path, "--saves", str(saves)], "replay": ["replay", path],
        "simulate --out": ["simulate", "--scenario", "hammurabi-short", "--out", path],
        "simulate --save": ["simulate", "--scenario", "hammurabi-short", "--save", path],
        "play --scenario": ["play", "--text", "--scenario", path, "--saves", str(saves)],
        "--saves": ["play", "--text", "--scenario", "hammurabi-short", "--saves", path],
        "typed save": ["play", "--text", "--scenario", "hammurabi-short", "--saves", str(saves)],
        "typed lever value": ["play", "--text", "--scenario", "hammurabi-short", "--saves", str(saves)],
    }[mutator]
    stdin = {"typed save": b"save " + typed + b"\ny\nquit\n", "typed lever value": typed + b"\nwhy " + typed + b"\nquit\n",
             "--saves": b"\n" * 6 + b"quit\n"}.get(mutator, b"quit\n")
    if "\x00" in path and mutator not in ("typed save", "typed lever value"):
        return args, stdin, True, []  # (a shell cannot pass a NUL; in this process it can: refused all the same)
    # A name may be a good one by chance: any outcome goes, if said plainly; a write goes only where the name points.
    return args, stdin, None, [case]


# --- locale ------------------------------------------------------------------------------------------

ENCODINGS = ["ascii", "latin-1", "cp1252", "utf-8"]
LOCALE_COMMANDS = ["simulate --compare", "text mode, random bytes typed", "replay of a hostile save", "check a hostile policy"]
LOCALE_MUTATORS = [f"{c} ({e})" for c in LOCALE_COMMANDS for e in ENCODINGS]
HOSTILE_TEXT = ["\x1b[2K\rreplay ok", "\u202eevil", "Анна", "日本語", "\U0001f600", "\x9b31m", "tab\t", "a\nb", "\x00", "Ω≈ç√∫",
                "e\u0301", "\ufeff", "\u2028", "\x7f"]


def _locale_case(mutator: str, rng: random.Random, case: Path, root: Path) -> tuple[list[str], bytes, bool | None, list[Path], str]:
    command, encoding = mutator[:-1].rsplit(" (", 1)
    saves = case / "saves"
    if command == "simulate --compare":
        scenario = rng.choice(["nep-1923-1930", "procurement-crisis-1927"])
        return ["simulate", "--scenario", scenario, "--policy", "history", "--compare"], b"", False, [], encoding
    if command == "text mode, random bytes typed":
        typed = b"".join(rng.choice([b"\n", b"?\n", b"why ", b"\xff", b"\xe9", b"\x1b[2J", b"undo\n", b"redo\n", b"save \xe9x.json\n",
                                     "Анна".encode(), b"\x00", b"help\n", b"show\n", b"10\n", b"-1\n", b"1e309\n", b"nan\n"])
                         for _ in range(rng.randint(1, 30))) + b"\nquit\n"
        return ["play", "--text", "--scenario", rng.choice(["hammurabi-short", "scissors-1923"]), "--saves", str(saves)], typed, False, [saves, case], encoding
    if command == "replay of a hostile save":
        source = root / "saves" / "hammurabi-short.json"
        data = json.loads(source.read_text())
        data["metadata"]["player"] = "".join(rng.choice(HOSTILE_TEXT) for _ in range(rng.randint(1, 5)))[:200]
        data["metadata"]["scenario_title"] = rng.choice(HOSTILE_TEXT)
        target = case / "hostile.json"
        target.write_text(json.dumps(data, ensure_ascii=rng.random() < 0.5))
        return ["replay", str(target)], b"", False, [], encoding
    policy = case / "policy.toml"
    key = json.dumps(rng.choice(HOSTILE_TEXT))
    policy.write_text(f"[levers]\n{key} = 1\n")
    return ["check", "--scenario", "hammurabi-short", str(policy)], b"", True, [], encoding


# --- running a case ----------------------------------------------------------------------------------

def snapshot(roots: list[Path]) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                info = os.lstat(path)
                if stat.S_ISREG(info.st_mode):
                    with open(path, "rb") as handle:  # (a sparse file of a gigabyte: its first MiB, size and time)
                        out[path] = ("file", hashlib.sha256(handle.read(1 << 20)).hexdigest(), info.st_size, info.st_mtime_ns)
                elif stat.S_ISLNK(info.st_mode):
                    out[path] = ("link", os.readlink(path))
                else:
                    out[path] = ("other", stat.S_IFMT(info.st_mode), info.st_rdev)
    return out


def run_main(args: list[str], stdin: bytes, encoding: str = "utf-8", cwd: Path | None = None) -> tuple[int, str]:
    """``main.py ARGS`` in this process through its real entry point, from ``cwd``; (status, all its output)."""
    import main as entry

    old = (sys.argv, sys.stdin, sys.stdout, sys.stderr)
    folder = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    out, err = io.BytesIO(), io.BytesIO()
    streams = (io.TextIOWrapper(out, encoding=encoding, write_through=True), io.TextIOWrapper(err, encoding=encoding, write_through=True))
    sys.argv, sys.stdin = ["main.py", *args], io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = streams
    try:
        try:
            status = entry.run()
        except SystemExit as done:
            status = done.code if isinstance(done.code, int) else 1
    finally:
        for stream in streams:
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        text = out.getvalue() + err.getvalue()
        sys.argv, sys.stdin, sys.stdout, sys.stderr = old
        os.chdir(folder)
    return status, text.decode(encoding, "replace")


def run_hostile(kind: str, mutator: str, rng: random.Random, root: Path, case: Path) -> tuple[str, str]:
    """One case: ("loaded" (accepted) | "located error" (refused, said) | "failure", detail)."""
    encoding = "utf-8"
    if kind == "files":
        if not IS_ROOT and any(d in mutator for d in ("copy", "block device")):
            mutator = mutator.split(": ")[0] + ": fifo"  # making a device node needs root
        args, stdin, refused, may = _files_case(mutator, rng, case)
    elif kind == "names":
        args, stdin, refused, may = _names_case(mutator, rng, case)
    else:
        args, stdin, refused, may, encoding = _locale_case(mutator, rng, case, root)
    args = ["--rules", str(root / "rules"), *args]
    guarded = [root / "rules", root / "saves", case]
    before = snapshot(guarded)
    try:
        status, text = run_main(args, stdin, encoding, cwd=case)
    finally:
        for thing in _KEEP:
            _drain(thing)
        _KEEP.clear()
    after = snapshot(guarded)
    allowed = [os.fsdecode(p) for p in may]
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)
                     and not any(p == a or p.startswith(a.rstrip("/") + "/") for a in allowed))
    problems = []
    if "Traceback" in text or "internal error" in text:
        problems.append("a traceback or an internal error")
    raw = sorted({c for c in text if c in FORBIDDEN})
    if raw:
        problems.append(f"raw control characters {raw!r}")
    if changed:
        problems.append(f"changed without being asked: {changed[:5]}")
    if refused is True and status == 0:
        problems.append("accepted what must be refused")
    if refused is False and status != 0:
        problems.append(f"refused (status {status}) what must be accepted")
    if status != 0 and not text.strip():
        problems.append("refused without a word")
    if problems:
        return "failure", f"main.py {' '.join(map(repr, args))}: {'; '.join(problems)}\n{text[-1500:]}"
    return ("loaded" if status == 0 else "located error"), ""


def _drain(thing: Any) -> None:
    if isinstance(thing, int):
        try:
            while select.select([thing], [], [], 0)[0] and os.read(thing, 1 << 16):
                pass
        except OSError:
            pass
        os.close(thing)
    else:
        thing.close()


MUTATORS_OF: dict[str, list[str]] = {"files": FILES_MUTATORS, "names": NAMES_MUTATORS, "locale": LOCALE_MUTATORS}


def class_of(kind: str, mutator: str) -> str:
    """The class a case counts under in the report: the thing, the use of a name, the encoding."""
    if kind == "files":
        return "file: " + mutator.split(": ", 1)[1]
    if kind == "names":
        return "name: " + mutator
    return "locale: " + mutator[:-1].rsplit(" (", 1)[1]
