"""The save file format: versioned JSON, validated by pydantic models (see docs/SAVE_FORMAT.md).

Version 4 is current. Every older version has an explicit upgrade step to the next one; a save of
a newer version than this code knows is refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from game.limits import MAX_PLAYER  # (characters of a player's name: the command line checks it first)

FORMAT: Final = "smychka-save"
CURRENT_VERSION: Final = 4

SeasonId = Annotated[str, Field(pattern=r"^\d{4}-(winter|spring|summer|autumn)$")]
Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
ByName = dict[str, float]


def _in_utc(moment: datetime) -> datetime:
    """A save's time as UTC: one without a time zone (written by hand, or by another program) is
    taken as UTC, so that every save's time compares with every other's."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("a moment that, in UTC, falls outside the years 1 to 9999") from None


SavedAt = Annotated[datetime, AfterValidator(_in_utc)]


class _Strict(BaseModel):
    # Each model's validator is built the first time a save is read (defer_build): starting a game
    # does not wait for it.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False, defer_build=True)


class SavedLogEntry(_Strict):
    """A draw or an event of one season, as the season report showed it."""

    kind: Literal["draw", "event"]
    name: Name
    value: float
    message: str = ""
    scripted: bool = False


class SavedState(_Strict):
    """The game after ``turn`` seasons (turn 0: the start), every number by name."""

    turn: int = Field(ge=0)
    season: SeasonId
    values: ByName
    draws: ByName
    events: ByName
    # Last season's values as this season's events changed them (only those that differ).
    adjusted: ByName = {}
    counter: int = Field(ge=0)
    fired: list[Name] = []
    log: list[SavedLogEntry] = []
    ending: Name | None = None


class RulesRef(_Strict):
    id: Name
    hash: Hash


class LayerRef(_Strict):
    """One layer of the rule set a game was played under: the base rule set, or a mod over it."""

    id: Name
    version: str = Field(max_length=100)
    hash: Hash  # the SHA-256 of the layer's own files


class RulesDigest(_Strict):
    """What the rules said (see game/rules/digest.py), so that a notice can list what changed."""

    parameters: ByName = {}
    formulas: dict[str, Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]] = {}
    bounds: dict[str, Annotated[str, Field(max_length=200)]] = {}


class RulesDetail(_Strict):
    """The rule set in more detail than ``ruleset`` (its id and the hash of its whole stack): its
    layers, base first and the rule set played last, and a digest of what its rules said."""

    layers: list[LayerRef] = []
    digest: RulesDigest = RulesDigest.model_construct()  # (the defaults: no validator built on import)


class ScenarioRef(_Strict):
    id: Name
    hash: Hash
    file: str = ""


class Metadata(_Strict):
    """What a list of saves shows without reading the game itself."""

    scenario_title: str
    season: SeasonId  # the season to be played next (the last one played when the game is over)
    turn: int = Field(ge=0)
    saved_at: SavedAt
    player: str = Field(max_length=MAX_PLAYER)
    game_version: str
    ending: Name | None = None


FrontEnd = Literal["text", "window", "simulated"]
MAX_ANSWER: Final = 20_000  # characters of one written answer


class SavedUndo(_Strict):
    """A season taken back (undo) or played again (redo), and when."""

    action: Literal["undo", "redo"]
    season: SeasonId
    at: SavedAt | None = None


class SavedAnswer(_Strict):
    """A checkpoint of the scenario passed: the season it came before, the written answer (null:
    it asked no question) and when it was given."""

    checkpoint: Name
    season: SeasonId
    answer: str | None = Field(default=None, max_length=MAX_ANSWER)
    at: SavedAt | None = None


class PlayRecord(_Strict):
    """How the game was made (format 4 on): covered by replay and by ``main.py verify``."""

    made_by: list[FrontEnd] = []  # the front ends it was played in, or "simulated"; empty: unknown
    game_id: Annotated[str, Field(pattern=r"^([0-9a-f]{8})?$")] = ""  # names its autosaves ("" : none)
    finished: bool | None = None  # the game is over (null: unknown, a save upgraded from format 3)
    times: list[SavedAt | None] = []  # when each state came to be, one per state (null: played by history's policy); empty: unknown
    undos: list[SavedUndo] = []
    answers: list[SavedAnswer] = []


