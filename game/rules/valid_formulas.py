"""The formulas an earlier check found valid, kept between runs: ``main.py check`` after a
modder edited one rule file parses only the formulas it has not seen before.

Parsing and validating every formula of every rule set (Python's ``ast.parse``, then a pass
that checks each node against the whitelist and places it) was a fifth of such a check. Yet
checking needs of a valid formula only the names it reads; its tree is needed to compute with
it (the engine, a constant chance or condition, the place of a problem). So one entry of the
rules cache (:mod:`game.rules.cache`) keeps, for each formula text found valid, the names, the
``prev()`` names and the exponent names it reads; a check reads it first, and a formula found
there is made without its tree (:func:`game.formula.parser.remember`), which is parsed and
validated in full -- the whole whitelist -- whenever it is asked for. A formula not found there
is parsed as before, with every error and its place.

The entry is found by a key made of the code that parses formulas (the parser and its functions,
their bytes) and the Python version: other code, another entry. It is read as every entry of
the cache is (a regular file of bounded size whose body matches the digest in its head) and must
then be a list of ``[text, names, prev names, exponent names]`` whose texts are no longer than
a formula may be and whose names are names a formula can read; anything else, and the whole
entry is ignored. Someone who can write the cache folder could make it list a name a formula
does not read (as they could edit the rules); the tree, parsed from the formula's own text when
needed, never comes from the cache, and a tree that reads other names than the entry said is
an error. ``SMYCHKA_CACHE=off``: nothing is kept or read.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from game.formula import MAX_LENGTH, parser
from game.rules import cache

FORMAT = "smychka-valid-formulas"
VERSION = 1
MAX_FORMULAS = 5_000  # past this many (each edit of a formula adds one), an entry keeps only those of the last check
_CODE = ("parser.py", "functions.py")

Names = tuple[str, ...]


def _key() -> str | None:
    digest = hashlib.sha256(f"{FORMAT}\0{VERSION}\0{sys.version}\0".encode())
    here = Path(parser.__file__).resolve().parent
    try:
        for name in _CODE:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    except OSError:
        return None
    return digest.hexdigest()


def _names(value: Any) -> Names | None:
    """``value`` as a tuple of names a formula can read; None if it is not one."""
    if type(value) is not list or len(value) > MAX_LENGTH:
        return None
    for name in value:
        if (type(name) is not str or not name.isascii() or not name.isidentifier() or name.startswith("_")
                or keyword.iskeyword(name)):
            return None
    return tuple(value)


def recall(key: str) -> dict[str, tuple[Names, Names, Names]]:
    """The formulas kept under ``key``; empty when there is no usable entry."""
    body = cache._read(FORMAT, key)
    if body is None:
        return {}
    try:
        found = json.loads(body)
    except (ValueError, RecursionError, MemoryError):
        return {}
    if type(found) is not list or len(found) > MAX_FORMULAS:
        return {}
    known: dict[str, tuple[Names, Names, Names]] = {}
    for item in found:
        if type(item) is not list or len(item) != 4 or type(item[0]) is not str or not item[0].strip() or len(item[0]) > MAX_LENGTH:
            return {}
        names, prev, exponents = _names(item[1]), _names(item[2]), _names(item[3])
        if names is None or prev is None or exponents is None:
            return {}
        known[item[0]] = (names, prev, exponents)
    return known


def keep(key: str, known: dict[str, tuple[Names, Names, Names]]) -> None:
    """Keep ``known`` under ``key``. Never fails."""
    try:
        body = json.dumps([[text, *map(list, names)] for text, names in known.items()], ensure_ascii=False, separators=(",", ":"))
    except (ValueError, RecursionError, MemoryError):
        return
    cache._write(FORMAT, key, body)


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block, the formulas an earlier check found valid are not parsed until their
    tree is needed; after it, those found valid in it are kept with them."""
    key = _key() if cache.cache_folder() is not None else None
    before = recall(key) if key is not None else {}
    parser.remember(before)
    try:
        yield
    finally:
        parser.forget()
        if key is not None:
            now = parser.valid_formulas()
            if not now.keys() <= before.keys():
                keep(key, {**before, **now} if len(before) + len(now) <= MAX_FORMULAS else now)
