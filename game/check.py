"""``main.py check``: validate rule sets, mods, scenarios, policies and saves, and print every
problem found as FILE:LINE:COL: SEVERITY: MESSAGE, then one line of counts.

Kept apart from :mod:`game.cli` so that the command line imports what checking needs only when it
checks (and not at all when :mod:`game.rules.checked` already holds the answer).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from game.files import FileProblem, plain_reason, read_file
from game.rules.mods import MODS_FOLDER, Library, is_zip
from game.rules.problems import LoadError, Problem
from game.rules.reading import MAX_FILE_BYTES, display_name, read_document
from game.rules.ruleset import MANIFEST_FILE, Ruleset, cached_rulesets, load_ruleset, ruleset_warnings
from game.rules.scenario import SCENARIO_FOLDER, available_scenarios, load_policy, load_scenario
from game.rules.valid_formulas import remembered
from game.textsafe import escape_controls


def check(paths: Sequence[Path], rules_root: Path, out: TextIO, policy_scenario: str | None = None) -> int:
    """Validate everything named (or everything shipped); print every problem; 0 if no errors.
    A folder that is not a rule set is checked whole: every rule set, scenario, policy and save
    in it (``check rules``, ``check rules/scenarios``, ``check saves``)."""
    with cached_rulesets(), remembered():
        return _check_all(paths, rules_root, out, policy_scenario)


def _check_all(paths: Sequence[Path], rules_root: Path, out: TextIO, policy_scenario: str | None = None) -> int:
    problems: set[Problem] = set()
    checked = 0
    targets = [target for path in paths for target in named_places(path, rules_root)] or _shipped(rules_root)
    if not targets:
        problems.add(Problem(display_name(rules_root), 1, 1, "no rule sets or scenarios here: give the folder that holds them"))
    for named in targets:
        found, empty = _expand(named)
        problems.update(empty)
        for target in found:
            checked += 1
            problems.update(_check_one(target, rules_root, policy_scenario, listing=out if paths else None))
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
    for problem in ordered:
        out.write(f"{problem}\n")
    errors = sum(p.severity == "error" for p in ordered)
    warnings = sum(p.severity == "warning" for p in ordered)
    notes = len(ordered) - errors - warnings
    status = "ok" if not errors else "FAILED"
    noted = f", {notes} note(s)" if notes else ""
    out.write(f"check {status}: {checked} item(s), {errors} error(s), {warnings} warning(s){noted}\n")
    return 1 if errors else 0


def _shipped(rules_root: Path) -> list[Path]:
    """Everything under ``rules_root``: its rule sets, its mods (``mods/``) and its scenarios."""
    try:
        sets = sorted(p for p in rules_root.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists()) if rules_root.is_dir() else []
        mods = list(Library.of(rules_root / MODS_FOLDER).places())
        scenarios = sorted((rules_root / SCENARIO_FOLDER).glob("*.toml"))
    except OSError:  # not a folder that can be listed: said by the caller
        return []
    return [*sets, *mods, *scenarios]


def named_places(path: Path, rules_root: Path) -> list[Path]:
    """A path as given, or — when there is no such file and it is an id — that rule set or mod
    (each of them when two as near share the id: each check says so)."""
    try:
        if path.exists() or len(path.parts) != 1:
            return [path]
    except (OSError, ValueError):  # a name the file system cannot look up: reading it says why
        return [path]
    return Library.default(rules_root).candidates(str(path)) or [path]


MAX_FOLDER_DEPTH = 8


def _expand(target: Path, depth: int = 0) -> tuple[list[Path], list[Problem]]:
    """What checking ``target`` means: itself, unless it is a folder that is not a rule set; then
    every rule set, ``.toml`` file and save (``.json``) inside it, folders within folders (links
    to folders are not followed). Also a problem if such a folder holds nothing to check."""
    try:
        is_folder = target.is_dir() and not (depth and target.is_symlink())
        is_ruleset = is_folder and (target / MANIFEST_FILE).is_file()
    except (OSError, ValueError):
        return [target], []  # the check of the path itself says what is wrong with it
    if not is_folder or is_ruleset:
        return [target], []
    found: list[Path] = []
    try:
        entries = sorted(p for p in target.iterdir() if not p.name.startswith("."))
    except OSError as err:
        return [], [Problem(display_name(target), 1, 1, f"cannot list the folder: {plain_reason(err)}")]
    for entry in entries:
        try:
            if entry.is_dir():
                if depth < MAX_FOLDER_DEPTH and not entry.is_symlink():
                    found += _expand(entry, depth + 1)[0]
            elif entry.suffix.lower() in (".toml", ".json"):
                found.append(entry)
        except OSError:
            found.append(entry)
    if not found and depth == 0:
        return [], [Problem(display_name(target), 1, 1, "no rule sets, scenarios, policies or saves (.toml, .json) in this folder")]
    return found, []


def _check_one(target: Path, rules_root: Path, policy_scenario: str | None = None, listing: TextIO | None = None) -> list[Problem]:
    try:
        if target.is_dir() or is_zip(target):
            return _check_ruleset(target, rules_root, listing)
    except OSError:
        pass  # the read below says what is wrong with the path
    if _is_save(target):
        return _check_save(target, rules_root)
    problems: list[Problem] = []
    doc = read_document(target, problems)
    if doc is None:
        return problems
    if "scenario" in doc.data:
        try:
            # A scenario is read with the rule sets beside it first (and above a scenarios/ folder).
            scenario = load_scenario(str(target), rules_root)
        except LoadError as err:
            return err.problems
        if listing is not None and scenario.teacher_notes:  # for the instructor who checks the class scenario
            listing.write(textwrap.fill(f"Teacher notes ({scenario.id}): {escape_controls(scenario.teacher_notes)}", 78,
                                        subsequent_indent="  ", break_on_hyphens=False) + "\n")
        return list(scenario.warnings)
    if "ruleset" in doc.data or (target.parent / MANIFEST_FILE).exists():
        return _check_ruleset(target.parent, rules_root, listing)
    if doc.data and set(doc.data) <= {"levers", "season"}:
        return _check_policy(target, rules_root, policy_scenario)
    return [Problem(display_name(target), 1, 1,
            "not a rule set file, a scenario or a policy: expected a [ruleset] or [scenario] table, [levers] or [[season]], "
            "or a file inside a rule set folder")]


def _check_policy(target: Path, rules_root: Path, scenario_ref: str | None) -> list[Problem]:
    """A policy file against the scenario named; without one, against every scenario: it passes
    if it fits one, else the problems it has with the one it fits best are shown."""
    name = display_name(target)
    if scenario_ref is not None:
        refs = [scenario_ref]
    else:
        refs = available_scenarios(rules_root)
    best: tuple[tuple[int, int], str, list[Problem]] | None = None
    for ref in refs:
        try:
            scenario = load_scenario(ref, rules_root)
        except LoadError as err:
            if scenario_ref is not None:
                return [Problem(name, 1, 1, f"cannot check this policy: its scenario '{scenario_ref}' does not load; its problems follow"), *err.problems]
            continue
        try:
            load_policy(target, scenario)
        except LoadError as err:
            errors = [p for p in err.problems if p.severity == "error"]
            # The closest: the one whose levers it names, then the fewest problems.
            rank = (sum("unknown lever" in p.message for p in errors), len(errors))
            if best is None or rank < best[0]:
                best = (rank, scenario.id, err.problems)
            continue
        return []
    if best is None:
        return [Problem(name, 1, 1, "cannot check this policy: no scenario loads (give one with --scenario)")]
    _count, ident, problems = best
    if scenario_ref is None and len(refs) > 1:
        note = Problem(name, 1, 1, f"this policy fits no scenario; checked against '{ident}', the closest (choose one with --scenario)", "warning")
        return [note, *problems]
    return problems


def _is_save(target: Path) -> bool:
    """A save is recognised by its extension, or by content that starts like JSON (only a regular
    file is looked into)."""
    if target.suffix.lower() == ".json":
        return True
    try:
        return read_file(target, MAX_FILE_BYTES, "a rule file").lstrip()[:1] == b"{"
    except FileProblem:
        return False


def _check_save(target: Path, rules_root: Path) -> list[Problem]:
    from game.saves import load_save

    try:
        loaded = load_save(target, rules_root)
    except LoadError as err:
        return err.problems
    if loaded.change is not None:
        return [Problem(display_name(target), 1, 1, f"{loaded.change.describe()} (the game can be replayed under the new rules or opened as saved)", "warning")]
    return []


def _check_ruleset(place: Path, rules_root: Path, listing: TextIO | None = None) -> list[Problem]:
    note = Library.default(rules_root).hiding(place)
    try:
        ruleset = load_ruleset(place, Library.around(place, rules_root))
    except LoadError as err:
        return err.problems + ([Problem(display_name(place), 1, 1, note, "warning")] if note else [])
    if listing is not None and ruleset.is_mod:
        listing.write(mod_listing(ruleset))
    warnings = ruleset_warnings(ruleset)
    if note is not None and ruleset.manifest_origin is not None:
        warnings.append(ruleset.manifest_origin.problem(note, ("id",), value=True, severity="warning"))
    return warnings


def mod_listing(ruleset: Ruleset) -> str:
    """What a mod is and what it does to the rule set it extends, one change a line."""
    mod = ruleset.stack[-1]
    by = f" by {', '.join(mod.authors)}" if mod.authors else ""
    lines = [f"Mod {mod.id} {mod.version}: \"{mod.name}\"{by}",
             f"  extends {ruleset.extends} (layers: {' -> '.join(layer.id for layer in ruleset.stack)})"]
    counts = {kind: sum(c.kind == kind for c in ruleset.changes) for kind in ("adds", "overrides", "removes")}
    lines.append(f"  adds {counts['adds']}, overrides {counts['overrides']}, removes {counts['removes']}:")
    for change in ruleset.changes:
        fields = f" ({', '.join(change.fields)})" if change.fields else ""
        line, _col = change.origin.doc.locations.find(change.origin.path)
        text = f"{change.kind:<10}{change.table}.{change.ident}{fields}, {Path(change.origin.doc.file).name}:{line}"
        lines += textwrap.wrap(text, 78, initial_indent="  ", subsequent_indent=" " * 12, break_on_hyphens=False)
    return "\n".join(lines) + "\n"
