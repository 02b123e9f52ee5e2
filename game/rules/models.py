"""The shape of rule, scenario and policy files (pydantic v2; the same models give the JSON Schema).

Every model forbids unknown keys and does not coerce types: a string where a number belongs is
an error, not a guess. Cross-references (names in formulas, mechanism ids, works) are checked in
a second pass, :mod:`game.rules.validate`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.rules.season import SEASON_PATTERN

FORMAT_VERSION = 1

Text = Annotated[str, Field(min_length=1)]
FormulaText = str | float  # a formula, or a plain number
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

    @model_validator(mode="after")
    def _ordered(self) -> "Citation":
        if self.lines is not None and self.lines[0] > self.lines[1]:
            raise ValueError(f"line range {self.lines[0]}-{self.lines[1]} runs backwards")
        return self

    def __str__(self) -> str:
        lines = f" (lines {self.lines[0]}–{self.lines[1]})" if self.lines else ""
        return f"{self.section}{lines}"


class Work(Strict):
    title: Text
    author: Text
    year: int | None = None
    file: str | None = None


class Manifest(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    name: Text
    format_version: int
    description: str = ""


class Mechanism(Strict):
    title: Text
    summary: Text
    sources: Annotated[list[Citation], Field(min_length=1)]


class Parameter(Strict):
    value: float
    description: Text
    unit: str = ""
    min: float | None = None
    max: float | None = None
    source: Citation | None = None


class Lever(Strict):
    label: Text
    unit: str = ""
    min: float
    max: float
    step: Annotated[float, Field(gt=0)]
    default: float
    description: Text
    source: Citation
    choices: list[Text] | None = None
    mechanisms: list[str] = []


class Variable(Strict):
    formula: FormulaText
    initial: float | None = None
    unit: str = ""
    min: float = float("-inf")
    max: float = float("inf")
    label: str | None = None
    description: Text
    mechanisms: Annotated[list[str], Field(min_length=1)]
    source: Citation


class Draw(Strict):
    distribution: Literal["normal", "uniform", "triangular"]
    min: float
    max: float
    mean: float | None = None
    sd: Annotated[float, Field(ge=0)] | None = None
    mode: float | None = None
    seasons: list[SeasonOfYear] | None = None
    default: float | None = None
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


class Indicator(Strict):
    variable: Text
    label: Text
    format: str = ".1f"
    better: Literal["higher", "lower", "neither"] = "neither"


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
    indicators: list[Indicator] = []


# The tables of a rule set that hold named definitions, in the order they are merged.
DEFINITION_TABLES = ("works", "mechanisms", "parameters", "levers", "variables", "draws", "events", "endings")


# --------------------------------------------------------------------------------------------
# Scenarios and policies


class PolicySeason(BaseModel):
    """``[[season]]``: from this season on, these lever values (any lever id as a key)."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)
    season: SeasonText

    @model_validator(mode="after")
    def _numbers(self) -> "PolicySeason":
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"lever '{key}': expected a number, found {_kind(value)}")
        return self

    @property
    def levers(self) -> dict[str, float]:
        return {k: float(v) for k, v in (self.model_extra or {}).items()}


class Policy(Strict):
    """Lever values for a whole game: ``[levers]`` every season, ``[[season]]`` from a season on."""

    levers: dict[str, float] = {}
    season: list[PolicySeason] = []


class ScenarioMeta(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: Text
    summary: Text
    objectives: list[Text] = []
    ruleset: Text
    start: SeasonText
    seasons: Annotated[int, Field(ge=1, le=400)]
    seed: Annotated[int, Field(ge=0)] | None = None
    debrief_questions: list[Text] = []


class LeverSetting(Strict):
    locked: bool = False
    min: float | None = None
    max: float | None = None
    default: float | None = None


class ScriptedDraw(Strict):
    season: SeasonText
    draw: Text
    value: float


class ScenarioFile(Strict):
    scenario: ScenarioMeta
    initial: dict[str, float] = {}
    parameters: dict[str, float] = {}
    levers: dict[str, LeverSetting] = {}
    scripted_draws: list[ScriptedDraw] = []
    events: dict[str, Event] = {}
    history: Policy | None = None


def _kind(value: object) -> str:
    names = {str: "text", bool: "true/false", int: "a whole number", float: "a number", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)
