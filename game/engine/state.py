"""The game state: immutable, complete, and small enough to keep one per season."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class LogEntry:
    """Something chance or the rules did this season: a draw or an event."""

    kind: Literal["draw", "event"]
    name: str
    value: float
    message: str = ""
    scripted: bool = False

    @classmethod
    def made(cls, kind: Literal["draw", "event"], name: str, value: float, message: str = "", scripted: bool = False) -> LogEntry:
        """The same as ``LogEntry(...)``, without the frozen dataclass's field-by-field
        ``__init__`` (the season step makes one for each draw and event)."""
        entry = object.__new__(cls)
        d = entry.__dict__  # set in the order of the fields: the cheapest way (see GameState.made)
        d["kind"] = kind
        d["name"] = name
        d["value"] = value
        d["message"] = message
        d["scripted"] = scripted
        return entry


@dataclass(frozen=True)
class GameState:
    """Everything about a game after ``turn`` seasons have been played.

    Tuples follow the order of :class:`~game.engine.model.Model`'s names. ``prev_values`` are the
    last-season values this season was computed from (after events' effects); the random state
    is ``(seed, counter)``.
    """

    turn: int
    season: str
    values: tuple[float, ...]
    levers: tuple[float, ...]
    draws: tuple[float, ...]
    events: tuple[float, ...]
    prev_values: tuple[float, ...]
    seed: int
    counter: int
    fired: tuple[str, ...] = ()
    log: tuple[LogEntry, ...] = ()
    ending: str | None = None

    @classmethod
    def made(cls, turn: int, season: str, values: tuple[float, ...], levers: tuple[float, ...], draws: tuple[float, ...],
             events: tuple[float, ...], prev_values: tuple[float, ...], seed: int, counter: int, fired: tuple[str, ...],
             log: tuple[LogEntry, ...], ending: str | None) -> GameState:
        """The same as ``GameState(...)`` with every field given, without the frozen
        dataclass's field-by-field ``__init__`` (the season step makes one a season). Each field
        is set in the new instance's own dictionary, in the order of the fields: CPython then
        fills the dictionary the class's instances share the keys of, which is cheaper than
        ``__dict__.update(...)`` (about 1,400 of 8,000 instructions), one statement a field
        cheaper still than a tuple assigned to them all."""
        state = object.__new__(cls)
        d = state.__dict__
        d["turn"] = turn
        d["season"] = season
        d["values"] = values
        d["levers"] = levers
        d["draws"] = draws
        d["events"] = events
        d["prev_values"] = prev_values
        d["seed"] = seed
        d["counter"] = counter
        d["fired"] = fired
        d["log"] = log
        d["ending"] = ending
        return state
