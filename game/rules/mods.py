"""Where rule sets and mods live, and reading a mod packed as a ``.zip``.

A **mod** is a rule set whose manifest names another in ``extends``: a folder (or a ``.zip`` of
one) holding ``ruleset.toml`` and any other ``.toml`` files. Rule sets and mods are found by id in
a :class:`Library`, an ordered list of folders: the game's ``rules/``, ``rules/mods/``, and the
player's own mod folder in the platform's data directory (``SMYCHKA_MODS`` overrides it, for
tests and for portable installs). A scenario or mod being loaded also sees the folders beside it.

Zip files are read in memory, never unpacked: only ``.toml`` files directly inside the archive
(or inside one top folder) are read; names that climb out (``..``, absolute paths), links,
encrypted members, more than :data:`MAX_ZIP_MEMBERS` members, a file over the rule files' size
limit, or more than :data:`MAX_ZIP_TOTAL` bytes in all are refused with a message.
"""

from __future__ import annotations

import contextlib
import io
import stat
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from game.files import FileProblem, NotUtf8, decode_utf8, plain_reason, read_file
from game.lazydata import dataclass
from game.rules.folders import ENV_VAR as ENV_VAR  # (named here too, as before they moved)
from game.rules.folders import GAME_RULES as GAME_RULES
from game.rules.folders import MANIFEST_FILE as MANIFEST_FILE
from game.rules.folders import MODS_FOLDER as MODS_FOLDER
from game.rules.folders import user_mods_folder as user_mods_folder
from game.rules.problems import Problem
from game.rules.reading import MAX_FILE_BYTES, display_name

if TYPE_CHECKING:
    import zipfile

MAX_ZIP_BYTES = 16 * 1024 * 1024  # the archive itself
MAX_ZIP_MEMBERS = 256
MAX_ZIP_TOTAL = 16 * 1024 * 1024  # all the .toml files read from one archive, unpacked


def is_zip(place: Path) -> bool:
    return place.suffix.lower() == ".zip"


def place_id(place: Path) -> str:
    """The id a rule set at ``place`` must have: its folder's name, or the archive's without .zip."""
    return place.stem if is_zip(place) else place.name


