"""The story tables of a rule set: headlines, quantities, meters, warnings, the scorecard and the
debriefs (how the reports speak of the rules' numbers). Merged from every file of the rule set
and checked here; the engine never reads them, :mod:`game.present` does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from game.formula import Formula, did_you_mean
from game.lazydata import dataclass, field
from game.rules.models import EndingStory, Headline, Meter, Quantity, RuleFile, ScoreAxis, Warnings
from game.rules.reading import Document

# ``{name}`` in a story text: a variable's or lever's value, with its unit.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Story:
    """A rule set's story tables, merged (each list in file order)."""

    headlines: tuple[Headline, ...] = ()
    quantities: Mapping[str, Quantity] = field(default_factory=dict)
    meters: tuple[Meter, ...] = ()
    warnings: Warnings = Warnings.model_construct()  # the defaults (not validated again: building the validator costs start-up)
    scorecard: tuple[ScoreAxis, ...] = ()
    debriefs: Mapping[str, EndingStory] = field(default_factory=dict)
    # The parsed formulas: ("headlines", i), ("scorecard", i), ("debriefs", ending, i) -> formula.
    formulas: Mapping[tuple[str | int, ...], Formula] = field(default_factory=dict)
    # The files that tell it, layer by layer (the base first): a mod's names are checked against them.
    sources: tuple[tuple[tuple[Document, RuleFile], ...], ...] = field(default=(), compare=False, repr=False)


def placeholders(text: str) -> list[str]:
    """The names a story text shows (``{name}``), in order."""
    return PLACEHOLDER.findall(text)


def assemble_story(docs: list[tuple[Document, RuleFile]], checker: Any, base: Story | None = None) -> Story:
    """Merge the story tables of every file and check them with ``checker`` (a
    :class:`~game.rules.ruleset.RuleChecker` that has checked the rest of the rule set): formulas
    parsed and their names known, placeholders, variables, endings. A mod's story is laid over
    ``base``, the story of the rule set it extends: its headlines are said first, its quantities
    and debriefs replace those of the same id, its meters and axes are added, its warnings replace.
    The story of the layers below is checked again against the mod's rules: a name the mod removes
    that a story line still reads is a problem at that line (placed at the removal afterwards, by
    :func:`game.rules.layers.attribute`)."""
    from game.rules.layers import Origin
    from game.rules.ruleset import ending_names

    m = checker.m
    names = ending_names(m)
    shown = {*m["variables"], *m["levers"]}
    headlines: list[Headline] = []
    quantities: dict[str, Quantity] = {}
    meters: list[Meter] = []
    scorecard: list[ScoreAxis] = []
    debriefs: dict[str, EndingStory] = {}
    where: dict[str, Origin] = {}

    added: list[tuple[str, str]] = []  # origins lent to the checker while the story is checked

    def origin(doc: Document, table: str, key: str | int) -> tuple[str, str]:
        ident = (f"story:{table}", f"{doc.file}#{key}")
        checker.origins[ident] = Origin(doc, (table,) if key == "" else (table, key))
        added.append(ident)
        return ident

    formulas: dict[tuple[str | int, ...], Formula] = {}

    def formula(ident: tuple[str, str], sub: tuple[Any, ...], text: Any, key: tuple[str | int, ...]) -> None:
        path = tuple(str(s) for s in sub)
        parsed = checker.parse(*ident, path, text)
        if parsed is not None and check_names(checker, ident, path, parsed, names):
            formulas[key] = parsed

    def texts(ident: tuple[str, str], sub: tuple[Any, ...], text: str) -> None:
        for name in placeholders(text):
            if name not in shown and name not in checker.broken:
                hint = did_you_mean(name, sorted(shown))
                checker.problems.append(checker.origins[ident].problem(
                    f"'{{{name}}}' names no variable or lever (a story text shows numbers as {{variable}}){hint}", sub, value=True))

    told = tuple((doc, f) for doc, f in docs if _tells(f))
    try:
        _read(docs, checker, origin, formula, texts, headlines, quantities, meters, scorecard, debriefs, where)
        warnings = next((f.warnings for _, f in docs if f.warnings is not None), None)
        extra = [origin(doc, "warnings", "") for doc, f in docs if f.warnings is not None][1:]
        for ident in extra:
            checker.problems.append(checker.origins[ident].problem("a second [warnings] table; a rule set has one"))
        if base is not None:
            kept, formulas = formulas, {}
            _check_below(base.sources, {*quantities}, {*debriefs}, checker, origin, formula, texts)
            formulas = kept
    finally:
        for ident in added:
            checker.origins.pop(ident, None)
        for key in [k for k in checker.formulas if str(k[0]).startswith("story:")]:
            del checker.formulas[key]
    if base is not None:
        layer = Story(tuple(headlines), quantities, tuple(meters), warnings or base.warnings, tuple(scorecard), debriefs, formulas)
        return dataclasses.replace(_over(base, layer), sources=(*base.sources, told))
    return Story(tuple(headlines), quantities, tuple(meters), warnings or Warnings.model_construct(), tuple(scorecard), debriefs, formulas, (told,))


