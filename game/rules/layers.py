"""The first two stages of loading a rule set: **read** one layer's files, and **layer** it over
the rule set it extends.

A rule set is a stack of layers: a base (a folder of ``.toml`` files) and, on top, any number of
mods, each naming the one below in ``extends``. Layering one mod over the merged layers below:

1. ``[remove]``: the entries named are taken out (``remove.variables = ["x"]``);
2. ``[override.<table>.<id>]``: the fields given replace those of the entry below, field by field
   (a list or a table given replaces the whole field); the other fields are kept;
3. every other table adds new entries, exactly as a base file does.

Each step refuses what cannot be meant: removing or overriding an id the layers below do not
have, adding one they do (say ``[override...]`` instead), overriding an entry the same mod
removes or adds. Every entry remembers where it was written (its :class:`Origin`), an overridden
one also where each changed field was, so that the checks that follow (:mod:`game.rules.ruleset`)
place every problem in the layer that caused it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path as FsPath
from typing import Any, Literal

from game.formula import FormulaError, did_you_mean
from game.lazydata import dataclass, field
from game.rules.locate import Path
from game.rules.models import DEFINITION_TABLES, FORMAT_VERSION, OLDEST_FORMAT, Indicator, Manifest, RuleFile, Verdicts
from game.rules.mods import MANIFEST_FILE, MAX_ZIP_TOTAL, is_zip, place_id, read_zip, rule_files
from game.rules.problems import Problem
from game.rules.reading import Document, display_name, key_path, parse_document, read_document, validate_partially

MANIFEST_MARK = "[ruleset]"  # in the set of broken names: the manifest is present but invalid

# How messages name one entry of each table.
KIND = {
    "works": "work", "mechanisms": "mechanism", "parameters": "parameter", "levers": "lever", "variables": "variable",
    "draws": "draw", "events": "event", "endings": "ending", "invariants": "invariant", "classes": "class",
    "terms": "term", "indicators": "indicator",
}


@dataclass(frozen=True)
class Origin:
    """Where a definition stands: its document and key path, to place later problems.

    An entry a mod overrides has its origin at the override (``[override.<table>.<id>]``):
    ``fields`` are the fields the override gives (a problem in one of them is placed at it) and
    ``base`` is where the entry was first defined (a problem in another field is placed at the
    override, naming where that field was last set: in the base, or in the override of a mod
    lower in the stack). ``below`` is the entry's origin in the layers below this override.
    ``layer`` is the layer's depth in the stack (0: the base)."""

    doc: Document
    path: Path
    layer: int = 0
    fields: frozenset[str] = frozenset()
    base: Origin | None = field(default=None, repr=False)
    below: Origin | None = field(default=None, repr=False)

    def problem(self, message: str, sub: Path = (), *, value: bool = False, severity: str = "error") -> Problem:
        if self.base is not None and sub and sub[0] not in self.fields:
            at = self.field_origin(str(sub[0]))
            line, col = at.doc.locations.find(at.path + sub)
            message = f"{key_path(sub)}: {message} ({key_path(sub[:1])} as defined at {at.doc.file}:{line}:{col})"
            return self.doc.problem(self.path, message, severity=severity)
        return self.doc.problem(self.path + sub, message, value=value, severity=severity)

    def field_origin(self, name: str) -> Origin:
        """Where field ``name`` of the entry was last given: this override, an override lower in
        the stack, or the definition."""
        origin = self
        while origin.base is not None and name not in origin.fields:
            origin = origin.below or origin.base
        return origin

    def formula_problem(self, sub: Path, err: FormulaError, prefix: str = "") -> Problem:
        if self.base is not None and sub and sub[0] not in self.fields:
            return self.problem(f"{prefix}{err.message}", sub)
        line, col = self.doc.locations.inside(self.path + sub, err.line, err.col)
        return Problem(self.doc.file, line, col, f"{key_path(self.path + sub)}: {prefix}{err.message}")

    @property
    def where(self) -> str:
        """``FILE:LINE:COL`` of the definition (of the first one, for an overridden entry)."""
        if self.base is not None:
            return self.base.where
        line, col = self.doc.locations.find(self.path)
        return f"{self.doc.file}:{line}:{col}"

    @property
    def order(self) -> tuple[int, str, int, int]:
        """Sorts definitions as they are read: by layer, then file, then place in the file."""
        if self.base is not None:
            return self.base.order
        return (self.layer, self.doc.file, *self.doc.locations.find(self.path))


