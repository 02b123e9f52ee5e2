"""The shape of rule, scenario and policy files (pydantic v2; the same models give the JSON Schema).

Every model forbids unknown keys and does not coerce types: a string where a number belongs is
an error, not a guess. Cross-references (names in formulas, mechanism ids, works) are checked in
a second pass, :mod:`game.rules.ruleset`.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from game.rules.season import SEASON_PATTERN

FORMAT_VERSION = 1


def _not_nan(value: float) -> float:
    if math.isnan(value):
        raise ValueError("expected a number or ±inf, found nan")
    return value


Text = Annotated[str, Field(min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]  # a finite number
Bound = Annotated[float, AfterValidator(_not_nan)]  # a number, inf or -inf (an open bound)
FormulaText = str | Number  # a formula, or a plain number
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
SeasonText = Annotated[str, Field(pattern=SEASON_PATTERN)]
SeasonOfYear = Literal["winter", "spring", "summer", "autumn"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --------------------------------------------------------------------------------------------
# Rule sets


class Citation(Strict):
    """Where in a source a rule comes from: the work, its part/chapter/section, the lines."""

    work: Text
    section: Text
    lines: tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]] | None = None

    @field_validator("lines", mode="before")
    @classmethod
    def _pair(cls, value: Any) -> Any:
        # TOML gives a list; the strict tuple would refuse it.
        if isinstance(value, list):
            if len(value) != 2:
                raise ValueError(f"expected two line numbers [first, last], found {len(value)}")
            return tuple(value)
        return value

    @field_validator("lines")
    @classmethod
    def _ordered(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"line range {value[0]}-{value[1]} runs backwards")
        return value

    def __str__(self) -> str:
        lines = f" (lines {self.lines[0]}–{self.lines[1]})" if self.lines else ""
        return f"{self.section}{lines}"


class Work(Strict):
    title: Text
    author: Text
    year: int | None = None
    file: str | None = None


class Verdicts(Strict):
    """How the debrief words the outcome of an ending: the phrase for an ending whose ``alliance``
    is "holds" (a good outcome) and for one whose is "breaks" (a bad one), in the rule set's own
    terms ("The alliance holds", "The reign fails")."""

    holds: Text
    breaks: Text


class Manifest(Strict):
    id: Id
    name: Text
    format_version: int
    description: str = ""
    verdicts: Verdicts | None = None  # none: the debrief shows the ending's title alone


class Mechanism(Strict):
    title: Text
    summary: Text
    sources: Annotated[list[Citation], Field(min_length=1)]


class Parameter(Strict):
    value: Number
    description: Text
    unit: str = ""
    min: Bound | None = None
    max: Bound | None = None
    source: Citation | None = None


class Lever(Strict):
    label: Text
    unit: str = ""
    min: Number
    max: Number
    step: Annotated[Number, Field(gt=0)]
    default: Number
    description: Text
    source: Citation
    choices: list[Text] | None = None
    mechanisms: list[str] = []


class Variable(Strict):
    formula: FormulaText
    initial: Number | None = None
    unit: str = ""
    min: Bound = float("-inf")
    max: Bound = float("inf")
    label: str | None = None
    description: Text
    mechanisms: Annotated[list[str], Field(min_length=1)]
    source: Citation


class Draw(Strict):
    distribution: Literal["normal", "uniform", "triangular"]
    min: Number
    max: Number
    mean: Number | None = None
    sd: Annotated[Number, Field(ge=0)] | None = None
    mode: Number | None = None
    seasons: list[SeasonOfYear] | None = None
    default: Number | None = None
    description: Text
    source: Citation | None = None


class Event(Strict):
    title: Text
    condition: FormulaText = "1"
    chance: FormulaText = 1.0
    effects: dict[str, FormulaText] = {}
    message: Text
    once: bool = False
    season: SeasonText | None = None
    mechanisms: Annotated[list[str], Field(min_length=1)]
    source: Citation


class Ending(Strict):
    title: Text
    condition: FormulaText
    alliance: Literal["holds", "breaks"]
    when: Literal["any", "end"] = "any"
    debrief: Text
    mechanisms: Annotated[list[str], Field(min_length=1)]
    source: Citation


class Invariant(Strict):
    """Something that must hold after every season played: a condition, or a balance whose left
    and right agree within tolerance * max(1, |left|, |right|) (tolerance 1e-9 unless given).
    Checked under test (the property tests, the soak script), not during play."""

    title: Text
    condition: FormulaText | None = None
    left: FormulaText | None = None
    right: FormulaText | None = None
    tolerance: Annotated[Number, Field(ge=0)] | None = None
    description: Text
    mechanisms: Annotated[list[str], Field(min_length=1)]
    source: Citation


class Indicator(Strict):
    variable: Text
    label: Text
    format: str = ".1f"
    better: Literal["higher", "lower", "neither"] = "neither"
    always_in_report: bool = False
    compare: Literal["last-season", "last-year"] = "last-season"
    # A chart preset named after the indicator: the variables drawn together (e.g. the price
    # indices whose ratio the indicator is, beside what drives them). Empty: no preset.
    chart: list[Text] = []


# Entry kinds a ``see_also`` link may name, as ``"<kind>:<id>"`` (e.g. ``"term:<id>"``, ``"lever:<id>"``).
SEE_ALSO_KINDS = ("term", "class", "mechanism", "lever", "indicator", "variable", "work")
SeeAlso = Annotated[str, Field(pattern=r"^(term|class|mechanism|lever|indicator|variable|work):[A-Za-z0-9_-]+$")]


class Term(Strict):
    """A word of the period for the encyclopedia's glossary, explained in our own words."""

    title: Text
    russian: str = ""  # the word in Cyrillic
    transliteration: str = ""
    definition: Text  # one sentence
    explanation: Text  # a paragraph or two
    sources: Annotated[list[Citation], Field(min_length=1)]
    see_also: list[SeeAlso] = []


