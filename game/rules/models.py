"""The shape of rule, scenario and policy files (validated by pydantic v2; the same models give the JSON Schema).

The classes here are plain records (:mod:`game.rules.record`): a game started from the rules
cache reads them without importing pydantic. :mod:`game.rules.shapes` makes of each a pydantic
model of the same name, fields and constraints (the annotations below, whose types it defines),
which validates a file read afresh and writes the JSON Schema.

Every model forbids unknown keys and does not coerce types: a string where a number belongs is
an error, not a guess. Cross-references (names in formulas, mechanism ids, works) are checked in
a second pass, :mod:`game.rules.ruleset`.

Each field's docstring (the string under it) is its description: editors show it on hover, from
the JSON Schema that :mod:`game.rules.schema` writes (it reads the docstrings from this file's
source; pydantic's own reading of them cost a fifth of start-up). Keep them short and in plain
words. A model's validator is built the first time it validates (``defer_build``): a game that
validates a rule set builds those it uses, not every model of mods, saves and policies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.rules.record import Record, validator
from game.rules.upgrade import FORMAT_VERSION, OLDEST_FORMAT

if TYPE_CHECKING:  # (the types of the fields: pydantic's, in game.rules.shapes, which validates)
    from typing import Annotated, Literal

    from pydantic import Field

    from game.rules.shapes import Bound, FormulaText, Id, Number, SeasonOfYear, SeasonText, SeeAlso, Text

__all__ = ["FORMAT_VERSION", "OLDEST_FORMAT"]  # (re-exported: the format's version is the models')


class Strict(Record):
    model_config = {"extra": "forbid", "strict": True, "frozen": True, "defer_build": True}


# --------------------------------------------------------------------------------------------
# Rule sets


class Citation(Strict):
    """Where in a source a rule comes from: the work, its part/chapter/section, the lines."""

    work: Text
    """The id of a work declared under [works]."""
    section: Text
    """The part, chapter and section cited, e.g. "Part 2, ch. 2, §IV"."""
    lines: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]] | None = None
    """The first and last line cited in the work's line-numbered file, e.g. [4839, 5104]."""

    @validator("lines", mode="before")
    def _pair(cls, value: Any) -> Any:
        # TOML gives a list; the strict tuple would refuse it.
        if isinstance(value, list):
            if len(value) != 2:
                raise ValueError(f"expected two line numbers [first, last], found {len(value)}")
            return tuple(value)
        return value

    @validator("lines")
    def _ordered(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"line range {value[0]}-{value[1]} runs backwards")
        return value

    def __str__(self) -> str:
        lines = f" (lines {self.lines[0]}–{self.lines[1]})" if self.lines else ""
        return f"{self.section}{lines}"


class Work(Strict):
    """A source the rules cite: a book, an article, a document."""

    title: Text
    """The work's title."""
    author: Text
    """Its author or authors."""
    year: int | None = None
    """The year it was published."""
    file: str | None = None
    """The file of its text, when the project has one (line numbers refer to it)."""


class Verdicts(Strict):
    """How the debrief words the outcome of an ending: the phrase for an ending whose ``outcome``
    is "good" and for one whose is "bad", in the rule set's own terms ("The alliance holds",
    "The reign fails")."""

    good: Text
    """The words for a good outcome ("The reign stands")."""
    bad: Text
    """The words for a bad outcome ("The reign fails")."""


class Manifest(Strict):
    """The [ruleset] table of ruleset.toml: what this rule set or mod is. A mod names the rule set
    it builds on in ``extends``; its files may then add, override and remove entries."""

    id: Id
    """The rule set's or mod's id: lower-case letters, digits, '-' and '_'; equal to its folder's name."""
    name: Text
    """Its name as players see it."""
    format_version: int
    """The version of the rule format the files are written in: 2 (files in format 1 still load, with a note; `main.py upgrade` rewrites them)."""
    version: str = ""
    """The mod's own version, e.g. "1.0.0" (required for a mod; saves record it)."""
    extends: Id | None = None
    """The id of the rule set or mod this one builds on ("base"): makes this a mod."""
    authors: list[Text] = []
    """Who made it."""
    description: str = ""
    """What it is about, in a sentence or two."""
    verdicts: Verdicts | None = None
    """How the debrief words an ending's outcome; none: the ending's title alone (a mod inherits its base's)."""


