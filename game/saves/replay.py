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
    # What differs in words only (an event's message edited since): said, not a failure.
    notes: tuple[str, ...] = ()

    @property
    def reproduced(self) -> bool:
        return self.difference is None


def check_replay(loaded: LoadedSave) -> ReplayCheck:
    """Replay ``loaded``'s lever history under the rules on disk and compare each state with the
    saved one: every value, draw, event, log entry, random counter and ending, exactly."""
    save, scenario = loaded.save, loaded.scenario
    session = Session(scenario, save.seed)
    numbers = 0
    notes: list[str] = []
    branch = scenario.season_names().index(save.branch_at) if save.branch_at in scenario.season_names() else 0
    for turn, saved in enumerate(save.states):
        if turn:
            season = session.next_season if not session.is_over else session.state.season
            try:
                session.play(save.lever_history, until=turn, as_history=turn <= branch)
            except (LeverRejected, RuleError) as err:
                return ReplayCheck(turn - 1, numbers, f"{season}: the replay could not play this season: {err}")
            except GameOver:
                return ReplayCheck(turn - 1, numbers,
                    f"{season}: the replayed game had already ended ({session.state.ending or 'its last season'}); the save goes on")
        replayed = saved_state(session.model, session.state, session.history[turn - 1] if turn else None)
        difference = first_difference(saved, replayed)
        if difference is not None:
            return ReplayCheck(max(turn - 1, 0), numbers, f"{saved.season} (season {turn}): {difference}", tuple(notes))
        worded = reworded(saved, replayed)
        if worded:
            notes.append(f"{saved.season}: the message of {worded} changed since the game was played (its numbers did not)")
        numbers += len(saved.values) + len(saved.draws) + len(saved.events)
    played = len(save.states) - 1
    wrong = record_difference(loaded, session)
    return ReplayCheck(played, numbers, wrong, tuple(notes))


def record_difference(loaded: LoadedSave, replayed: Session) -> str | None:
    """What in the save's record of how the game was made disagrees with the game replayed: the
    finished flag, one time per state in order (none only for the seasons history's policy
    played before a branch), undos and redos of the scenario's seasons in time order, and
    checkpoint answers for checkpoints the game reached. None: it agrees."""
    save, scenario = loaded.save, loaded.scenario
    record = save.record
    if record.finished is not None and record.finished != replayed.is_over:
        if record.finished:
            return f"the record says the game is finished, but the replayed game is not over ({replayed.turn} of {scenario.seasons} seasons)"
        return "the record says the game is not finished, but the replayed game is over"
    seasons = scenario.season_names()
    if record.times:
        if len(record.times) != len(save.states):
            return f"the record has {len(record.times)} time(s) for {len(save.states)} state(s)"
        branch = seasons.index(save.branch_at) if save.branch_at in seasons else 0
        played = any(way in ("text", "window") for way in record.made_by)  # by a player (a game made by a program has no times)
        if played and branch == 0 and any(moment is None for moment in record.times[1:]):
            return "seasons without a time (played by history's policy) in a game that did not branch: was its branch_at removed?"
        for turn, moment in enumerate(record.times):
            if turn == 0 or not played:
                continue
            if moment is None and turn > branch:
                return f"{save.states[turn].season} (season {turn}) has no time: only the seasons history's policy played before a branch have none"
            if moment is not None and turn <= branch:
                return f"{save.states[turn].season} (season {turn}) was played by history's policy (the game branched at {save.branch_at}) but has a time"
        times = [t for t in record.times if t is not None]
        if any(b < a for a, b in zip(times, times[1:])):
            return "the record's times go backwards"
    for index, undo in enumerate(record.undos):
        if undo.season not in seasons:
            return f"undo {index + 1}: {undo.season} is not a season of {scenario.id}"
    moments = [u.at for u in record.undos if u.at is not None]
    if any(b < a for a, b in zip(moments, moments[1:])):
        return "the record's undos go backwards in time"
    if "simulated" in record.made_by and (record.undos or record.answers):
        return "a simulated game has undos or checkpoint answers"
    reached = len(save.states) - 1
    for answer in record.answers:
        if answer.season not in seasons or seasons.index(answer.season) > reached:
            return f"the answer to checkpoint '{answer.checkpoint}' is for {answer.season}, a season the game did not reach"
        checkpoint = next((c for c in getattr(scenario, "checkpoints", ()) if c.id == answer.checkpoint), None)
        if checkpoint is None:
            return f"the answer to checkpoint '{answer.checkpoint}': {scenario.id} has no such checkpoint"
        if checkpoint.season != answer.season:
            return f"the answer to checkpoint '{answer.checkpoint}' is for {answer.season}; the checkpoint is before {checkpoint.season}"
    return None


def reworded(saved: SavedState, replayed: SavedState) -> str | None:
    """The first draw or event whose message alone differs between the saved and the replayed
    state (its name), or None."""
    for a, b in zip(saved.log, replayed.log):
        if a.message != b.message:
            return f"{a.kind} {a.name}"
    return None


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
    if len(saved.log) != len(replayed.log):
        return f"the log has {len(saved.log)} entries saved, {len(replayed.log)} replayed"
    for index, (a, b) in enumerate(zip(saved.log, replayed.log)):
        # A message is words: one edited since the game was played is a note (see reworded), not a difference.
        if (a.kind, a.name, a.value, a.scripted) != (b.kind, b.name, b.value, b.scripted):
            scripted = {True: " (scripted)", False: ""}
            return (f"log[{index}] differs: saved {a.kind} {a.name} = {a.value!r}{scripted[a.scripted]}, "
                    f"replayed {b.kind} {b.name} = {b.value!r}{scripted[b.scripted]}")
    return None


def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, (list, tuple)) else (", ".join(map(str, value)) or "none")