# --- stage 1: read ------------------------------------------------------------------------------


@dataclass
class Layer:
    """One rule set folder (or mod archive), read and validated file by file."""

    place: FsPath
    docs: list[tuple[Document, RuleFile]]
    content_hash: str  # SHA-256 of its files: each one's name, NUL, text, NUL, in file-name order
    broken: set[str]  # names whose definitions failed validation (already reported)
    manifest: Manifest | None = None
    manifest_origin: Origin | None = None

    @property
    def id(self) -> str:
        return self.manifest.id if self.manifest is not None else place_id(self.place)

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(doc.file for doc, _ in self.docs)


def read_layer(place: FsPath, problems: list[Problem]) -> Layer | None:
    """Read every ``.toml`` file of the rule set folder or mod archive at ``place``; None when a
    file cannot be read or used at all (the problems say why)."""
    texts = _texts(place, problems)
    if texts is None:
        return None
    _upgrade(texts, problems)
    docs: list[tuple[Document, RuleFile]] = []
    digest = hashlib.sha256()
    broken: set[str] = set()
    unusable = False
    for file_name, doc in texts:
        if doc is None:
            unusable = True
            continue
        digest.update(file_name.encode() + b"\0" + doc.text.encode() + b"\0")
        parsed, dropped = validate_partially(RuleFile, doc, None, problems)
        if parsed is not None:
            docs.append((doc, parsed))
        for table, keys in dropped.items():
            if table == "ruleset":
                broken.add(MANIFEST_MARK)
            if table in DEFINITION_TABLES:
                broken.update(k for k in keys if isinstance(k, str))
        unusable = unusable or parsed is None
    if unusable:
        # A file that cannot be read at all hides its names: cross-checks would only guess.
        return None
    layer = Layer(place, docs, digest.hexdigest(), broken)
    _check_manifest(layer, problems)
    return layer


def _texts(place: FsPath, problems: list[Problem]) -> list[tuple[str, Document | None]] | None:
    """Each ``.toml`` file of the layer, in file-name order, parsed (None: it could not be)."""
    name = display_name(place)
    if is_zip(place):
        members = read_zip(place, problems)
        if members is None:
            return None
        return [(file_name, parse_document(f"{name}/{file_name}", text, problems)) for file_name, text in members.items()]
    files = rule_files(place, problems)
    if files is None:
        return None
    out: list[tuple[str, Document | None]] = []
    total = 0
    for path in files:
        doc = read_document(path, problems)  # a regular file of at most MAX_FILE_BYTES (game.files.read_file)
        total += len(doc.text.encode("utf-8")) if doc is not None else 0
        if total > MAX_ZIP_TOTAL:
            problems.append(Problem(name, 1, 1, f"the rule files come to more than {MAX_ZIP_TOTAL:,} bytes; the limit for a rule set"))
            return None
        out.append((path.name, doc))
    return out


def _upgrade(texts: list[tuple[str, Document | None]], problems: list[Problem]) -> None:
    """A layer whose manifest says an older rule format is read as the current one: each file's
    keys are renamed in memory (see :mod:`game.rules.upgrade`), with a note at the version."""
    manifest = next((doc for name, doc in texts if name == MANIFEST_FILE and doc is not None), None)
    table = manifest.data.get("ruleset") if manifest is not None else None
    version = table.get("format_version") if isinstance(table, dict) else None
    if manifest is None or type(version) is not int or not OLDEST_FORMAT <= version < FORMAT_VERSION:
        return  # the current format, or a version the manifest's check refuses
    for _name, doc in texts:
        if doc is not None:
            doc.upgrade(version)
    problems.append(manifest.upgrade_note(version, ("ruleset", "format_version"), "this rule set"))