class Mechanism(Strict):
    """A causal mechanism of the period that rules implement, described and cited."""

    title: Text
    """A short title."""
    section: Annotated[str, Field(pattern=r"^[A-Z]$")] | None = None
    """The letter of the catalogue section it belongs to (in the base rules "A" exchange, "B" prices, ... "H" village politics)."""
    summary: Text
    """What happens and why, in our own words."""
    sources: Annotated[list[Citation], Field(min_length=1)]
    """The passages that support it (at least one)."""


class Parameter(Strict):
    """A number the formulas use, fixed for a game (a scenario may change it within min..max)."""

    value: Number
    """The parameter's value, in its unit."""
    description: Text
    """What it means, in plain words."""
    unit: str = ""
    """Its unit, e.g. "bushels/acre"."""
    min: Bound | None = None
    """The lowest value a scenario may give it."""
    max: Bound | None = None
    """The highest value a scenario may give it."""
    source: Citation | None = None
    """Where the number comes from."""


class Lever(Strict):
    """A policy the player sets each season."""

    label: Text
    """Its name on screen."""
    unit: str = ""
    """Its unit, e.g. "roubles per unit"."""
    min: Number
    """The lowest value."""
    max: Number
    """The highest value (min plus a whole number of steps)."""
    step: Annotated[Number, Field(gt=0)]
    """How far one click moves it."""
    default: Number
    """Its value until the player moves it."""
    description: Text
    """What it does, in plain words."""
    source: Citation
    """The passage that supports it."""
    choices: list[Text] | None = None
    """Names for the values min, min+step, ... (one per value), for a lever of choices."""
    mechanisms: list[str] = []
    """The ids of the mechanisms it acts through."""


class Variable(Strict):
    """A quantity of the model, computed each season from its formula."""

    formula: FormulaText
    """How it is computed each season: an expression over levers, parameters, draws, events, other variables and prev(x)."""
    initial: Number | None = None
    """Its value before the first season (needed when a formula reads prev() of it)."""
    unit: str = ""
    """Its unit, e.g. "million units"."""
    min: Bound = float("-inf")
    """The lowest value it may take: below it the season stops with an error (default: no bound)."""
    max: Bound = float("inf")
    """The highest value it may take: above it the season stops with an error (default: no bound)."""
    label: str | None = None
    """Its name on screen (default: the indicator's label, else the id)."""
    description: Text
    """What it is, in plain words."""
    mechanisms: Annotated[list[str], Field(min_length=1)]
    """The ids of the mechanisms it implements."""
    source: Citation
    """The passage that supports its formula."""


class Draw(Strict):
    """A random number drawn each season from the game's seeded generator."""

    distribution: Literal["normal", "uniform", "triangular"]
    """The shape of the draw: "normal" (mean, sd), "uniform" (min, max) or "triangular" (min, mode, max)."""
    min: Number
    """The lowest result (results are clipped to min..max)."""
    max: Number
    """The highest result."""
    mean: Number | None = None
    """The average of a normal draw."""
    sd: Annotated[Number, Field(ge=0)] | None = None
    """The standard deviation of a normal draw."""
    mode: Number | None = None
    """The most likely value of a triangular draw."""
    seasons: list[SeasonOfYear] | None = None
    """Drawn only in these seasons of the year; "default" in the others."""
    default: Number | None = None
    """The value in the seasons it is not drawn."""
    description: Text
    """What it stands for, in plain words."""
    source: Citation | None = None
    """The passage that supports it."""


class Event(Strict):
    """Something that may happen at the start of a season and change last season's values."""

    title: Text
    """A short title."""
    condition: FormulaText = "1"
    """When it can happen (default: always); reads levers, parameters, draws and prev(x)."""
    chance: FormulaText = 1.0
    """The probability that it happens when the condition holds, between 0 and 1 (default 1)."""
    effects: dict[str, FormulaText] = {}
    """Variable id -> its new value for last season, as a formula."""
    message: Text
    """What the season report says when it happens."""
    once: bool = False
    """true: it happens at most once in a game."""
    season: SeasonText | None = None
    """Only in this season, e.g. "1925-summer"."""
    mechanisms: Annotated[list[str], Field(min_length=1)]
    """The ids of the mechanisms it implements."""
    source: Citation
    """The passage that supports it."""


