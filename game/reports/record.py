"""What a save records beyond the seasons, as a report shows it: the answers written at the
scenario's checkpoints and how the game was made (in the window, in text mode, simulated; undos).
A save of a format that records neither gives nothing, and the report leaves the section out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.saves import SaveFile


@dataclass(frozen=True)
class Answer:
    """A student's written answer to a checkpoint's question."""

    season: str
    question: str
    answer: str


def answers(save: SaveFile) -> list[Answer]:
    """The checkpoint answers the save holds, in the order of the game (none: an empty list)."""
    found: Any = getattr(save, "answers", None) or []
    out = []
    for item in found:
        season = getattr(item, "season", "")
        question = getattr(item, "question", "") or getattr(item, "prompt", "")
        if season:
            out.append(Answer(season, question, getattr(item, "answer", "") or ""))
    return out


def play_record(save: SaveFile) -> list[str]:
    """How the game was made, as sentences (none when the save does not record it)."""
    record: Any = getattr(save, "record", None)
    if record is None:
        return []
    out = []
    how = getattr(record, "played_in", "") or getattr(record, "how", "")
    if how:
        out.append(f"Played in: {how}.")
    undos = getattr(record, "undos", None)
    if undos is not None:
        out.append(f"Seasons taken back: {len(undos)}.")
    return out
