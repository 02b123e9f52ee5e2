"""What reading a rule file gave, kept between runs: a file whose exact text was read before is
neither parsed nor validated again.

Reading the TOML syntax (Python's ``tomllib`` is written in Python) and building pydantic's
validators were most of loading the tutorial's rules and a third of ``main.py check``. Both are
plain functions of the file's text and of the code, so two kinds of entry are kept in the user
cache folder (``~/.cache/smychka/parsed`` on Linux, from platformdirs):

* what parsing a text gave (its tables), named by the SHA-256 of the text with this cache's
  format and the Python version (whose ``tomllib`` parsed it);
* what validating a file's data as a model gave, for a file with no problem at all, named by
  the text, the keys an upgrade renamed, the model and a digest of the code that reads and
  validates (the models, upgrades, reader, this file) with the versions of Python and pydantic.
  The models are rebuilt without validating (``model_construct``), from JSON that names each
  model's class -- only one of the classes the file's model is made of can be named. A file
  whose model is kept is read without decoding what it parsed to (:func:`parsed_later`).

Everything after that -- the cross-references, the formulas checked against the whitelist, the
compiled rules -- runs on every load, so a formula from the cache is checked as strictly as one
from the file. During ``check`` one exception applies: a formula text found valid before is
checked by the names it reads (:mod:`game.rules.valid_formulas`), and its tree is parsed, with the
whole whitelist, only when something needs the tree; a tree that reads other names than were kept
is refused.

The cache is never trusted over the files and never a user's problem:

* an entry is found only by the digest of the text just read from the file (an edited file has
  another digest: a stale entry is simply never asked for), and of the code;
* an entry is read only from a regular file of bounded size (:func:`game.files.read_file`) and
  is plain JSON -- no pickle: nothing in it can run code; it carries the digest of its own body,
  so a torn or damaged entry is noticed; a parsed entry may hold only what TOML can give;
  anything else, and the file is read as if there were no cache;
* writing is atomic (:func:`game.files.write_file`, as every file the game writes) but does not
  wait for the disk (an entry lost or torn by a crash of the system is noticed, as above, and
  only makes the next run slower); any failure to read or write is silent.

Someone who can write your cache folder could make an entry say what a file does not (as they
could edit the rules themselves); ``SMYCHKA_CACHE=off`` reads and checks the files alone.
``SMYCHKA_CACHE=DIR`` chooses the folder. The tests point it at a temporary folder of their own.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable
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


def _read(fmt: str, key: str) -> bytes | None:
    """The body of entry ``key`` of kind ``fmt``, if it is whole and of this version."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        raw = read_file(folder / (key + ENTRY_SUFFIX), MAX_ENTRY_BYTES, "a cache entry")
        head, _, body = raw.partition(b"\n")
        if json.loads(head) != {"format": fmt, "version": VERSION, "key": key, "body": hashlib.sha256(body).hexdigest()}:
            return None
    except (OSError, ValueError, RecursionError, MemoryError):
        return None
    return body


def _write(fmt: str, key: str, body: str) -> None:
    folder = cache_folder()
    if folder is None:
        return
    head = json.dumps({"format": fmt, "version": VERSION, "key": key, "body": hashlib.sha256(body.encode()).hexdigest()})
    try:
        write_file(folder / (key + ENTRY_SUFFIX), head + "\n" + body, durable=False)  # (a torn entry is noticed: see _read)
        _prune(folder)
    except (OSError, ValueError):
        pass


def parsed(text: str) -> dict[str, Any] | None:
    """What ``tomllib.loads(text)`` gave when this text was parsed before; None when the cache
    has no usable entry for it (off, missing, unreadable, damaged, or holding anything TOML
    cannot)."""
    later = parsed_later(text)
    return None if later is None else later()


def parsed_later(text: str) -> Callable[[], dict[str, Any] | None] | None:
    """:func:`parsed` in two steps: the entry is found, read and checked whole now (None: there
    is no usable one), and decoded only when the function returned is called (None then: it
    holds what TOML cannot give). A file whose validated model is kept too is never decoded."""
    body = _read(FORMAT, _key(text))
    if body is None or (b"null" in body and _NULL.search(body)):  # (text that merely looks like a null only costs a parse)
        return None

    def decode() -> dict[str, Any] | None:
        try:
            data = json.loads(body, parse_constant=_no_nan)
        except (ValueError, RecursionError, MemoryError):
            return None
        return data if isinstance(data, dict) else None

    return decode


# A JSON null (TOML has none) as keep() writes JSON: after ':', '[' or ',' and before ',', ']' or '}'.
_NULL = re.compile(rb"[:\[,]null[,\]}]")


def _no_nan(constant: str) -> float:
    if constant == "NaN":
        raise ValueError("NaN")
    return float(constant)


def keep(text: str, data: dict[str, Any]) -> None:
    """Keep what parsing ``text`` gave (nothing is kept of data JSON cannot hold exactly: dates
    and times, a NaN). Never fails."""
    if cache_folder() is None or not _tomlish(data):
        return
    try:
        body = json.dumps(data, separators=(",", ":"))
    except (ValueError, RecursionError, MemoryError):
        return
    _write(FORMAT, _key(text), body)