class Ending(Strict):
    """A way the game ends, with the debrief that explains it."""

    title: Text
    """A short title."""
    condition: FormulaText
    """When the game ends this way; reads anything of this season and prev(x)."""
    outcome: Literal["good", "bad"]
    """How the ending counts: "good" (a success the debrief praises) or "bad" (a failure)."""
    when: Literal["any", "end"] = "any"
    """"any": checked after every season; "end": only after the last."""
    priority: int = 0
    """Endings with a higher priority are checked first; equal priorities keep file order (default 0)."""
    debrief: Text
    """What happened and why, in our own words."""
    mechanisms: Annotated[list[str], Field(min_length=1)]
    """The ids of the mechanisms it implements."""
    source: Citation
    """The passage that supports it."""


class Invariant(Strict):
    """Something that must hold after every season played: a condition, or a balance whose left
    and right agree within tolerance * max(1, |left|, |right|) (tolerance 1e-9 unless given).
    Checked under test (the property tests, the soak script), not during play."""

    title: Text
    """A short title."""
    condition: FormulaText | None = None
    """What must be true after every season (or give left and right for a balance)."""
    left: FormulaText | None = None
    """One side of a balance."""
    right: FormulaText | None = None
    """The other side of a balance."""
    tolerance: Annotated[Number, Field(ge=0)] | None = None
    """How far the sides of a balance may differ, relative to their size (default 1e-9)."""
    description: Text
    """What must hold, and why, in our own words."""
    mechanisms: Annotated[list[str], Field(min_length=1)]
    """The ids of the mechanisms it concerns."""
    source: Citation
    """The passage that supports it."""


class Indicator(Strict):
    """A variable the front ends show, with how to show it."""

    variable: Text
    """The id of the variable shown."""
    label: Text
    """Its name on screen."""
    format: str = ".1f"
    """A Python format for the number: ".1f", ",.0f", ".0%"."""
    better: Literal["higher", "lower", "neither"] = "neither"
    """Which way is good: "higher", "lower" or "neither" (how a change is coloured)."""
    always_in_report: bool = False
    """true: the season report explains it whenever it moves."""
    compare: Literal["last-season", "last-year"] = "last-season"
    """Report it against last season, or against the same season a year before (for seasonal flows)."""
    chart: list[Text] = []
    """A chart preset named after the indicator: the variables drawn together. Empty: no preset."""


# Entry kinds a ``see_also`` link may name, as ``"<kind>:<id>"`` (e.g. ``"term:<id>"``, ``"lever:<id>"``).
SEE_ALSO_KINDS = ("term", "class", "mechanism", "lever", "indicator", "variable", "work")


class Term(Strict):
    """A word of the period for the encyclopedia's glossary, explained in our own words."""

    title: Text
    """The word as the encyclopedia heads it."""
    original: str = ""
    """The word in its own language and script (Cyrillic, say)."""
    romanized: str = ""
    """The word in Latin letters."""
    definition: Text
    """One sentence, in our own words."""
    explanation: Text
    """A paragraph or two, in our own words."""
    sources: Annotated[list[Citation], Field(min_length=1)]
    """The passages that support it (at least one)."""
    see_also: list[SeeAlso] = []
    """Links to other entries, as "term:<id>", "class:<id>", "mechanism:<id>", "lever:<id>", "indicator:<id>", "variable:<id>" or "work:<id>"."""


class SocialClass(Strict):
    """A social class as an encyclopedia entry, with the variables that describe it (front ends
    may group indicators by class)."""

    title: Text
    """The class as the encyclopedia heads it."""
    original: str = ""
    """The name in its own language and script."""
    romanized: str = ""
    """The name in Latin letters."""
    description: Text
    """Who they are and what they want, in our own words."""
    variables: list[str] = []
    """The variables that describe the class (the first is its headline)."""
    sources: Annotated[list[Citation], Field(min_length=1)]
    """The passages that support it (at least one)."""
    see_also: list[SeeAlso] = []
    """Links to other entries, as "<kind>:<id>" (see terms)."""