@dataclass(frozen=True)
class Library:
    """Where rule sets and mods are looked for by id: tiers of folders, the nearest first. An id
    is taken from the first tier that has it; two places of that id in the same tier are a
    conflict (see :meth:`candidates`)."""

    tiers: tuple[tuple[Path, ...], ...]
    # Folders searched only as a last resort (the game's own rules, for a mod kept elsewhere): a
    # namesake there is expected to be hidden, and :meth:`hidden` does not name it.
    fallback: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *folders: Path) -> Library:
        """One tier of ``folders``."""
        return cls((folders,))

    @classmethod
    def default(cls, rules_root: Path) -> Library:
        """``rules_root`` (rule sets) and ``rules_root/mods`` as one tier (an id in both is a
        conflict), then the player's mod folder: a mod there with the id of one of the game's is
        hidden by it (:meth:`hiding` says so). This is the order every command and the window
        look in (a scenario's own folders come first: :func:`~game.rules.scenario.scenario_library`)."""
        return cls(((rules_root, rules_root / MODS_FOLDER), (user_mods_folder(),))).unique()

    @classmethod
    def around(cls, place: Path, rules_root: Path = GAME_RULES) -> Library:
        """For a rule set or mod at ``place``: the folders beside it (and the rules folder above a
        ``mods/`` folder), then the player's mod folder, then ``rules_root`` and its ``mods/``,
        then the game's own rules."""
        parent = place.parent
        near = (parent, parent.parent) if parent.name == MODS_FOLDER else (parent, parent / MODS_FOLDER)
        game = (GAME_RULES, GAME_RULES / MODS_FOLDER)
        before = cls((near, (user_mods_folder(),), (rules_root, rules_root / MODS_FOLDER))).unique()
        own = {place_key(f) for f in before.folders}
        return cls((*before.tiers, game), frozenset(place_key(f) for f in game) - own).unique()

    def with_first(self, *folders: Path) -> Library:
        """This library with a tier of ``folders`` searched before the others."""
        return Library((folders, *self.tiers), self.fallback).unique()

    def unique(self) -> Library:
        """Each folder once, in its first tier; empty tiers dropped."""
        seen: set[str] = set()
        tiers = []
        for tier in self.tiers:
            kept = []
            for folder in tier:
                key = place_key(folder)
                if key not in seen:
                    seen.add(key)
                    kept.append(folder)
            if kept:
                tiers.append(tuple(kept))
        return Library(tuple(tiers), self.fallback & seen)

    @property
    def folders(self) -> tuple[Path, ...]:
        """Every folder, in search order."""
        return tuple(folder for tier in self.tiers for folder in tier)

    def candidates(self, ident: str) -> list[Path]:
        """The rule sets or mods called ``ident`` (a folder with a ruleset.toml, or ``ident.zip``)
        in the first tier that has any: one place, or more when they conflict."""
        for tier in self.tiers:
            found: list[Path] = []
            seen: set[str] = set()
            for folder in tier:
                for place in (folder / ident, folder / f"{ident}.zip"):
                    if _is_rule_place(place) and place_key(place) not in seen:
                        seen.add(place_key(place))
                        found.append(place)
            if found:
                return found
        return []

    def hidden(self, ident: str) -> list[Path]:
        """The rule sets or mods called ``ident`` in the tiers after the one :meth:`candidates`
        takes it from: never used while that one is there."""
        found: list[Path] = []
        taken = False
        for tier in self.tiers:
            here = [place for folder in tier if place_key(folder) not in self.fallback
                    for place in (folder / ident, folder / f"{ident}.zip") if _is_rule_place(place)]
            if taken:
                found += [place for place in here if place_key(place) not in {place_key(f) for f in found}]
            taken = taken or bool(here)
        return found

    def hiding(self, place: Path) -> str | None:
        """One sentence when the rule set or mod at ``place``, in one of the library's folders,
        shares its id with another that this library finds first (``place`` is never used by its
        id), with one in its own tier (a conflict), or hides one farther away; else None."""
        if place_key(place.parent) not in {place_key(folder) for folder in self.folders}:
            return None  # not a place the library looks in: it is named by its path
        ident = place_id(place)
        found = self.candidates(ident)
        key = place_key(place)
        others = [p for p in found if place_key(p) != key]
        if len(found) > 1 and len(others) < len(found):
            return (f"not usable by its id: another mod called '{ident}' is at {display_name(others[0])}, as near, "
                    f"so --mod {ident} cannot choose: rename or remove one (a mod's id is its folder's name)")
        if found and len(others) == len(found):
            return f"not used by its id: --mod {ident} finds {display_name(found[0])} first; rename one of them (a mod's id is its folder's name)"
        hidden = [p for p in self.hidden(ident) if place_key(p) != key]
        if hidden:
            return f"it hides another mod called '{ident}' at {display_name(hidden[0])}, which is never used: rename one of them"
        return None

    def ids(self) -> list[str]:
        """The ids of every rule set and mod in the library, sorted."""
        return sorted({place_id(p) for p in self.places()})

    def places(self) -> Iterator[Path]:
        """Every rule set folder and mod (folder or zip) in the library's folders."""
        seen: set[str] = set()
        for folder in self.folders:
            for place in _entries(folder):
                if _is_rule_place(place) and place_key(place) not in seen:
                    seen.add(place_key(place))
                    yield place


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []


def _is_rule_place(place: Path) -> bool:
    try:
        if is_zip(place):
            return place.is_file()
        return place.is_dir() and (place / MANIFEST_FILE).is_file()
    except OSError:  # a name the file system cannot hold (too long, say): nothing there
        return False


def place_key(place: Path) -> str:
    """The same text for the same place however it is named (resolved when it can be). Within
    :func:`remembered_places`, each name is resolved once."""
    known = _KEYS.get(place) if _KEYS is not None else None
    if known is not None:
        return known
    try:
        key = str(place.resolve())
    except OSError:
        key = str(place)
    if _KEYS is not None:
        _KEYS[place] = key
    return key


_KEYS: dict[Path, str] | None = None


@contextlib.contextmanager
def remembered_places() -> Iterator[None]:
    """Within this block (one command: the folders do not move meanwhile), a place is resolved
    once however often it is named: resolving follows every part of the path on disk."""
    global _KEYS
    outer, _KEYS = _KEYS, {} if _KEYS is None else _KEYS
    try:
        yield
    finally:
        _KEYS = outer


# --- reading a rule set folder ------------------------------------------------------------------


def rule_files(folder: Path, problems: list[Problem]) -> list[Path] | None:
    """The ``.toml`` files of the rule set folder ``folder`` (not hidden ones, not those in
    folders inside it), in file-name order, to be read through :func:`game.files.read_file`;
    None (with a problem added) when the folder cannot be listed, holds no rule file, or holds
    more than an archive may (:data:`MAX_ZIP_MEMBERS`)."""
    name = display_name(folder)
    try:
        if not folder.is_dir():
            problems.append(Problem(name, 1, 1, "rule set folder not found"))
            return None
        files = sorted(entry for entry in folder.iterdir() if entry.name.endswith(".toml") and not entry.name.startswith("."))
    except OSError as err:
        problems.append(Problem(name, 1, 1, f"cannot list the rule set folder: {plain_reason(err)}"))
        return None
    if not files:
        problems.append(Problem(name, 1, 1, "no .toml files in the rule set folder"))
        return None
    if len(files) > MAX_ZIP_MEMBERS:
        problems.append(Problem(name, 1, 1, f"the folder holds {len(files):,} .toml files; the limit for a rule set is {MAX_ZIP_MEMBERS:,}"))
        return None
    return files


