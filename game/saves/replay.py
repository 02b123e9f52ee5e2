"""Checking a save by playing it again: the lever history, from the scenario and the seed, must
reproduce every saved state exactly. An instructor can thus verify that a game was really played."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.engine import RuleError
from game.saves.format import SavedState
from game.saves.store import LoadedSave, saved_state
from game.session import GameOver, LeverRejected, Session


@dataclass(frozen=True)
class ReplayCheck:
    """What a replay compared, and the first difference (None: every state reproduced)."""

    seasons: int  # seasons reproduced exactly (before the first difference)
    numbers: int  # values, draws and events compared
    difference: str | None

    @property
    def reproduced(self) -> bool:
        return self.difference is None


def check_replay(loaded: LoadedSave) -> ReplayCheck:
    """Replay ``loaded``'s lever history under the rules on disk and compare each state with the
    saved one: every value, draw, event, log entry, random counter and ending, exactly."""
    save, scenario = loaded.save, loaded.scenario
    session = Session(scenario, save.seed)
    numbers = 0
    for turn, saved in enumerate(save.states):
        if turn:
            season = session.next_season if not session.is_over else session.state.season
            try:
                session.play(save.lever_history, until=turn)
            except (LeverRejected, RuleError) as err:
                return ReplayCheck(turn - 1, numbers, f"{season}: the replay could not play this season: {err}")
            except GameOver:
                return ReplayCheck(turn - 1, numbers,
                    f"{season}: the replayed game had already ended ({session.state.ending or 'its last season'}); the save goes on")
        replayed = saved_state(session.model, session.state, session.history[turn - 1] if turn else None)
        difference = first_difference(saved, replayed)
        if difference is not None:
            return ReplayCheck(max(turn - 1, 0), numbers, f"{saved.season} (season {turn}): {difference}")
        numbers += len(saved.values) + len(saved.draws) + len(saved.events)
    return ReplayCheck(len(save.states) - 1, numbers, None)


def first_difference(saved: SavedState, replayed: SavedState) -> str | None:
    """The first thing that differs between a saved and a replayed state, in words."""
    for field in ("season", "counter", "ending", "fired"):
        a, b = getattr(saved, field), getattr(replayed, field)
        if a != b:
            return f"{field} differs: saved {_show(a)}, replayed {_show(b)}"
    for field in ("values", "draws", "events", "adjusted"):
        a, b = getattr(saved, field), getattr(replayed, field)
        for name in [*b, *(k for k in a if k not in b)]:
            if name not in a:
                return f"{field}.{name} is missing from the save (replayed {b[name]!r})"
            if name not in b:
                return f"{field}.{name} is in the save but not in the replay (saved {a[name]!r})"
            if a[name] != b[name]:
                return f"{field}.{name} differs: saved {a[name]!r}, replayed {b[name]!r}"
    if saved.log != replayed.log:
        for index, (a, b) in enumerate(zip(saved.log, replayed.log)):
            if a != b:
                return f"log[{index}] differs: saved {a.kind} {a.name} = {a.value!r}, replayed {b.kind} {b.name} = {b.value!r}"
        return f"the log has {len(saved.log)} entries saved, {len(replayed.log)} replayed"
    return None


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, (list, tuple)) else (", ".join(map(str, value)) or "none")