# --------------------------------------------------------------------------------------------
# The story: how the reports speak of the rules' numbers (presentation data; the engine never
# reads it). Texts may name numbers as ``{variable}`` (or a lever), shown with their units.


class Headline(Strict):
    """A sentence of the season report's headline. For each ``about`` (the alliance, a class ...)
    the first sentence whose ``when`` holds is said, in file order."""

    about: Text
    """What the sentence is about (any word: a class id, "alliance"); one sentence per subject."""
    when: FormulaText = 1.0
    """When it is said: a condition on the season just played (prev() for the season before)."""
    text: Text
    """The sentence; {variable} shows a number with its unit."""


class Quantity(Strict):
    """How the reports speak of one variable (``[quantities.<variable>]``)."""

    kind: Literal["stock", "seasonal", "flow"] = "flow"
    """"stock": carries over from season to season (its own last value is inertia, not a cause);
    "seasonal": compared with the same season a year before; "flow": with the season before."""
    once_a_year: SeasonOfYear | None = None
    """The season it comes in, when it comes in once a year only: between times the reports show
    the last one, never its zero."""
    between: str = ""
    """Its name between times ("this year's crop")."""
    unit: str | None = None
    """The short unit after its numbers ("Mt", "M people"); "" for none (default: its own, shortened)."""
    rising: str = ""
    """What its rise means to a reader, said beside it as a cause."""
    falling: str = ""
    """What its fall means to a reader, said beside it as a cause."""
    in_season: str = ""
    """Why the time of year moves it, in plain words: said beside "the time of year" when the season
    of the year moves a number through this variable's formula."""


class Meter(Strict):
    """A loss meter on the dashboard: a number beside the threshold past which the game is lost
    (or near it)."""

    variable: Text
    """The variable it shows."""
    label: Text
    """What the dashboard calls it."""
    threshold: Number | Text
    """The threshold: a number, or a parameter's name."""
    danger: Literal["above", "below"]
    """Which side of the threshold is dangerous: "above" (at or over it) or "below" (at or under it)."""
    warn: Number | None = None
    """From here on the dashboard warns (default: at the threshold)."""
    ending: str | None = None
    """The ending it leads to."""
    note: str = ""
    """What the threshold means ("lost at 3 in a row ...")."""


class Warnings(Strict):
    """How far ahead the dashboard looks for endings within reach, over how many weathers, and
    the least share of them worth a warning."""

    horizon: Annotated[int, Field(ge=1, le=8)] = 2
    """Seasons ahead (1-8)."""
    runs: Annotated[int, Field(ge=10, le=1000)] = 200
    """Weathers played (10-1000)."""
    least: Annotated[float, Field(ge=0, le=1)] = 0.1
    """The least share of the weathers that reach an ending for a warning."""


class ScoreAxis(Strict):
    """One axis of the debrief's scorecard: ``formula`` each season, aggregated over the game,
    set beside the same under history's policy."""

    label: Text
    """What the scorecard calls it."""
    formula: FormulaText
    """Evaluated every season played."""
    aggregate: Literal["sum", "mean", "last", "max", "min"] = "last"
    """How the seasons' values make the game's figure."""
    unit: str = ""
    """The unit after the figure."""
    format: str = ".1f"
    """A Python format spec for the figure."""
    better: Literal["higher", "lower", "neither"] = "higher"
    """Which way is better, to judge the game against history."""
    description: str = ""
    """What the axis measures, in a sentence."""


class DebriefParagraph(Strict):
    """A paragraph of an ending's debrief, said when ``when`` holds at the end of the game."""

    when: FormulaText = 1.0
    """When it is said: a condition on the last season."""
    text: Text
    """The paragraph; {variable} shows a number with its unit."""


class EndingStory(Strict):
    """How the debrief tells an ending (``[debriefs.<ending id>]``): ``text`` instead of the
    ending's own debrief, then each paragraph whose condition holds."""

    text: str | None = None
    """Said instead of the ending's own debrief."""
    paragraphs: list[DebriefParagraph] = []
    """Said after it, each when its condition holds."""


# The tables of a rule set that hold named definitions, in the order they are merged.
DEFINITION_TABLES = ("works", "mechanisms", "parameters", "levers", "variables", "draws", "events", "endings", "invariants",
                     "classes", "terms")
