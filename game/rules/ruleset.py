"""Loading a rule set, in stages: **read** each layer's files, **layer** the mods over the rule
set they extend, **validate** every cross-reference, **compile** the formulas and the order.

A rule set either loads whole or not at all: :func:`load_ruleset` returns a valid, immutable
:class:`Ruleset` or raises :class:`LoadError` carrying every problem found, each located in the
layer that caused it. Reading and layering are :mod:`game.rules.layers`; finding the rule set a
mod extends is :mod:`game.rules.mods`.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import hashlib
import keyword
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any

from game.formula import FUNCTIONS, MAX_EXPONENT, PREV, Formula, FormulaError, did_you_mean, expression_function, parse, to_python
from game.lazydata import dataclass, field
from game.rules.bare_numbers import bare_numbers, is_model_formula, lever_choices
from game.rules.layers import MANIFEST_MARK, Change, Layer, Merged, Origin, apply_layer, attribute, read_layer
from game.rules.locate import Path
from game.rules.models import (
    DEFINITION_TABLES,
    Citation,
    Draw,
    Ending,
    Event,
    Indicator,
    Invariant,
    Lever,
    Mechanism,
    Parameter,
    SocialClass,
    Term,
    Variable,
    Verdicts,
    Work,
)
from game.rules.mods import MANIFEST_FILE, Library, place_key, remembered_places
from game.rules.problems import LoadError, Problem
from game.rules.reading import display_name
from game.rules.season import Season
from game.rules.story import Story, assemble_story

__all__ = ["MANIFEST_FILE", "MANIFEST_MARK", "LayerInfo", "Origin", "Ruleset", "load_ruleset", "ruleset_warnings"]

# Names every formula can read: facts about the season being played.
SEASON_FACTS = ("year", "season_of_year", "is_winter", "is_spring", "is_summer", "is_autumn", "turn")
RESERVED = frozenset((*SEASON_FACTS, *FUNCTIONS, PREV, "true", "false", "inf", "nan"))


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a rule set's stack: the base, or a mod over it."""

    id: str
    name: str
    version: str
    hash: str  # the SHA-256 of the layer's own files
    place: str  # its folder or archive, as messages show it
    files: tuple[str, ...] = field(default=(), compare=False)
    authors: tuple[str, ...] = field(default=(), compare=False)
    description: str = field(default="", compare=False)


@dataclass(frozen=True)
class Ruleset:
    """A whole, valid rule set. Dicts keep declaration order (layer by layer, file-name order,
    then file order), except endings, which are in the order they are checked (by priority)."""

    id: str
    name: str
    description: str
    folder: str
    content_hash: str
    works: Mapping[str, Work]
    mechanisms: Mapping[str, Mechanism]
    parameters: Mapping[str, Parameter]
    levers: Mapping[str, Lever]
    variables: Mapping[str, Variable]
    draws: Mapping[str, Draw]
    events: Mapping[str, Event]
    endings: Mapping[str, Ending]
    indicators: tuple[Indicator, ...]
    formulas: Mapping[tuple[str, ...], Formula]
    order: tuple[str, ...]
    depends_on: Mapping[str, tuple[str, ...]]  # same-season inputs of each variable (the causal graph)
    origins: Mapping[tuple[str, str], Origin] = field(repr=False, compare=False)
    invariants: Mapping[str, Invariant] = field(default_factory=dict)
    classes: Mapping[str, SocialClass] = field(default_factory=dict)  # for the encyclopedia
    terms: Mapping[str, Term] = field(default_factory=dict)  # the glossary of the period's words
    verdicts: Verdicts | None = None  # the words for a good and a bad outcome (manifest)
    # The layers, base first and this rule set last (one layer for a rule set that is not a mod).
    stack: tuple[LayerInfo, ...] = ()
    extends: str | None = None  # the id of the rule set this one is a mod of
    changes: tuple[Change, ...] = field(default=(), repr=False, compare=False)  # what this mod does to it
    removed: Mapping[tuple[str, str], Origin] = field(default_factory=dict, repr=False, compare=False)  # by any mod of the stack
    indicator_origins: tuple[Origin, ...] = field(default=(), repr=False, compare=False)
    parent: Ruleset | None = field(default=None, repr=False, compare=False)
    manifest_origin: Origin | None = field(default=None, repr=False, compare=False)
    story: Story = field(default_factory=Story)  # how the reports speak of the numbers (game.rules.story)
    notes: tuple[Problem, ...] = field(default=(), repr=False, compare=False)  # warnings found while loading (a hidden namesake)

    def formula(self, *key: str) -> Formula:
        return self.formulas[key]

    @property
    def version(self) -> str:
        return self.stack[-1].version if self.stack else ""

    @property
    def is_mod(self) -> bool:
        return self.extends is not None

    def removed_note(self, table: str, ident: str) -> str:
        """`` (removed by mod 'x' at FILE:LINE:COL)`` when a mod of the stack removed it, else ``""``."""
        origin = self.removed.get((table, ident))
        if origin is None:
            return ""
        layer = self.stack[origin.layer].id if origin.layer < len(self.stack) else "a mod"
        return f" (removed by mod '{layer}' at {origin.where})"


