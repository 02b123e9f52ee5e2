"""What a save records beyond the seasons, as a report shows it: the answers written at the
scenario's checkpoints, and how the game was made (in the window, in text mode or simulated;
seasons taken back; when it was played). A save of a format that records neither (before format
4) gives nothing, and the report leaves the section out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from game.present.seasons import season_label
from game.rules.scenario import Scenario
from game.saves import SaveFile

# How the front ends that made a game are named in a report.
MADE_BY = {"window": "in the window", "text": "in text mode", "simulated": "simulated (not played by a person)"}


@dataclass(frozen=True)
class Answer:
    """A student's written answer at a checkpoint (``question`` as the scenario asks it now)."""

    checkpoint: str
    season: str
    question: str
    answer: str


def _record(save: SaveFile) -> Any:
    return getattr(save, "record", None)


def checkpoint_question(scenario: Scenario, ident: str) -> str:
    """The question (else the title) of the scenario's checkpoint ``ident`` ('' when it has none)."""
    for checkpoint in getattr(scenario, "checkpoints", ()):
        if checkpoint.id == ident:
            return str(checkpoint.question or checkpoint.title)
    return ""


def answers(save: SaveFile, scenario: Scenario) -> list[Answer]:
    """The written answers the save holds, in the order of the game (checkpoints that asked no
    question are left out)."""
    record = _record(save)
    out = []
    for item in getattr(record, "answers", None) or ():
        if item.answer is None:
            continue
        question = checkpoint_question(scenario, item.checkpoint) or f"checkpoint {item.checkpoint}"
        out.append(Answer(item.checkpoint, item.season, question, item.answer))
    return out


def made_by(save: SaveFile) -> str:
    """'in the window', 'in text mode and in the window', 'simulated …'; '' when unknown."""
    ways = [MADE_BY.get(w, w) for w in getattr(_record(save), "made_by", None) or ()]
    return " and ".join(dict.fromkeys(ways))


def undo_count(save: SaveFile) -> int | None:
    """How many seasons were taken back (None: the save does not say)."""
    record = _record(save)
    if record is None or not getattr(record, "made_by", None):
        return None
    return sum(1 for u in record.undos if u.action == "undo")


def _moment(at: datetime | None) -> str:
    return "" if at is None else f" at {at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d} UTC"


def play_record(save: SaveFile) -> list[str]:
    """How the game was made, as sentences (none when the save does not record it)."""
    record = _record(save)
    if record is None or not getattr(record, "made_by", None):
        return []
    out = [f"Played {made_by(save)}."]
    if record.finished is not None:
        out.append("The game was played to its end." if record.finished else "The game was saved before its end.")
    times: list[datetime] = [t for t in record.times if t is not None]
    if len(times) >= 2:
        minutes = round((times[-1] - times[0]).total_seconds() / 60)
        out.append(f"The first season was played{_moment(times[0])}, the last {minutes} minute(s) later.")
    undos = list(record.undos)
    if undos:
        told = "; ".join(f"{u.action} in {season_label(u.season)}{_moment(u.at)}" for u in undos[:12])
        more = f"; and {len(undos) - 12} more" if len(undos) > 12 else ""
        out.append(f"Seasons taken back or played again: {len(undos)} ({told}{more}).")
    else:
        out.append("No season was taken back.")
    return out