# Each table's model (a mod's [override] tables take the same fields, every one optional).
TABLE_MODELS: dict[str, type[Strict]] = {
    "works": Work, "mechanisms": Mechanism, "parameters": Parameter, "levers": Lever, "variables": Variable, "draws": Draw,
    "events": Event, "endings": Ending, "invariants": Invariant, "classes": SocialClass, "terms": Term, "indicators": Indicator,
}


def _partial(model: type[Strict], drop: tuple[str, ...] = ()) -> type[Strict]:
    """``model`` with every field optional (None: not given), for an override of some fields
    (:mod:`game.rules.shapes` gives it the same fields, constraints and descriptions to validate)."""
    doc = f"Fields of {model.__name__.lower()} to change: each replaces the field of the entry it overrides; the others are kept."
    fields = {name: spec.annotation for name, spec in model.model_fields.items() if name not in drop}
    body: dict[str, Any] = {"__annotations__": {name: f"{text} | None" for name, text in fields.items()}, "__doc__": doc,
                            "__module__": __name__, "__qualname__": f"{model.__name__}Override", **dict.fromkeys(fields)}
    return type(f"{model.__name__}Override", (Strict,), body)


OVERRIDE_MODELS: dict[str, type[Strict]] = {
    table: _partial(model, ("variable",) if table == "indicators" else ()) for table, model in TABLE_MODELS.items()
}
OVERRIDES_DOC = ("[override.<table>.<id>]: fields of entries the extended rule set defines, changed by this mod "
                 "(indicators by their variable's id).")

if TYPE_CHECKING:
    Overrides = Strict
else:
    Overrides = type("Overrides", (Strict,), {
        "__annotations__": {table: f"dict[str, {model.__name__}]" for table, model in OVERRIDE_MODELS.items()},
        "__doc__": OVERRIDES_DOC, "__module__": __name__, "__qualname__": "Overrides",
        **{table: {} for table in OVERRIDE_MODELS}})


class Removals(Strict):
    """[remove]: entries of the extended rule set this mod takes out, by id, table by table."""

    works: list[Text] = []
    """The ids of works to remove."""
    mechanisms: list[Text] = []
    """The ids of mechanisms to remove."""
    parameters: list[Text] = []
    """The ids of parameters to remove."""
    levers: list[Text] = []
    """The ids of levers to remove."""
    variables: list[Text] = []
    """The ids of variables to remove."""
    draws: list[Text] = []
    """The ids of random draws to remove."""
    events: list[Text] = []
    """The ids of events to remove."""
    endings: list[Text] = []
    """The ids of endings to remove."""
    invariants: list[Text] = []
    """The ids of invariants to remove."""
    classes: list[Text] = []
    """The ids of social classes (encyclopedia) to remove."""
    terms: list[Text] = []
    """The ids of glossary terms to remove."""
    indicators: list[Text] = []
    """The indicators to remove, by their variable's id."""


class RuleFile(Strict):
    """One ``.toml`` file of a rule set or mod: any of these tables, the manifest in ``ruleset.toml``."""

    ruleset: Manifest | None = None
    """The manifest: id, name, format_version (only in ruleset.toml)."""
    works: dict[str, Work] = {}
    """The works the rules cite, by id."""
    mechanisms: dict[str, Mechanism] = {}
    """The causal mechanisms, by id."""
    parameters: dict[str, Parameter] = {}
    """Numbers the formulas use, by id."""
    levers: dict[str, Lever] = {}
    """What the player sets each season, by id."""
    variables: dict[str, Variable] = {}
    """The model's quantities, by id."""
    draws: dict[str, Draw] = {}
    """Random draws, by id."""
    events: dict[str, Event] = {}
    """Events, by id."""
    endings: dict[str, Ending] = {}
    """Endings, by id."""
    invariants: dict[str, Invariant] = {}
    """What must hold after every season (checked under test), by id."""
    indicators: list[Indicator] = []
    """The variables the front ends show, in order."""
    classes: dict[str, SocialClass] = {}
    """Social classes for the encyclopedia, by id."""
    terms: dict[str, Term] = {}
    """Glossary words for the encyclopedia, by id."""
    headlines: list[Headline] = []
    """The season report's headline sentences (the story)."""
    quantities: dict[str, Quantity] = {}
    """How the reports speak of each variable, by variable id (the story)."""
    meters: list[Meter] = []
    """The dashboard's loss meters (the story)."""
    warnings: Warnings | None = None
    """How the dashboard looks for endings within reach (the story)."""
    scorecard: list[ScoreAxis] = []
    """The debrief's scorecard axes (the story)."""
    debriefs: dict[str, EndingStory] = {}
    """How the debrief tells each ending, by ending id (the story)."""
    override: Overrides | None = None
    """A mod's changes to entries of the rule set it extends: [override.<table>.<id>] with the fields to change."""
    remove: Removals | None = None
    """A mod's removals of entries of the rule set it extends: [remove] <table> = ["id", ...]."""