# --------------------------------------------------------------------------------------------


_CACHE: dict[tuple[str, ...], Ruleset | LoadError] | None = None


@contextlib.contextmanager
def cached_rulesets() -> Iterator[None]:
    """Within this block, a rule set folder is read and checked once however many scenarios use
    it (files do not change during one command)."""
    global _CACHE
    outer, _CACHE = _CACHE, {} if _CACHE is None else _CACHE
    try:
        with remembered_places():
            yield
    finally:
        _CACHE = outer
        if outer is None:
            _WARNINGS.clear()


def load_ruleset(place: FsPath, library: Library | None = None) -> Ruleset:
    """Load and check the rule set or mod in ``place`` (a folder, or a mod's ``.zip``) with every
    layer below it, found by id in ``library`` (default: :meth:`Library.around` ``place``);
    raise :class:`LoadError` with every problem."""
    library = library or Library.around(place)
    return _load_cached(place, library, ())


def _load_cached(place: FsPath, library: Library, chain: tuple[str, ...]) -> Ruleset:
    if _CACHE is None:
        return _load(place, library, chain)
    # A rule set that extends nothing is the same whatever library it is looked up in (the
    # library only finds the rule sets a mod builds on): kept by its place alone, it is read
    # once however many scenarios, mods and checks name it.
    alone = (place_key(place),)
    key = (*alone, *map(place_key, library.folders))
    found = _CACHE.get(alone) or _CACHE.get(key)
    if found is None:
        try:
            found = _load(place, library, chain)
        except LoadError as err:
            found = err
        _CACHE[alone if isinstance(found, Ruleset) and found.extends is None else key] = found
    if isinstance(found, LoadError):
        raise LoadError(found.problems)
    return found


def _load(place: FsPath, library: Library, chain: tuple[str, ...]) -> Ruleset:
    problems: list[Problem] = []
    layer = read_layer(place, problems)  # 1. read
    if layer is None:
        raise LoadError(problems or [Problem(display_name(place), 1, 1, "the rule set cannot be read")])
    # Problems of one entry do not stop the checks of the others: every problem at once.
    parent = _parent(layer, library, chain, problems) if layer.manifest is not None else None
    merged = Merged.empty() if parent is None else _merged_of(parent)
    depth = len(parent.stack) if parent is not None else 0
    changes = apply_layer(merged, layer, depth, parent.id if parent else layer.id, problems)  # 2. layer
    checker = RuleChecker(merged.tables, merged.origins, problems)  # 3. validate
    checker.broken = layer.broken
    checker.check_all(merged.indicators)
    story = assemble_story(layer.docs, checker, parent.story if parent is not None else None)
    if parent is not None:
        problems[:] = attribute(problems, changes, merged.files_below, layer.manifest_origin)
    if any(p.severity == "error" for p in problems) or layer.manifest is None:
        raise LoadError(problems)
    ruleset = _compile(layer, parent, merged, checker, tuple(changes), story)  # 4. compile
    return dataclasses.replace(ruleset, notes=tuple(p for p in problems if p.severity != "error"))


def _parent(layer: Layer, library: Library, chain: tuple[str, ...], problems: list[Problem]) -> Ruleset | None:
    """The rule set ``layer`` extends, loaded (with everything below it); raises :class:`LoadError`
    placed at ``extends`` when it cannot be found or loaded, or when the chain loops."""
    manifest, origin = layer.manifest, layer.manifest_origin
    if manifest is None or origin is None or manifest.extends is None:
        return None

    def fail(message: str, extra: Iterable[Problem] = ()) -> LoadError:
        return LoadError([*problems, origin.problem(message, ("extends",), value=True), *extra])

    ident = manifest.extends
    chain = (*chain, layer.id)
    if ident in chain:
        loop = " -> ".join((*chain[chain.index(ident):], ident))
        raise fail(f"'{layer.id}' extends '{ident}', which builds on '{layer.id}' itself: the chain {loop} never reaches a base")
    near = library.with_first(layer.place.parent)
    found = near.candidates(ident)
    if not found:
        known = [i for i in near.ids() if i != layer.id]
        raise fail(f"no rule set or mod '{ident}'{did_you_mean(ident, known)} (looked in {', '.join(display_name(f) for f in near.folders)})")
    if len(found) > 1:
        raise fail(f"two rule sets are called '{ident}': {display_name(found[0])} and {display_name(found[1])}; rename or remove one")
    for hidden in near.hidden(ident)[:1]:
        problems.append(origin.problem(f"'{ident}' is taken from {display_name(found[0])}; another rule set or mod called '{ident}' "
                                       f"at {display_name(hidden)} is not used (it is looked for beside this mod first): rename one of them",
                                       ("extends",), value=True, severity="warning"))
    try:
        return _load_cached(found[0], library, chain)
    except LoadError as err:
        raise fail(f"'{ident}', which this mod extends, does not load: {len(err.errors)} error(s), listed here", err.problems) from None