def _check_manifest(layer: Layer, problems: list[Problem]) -> None:
    manifests = [(f.ruleset, Origin(doc, ("ruleset",))) for doc, f in layer.docs if f.ruleset is not None]
    if not manifests and MANIFEST_MARK in layer.broken:
        return  # it is there, but invalid: already reported
    where = display_name(layer.place)
    if not manifests:
        if any(FsPath(doc.file).name == MANIFEST_FILE for doc, _ in layer.docs):
            problems.append(Problem(f"{where}/{MANIFEST_FILE}", 1, 1, "missing the manifest: a [ruleset] table with id, name and format_version"))
        else:
            problems.append(Problem(f"{where}/{MANIFEST_FILE}", 1, 1,
                    f"file not found: a rule set needs a {MANIFEST_FILE} with the manifest, a [ruleset] table with id, name and format_version"))
        return
    # The manifest belongs in ruleset.toml; any other [ruleset] table is a second one.
    manifests.sort(key=lambda m: FsPath(m[1].doc.file).name != MANIFEST_FILE)
    manifest, origin = manifests[0]
    if FsPath(origin.doc.file).name != MANIFEST_FILE:
        problems.append(origin.problem(f"the [ruleset] manifest belongs in {MANIFEST_FILE}, not in {FsPath(origin.doc.file).name}"))
    for _, other in manifests[1:]:
        problems.append(other.problem(f"a second [ruleset] manifest; the first is at {origin.where}"))
    if not OLDEST_FORMAT <= manifest.format_version <= FORMAT_VERSION:
        problems.append(origin.problem(
            f"format_version {manifest.format_version} is not supported; this version of the game reads format_version "
            f"{OLDEST_FORMAT} to {FORMAT_VERSION}", ("format_version",), value=True))
    expected = place_id(layer.place)
    if manifest.id != expected:
        what = "the archive's name (without .zip)" if is_zip(layer.place) else "the folder name"
        problems.append(origin.problem(f"id '{manifest.id}' must equal {what} '{expected}'", ("id",), value=True))
    if manifest.extends is not None and not manifest.version:
        problems.append(origin.problem(f"a mod (it extends '{manifest.extends}') needs a version, e.g. version = \"1.0.0\": saves record it"))
    if manifest.extends is None:
        for key in ("override", "remove"):
            for doc, f in layer.docs:
                if getattr(f, key) is not None:
                    problems.append(doc.problem((key,), f"[{key}] changes the rule set a mod extends; this one extends nothing: "
                                                f"add extends = \"<id>\" to its [ruleset] manifest, or define the entries here"))
    layer.manifest, layer.manifest_origin = manifest, origin


# --- stage 2: layer -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing a mod does to the rule set it extends."""

    kind: Literal["adds", "overrides", "removes"]
    table: str
    ident: str
    origin: Origin
    fields: tuple[str, ...] = ()  # the fields an override changes

    def __str__(self) -> str:
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.kind} {self.table}.{self.ident}{fields}"


@dataclass
class Merged:
    """The tables of every layer read so far, merged, with where each entry was written."""

    tables: dict[str, dict[str, Any]]
    origins: dict[tuple[str, str], Origin]
    indicators: list[tuple[Indicator, Origin]]
    verdicts: Verdicts | None = None
    removed: dict[tuple[str, str], Origin] = field(default_factory=dict)  # what the layers removed, and where
    files_below: frozenset[str] = frozenset()  # the files of the layers below the one being added

    @classmethod
    def empty(cls) -> Merged:
        return cls({table: {} for table in DEFINITION_TABLES}, {}, [])