# --------------------------------------------------------------------------------------------
# Scenarios and policies


class PolicySeason(Record):
    """``[[season]]``: from this season on, these lever values (any lever id as a key)."""

    model_config = {"extra": "allow", "strict": True, "frozen": True, "defer_build": True}
    # Typed extras: each lever value is checked, and a wrong one is located at its own key.
    __pydantic_extra__: dict[str, Number]
    season: SeasonText
    """The first season these values apply, e.g. "1925-spring"."""

    @property
    def levers(self) -> dict[str, float]:
        return {k: float(v) for k, v in (self.model_extra or {}).items()}


class Policy(Strict):
    """Lever values for a whole game: ``[levers]`` every season, ``[[season]]`` from a season on."""

    levers: dict[str, Number] = {}
    """Lever id -> its value in every season (until a [[season]] changes it)."""
    season: list[PolicySeason] = []
    """Changes from a season on, in order."""


class Series(Strict):
    """A historical series to set the model beside: a variable aggregated by year."""

    variable: Text
    """The id of the variable compared."""
    label: Text
    """What the series is, with its unit."""
    aggregate: Literal["sum", "mean", "last"] = "sum"
    """How a year's four seasons make the yearly figure: "sum", "mean" or "last"."""
    year: Literal["calendar", "agricultural"] = "calendar"
    """"calendar" years ("1927") or "agricultural" ones, July to June ("1927-28")."""
    values: dict[str, Number]
    """Year -> the historical figure."""
    tolerance: Annotated[float, Field(ge=0)] | None = None
    """The calibration target: how far (relative) the model may stray."""
    source: Citation
    """Where the figures come from."""


class History(Policy):
    """The historical policy, and the historical series the model is compared with."""

    series: list[Series] = []
    """Historical series to set the model beside (simulate --compare, the debrief)."""