def _tells(f: RuleFile) -> bool:
    """Whether a file has story tables (headlines, quantities, meters, scorecard, debriefs)."""
    return bool(f.headlines or f.quantities or f.meters or f.scorecard or f.debriefs)


def _check_below(sources: tuple[tuple[tuple[Document, RuleFile], ...], ...], quantities: set[str], debriefs: set[str], checker: Any,
                 origin: Any, formula: Any, texts: Any) -> None:
    """Check the story of the layers below again against the rules as this layer leaves them,
    except the quantities and debriefs a layer above tells anew. Only what a name this layer
    removes or changes breaks can fail: the layers below loaded cleanly on their own."""
    for docs in reversed(sources):  # the nearest layer first: what it tells anew hides what is below
        in_effect = [(doc, f.model_copy(update={"quantities": {k: v for k, v in f.quantities.items() if k not in quantities},
                                                "debriefs": {k: v for k, v in f.debriefs.items() if k not in debriefs}}))
                     for doc, f in docs]
        _read(in_effect, checker, origin, formula, texts, [], {}, [], [], {}, {})
        quantities |= {name for _, f in docs for name in f.quantities}
        debriefs |= {ending for _, f in docs for ending in f.debriefs}


def _read(docs: list[tuple[Document, RuleFile]], checker: Any, origin: Any, formula: Any, texts: Any, headlines: list[Headline],
          quantities: dict[str, Quantity], meters: list[Meter], scorecard: list[ScoreAxis], debriefs: dict[str, EndingStory],
          where: dict[str, Any]) -> None:
    """Read and check every file's story tables but [warnings] into the lists and maps given."""
    m = checker.m
    for doc, f in docs:
        for index, headline in enumerate(f.headlines):
            ident = origin(doc, "headlines", index)
            formula(ident, ("when",), headline.when, ("headlines", len(headlines)))
            texts(ident, ("text",), headline.text)
            headlines.append(headline)
        for name, quantity in f.quantities.items():
            ident = origin(doc, "quantities", name)
            if name in where:
                checker.problems.append(checker.origins[ident].problem(f"'{name}' is already described at {where[name].where}"))
                continue
            if name not in m["variables"] and name not in checker.broken:
                checker.problems.append(checker.origins[ident].problem(f"unknown variable '{name}'{did_you_mean(name, m['variables'])}"))
                continue
            where[name] = checker.origins[ident]
            quantities[name] = quantity
        for index, meter in enumerate(f.meters):
            ident = origin(doc, "meters", index)
            if meter.variable not in m["variables"] and meter.variable not in checker.broken:
                checker.problems.append(checker.origins[ident].problem(
                    f"unknown variable '{meter.variable}'{did_you_mean(meter.variable, m['variables'])}", ("variable",), value=True))
            if isinstance(meter.threshold, str) and meter.threshold not in m["parameters"] and meter.threshold not in checker.broken:
                checker.problems.append(checker.origins[ident].problem(
                    f"a threshold is a number or a parameter; '{meter.threshold}' is not a parameter{did_you_mean(meter.threshold, m['parameters'])}",
                    ("threshold",), value=True))
            if meter.ending is not None and meter.ending not in m["endings"] and meter.ending not in checker.broken:
                checker.problems.append(checker.origins[ident].problem(
                    f"unknown ending '{meter.ending}'{did_you_mean(meter.ending, m['endings'])}", ("ending",), value=True))
            meters.append(meter)
        for index, axis in enumerate(f.scorecard):
            ident = origin(doc, "scorecard", index)
            formula(ident, ("formula",), axis.formula, ("scorecard", len(scorecard)))
            try:
                format(1234.5678, axis.format)
            except (ValueError, TypeError):
                checker.problems.append(checker.origins[ident].problem(
                    f"'{axis.format}' is not a number format (try '.1f', ',.0f' or '.0%')", ("format",), value=True))
            scorecard.append(axis)
        for ending, told in f.debriefs.items():
            ident = origin(doc, "debriefs", ending)
            if ending in debriefs:
                checker.problems.append(checker.origins[ident].problem(f"the debrief of '{ending}' is already told in another file"))
                continue
            if ending not in m["endings"] and ending not in checker.broken:
                checker.problems.append(checker.origins[ident].problem(f"unknown ending '{ending}'{did_you_mean(ending, m['endings'])}"))
                continue
            if told.text is not None:
                texts(ident, ("text",), told.text)
            for index, paragraph in enumerate(told.paragraphs):
                formula(ident, ("paragraphs", index, "when"), paragraph.when, ("debriefs", ending, index))
                texts(ident, ("paragraphs", index, "text"), paragraph.text)
            debriefs[ending] = told