def apply_layer(merged: Merged, layer: Layer, depth: int, parent_id: str, problems: list[Problem]) -> list[Change]:
    """Put ``layer`` over ``merged`` (in place): its removals, its overrides, then its additions.
    Returns what it changes; the problems are placed in the layer's files."""
    changes: list[Change] = []
    removed_here: dict[tuple[str, str], Origin] = {}
    is_mod = layer.manifest is not None and layer.manifest.extends is not None  # (else [override] and [remove] are refused already)
    for doc, rule_file in layer.docs:
        if rule_file.remove is not None and is_mod:
            for table, ids in rule_file.remove:
                for index, ident in enumerate(ids):
                    origin = Origin(doc, ("remove", table, index), depth)
                    _remove(merged, table, ident, origin, removed_here, parent_id, problems, changes)
    overridden_here: dict[tuple[str, str], Origin] = {}
    added_here = {(table, ident): Origin(doc, (table, ident), depth) for doc, f in layer.docs for table in DEFINITION_TABLES
                  for ident in getattr(f, table)}
    for doc, rule_file in layer.docs:
        if rule_file.override is not None and is_mod:
            for table, entries in rule_file.override:
                for ident, partial in entries.items():
                    origin = Origin(doc, ("override", table, ident), depth)
                    if (table, ident) in overridden_here:
                        problems.append(origin.problem(f"'{ident}' is already overridden at {overridden_here[(table, ident)].where}: "
                                                       "give each change once"))
                        continue
                    overridden_here[(table, ident)] = origin
                    _override(merged, table, ident, partial, origin, removed_here, added_here, parent_id, problems, changes)
    for doc, rule_file in layer.docs:
        for table in DEFINITION_TABLES:
            for ident, definition in getattr(rule_file, table).items():
                origin = Origin(doc, (table, ident), depth)
                if ident in merged.tables[table]:
                    existing = merged.origins[(table, ident)]
                    if existing.layer == depth and existing.base is None:
                        problems.append(origin.problem(f"duplicate id '{ident}': already defined at {existing.where}"))
                    else:
                        problems.append(origin.problem(
                            f"'{ident}' is already a {KIND[table]} of '{parent_id}' (at {existing.where}): to change it, write "
                            f"[override.{table}.{ident}] with the fields to change (or remove it first to replace it whole)"))
                    continue
                merged.tables[table][ident] = definition
                merged.origins[(table, ident)] = origin
                if depth:
                    changes.append(Change("adds", table, ident, origin))
        for index, indicator in enumerate(rule_file.indicators):
            origin = Origin(doc, ("indicators", index), depth)
            below = next((o for i, o in merged.indicators if i.variable == indicator.variable and o.layer < depth), None)
            if below is not None:
                problems.append(origin.problem(
                    f"'{indicator.variable}' already has an indicator in '{parent_id}' (at {below.where}): to change it, write "
                    f"[override.indicators.{indicator.variable}]", ("variable",), value=True))
                continue
            merged.indicators.append((indicator, origin))
            if depth:
                changes.append(Change("adds", "indicators", indicator.variable, origin))
    if layer.manifest is not None and layer.manifest.verdicts is not None:
        merged.verdicts = layer.manifest.verdicts
    merged.removed.update(removed_here)
    return changes


def _remove(merged: Merged, table: str, ident: str, origin: Origin, removed_here: dict[tuple[str, str], Origin], parent_id: str,
            problems: list[Problem], changes: list[Change]) -> None:
    if (table, ident) in removed_here:
        problems.append(origin.problem(f"'{ident}' is already removed at {removed_here[(table, ident)].where}", value=True))
        return
    if table == "indicators":
        index = next((i for i, (indicator, _) in enumerate(merged.indicators) if indicator.variable == ident), None)
        if index is None:
            known = [i.variable for i, _ in merged.indicators]
            problems.append(origin.problem(f"nothing to remove: '{parent_id}' has no indicator of '{ident}'{did_you_mean(ident, known)}", value=True))
            return
        del merged.indicators[index]
    else:
        if ident not in merged.tables[table]:
            problems.append(origin.problem(
                f"nothing to remove: '{parent_id}' has no {KIND[table]} '{ident}'{did_you_mean(ident, merged.tables[table])}", value=True))
            return
        del merged.tables[table][ident]
        del merged.origins[(table, ident)]
    removed_here[(table, ident)] = origin
    changes.append(Change("removes", table, ident, origin))