class ScenarioMeta(Strict):
    """What the scenario is and how long it runs."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    """The scenario's id: equal to its file's name."""
    title: Text
    """Its title as players see it."""
    summary: Text
    """A few sentences on the situation and the task."""
    objectives: list[Text] = []
    """What the player should try to achieve."""
    ruleset: Id
    """The id of the rule set (or mod) it is played under."""
    start: SeasonText
    """The first season played, e.g. "1923-autumn"."""
    seasons: Annotated[int, Field(ge=1, le=400)]
    """How many seasons it lasts."""
    seed: Annotated[int, Field(ge=0)] | None = None
    """The random seed; omit it for a fresh seed each game."""
    debrief_questions: list[Text] = []
    """Questions for the debrief and the classroom."""
    format_version: int | None = None
    """The version of the rule format the file is written in (2; omit it for the current one). A file in format 1 still loads, with a note."""
    unlocked: list[Id] | None = None
    """The levers the player may set; every other lever is locked at its default (omit: all are unlocked unless locked below)."""
    teacher_notes: Text | None = None
    """Notes for the instructor (the aims, what to watch for, how to run the class): shown by check and the reports, never to players."""


class LeverSetting(Strict):
    """How this scenario changes one lever."""

    locked: bool = False
    """true: the player cannot move it."""
    min: Number | None = None
    """A narrower lowest value (on a step of the lever)."""
    max: Number | None = None
    """A narrower highest value (on a step of the lever)."""
    default: Number | None = None
    """Its value at the start."""
    label: Text | None = None
    """Its name on screen in this scenario (default: the rule set's)."""
    step: Annotated[Number, Field(gt=0)] | None = None
    """A coarser step: a whole multiple of the rule set's step (min, max and default must lie on it)."""
    hidden: bool = False
    """true: locked, and not shown to the player at all."""
    unlocked_from: SeasonText | None = None
    """The season from which the player may move it; before it, it stays at its default."""


class Checkpoint(Strict):
    """A stop in a class scenario, shown before the player sets the levers of ``season``: a prompt,
    optionally a pause until the instructor types a code, and optionally a question whose written
    answer is kept in the save."""

    id: Id
    """Its id (answers are stored under it)."""
    season: SeasonText
    """The season whose decision it comes before, e.g. "1927-autumn"."""
    title: Text
    """Its title."""
    prompt: Text
    """What the player reads before deciding."""
    question: Text | None = None
    """A question the player answers in writing (the answer goes into the save)."""
    code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    """The game waits until this code is typed (the instructor gives it when the class may go on)."""


class Classroom(Strict):
    """How a class plays this scenario: what the game enforces and ``main.py verify`` checks."""

    fixed_seed: bool = False
    """true: only the scenario's seed may be played (it needs [scenario] seed)."""
    branching: bool = True
    """false: the game cannot be taken over from history (play --branch-at is refused)."""
    undo: Literal["allowed", "recorded", "forbidden"] = "allowed"
    """"allowed"; "recorded" (allowed, and the player is told the teacher sees each one); "forbidden"."""
    player_name: Literal["optional", "required"] = "optional"
    """"required": the game asks for the player's name before the first season."""
    finish: bool = True
    """true: verify fails a game that is not finished."""


class ScriptedDraw(Strict):
    """A random draw fixed for one season (a scripted bad year, say)."""

    season: SeasonText
    """The season, e.g. "1924-summer"."""
    draw: Text
    """The id of the draw."""
    value: Number
    """Its value in that season."""


class Reaction(Strict):
    """What a lesson says after its season is played, when ``when`` holds (the levers and values
    of the season played; prev() for the season before). The first that holds is said."""

    when: FormulaText = 1.0
    """When it is said: a condition on the season played (no condition: always)."""
    text: Text
    """What is said; {variable} shows a number with its unit."""


class Lesson(Strict):
    """A tutorial lesson, shown before the player sets the levers of ``season``: it points at
    a lever to move (and a value to try), then reacts to what the player did."""

    season: SeasonText
    """The season whose decision it comes before, e.g. "1923-autumn"."""
    title: Text
    """Its title."""
    text: Text
    """The lesson; {variable} shows a number with its unit."""
    lever: str | None = None
    """The lever it points at (one the player may move)."""
    suggest: Number | None = None
    """The value to try."""
    reactions: list[Reaction] = []
    """What it says after the season, the first that holds."""


class ScenarioFile(Strict):
    """A scenario file: the situation, the rule set, what it changes, and history when there is one."""

    scenario: ScenarioMeta
    """What the scenario is."""
    initial: dict[str, Number] = {}
    """Variable id -> its value before the first season."""
    parameters: dict[str, Number] = {}
    """Parameter id -> its value in this scenario (within the parameter's min..max)."""
    levers: dict[str, LeverSetting] = {}
    """Lever id -> how this scenario changes it."""
    scripted_draws: list[ScriptedDraw] = []
    """Random draws fixed for given seasons."""
    events: dict[str, Event] = {}
    """The scenario's own events."""
    endings: dict[str, Ending] = {}
    """The scenario's own endings (checked with the rule set's, by priority)."""
    invariants: dict[str, Invariant] = {}
    """The scenario's own invariants."""
    history: History | None = None
    """The historical policy and series, when there are any."""
    tutorial: list[Lesson] = []
    """The tutorial's lessons, each before its season's decision."""
    checkpoints: list[Checkpoint] = []
    """A class scenario's checkpoints, each before its season's decision."""
    classroom: Classroom | None = None
    """Class settings: a fixed seed, branching, undo, the player's name (omit: none enforced)."""


# Every record class of the files' models, by name (the names are those of the pydantic models
# that validate them, and of the JSON Schema's definitions).
RECORDS: dict[str, type[Record]] = {
    name: value for name, value in {**globals(), **{m.__name__: m for m in OVERRIDE_MODELS.values()}}.items()
    if isinstance(value, type) and issubclass(value, Record) and value is not Record
}