def _merged_of(parent: Ruleset) -> Merged:
    """The parent rule set's tables, ready for the next layer to be put over them."""
    tables = {table: dict(getattr(parent, table)) for table in DEFINITION_TABLES}
    indicators = list(zip(parent.indicators, parent.indicator_origins))
    files = frozenset(f for info in parent.stack for f in info.files)
    return Merged(tables, dict(parent.origins), indicators, parent.verdicts, dict(parent.removed), files)


def _compile(layer: Layer, parent: Ruleset | None, merged: Merged, checker: RuleChecker, changes: tuple[Change, ...],
             story: Story | None = None) -> Ruleset:
    manifest = layer.manifest
    assert manifest is not None
    info = LayerInfo(manifest.id, manifest.name, manifest.version, layer.content_hash, display_name(layer.place), layer.files,
                     tuple(manifest.authors), manifest.description)
    stack = (*(parent.stack if parent else ()), info)
    if parent is None:
        content_hash = layer.content_hash
    else:  # the whole stack: any layer changed, the rule set changed
        content_hash = hashlib.sha256("".join(f"{i.id}\0{i.hash}\0" for i in stack).encode()).hexdigest()
    m = merged.tables
    return Ruleset(
        id=manifest.id, name=manifest.name, description=manifest.description, folder=str(layer.place),
        content_hash=content_hash, works=m["works"], mechanisms=m["mechanisms"],
        parameters=m["parameters"], levers=m["levers"], variables=m["variables"],
        draws=m["draws"], events=m["events"], endings=by_priority(m["endings"]),
        indicators=tuple(i for i, _ in merged.indicators), formulas=checker.formulas, order=checker.order,
        depends_on=checker.depends_on, origins=merged.origins, invariants=m["invariants"],
        classes=m["classes"], terms=m["terms"], verdicts=merged.verdicts,
        stack=stack, extends=manifest.extends, changes=changes, removed=merged.removed,
        indicator_origins=tuple(o for _, o in merged.indicators), parent=parent, manifest_origin=layer.manifest_origin,
        story=story or Story(),
    )


def by_priority(endings: Mapping[str, Ending]) -> dict[str, Ending]:
    """Endings in the order they are checked: higher priority first, equal ones as declared."""
    return dict(sorted(endings.items(), key=lambda item: -item[1].priority))


def ruleset_warnings(ruleset: Ruleset) -> list[Problem]:
    """Problems that do not stop a rule set from loading: unused mechanisms, endings that can never
    fire. For a mod, only those its own changes cause, placed in its files. Within
    :func:`cached_rulesets`, worked out once for each rule set (a check of every mod asks for the
    base's again under each)."""
    if _CACHE is None:
        return _ruleset_warnings(ruleset)
    kept = _WARNINGS.get(id(ruleset))
    if kept is None or kept[0] is not ruleset:
        kept = _WARNINGS[id(ruleset)] = (ruleset, _ruleset_warnings(ruleset))
    return list(kept[1])


# The warnings of each rule set loaded within cached_rulesets, by id (with the rule set itself:
# another object may take the id of one that is gone).
_WARNINGS: dict[int, tuple[Ruleset, list[Problem]]] = {}


def _ruleset_warnings(ruleset: Ruleset) -> list[Problem]:
    problems: list[Problem] = list(ruleset.notes)
    used: set[str] = set()
    for table in ("variables", "events", "endings", "levers", "invariants"):
        for definition in getattr(ruleset, table).values():
            used.update(definition.mechanisms)
    for mech_id in ruleset.mechanisms:
        if mech_id not in used:
            problems.append(
                ruleset.origins[("mechanisms", mech_id)].problem(
                    f"mechanism '{mech_id}' is declared but no rule names it", severity="warning"
                )
            )
    problems += unreachable_endings(ruleset.endings, ruleset.formulas, lambda ident: ruleset.origins[("endings", ident)])
    problems += shared_citations(ruleset)
    problems += bare_number_warnings(ruleset)
    if ruleset.parent is not None:
        known = set(ruleset_warnings(ruleset.parent))
        files = frozenset(f for info in ruleset.parent.stack for f in info.files)
        problems = attribute([p for p in problems if p not in known], list(ruleset.changes), files, ruleset.manifest_origin)
    return problems