class SaveV4(_Strict):
    """A whole game: enough to resume it, to show it exactly as played, and to replay it; how it
    was made; and a seal that shows an edit by hand."""

    format: Literal["smychka-save"]
    version: Literal[4]
    metadata: Metadata
    ruleset: RulesRef
    scenario: ScenarioRef
    seed: int
    branch_at: SeasonId | None
    lever_history: list[ByName]  # the levers of every season played, in order
    levers: ByName  # the levers being set for the coming season
    states: list[SavedState] = Field(min_length=1)  # states[0] is the start
    # Long: none in a save upgraded from version 2 (which knew no mods).
    rules_detail: RulesDetail | None = None
    record: PlayRecord = PlayRecord.model_construct()
    # SHA-256 of the save written with an empty seal (see game/saves/store.py: seal_of); "" in a
    # save upgraded from an older format.
    seal: Annotated[str, Field(pattern=r"^([0-9a-f]{64})?$")] = ""


SaveFile = SaveV4


# --- older versions --------------------------------------------------------------------------


class SaveV3(_Strict):
    """The third format (before the play record and the seal)."""

    format: Literal["smychka-save"]
    version: Literal[3]
    metadata: Metadata
    ruleset: RulesRef
    scenario: ScenarioRef
    seed: int
    branch_at: SeasonId | None
    lever_history: list[ByName]  # the levers of every season played, in order
    levers: ByName  # the levers being set for the coming season
    states: list[SavedState] = Field(min_length=1)  # states[0] is the start
    # Last in the file, being long: none in a save upgraded from version 2 (which knew no mods).
    rules_detail: RulesDetail | None = None


def upgrade_v3(old: SaveV3) -> SaveV4:
    """Version 3 -> 4: the play record and the seal are new. How a format-3 game was made is
    unknown (no front end, no times, no undos, finished unknown) and it has no seal."""
    return SaveV4(
        format=FORMAT, version=4, seal="", metadata=old.metadata, ruleset=old.ruleset, scenario=old.scenario, seed=old.seed,
        branch_at=old.branch_at, lever_history=old.lever_history, levers=old.levers, states=old.states,
        record=PlayRecord(), rules_detail=old.rules_detail,
    )


class SaveV2(_Strict):
    """The second format (before mods): the rule set as an id and a hash alone."""

    format: Literal["smychka-save"]
    version: Literal[2]
    metadata: Metadata
    ruleset: RulesRef
    scenario: ScenarioRef
    seed: int
    branch_at: SeasonId | None
    lever_history: list[ByName]
    levers: ByName
    states: list[SavedState] = Field(min_length=1)


def upgrade_v2(old: SaveV2) -> SaveV3:
    """Version 2 -> 3: ``rules_detail`` (the rule set's layers and a digest of its rules) is new;
    a version-2 game knew no mods, and what its rules said in detail is unknown, so it is left out
    (a notice of changed rules then says only what it can)."""
    return SaveV3(
        format=FORMAT, version=3, metadata=old.metadata, ruleset=old.ruleset, scenario=old.scenario, seed=old.seed, branch_at=old.branch_at,
        lever_history=old.lever_history, levers=old.levers, states=old.states, rules_detail=None,
    )


class SaveV1(_Strict):
    """The first format (before branching and player names): flat metadata, levers as lists in
    the order of ``lever_names``."""

    format: Literal["smychka-save"]
    version: Literal[1]
    title: str
    season: SeasonId
    saved_at: SavedAt
    ruleset: Name
    ruleset_hash: Hash
    scenario: Name
    scenario_hash: Hash
    seed: int
    lever_names: list[Name]
    lever_history: list[list[float]]
    levers: list[float]
    states: list[SavedState] = Field(min_length=1)


def upgrade_v1(old: SaveV1) -> SaveV2:
    """Version 1 -> 2: levers become tables by name; metadata is gathered in one table and gains
    the player's name (unknown: empty), the game's version and the ending; the branch point is
    new (none: version 1 games were played from the start)."""
    def by_name(values: list[float]) -> dict[str, float]:
        if len(values) != len(old.lever_names):
            raise ValueError(f"{len(values)} lever value(s) for {len(old.lever_names)} lever name(s)")
        return dict(zip(old.lever_names, values))

    last = old.states[-1]
    return SaveV2(
        format=FORMAT, version=2,
        metadata=Metadata(scenario_title=old.title, season=old.season, turn=last.turn, saved_at=old.saved_at,
                          player="", game_version="unknown (format 1)", ending=last.ending),
        ruleset=RulesRef(id=old.ruleset, hash=old.ruleset_hash),
        scenario=ScenarioRef(id=old.scenario, hash=old.scenario_hash),
        seed=old.seed, branch_at=None,
        lever_history=[by_name(row) for row in old.lever_history], levers=by_name(old.levers),
        states=old.states,
    )


# version -> (its model, the step to the next version); applied in order up to CURRENT_VERSION.
UPGRADES: dict[int, tuple[type[BaseModel], Callable[..., BaseModel]]] = {
    1: (SaveV1, upgrade_v1),
    2: (SaveV2, upgrade_v2),
    3: (SaveV3, upgrade_v3),
}