def _over(base: Story, layer: Story) -> Story:
    """``layer``'s story over ``base``'s (the formulas renumbered to the merged lists)."""
    formulas: dict[tuple[str | int, ...], Formula] = {}
    for key, formula in layer.formulas.items():
        if key[0] == "debriefs":
            formulas[key] = formula
        elif key[0] == "headlines":
            formulas[key] = formula
        elif key[0] == "scorecard":
            formulas[("scorecard", len(base.scorecard) + int(key[1]))] = formula
    for key, formula in base.formulas.items():
        if key[0] == "headlines":
            formulas[("headlines", len(layer.headlines) + int(key[1]))] = formula
        elif key[0] == "scorecard":
            formulas[key] = formula
        elif key[0] == "debriefs" and key[1] not in layer.debriefs:
            formulas[key] = formula
    return Story(layer.headlines + base.headlines, {**base.quantities, **layer.quantities}, base.meters + layer.meters,
                 layer.warnings, base.scorecard + layer.scorecard, {**base.debriefs, **layer.debriefs}, formulas)


def check_names(checker: Any, ident: tuple[str, str], sub: tuple[str, ...], formula: Formula, names: list[str]) -> bool:
    """A story formula reads what an ending reads, and prev() of any variable or lever (a story
    is told after a season is played, when last season's values are all known)."""
    from game.formula import FormulaError
    from game.rules.ruleset import use_position

    origin = checker.origins[ident]
    m = checker.m
    ok = True
    allowed = set(names)
    for name in formula.names:
        if name not in allowed and name not in checker.broken:
            ok = False
            message = f"unknown name '{name}'{did_you_mean(name, names)}"
            checker.problems.append(origin.formula_problem(sub, FormulaError(message, *use_position(formula, name, "bare"))))
    for name in formula.prev_names:
        if name not in m["variables"] and name not in m["levers"] and name not in checker.broken:
            ok = False
            message = f"prev() takes a variable or lever; '{name}' is not one{did_you_mean(name, [*m['variables'], *m['levers']])}"
            checker.problems.append(origin.formula_problem(sub, FormulaError(message, *use_position(formula, name, "prev"))))
    for name in formula.exponent_names:
        if name not in m["parameters"]:
            ok = False
            message = f"the exponent '{name}' must be a parameter (a number fixed at load)"
            checker.problems.append(origin.formula_problem(sub, FormulaError(message, *use_position(formula, name, "exponent"))))
    return ok