def bare_number_warnings(ruleset: Ruleset) -> list[Problem]:
    """For a mod: a warning at each game number written into a model formula it adds or
    overrides (see :mod:`game.rules.bare_numbers`), not an error: the mod still loads. A shipped
    rule set is held to it by a test instead."""
    if ruleset.parent is None:
        return []
    choices = lever_choices(ruleset.levers)
    out: list[Problem] = []
    for change in ruleset.changes:
        if change.kind == "removes":
            continue
        for key, formula in ruleset.formulas.items():
            if key[:2] != (change.table, change.ident) or not is_model_formula(key):
                continue
            if change.kind == "overrides" and key[2] not in change.fields:
                continue
            for value, line, col in bare_numbers(formula, choices):
                why = (f"the number {value:g} is written into the formula: make it a parameter (with a description, "
                       "bounds and a source) so that players see what it means and scenarios can change it")
                found = change.origin.formula_problem(key[2:], FormulaError(why, line, col))
                out.append(dataclasses.replace(found, severity="warning"))
    return out


# More variables than this citing one line range for different mechanisms is a warning: a passage
# that supports so many unrelated formulas supports none of them in particular.
MAX_SHARED_CITATION = 4


def shared_citations(ruleset: Ruleset) -> list[Problem]:
    """Warnings for a line range of a work that more than :data:`MAX_SHARED_CITATION` variables
    cite, unless all of them name the same mechanisms (the parts of one mechanism may share its
    passage); one warning at each such variable's ``lines``."""
    citing: dict[tuple[str, int, int], list[str]] = {}
    for ident, variable in ruleset.variables.items():
        if variable.source.lines is not None:
            citing.setdefault((variable.source.work, *variable.source.lines), []).append(ident)
    out: list[Problem] = []
    for (work, first, last), idents in citing.items():
        mechanisms = {frozenset(ruleset.variables[i].mechanisms) for i in idents}
        if len(idents) <= MAX_SHARED_CITATION or len(mechanisms) == 1:
            continue
        for ident in idents:
            others = [i for i in idents if i != ident]
            shown = ", ".join(f"'{i}'" for i in others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            out.append(ruleset.origins[("variables", ident)].problem(
                f"lines {first}-{last} of '{work}' are also cited by {shown}, {len(idents)} variables of "
                f"{len(set().union(*mechanisms))} mechanisms in all; cite the lines that support this variable's own formula", ("source", "lines"),
                value=True, severity="warning"))
    return out


def constant_value(formula: Formula) -> float | None:
    """The value of a formula that reads nothing (``"1"``, ``"0.5 * 2"``); None if it reads a name
    or cannot be computed."""
    if formula.names or formula.prev_names:
        return None

    def nothing(name: str) -> ast.expr:
        raise KeyError(name)

    try:
        value = float(expression_function("constant", [], to_python(formula, nothing, nothing), "<constant>")())
    except (ArithmeticError, ValueError, KeyError):
        return None
    return value if math.isfinite(value) else None


def unreachable_endings(endings: Mapping[str, Ending], formulas: Mapping[tuple[str, ...], Formula], origin_of: Any) -> list[Problem]:
    """Warnings for endings that can never fire because an ending checked before them always holds
    (a catch-all such as condition = "1"): ``any`` endings are checked after every season, ``end``
    ones after the last; each group by priority, then in order."""
    out: list[Problem] = []
    catch_any: str | None = None
    catch_end: str | None = None
    ordered = [(i, e) for i, e in endings.items() if e.when == "any"] + [(i, e) for i, e in endings.items() if e.when == "end"]
    for ident, ending in ordered:
        first = catch_any or (catch_end if ending.when == "end" else None)
        if first is not None:
            shown = "after every season" if endings[first].when == "any" else "after the last season"
            out.append(origin_of(ident).problem(
                f"ending '{ident}' can never fire: '{first}' (at {origin_of(first).where}) is checked before it and always holds "
                f"{shown}; give '{ident}' a higher priority than {endings[first].priority}", severity="warning"))
            continue
        formula = formulas.get(("endings", ident, "condition"))
        if formula is not None and constant_value(formula):
            if ending.when == "any":
                catch_any = ident
            else:
                catch_end = ident
    return out


class RuleChecker:
    """The second pass: names, references, bounds and the dependency order."""

    def __init__(self, merged: dict[str, dict[str, Any]], origins: dict[tuple[str, str], Origin], problems: list[Problem]) -> None:
        self.m = merged
        self.origins = origins
        self.problems = problems
        # Names whose definitions failed validation (already reported): they exist, so a
        # reference to them is not reported again as unknown.
        self.broken: set[str] = set()
        self.formulas: dict[tuple[str, ...], Formula] = {}
        self.order: tuple[str, ...] = ()
        self.depends_on: dict[str, tuple[str, ...]] = {}

    @classmethod
    def for_ruleset(cls, ruleset: Ruleset, origins: dict[tuple[str, str], Origin], problems: list[Problem]) -> RuleChecker:
        """A checker over a loaded rule set, for definitions that come from elsewhere (a scenario)."""
        merged = {table: dict(getattr(ruleset, table)) for table in DEFINITION_TABLES}
        checker = cls(merged, {**ruleset.origins, **origins}, problems)
        checker.names = {n: t for t in ("parameters", "levers", "variables", "draws", "events") for n in merged[t]}
        return checker

    def err(self, table: str, ident: str, message: str, sub: Path = (), value: bool = True) -> None:
        self.problems.append(self.origins[(table, ident)].problem(message, sub, value=value))

    def check_all(self, indicators: list[tuple[Indicator, Origin]]) -> None:
        self.check_names()
        self.check_citations()
        self.check_mechanism_refs()
        self.check_parameters()
        self.check_levers()
        self.check_draws()
        self.check_variables()
        for ident, event in self.m["events"].items():
            check_event(self, ident, event)
        self.check_endings()
        self.check_encyclopedia(indicators)
        names = set(ending_names(self.m))
        for ident, invariant in self.m["invariants"].items():
            check_invariant(self, ident, invariant, names)
        for indicator, origin in indicators:
            if indicator.variable not in self.m["variables"] and indicator.variable not in self.broken:
                hint = did_you_mean(indicator.variable, self.m["variables"])
                self.problems.append(origin.problem(f"unknown variable '{indicator.variable}'{hint}", ("variable",), value=True))
            for index, name in enumerate(indicator.chart):
                if name not in self.m["variables"] and name not in self.broken:
                    hint = did_you_mean(name, self.m["variables"])
                    self.problems.append(origin.problem(f"chart: unknown variable '{name}'{hint}", ("chart", index), value=True))
            if any(len(digits) > 2 for digits in re.findall(r"\d+", indicator.format)):
                # A width or precision of 100 or more is no display format (and a huge one would
                # make the check itself build a huge string).
                self.problems.append(origin.problem(f"'{indicator.format}': width and precision must be below 100", ("format",), value=True))
                continue
            try:
                format(1234.5678, indicator.format)
            except (ValueError, TypeError):
                self.problems.append(origin.problem(f"'{indicator.format}' is not a number format (try '.1f', ',.0f' or '.0%')", ("format",), value=True))

    # -- names -------------------------------------------------------------------------------
    def check_names(self) -> None:
        tables_of: dict[str, list[str]] = {}
        for table in ("parameters", "levers", "variables", "draws", "events"):
            for ident in self.m[table]:
                problem = name_problem(ident)
                if problem:
                    self.err(table, ident, problem, value=False)
                elif ident in RESERVED:
                    self.err(table, ident, f"'{ident}' is a reserved name (season facts and functions: {', '.join(sorted(RESERVED))})", value=False)
                else:
                    tables_of.setdefault(ident, []).append(table)
        seen: dict[str, str] = {}
        for ident, tables in tables_of.items():
            # The first definition in the files keeps the name; the later ones are the problem.
            if len(tables) > 1:  # placing definitions costs a scan of the file: only when needed
                tables = sorted(tables, key=lambda t: self.origins[(t, ident)].order)
            first, *later = tables
            seen[ident] = first
            for table in later:
                other = self.origins[(first, ident)].where
                self.err(table, ident, f"'{ident}' is already a name in {first} (at {other}); formulas need one meaning per name", value=False)
        self.names = seen

    def check_citations(self) -> None:
        for (table, ident), origin in self.origins.items():
            self.check_citations_of(origin, self.m[table][ident])

    def check_citations_of(self, origin: Origin, definition: Any) -> None:
        """The works cited by one definition must be declared."""
        works = self.m["works"]
        cites: list[tuple[Path, Citation]] = []
        if isinstance(getattr(definition, "source", None), Citation):
            cites.append((("source",), definition.source))
        if isinstance(definition, (Mechanism, Term, SocialClass)):
            cites.extend((("sources", i), c) for i, c in enumerate(definition.sources))
        for sub, cite in cites:
            if cite.work not in works and cite.work not in self.broken:
                hint = did_you_mean(cite.work, works)
                known = f" (declared works: {', '.join(works) or 'none — add [works.<id>] to ruleset.toml'})" if not hint else ""
                self.problems.append(origin.problem(f"unknown work '{cite.work}'{hint}{known}", sub + ("work",), value=True))

    def check_mechanism_refs(self) -> None:
        for table in ("levers", "variables", "events", "endings", "invariants"):
            for ident, definition in self.m[table].items():
                self.check_mechanisms_of(table, ident, definition)

    def check_mechanisms_of(self, table: str, ident: str, definition: Any) -> None:
        """The mechanism ids one definition names must be declared."""
        mechanisms = self.m["mechanisms"]
        for index, mech in enumerate(definition.mechanisms):
            if mech not in mechanisms and mech not in self.broken:
                self.err(table, ident, f"unknown mechanism '{mech}'{did_you_mean(mech, mechanisms)}", ("mechanisms", index))

    def check_encyclopedia(self, indicators: list[tuple[Indicator, Origin]]) -> None:
        """Glossary terms and classes: their see_also links and a class's variables must exist."""
        shown = [i.variable for i, _ in indicators]
        targets: dict[str, Iterable[str]] = {
            "term": self.m["terms"], "class": self.m["classes"], "mechanism": self.m["mechanisms"],
            "lever": self.m["levers"], "indicator": shown, "variable": self.m["variables"], "work": self.m["works"],
        }
        for table in ("classes", "terms"):
            for ident, definition in self.m[table].items():
                for index, link in enumerate(definition.see_also):
                    kind, _, target = link.partition(":")
                    known = list(targets[kind])
                    if target not in known and target not in self.broken:
                        hint = did_you_mean(target, known)
                        self.err(table, ident, f"see_also: unknown {kind} '{target}'{hint}", ("see_also", index))
                for index, name in enumerate(getattr(definition, "variables", ())):
                    if name not in self.m["variables"] and name not in self.broken:
                        self.err(table, ident, f"unknown variable '{name}'{did_you_mean(name, self.m['variables'])}", ("variables", index))

    # -- numbers -----------------------------------------------------------------------------
    def check_parameters(self) -> None:
        for ident, p in self.m["parameters"].items():
            if p.min is not None and p.max is not None and p.min > p.max:
                self.err("parameters", ident, f"min {p.min:g} is above max {p.max:g}", ("min",))
                continue
            check_range(self, "parameters", ident, p.value, p.min, p.max, ("value",))

    def check_levers(self) -> None:
        for ident, lever in self.m["levers"].items():
            if lever.min > lever.max:
                self.err("levers", ident, f"min {lever.min:g} is above max {lever.max:g}", ("min",))
                continue
            if not math.isfinite((lever.max - lever.min) / lever.step):
                self.err("levers", ident, f"step {lever.step:g} is too small for the range {lever.min:g}..{lever.max:g}", ("step",))
                continue
            if not lever.min <= lever.default <= lever.max:
                self.err("levers", ident, f"default {lever.default:g} is outside {lever.min:g}..{lever.max:g}", ("default",))
            elif not on_step(lever.default, lever.min, lever.step):
                self.err("levers", ident, f"default {lever.default:g} is not min plus a whole number of steps of {lever.step:g}", ("default",))
            if not on_step(lever.max, lever.min, lever.step):
                self.err("levers", ident,
                    f"max {lever.max:g} is not min plus a whole number of steps of {lever.step:g}: the slider could never reach it", ("max",))
            if lever.choices is not None:
                count = round((lever.max - lever.min) / lever.step) + 1
                if len(lever.choices) != count:
                    self.err("levers", ident,
                        f"{len(lever.choices)} choices for {count} possible values ({lever.min:g} to {lever.max:g} in steps of {lever.step:g})", ("choices",))

    def check_draws(self) -> None:
        for ident, d in self.m["draws"].items():
            if d.min > d.max:
                self.err("draws", ident, f"min {d.min:g} is above max {d.max:g}", ("min",))
                continue
            needs = {"normal": ("mean", "sd"), "triangular": ("mode",), "uniform": ()}[d.distribution]
            for key in needs:
                if getattr(d, key) is None:
                    self.err("draws", ident, f"a {d.distribution} draw needs '{key}'", value=False)
            for key in ("mean", "mode", "default"):
                value = getattr(d, key)
                if value is not None and not d.min <= value <= d.max:
                    self.err("draws", ident, f"{key} {value:g} is outside min..max ({d.min:g}..{d.max:g})", (key,))
            if d.seasons is not None and d.default is None:
                self.err("draws", ident, "a draw limited to some seasons needs a 'default' for the others", ("seasons",))

    # -- formulas ----------------------------------------------------------------------------
    def parse(self, table: str, ident: str, sub: tuple[str, ...], text: str | float) -> Formula | None:
        source = repr(float(text)) if isinstance(text, (int, float)) and not isinstance(text, bool) else text
        try:
            formula = parse(source)  # type: ignore[arg-type]
        except FormulaError as err:
            self.problems.append(self.origins[(table, ident)].formula_problem(sub, err))
            return None
        self.formulas[(table, ident, *sub)] = formula
        return formula

    def check_refs(self, table: str, ident: str, sub: tuple[str, ...], formula: Formula, allowed: Iterable[str], context: str) -> bool:
        """Every name and prev() of ``formula`` must be allowed here; exponents must be parameters."""
        origin = self.origins[(table, ident)]
        allowed_set = allowed if isinstance(allowed, (set, frozenset)) else set(allowed)  # (callers with many formulas pass one set)
        ok = True
        for name in formula.names:
            if name in allowed_set or name in self.broken:
                continue
            ok = False
            if name in self.m["variables"] and context == "event":
                message = f"'{name}' is this season's value, not yet known when events fire: write prev({name})"
            elif name in self.names:
                message = f"'{name}' ({self.names[name]}) cannot be used in {context} formulas"
            else:
                message = f"unknown name '{name}'{did_you_mean(name, [*allowed_set])}"
            self.problems.append(origin.formula_problem(sub, FormulaError(message, *use_position(formula, name, "bare"))))
        for name in formula.prev_names:
            if name in self.broken or name in self.m["levers"] or (name in self.m["variables"] and self.m["variables"][name].initial is not None):
                continue
            ok = False
            if name in self.m["variables"]:
                message = f"prev({name}) needs an initial value: add 'initial = ...' to variables.{name}"
            elif name in self.names:
                message = f"prev() takes a variable or lever; '{name}' is in {self.names[name]}"
            else:
                known = [*self.m["variables"], *self.m["levers"]]
                message = f"prev() takes a variable or lever; '{name}' is not one{did_you_mean(name, known)}"
            self.problems.append(origin.formula_problem(sub, FormulaError(message, *use_position(formula, name, "prev"))))
        for name in formula.exponent_names:
            param = self.m["parameters"].get(name)
            where = use_position(formula, name, "exponent")
            if param is None:
                ok = False
                self.problems.append(origin.formula_problem(sub, FormulaError(f"the exponent '{name}' must be a parameter (a number fixed at load)", *where)))
            elif abs(param.value) > MAX_EXPONENT:
                ok = False
                message = f"exponent parameter '{name}' = {param.value:g} is too large; at most {MAX_EXPONENT:g}"
                self.problems.append(origin.formula_problem(sub, FormulaError(message, *where)))
        return ok

    def check_variables(self) -> None:
        variables = self.m["variables"]
        names = set([*SEASON_FACTS, *self.m["parameters"], *self.m["levers"], *variables, *self.m["draws"], *self.m["events"]])
        deps: dict[str, tuple[str, ...]] = {}
        for ident, v in variables.items():
            if v.min > v.max:
                self.err("variables", ident, f"min {v.min:g} is above max {v.max:g}", ("min",))
            elif v.initial is not None:
                check_range(self, "variables", ident, v.initial, v.min, v.max, ("initial",))
            formula = self.parse("variables", ident, ("formula",), v.formula)
            if formula is None:
                continue
            self.check_refs("variables", ident, ("formula",), formula, names, "variable")
            deps[ident] = tuple(n for n in formula.names if n in variables)
        self.depends_on = deps
        self.order = self.sort(deps)

    def sort(self, deps: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        """Variables in an order where each comes after those it reads this season."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done
        for root in deps:
            if state.get(root):
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            path: list[str] = []
            while stack:
                node, i = stack.pop()
                if i == 0:
                    if state.get(node) == 2:
                        continue
                    state[node] = 1
                    path.append(node)
                children = deps.get(node, ())
                if i < len(children):
                    stack.append((node, i + 1))
                    child = children[i]
                    if state.get(child) == 1:
                        cycle = path[path.index(child):] + [child]
                        message = "same-season cycle: " + " -> ".join(cycle) + "; break it with prev()"
                        # Point at the use, in the first variable's formula, of the next one.
                        formula = self.formulas[("variables", child, "formula")]
                        at = use_position(formula, cycle[1], "bare")
                        self.problems.append(self.origins[("variables", child)].formula_problem(("formula",), FormulaError(message, *at)))
                        return ()
                    if state.get(child) != 2:
                        stack.append((child, 0))
                else:
                    state[node] = 2
                    path.pop()
                    order.append(node)
        return tuple(order)

    def check_endings(self) -> None:
        names = set(ending_names(self.m))
        for ident, ending in self.m["endings"].items():
            formula = self.parse("endings", ident, ("condition",), ending.condition)
            if formula is not None:
                self.check_refs("endings", ident, ("condition",), formula, names, "ending")


def name_problem(ident: str) -> str:
    """Why ``ident`` cannot be a name in formulas, or ``""``."""
    if keyword.iskeyword(ident):
        return f"'{ident}' is a word of the formula language and cannot be a name"
    if not ident.isidentifier() or ident.startswith("_") or not ident.isascii():
        return f"'{ident}' cannot be used in formulas: use letters, digits and '_', starting with a letter"
    return ""


def use_position(formula: Formula, name: str, kind: str) -> tuple[int, int]:
    """Line and column (inside the formula) of the first use of ``name`` in the text, of one
    ``kind``: ``"bare"`` (this season's value), ``"prev"`` (inside prev(...)) or ``"exponent"``."""
    prev_args: set[int] = set()
    exponents: set[int] = set()
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == PREV:
            prev_args.update(id(arg) for arg in node.args)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            right = node.right.operand if isinstance(node.right, ast.UnaryOp) else node.right
            exponents.add(id(right))
    found = []
    for node in ast.walk(formula.tree):
        if isinstance(node, ast.Name) and node.id == name:
            node_kind = "prev" if id(node) in prev_args else "exponent" if id(node) in exponents else "bare"
            if node_kind == kind or (kind == "bare" and node_kind == "exponent"):
                found.append((node.lineno, node.col_offset))
    return min(found) if found else formula.name_position(name)


def ending_names(m: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What an ending's or invariant's formulas may read: anything of this season, and prev()."""
    return [*SEASON_FACTS, *m["parameters"], *m["levers"], *m["variables"], *m["draws"], *m["events"]]


def check_invariant(checker: RuleChecker, ident: str, invariant: Invariant, names: Iterable[str], table: str = "invariants") -> bool:
    """Check an invariant's form (a condition, or a balance of left and right) and its formulas;
    True when all of them are valid."""
    sides = {"condition": invariant.condition, "left": invariant.left, "right": invariant.right}
    given = [key for key, text in sides.items() if text is not None]
    if "condition" in given and len(given) > 1:
        checker.err(table, ident, "give either a condition or a balance (left and right), not both", (given[1],), value=False)
        return False
    if "condition" not in given and len(given) != 2:
        missing = "right" if "left" in given else "left" if "right" in given else "condition"
        hint = f"a balance needs both left and right: '{missing}' is missing" if given else "missing a 'condition' (or 'left' and 'right' for a balance)"
        checker.err(table, ident, hint, value=False)
        return False
    if invariant.tolerance is not None and "condition" in given:
        checker.err(table, ident, "a tolerance applies to a balance (left and right), not to a condition", ("tolerance",), value=False)
        return False
    names = names if isinstance(names, (set, frozenset)) else set(names)
    ok = True
    for key in given:
        formula = checker.parse(table, ident, (key,), sides[key])  # type: ignore[arg-type]
        ok = formula is not None and checker.check_refs(table, ident, (key,), formula, names, "invariant") and ok
    return ok


def event_names(m: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """What an event's formulas may read: no this-season variables, no event flags."""
    return [*SEASON_FACTS, *m["parameters"], *m["levers"], *m["draws"]]


def check_event(checker: RuleChecker, ident: str, event: Event, table: str = "events") -> None:
    """Check an event's season, condition, chance and effects (rule-set or scenario event)."""
    names = set(event_names(checker.m))
    for sub, text in (("condition",), event.condition), (("chance",), event.chance):
        formula = checker.parse(table, ident, sub, text)
        if formula is not None:
            checker.check_refs(table, ident, sub, formula, names, "event")
        if formula is not None and sub == ("chance",):
            value = constant_value(formula)
            if value is not None and not 0 <= value <= 1:
                checker.err(table, ident, f"a chance is a probability from 0 to 1, found {value:g}", sub)
    for target, text in event.effects.items():
        if target not in checker.m["variables"] and target not in checker.broken:
            checker.err(table, ident, f"an effect must name a variable; '{target}' is not one{did_you_mean(target, checker.m['variables'])}",
                ("effects", target), value=False)
            continue
        formula = checker.parse(table, ident, ("effects", target), text)
        if formula is not None:
            checker.check_refs(table, ident, ("effects", target), formula, names, "event")
    if event.season is not None:
        try:
            Season.parse(event.season)
        except ValueError as err:
            checker.err(table, ident, str(err), ("season",))


def check_range(checker: RuleChecker, table: str, ident: str, value: float, lo: float | None, hi: float | None, sub: Path) -> None:
    if lo is not None and value < lo or hi is not None and value > hi:
        bounds = f"{'-inf' if lo is None else f'{lo:g}'}..{'inf' if hi is None else f'{hi:g}'}"
        checker.err(table, ident, f"{value:g} is outside the declared bounds {bounds}", sub)


def on_step(value: float, start: float, step: float) -> bool:
    """Is ``value`` ``start`` plus a whole number of ``step`` s (to a millionth of a step)?"""
    steps = (value - start) / step
    return math.isfinite(steps) and abs(steps - round(steps)) < 1e-6