# --- validated models ----------------------------------------------------------------------------
#
# What validating a file's data as a model gave: the models themselves, kept as JSON that names
# each model's class (one of those the root model is made of: nothing else can be named) and its
# fields, rebuilt without validating again (``model_construct``). Kept only for a file with no
# problem at all; found by the text, the keys an upgrade renamed, the model, and a digest of the
# code that reads and validates (the models, the upgrades, the reader, this file) with the
# versions of Python and pydantic: a change to any of them is a change of every key.

VALIDATED = "smychka-validated-model"
_CODE = ("models.py", "record.py", "shapes.py", "upgrade.py", "reading.py", "cache.py", "season.py", "locate.py", "quick.py")
_stamp: bytes | None = None


def _code_stamp() -> bytes | None:
    global _stamp
    if _stamp is None:
        digest = hashlib.sha256(f"{VERSION}\0{sys.version}\0".encode())
        here = Path(__file__).resolve().parent
        try:
            for name in _CODE:
                digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
            digest.update(_pydantic_version())
        except OSError:
            return None
        _stamp = digest.digest()
    return _stamp


def _pydantic_version() -> bytes:
    """What says which pydantic validates (its ``version.py``, which names the version of its core
    too), read without importing pydantic: a warm start never does."""
    import importlib.util

    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:
        raise OSError("pydantic is not installed")
    return Path(spec.origin).with_name("version.py").read_bytes()


def _validated_key(model: type, text: str, aliases: Any) -> str | None:
    stamp = _code_stamp()
    if stamp is None:
        return None
    what = f"\0{model.__module__}.{model.__qualname__}\0{sorted(aliases.items())!r}\0".encode()
    return hashlib.sha256(stamp + what + text.encode("utf-8", "surrogatepass")).hexdigest()


class _NotKept(Exception):
    """A value the cache cannot keep exactly."""


def _classes(root: type) -> dict[str, type] | None:
    """Every model class ``root`` is made of (itself included), by name; None if two share one."""
    from game.rules.models import RECORDS
    from game.rules.record import Record

    found: dict[str, type] = {}
    todo: list[type] = [root]
    while todo:
        kind = todo.pop()
        if found.setdefault(kind.__name__, kind) is not kind:
            return None
        if not issubclass(kind, Record):
            return None
        for spec in kind.model_fields.values():
            for name in re.findall(r"[A-Za-z_]\w*", spec.annotation):
                if name in RECORDS and name not in found:
                    todo.append(RECORDS[name])
    return found


_REGISTRY: dict[type, dict[str, type] | None] = {}


def _registry(root: type) -> dict[str, type] | None:
    if root not in _REGISTRY:
        _REGISTRY[root] = _classes(root)
    return _REGISTRY[root]


def _encode(value: Any, classes: dict[str, type]) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            raise _NotKept
        return value
    if isinstance(value, list):
        return [_encode(v, classes) for v in value]
    if isinstance(value, tuple):
        return {"$t": [_encode(v, classes) for v in value]}
    if isinstance(value, dict):
        return {"$d": [[_encode(k, classes), _encode(v, classes)] for k, v in value.items()]}
    cls = type(value)
    if classes.get(cls.__name__) is cls:
        fields = {name: _encode(getattr(value, name), classes) for name in cls.model_fields}
        extra = value.__pydantic_extra__ or {}  # (a model that allows keys of any name: a policy's season)
        if value.__pydantic_private__ or set(extra) & set(fields):
            raise _NotKept
        fields.update((name, _encode(v, classes)) for name, v in extra.items())
        return {"$m": cls.__name__, "f": fields, "s": sorted(value.model_fields_set)}
    raise _NotKept


def _decoder(classes: dict[str, type]) -> Callable[[dict[str, Any]], Any]:
    """What turns each JSON object of an entry back into what :func:`_encode` wrote (called by
    the JSON reader, innermost first)."""
    def decode(obj: dict[str, Any]) -> Any:
        if "$m" in obj:
            cls = classes[obj["$m"]]
            fields = obj["f"]
            return cls.from_fields({str(name) for name in obj["s"]} & fields.keys(), fields)  # type: ignore[attr-defined]
        if "$t" in obj:
            return tuple(obj["$t"])
        if "$d" in obj:
            return {key: value for key, value in obj["$d"]}
        return obj

    return decode


def validated(model: type, text: str, aliases: Any) -> Any:
    """The ``model`` that validating the data of ``text`` (read with the renames ``aliases``)
    gave, without problems, the last time; None when the cache has none usable."""
    classes = _registry(model)
    key = None if classes is None else _validated_key(model, text, aliases)
    body = None if key is None else _read(VALIDATED, key)
    if body is None or classes is None:
        return None
    try:
        found = json.loads(body, parse_constant=_no_nan, object_hook=_decoder(classes))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, MemoryError):
        return None
    return found if type(found) is model else None


def keep_validated(model: type, text: str, aliases: Any, value: Any) -> None:
    """Keep ``value``, what validating the data of ``text`` as ``model`` gave. Never fails."""
    if cache_folder() is None:
        return
    classes = _registry(model)
    key = None if classes is None else _validated_key(model, text, aliases)
    if key is None or classes is None:
        return
    try:
        body = json.dumps(_encode(value, classes), separators=(",", ":"))
    except (_NotKept, ValueError, RecursionError, MemoryError):
        return
    _write(VALIDATED, key, body)


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