# --- zip archives -----------------------------------------------------------------------------


ZIP_FILE = "a mod archive (.zip)"


def read_zip(path: Path, problems: list[Problem]) -> dict[str, str] | None:
    """The ``.toml`` files of the mod archive at ``path``, by file name, as text; None (with a
    problem added) when the archive cannot be read safely. The one place that opens archives:
    the archive is read whole through :func:`game.files.read_file` (a regular file of at most
    :data:`MAX_ZIP_BYTES`), then unpacked in memory within the archive's own limits."""
    name = display_name(path)

    def refuse(message: str) -> None:
        problems.append(Problem(name, 1, 1, message))

    try:
        raw_archive = read_file(path, MAX_ZIP_BYTES, ZIP_FILE)
    except FileProblem as err:
        refuse(err.reason)
        return None
    import zipfile  # (only for a mod in a .zip file)

    try:
        with zipfile.ZipFile(io.BytesIO(raw_archive)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                refuse(f"the archive holds {len(members):,} entries; the limit is {MAX_ZIP_MEMBERS:,}")
                return None
            chosen = _toml_members(members, refuse)
            if chosen is None:
                return None
            texts: dict[str, str] = {}
            total = 0
            for file_name, member in chosen.items():
                with archive.open(member) as handle:
                    raw = handle.read(MAX_FILE_BYTES + 1)  # never trust the sizes the archive claims
                if len(raw) > MAX_FILE_BYTES:
                    refuse(f"{member.filename}: more than {MAX_FILE_BYTES:,} bytes unpacked; the limit for a rule file")
                    return None
                total += len(raw)
                if total > MAX_ZIP_TOTAL:
                    refuse(f"the rule files unpack to more than {MAX_ZIP_TOTAL:,} bytes; the limit for a mod")
                    return None
                try:
                    texts[file_name] = decode_utf8(raw)
                except NotUtf8 as err:
                    problems.append(Problem(f"{name}/{file_name}", err.line, err.col,
                                            f"not UTF-8 text (byte 0x{err.byte:02x}): TOML files must be saved as UTF-8"))
                    return None
            return texts
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as err:
        refuse(f"not a readable .zip archive ({err})")
    except NotImplementedError as err:  # a compression method zipfile does not know
        refuse(f"cannot unpack the archive: {err}")
    except RuntimeError as err:  # an encrypted member
        refuse(f"cannot unpack the archive: {err}")
    except (OSError, ValueError) as err:  # a damaged member (zlib.error is neither: see below)
        refuse(f"cannot unpack the archive: {plain_reason(err)}")
    except zlib.error as err:
        refuse(f"cannot unpack the archive: a damaged member ({err})")
    return None


def _toml_members(members: list[zipfile.ZipInfo], refuse: Callable[[str], None]) -> dict[str, zipfile.ZipInfo] | None:
    """The archive's .toml files at its top, or inside its one top folder, by file name."""
    for member in members:
        parts = PurePosixPath(member.filename.replace("\\", "/")).parts
        if member.filename.startswith(("/", "\\")) or ".." in parts or (parts and parts[0].endswith(":")):
            refuse(f"unsafe name in the archive: '{_printable(member.filename)}' (names must stay inside the mod)")
            return None
        mode = member.external_attr >> 16
        if stat.S_ISLNK(mode):
            refuse(f"the archive holds a link, '{_printable(member.filename)}': a mod holds only plain files")
            return None
        if member.flag_bits & 0x1:
            refuse(f"'{_printable(member.filename)}' is encrypted: pack the mod without a password")
            return None
    files = [m for m in members if not m.is_dir()]
    tops = {PurePosixPath(m.filename).parts[0] for m in files if len(PurePosixPath(m.filename).parts) > 1}
    at_top = [m for m in files if len(PurePosixPath(m.filename).parts) == 1]
    prefix: tuple[str, ...] = ()
    if not any(PurePosixPath(m.filename).name == MANIFEST_FILE for m in at_top) and len(tops) == 1:
        prefix = (next(iter(tops)),)  # the archive of a folder: its files are one level down
    chosen: dict[str, zipfile.ZipInfo] = {}
    for member in files:
        parts = PurePosixPath(member.filename).parts
        if parts[:-1] == prefix and parts[-1].lower().endswith(".toml"):
            chosen[parts[-1]] = member
    if MANIFEST_FILE not in chosen:
        refuse(f"no {MANIFEST_FILE} in the archive (at its top, or inside its one top folder)")
        return None
    return dict(sorted(chosen.items()))


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)[:120]