class SocialClass(Strict):
    """A social class as an encyclopedia entry, with the variables that describe it (front ends
    may group indicators by class)."""

    title: Text
    russian: str = ""
    transliteration: str = ""
    description: Text
    variables: list[str] = []
    sources: Annotated[list[Citation], Field(min_length=1)]
    see_also: list[SeeAlso] = []


class RuleFile(Strict):
    """One ``.toml`` file of a rule set: any of these tables, the manifest in ``ruleset.toml``."""

    ruleset: Manifest | None = None
    works: dict[str, Work] = {}
    mechanisms: dict[str, Mechanism] = {}
    parameters: dict[str, Parameter] = {}
    levers: dict[str, Lever] = {}
    variables: dict[str, Variable] = {}
    draws: dict[str, Draw] = {}
    events: dict[str, Event] = {}
    endings: dict[str, Ending] = {}
    invariants: dict[str, Invariant] = {}
    indicators: list[Indicator] = []
    classes: dict[str, SocialClass] = {}
    terms: dict[str, Term] = {}


# The tables of a rule set that hold named definitions, in the order they are merged.
DEFINITION_TABLES = ("works", "mechanisms", "parameters", "levers", "variables", "draws", "events", "endings", "invariants",
                     "classes", "terms")


# --------------------------------------------------------------------------------------------
# Scenarios and policies


class PolicySeason(BaseModel):
    """``[[season]]``: from this season on, these lever values (any lever id as a key)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    # Typed extras: each lever value is checked, and a wrong one is located at its own key.
    __pydantic_extra__: dict[str, Number] = Field(init=False)
    season: SeasonText

    @property
    def levers(self) -> dict[str, float]:
        return {k: float(v) for k, v in (self.model_extra or {}).items()}


class Policy(Strict):
    """Lever values for a whole game: ``[levers]`` every season, ``[[season]]`` from a season on."""

    levers: dict[str, Number] = {}
    season: list[PolicySeason] = []


class Series(Strict):
    """A historical series to set the model beside: a variable aggregated by year."""

    variable: Text
    label: Text
    aggregate: Literal["sum", "mean", "last"] = "sum"
    year: Literal["calendar", "agricultural"] = "calendar"
    values: dict[str, Number]
    tolerance: Annotated[float, Field(ge=0)] | None = None
    source: Citation


class History(Policy):
    """The historical policy, and the historical series the model is compared with."""

    series: list[Series] = []


class ScenarioMeta(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: Text
    summary: Text
    objectives: list[Text] = []
    ruleset: Id
    start: SeasonText
    seasons: Annotated[int, Field(ge=1, le=400)]
    seed: Annotated[int, Field(ge=0)] | None = None
    debrief_questions: list[Text] = []


class LeverSetting(Strict):
    locked: bool = False
    min: Number | None = None
    max: Number | None = None
    default: Number | None = None


class ScriptedDraw(Strict):
    season: SeasonText
    draw: Text
    value: Number


class ScenarioFile(Strict):
    scenario: ScenarioMeta
    initial: dict[str, Number] = {}
    parameters: dict[str, Number] = {}
    levers: dict[str, LeverSetting] = {}
    scripted_draws: list[ScriptedDraw] = []
    events: dict[str, Event] = {}
    endings: dict[str, Ending] = {}
    invariants: dict[str, Invariant] = {}
    history: History | None = None
