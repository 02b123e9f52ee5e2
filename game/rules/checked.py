"""What ``main.py check`` printed, kept between runs: a check of exactly the same files by exactly
the same code prints the same again without parsing, validating or even importing the rule
reader.

Most of a check's time is Python importing pydantic and the rule models, and validating every
rule file, formula and cross-reference. None of that changes while the files and the code do
not, so the whole answer -- the exact text printed and the exit status, problems, warnings and
all -- is kept in the cache folder of :mod:`game.rules.cache`, under a key that is the SHA-256 of
everything the answer can depend on:

* the code: every file of the ``game`` package by its name, size, times of last change and
  inode (what Python itself looks at to decide whether a module must be compiled again, and
  more: a change of the code Python would run is a change of the key, without reading 1.3 MB
  of code on every check), ``main.py`` and ``pyproject.toml`` (the game's version) by their
  bytes, the Python version (and whether it runs with ``-O``), and the installed distributions
  (each one's name and version, as its ``.dist-info`` folder says);
* the command: the rules folder as given and where it is, the current folder (files are named
  relative to it), and each path named: as given, where it is, and whether it is there;
* every file and folder under each folder such a check looks in -- the rules folder, the game's
  own rules and the player's mod folder: its name, and each file's bytes (their SHA-256).

An edited, added or removed file is another key: an answer for other files is never asked for.
Nothing is kept or read when one of those folders holds a link, something other than files and
folders, something that cannot be read, or more than :data:`MAX_FILES` files or
:data:`MAX_BYTES` bytes: the check then runs in full. An answer is kept only when the files and
the code were the same after the check as before it (:func:`unchanged`: every file's size, times
of last change and inode, as the code's, taken before its bytes were read for the key -- a file
written to after that has another time of change).

An entry is read as :mod:`game.rules.cache` reads its own (a regular file of bounded size whose
body matches the digest in its head, found only by its key) and must then be an exit status of 0
or 1 with a text whose last line is the count line of that status, or it is ignored. Someone who
can write the cache folder could still make an entry say what the files do not (as they could
edit the rules); ``SMYCHKA_CACHE=off`` checks the files alone.

Kept: ``check`` of everything (``--watch`` included), and of rule sets and mods named by id or
by a path inside those folders (the mod listing printed with them included); not kept: a check
with ``--scenario``, of a save, or of a path elsewhere. Only a process started for that one
command (``main.py``) keeps and reads answers: a program that runs the command line in its own
process (the tests) may have replaced a part of the code.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from game.rules import cache
from game.rules.folders import GAME_RULES, user_mods_folder

FORMAT = "smychka-check-answer"
VERSION = 1
MAX_FILES = 5000  # files and folders under the folders looked in, all together
MAX_BYTES = 64 * 1024 * 1024  # their bytes, all together
CODE = Path(__file__).resolve().parents[2]  # the folder of main.py and the game package

_code: bytes | None = None


class _Unusable(Exception):
    """Something under a folder makes the answer not worth keeping (a link, a device, too much)."""


class _Budget:
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def spend(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES or self.bytes > MAX_BYTES:
            raise _Unusable


class _NoDigest:
    """Takes what a digest would, and keeps nothing."""

    def update(self, data: bytes) -> None:
        pass


_NO_DIGEST = _NoDigest()


def _tree(digest: hashlib._Hash, folder: Path, budget: _Budget, skip: frozenset[str] = frozenset(), by_stat: bool = False,
          stamps: hashlib._Hash | None = None) -> None:
    """Feed ``digest`` every name under ``folder`` (in name order, folders within folders) and
    each file's bytes (``by_stat``: each file's size, times of last change and inode instead).
    ``stamps``, if given, is fed what ``by_stat`` would feed ``digest``, each file's taken before
    its bytes are read."""
    stamp = stamps if stamps is not None else _NO_DIGEST
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        digest.update(b"missing\0")
        stamp.update(b"missing\0")
        return
    except (OSError, ValueError) as err:
        raise _Unusable from err
    digest.update(f"folder\0{len(entries)}\0".encode())
    stamp.update(f"folder\0{len(entries)}\0".encode())
    for entry in entries:
        if entry.name in skip:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as err:
            raise _Unusable from err
        name = entry.name.encode("utf-8", "surrogateescape")
        if stat.S_ISDIR(info.st_mode):
            budget.spend(0)
            digest.update(b"d\0" + name + b"\0")
            stamp.update(b"d\0" + name + b"\0")
            _tree(digest, Path(entry.path), budget, skip, by_stat, stamps)
            digest.update(b"\0end\0")
            stamp.update(b"\0end\0")
        elif stat.S_ISREG(info.st_mode):
            stamped = b"s\0" + name + f"\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\0".encode()
            if by_stat:
                budget.spend(0)
                digest.update(stamped)
                continue
            budget.spend(info.st_size)
            stamp.update(stamped)
            try:
                with open(entry.path, "rb") as handle:
                    content = handle.read(info.st_size + 1)
            except OSError as err:
                raise _Unusable from err
            if len(content) != info.st_size:  # (it changed while being read)
                raise _Unusable
            digest.update(b"f\0" + name + b"\0" + hashlib.sha256(content).digest())
        else:  # a link (it could lead anywhere), a pipe, a device, a socket
            raise _Unusable


def _distributions() -> list[str]:
    """The installed distributions with their versions (their metadata folders' names)."""
    names: list[str] = []
    for place in sys.path:
        if os.path.basename(place) in ("site-packages", "dist-packages"):
            try:
                names += sorted(n for n in os.listdir(place) if n.endswith((".dist-info", ".egg-info", ".pth")))
            except OSError:
                continue
    return names


def _code_stamp() -> bytes:
    """A digest of the code that checks: the game's package, main.py and the game's version,
    Python, the installed distributions."""
    digest = hashlib.sha256(f"{FORMAT}\0{VERSION}\0{sys.version}\0{sys.executable}\0{sys.flags.optimize}\0".encode())
    digest.update("\0".join(_distributions()).encode("utf-8", "surrogateescape"))
    budget = _Budget()
    _tree(digest, CODE / "game", budget, frozenset({"__pycache__"}), by_stat=True)
    for name in ("main.py", "pyproject.toml"):  # (the latter says the game's version)
        with open(CODE / name, "rb") as handle:
            digest.update(name.encode() + b"\0" + hashlib.sha256(handle.read()).digest())
    return digest.digest()


def _named(paths: Sequence[Path], folders: Sequence[Path]) -> str | None:
    """What the key must know of the paths named: each as given, where it is and whether it is
    there. None when one leads out of the folders looked in (what is there is not in the key) or
    names a save."""
    roots = [os.path.abspath(folder) + os.sep for folder in folders]
    named = []
    for path in paths:
        where = os.path.abspath(path)
        there = os.path.lexists(path)
        # A single name that is not there is a rule set or mod's id, looked for in the folders.
        if (there or len(path.parts) != 1) and not any(where.startswith(root) for root in roots):
            return None
        if path.suffix.lower() == ".json":
            return None
        named.append(f"{path}\0{where}\0{there}")
    return "\0".join(named)


def key(paths: Sequence[Path], rules_root: Path, policy_scenario: str | None) -> str | None:
    """The key of the answer to ``check`` with these arguments, as the files are now; None when
    such a check is not kept (``--scenario``, a path named outside the folders looked in or a
    save, no cache folder, or a folder that cannot be fingerprinted)."""
    global _code
    if policy_scenario is not None or cache.cache_folder() is None:
        return None
    try:
        folders = [rules_root, GAME_RULES, user_mods_folder()]
        named = _named(paths, folders)
        if named is None:
            return None
        code = _code_stamp()
        if _code is None:
            _code = code  # the code as this process found it first
        elif code != _code:
            return None  # the files changed since this process imported them (--watch)
        digest = hashlib.sha256(code)
        place = f"{os.getcwd()}\0{rules_root}\0" + "\0".join(f"{os.path.abspath(f)}\0{os.path.realpath(f)}" for f in folders)
        digest.update(f"{place}\0named\0{len(paths)}\0{named}".encode("utf-8", "surrogateescape"))
        where = _place(paths, folders)
        budget = _Budget()
        seen: dict[str, tuple[bytes, bytes]] = {}  # (the rules folder is often the game's own: read once)
        for folder in folders:
            real = os.path.realpath(folder)
            if real not in seen:
                part, stamps = hashlib.sha256(), hashlib.sha256()
                _tree(part, folder, budget, stamps=stamps)
                seen[real] = (part.digest(), stamps.digest())
            digest.update(b"\0root\0" + seen[real][0])
    except (_Unusable, OSError, ValueError, RecursionError):
        return None
    found = digest.hexdigest()
    _STAMPS[found] = (paths, folders, where + code + b"".join(seen[os.path.realpath(f)][1] for f in folders))
    return found


# For each key this process found: the paths named, the folders looked in, and what unchanged
# compares: where they were (_place), the code's stamp and each folder's files' (_stamp).
_STAMPS: dict[str, tuple[Sequence[Path], list[Path], bytes]] = {}


def _place(paths: Sequence[Path], folders: Sequence[Path]) -> bytes:
    """The paths named (as given, where, whether there), the current folder, where the folders lead."""
    return (f"{_named(paths, folders)}\0{os.getcwd()}\0" + "\0".join(os.path.realpath(f) for f in folders) + "\0").encode("utf-8", "surrogateescape")


def _stamp(folder: Path) -> bytes:
    """Every file under ``folder`` by its name, size, times of last change and inode."""
    digest = hashlib.sha256()
    _tree(digest, folder, _Budget(), by_stat=True)
    return digest.digest()


def unchanged(found_key: str) -> bool:
    """Whether the code and the files under the folders of ``found_key`` (a key this process
    found) are as they were when it was found: each file's size, times of last change and inode,
    taken then before its bytes were read, the same (without reading the files again)."""
    kept = _STAMPS.get(found_key)
    if kept is None:
        return False
    paths, folders, then = kept
    try:
        return _place(paths, folders) + _code_stamp() + b"".join(_stamp(f) for f in folders) == then
    except (_Unusable, OSError, ValueError, RecursionError):
        return False


def recall(found_key: str) -> tuple[str, int] | None:
    """The text and exit status kept for ``found_key``; None when there is none usable."""
    body = cache._read(FORMAT, found_key)
    if body is None:
        return None
    try:
        answer = json.loads(body)
    except (ValueError, RecursionError, MemoryError):
        return None
    if not isinstance(answer, dict) or set(answer) != {"status", "text"}:
        return None
    status, text = answer["status"], answer["text"]
    if type(status) is not int or status not in (0, 1) or not isinstance(text, str) or not text.endswith("\n"):
        return None
    last = text[:-1].rpartition("\n")[2]
    if not last.startswith("check ok: " if status == 0 else "check FAILED: "):
        return None
    return text, status


def keep(found_key: str, text: str, status: int) -> None:
    """Keep what the check found for ``found_key`` printed. Never fails."""
    if status in (0, 1) and text.endswith("\n"):
        cache._write(FORMAT, found_key, json.dumps({"status": status, "text": text}, ensure_ascii=False))