def _override(merged: Merged, table: str, ident: str, partial: Any, origin: Origin, removed_here: Mapping[tuple[str, str], Origin],
              added_here: Mapping[tuple[str, str], Origin], parent_id: str, problems: list[Problem], changes: list[Change]) -> None:
    fields = tuple(name for name in type(partial).model_fields if name in partial.model_fields_set)
    if not fields:
        problems.append(origin.problem("an override with nothing to change: give the fields to change"))
        return
    if (table, ident) in removed_here:
        problems.append(origin.problem(f"'{ident}' is removed by this mod (at {removed_here[(table, ident)].where}): "
                                       "remove it, or override it, not both"))
        return
    if table == "indicators":
        index = next((i for i, (indicator, _) in enumerate(merged.indicators) if indicator.variable == ident), None)
        if index is None:
            known = [i.variable for i, _ in merged.indicators]
            problems.append(origin.problem(f"'{parent_id}' has no indicator of '{ident}' to override{did_you_mean(ident, known)}"))
            return
        indicator, below = merged.indicators[index]
        new_origin = Origin(origin.doc, origin.path, origin.layer, frozenset(fields), below.base or below, below)
        merged.indicators[index] = (indicator.model_copy(update={name: getattr(partial, name) for name in fields}), new_origin)
        changes.append(Change("overrides", table, ident, new_origin, fields))
        return
    if ident not in merged.tables[table]:
        if (table, ident) in added_here:
            message = f"'{ident}' is defined by this mod (at {added_here[(table, ident)].where}): change it there"
        else:
            message = f"'{parent_id}' has no {KIND[table]} '{ident}' to override{did_you_mean(ident, merged.tables[table])}"
        problems.append(origin.problem(message))
        return
    below = merged.origins[(table, ident)]
    current = merged.tables[table][ident]
    merged.tables[table][ident] = current.model_copy(update={name: getattr(partial, name) for name in fields})
    # A problem in a field this override does not give is placed here, naming where the field was
    # last given (Origin.field_origin): the base, or the override of a mod lower in the stack.
    new_origin = Origin(origin.doc, origin.path, origin.layer, frozenset(fields), below.base or below, below)
    merged.origins[(table, ident)] = new_origin
    changes.append(Change("overrides", table, ident, new_origin, fields))


# --- problems the layering causes in the layers below -----------------------------------------


def attribute(problems: Iterable[Problem], changes: list[Change], files_below: frozenset[str], manifest: Origin | None) -> list[Problem]:
    """Problems placed in the files of the layers below (which loaded cleanly on their own) were
    caused by this layer: place each at the change that names what the problem is about — a
    removal first, then an override — else at the mod's manifest."""
    out = []
    for problem in problems:
        if problem.file not in files_below:
            out.append(problem)
            continue
        at = f"{problem.file}:{problem.line}:{problem.col}"
        for change in sorted((c for c in changes if c.kind != "adds"), key=lambda c: c.kind != "removes"):
            if re.search(rf"(?<![\w-]){re.escape(change.ident)}(?![\w-])", problem.message):
                verb = "removing" if change.kind == "removes" else "overriding"
                out.append(_at(change.origin, f"{verb} '{change.ident}' breaks {at}: {problem.message}", problem.severity))
                break
        else:
            if manifest is None:
                out.append(problem)
            else:
                out.append(_at(manifest, f"this mod's changes break {at}: {problem.message}", problem.severity))
    return out


def _at(origin: Origin, message: str, severity: str) -> Problem:
    """A problem at ``origin`` itself (for an override: its own table, whatever its fields)."""
    return origin.doc.problem(origin.path, message, value=origin.path[0] == "remove", severity=severity)
