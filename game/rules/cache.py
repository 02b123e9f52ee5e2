"""What parsing a TOML file gave, kept between runs: a file whose exact text was parsed before is
not parsed again.

Reading the TOML syntax is the slowest part of loading rules (Python's ``tomllib`` is written in
Python: about 40 ms of the tutorial's start and a third of ``main.py check``). Its result is a
plain function of the text, so it is kept in the user cache folder (``~/.cache/smychka/parsed``
on Linux, from platformdirs), one entry per text, named by the SHA-256 of the text together with
this cache's format and the Python version (whose ``tomllib`` did the parsing). Only the parsing
is skipped: every later step -- the models' validation, the cross-references, the formulas --
runs on the data as it would on the parsed file, so a rule file is checked as fully as ever.

The cache is never trusted over the files and never a user's problem:

* an entry is found only by the digest of the text just read from the file (an edited file has
  another digest: a stale entry is simply never asked for);
* an entry is read only from a regular file of bounded size (:func:`game.files.read_file`) and
  is plain JSON -- no pickle, nothing in it can run code; it carries the digest of its own body,
  so a torn or damaged entry is noticed; it may hold only what TOML can give (tables, lists,
  text, numbers, booleans); anything else and it is ignored, and the file is parsed;
* writing is atomic (:func:`game.files.write_file`, as every file the game writes) and any failure to read or
  write is silent: the file is parsed as if there were no cache.

``SMYCHKA_CACHE`` chooses the folder; ``SMYCHKA_CACHE=off`` turns the cache off. The tests point
it at a temporary folder of their own.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

from game.files import read_file, write_file

ENV_VAR = "SMYCHKA_CACHE"
OFF = frozenset({"off", "0", "no", "false", "none"})
FORMAT = "smychka-parsed-toml"
VERSION = 1
MAX_ENTRY_BYTES = 16 * 1024 * 1024  # the JSON of the largest rule file read (4 MiB), escapes and all
MAX_ENTRIES = 1000  # past this many entries, writing one removes the oldest half
ENTRY_SUFFIX = ".json"


def cache_folder() -> Path | None:
    """Where entries are kept: ``$SMYCHKA_CACHE`` if set (None if it says ``off``), else the
    user cache folder's ``parsed``."""
    value = os.environ.get(ENV_VAR)
    if value is not None:
        return None if value.strip().lower() in OFF or not value.strip() else Path(value)
    try:
        import platformdirs

        return platformdirs.user_cache_path("smychka", appauthor=False) / "parsed"
    except Exception:  # no home folder to put it in: no cache
        return None


def _key(text: str) -> str:
    stamp = f"{FORMAT}\0{VERSION}\0{sys.version}\0".encode()
    return hashlib.sha256(stamp + text.encode("utf-8", "surrogatepass")).hexdigest()


def parsed(text: str) -> dict[str, Any] | None:
    """What ``tomllib.loads(text)`` gave when this text was parsed before; None when the cache
    has no usable entry for it (off, missing, unreadable, damaged, or holding anything TOML
    cannot)."""
    folder = cache_folder()
    if folder is None:
        return None
    key = _key(text)
    try:
        raw = read_file(folder / (key + ENTRY_SUFFIX), MAX_ENTRY_BYTES, "a cache entry")
        head, _, body = raw.partition(b"\n")
        if json.loads(head) != {"format": FORMAT, "version": VERSION, "key": key, "body": hashlib.sha256(body).hexdigest()}:
            return None
        if _NULL.search(body):  # (text that merely looks like a null only costs a parse)
            return None
        data = json.loads(body, parse_constant=_no_nan)
    except (OSError, ValueError, RecursionError, MemoryError):
        return None
    return data if isinstance(data, dict) else None


# A JSON null (TOML has none) as keep() writes JSON: after ':', '[' or ',' and before ',', ']' or '}'.
_NULL = re.compile(rb"[:\[,]null[,\]}]")


def _no_nan(constant: str) -> float:
    if constant == "NaN":
        raise ValueError("NaN")
    return float(constant)


def keep(text: str, data: dict[str, Any]) -> None:
    """Keep what parsing ``text`` gave (nothing is kept of data JSON cannot hold exactly: dates
    and times, a NaN). Never fails."""
    folder = cache_folder()
    if folder is None or not _tomlish(data):
        return
    key = _key(text)
    try:
        body = json.dumps(data, separators=(",", ":"))
        head = json.dumps({"format": FORMAT, "version": VERSION, "key": key, "body": hashlib.sha256(body.encode()).hexdigest()})
        write_file(folder / (key + ENTRY_SUFFIX), head + "\n" + body)
        _prune(folder)
    except (OSError, ValueError, RecursionError, MemoryError):
        pass


def _tomlish(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` holds only what TOML gives and JSON keeps exactly: tables with text keys,
    lists, text, whole numbers, numbers other than NaN, booleans."""
    if isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return not math.isnan(value)
    if depth > 200:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _tomlish(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_tomlish(v, depth + 1) for v in value)
    return False


def _prune(folder: Path) -> None:
    """Past :data:`MAX_ENTRIES` entries, remove the older half (by when each was written)."""
    with os.scandir(folder) as found:
        entries = [e for e in found if e.name.endswith(ENTRY_SUFFIX) and len(e.name) == 64 + len(ENTRY_SUFFIX)]
    if len(entries) <= MAX_ENTRIES:
        return
    aged = []
    for entry in entries:
        try:
            aged.append((entry.stat(follow_symlinks=False).st_mtime, entry.path))
        except OSError:
            continue
    for _, path in sorted(aged)[: len(aged) - MAX_ENTRIES // 2]:
        try:
            os.unlink(path)
        except OSError:
            pass
