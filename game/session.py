"""One game in progress: the history of states, the levers being set, ending a season, undo and
redo, and branching from a scenario's history.

Front ends (text mode, window, command line) read the session and change it only through these
methods. A rejected lever value or a failing season leaves the session exactly as it was.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from game.engine import GameState, Model, initial_state, step
from game.formula import did_you_mean
from game.lazydata import dataclass, field
from game.rules.models import Ending, Lever
from game.rules.ruleset import on_step
from game.rules.scenario import Scenario
from game.rules.season import Season

if TYPE_CHECKING:
    from game.engine.explain import Explanation


class LeverRejected(ValueError):
    """A lever value the session refused; the message says why and what is allowed."""


class GameOver(RuntimeError):
    """The game has ended; no more seasons can be played."""


class BranchRefused(ValueError):
    """A branch the scenario cannot give: no historical policy, or a season it does not have."""


@dataclass(frozen=True)
class UndoEntry:
    """A season taken back (``undo``) or played again (``redo``), and when (ISO 8601 text, UTC;
    None when the clock was not given)."""

    action: str  # "undo" or "redo"
    season: str  # the season taken back or played again
    at: str | None = None


@dataclass(frozen=True)
class Answer:
    """A checkpoint passed: its season, the player's written answer (None: it asked no question)
    and when."""

    checkpoint: str
    season: str
    answer: str | None
    at: str | None = None


@dataclass
class PlayRecord:
    """How a game was made, kept beside its states for the save: the front ends it was played in
    ("text", "window") or "simulated"; when each state came to be (parallel to the history; None
    for a state no player made: the seasons history's policy played before a branch); every
    undo and redo; the checkpoints passed and their answers. Times are text given by the caller:
    the session reads no clock."""

    made_by: list[str] = field(default_factory=list)
    game_id: str = ""  # names this game's autosaves (given by the controller; "" for a game made by a program)
    times: list[str | None] = field(default_factory=lambda: [None])
    undos: list[UndoEntry] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)

    def made_in(self, front_end: str) -> None:
        if front_end not in self.made_by:
            self.made_by.append(front_end)


@dataclass(frozen=True)
class EndingReached:
    id: str | None
    ending: Ending | None
    season: str


class Session:
    """A game of ``scenario`` from ``seed``."""

    def __init__(self, scenario: Scenario, seed: int, model: Model | None = None) -> None:
        self.scenario = scenario
        self.seed = seed
        self.model = model or Model(scenario)
        self.history: list[GameState] = [initial_state(self.model, seed)]
        # The first season's levers are the policy the start was computed at (history's first
        # season's in a historical scenario), so keeping a lever changes nothing the start did not.
        self.levers: dict[str, float] = dict(zip(self.model.levers, self.model.start_levers, strict=True))
        # Seasons taken back, the last one on top, each with the levers that were being set then.
        self.redo_stack: list[tuple[GameState, dict[str, float]]] = []
        # The season the player took over from the scenario's historical policy (None: from the start).
        self.branch_at: str | None = None
        # (rule set hash, scenario hash) of the rules the first seasons were played under, when a
        # save was opened "as saved" under rules that changed since (None: all under these rules).
        self.played_under: tuple[str, str] | None = None
        # How the game was made: front ends, times, undos and redos, checkpoint answers.
        self.record = PlayRecord()
        # The season whose levers are being checked, when not the coming one (a policy checked up
        # front, season by season, without playing it: game.impact).
        self.deciding: int | None = None

    @classmethod
    def restore(cls, scenario: Scenario, seed: int, history: Sequence[GameState], levers: Mapping[str, float],
                branch_at: str | None = None, model: Model | None = None) -> Session:
        """A session over states already played (a loaded save): ``history[0]`` is the start.
        The states are taken as they are; nothing is recomputed."""
        if not history:
            raise ValueError("a session needs at least its starting state")
        session = cls(scenario, seed, model)
        session.history = list(history)
        session.levers.update((k, float(v)) for k, v in levers.items() if k in session.levers)
        session.branch_at = branch_at
        session.record.times = [None] * len(session.history)
        return session

    @classmethod
    def branch(cls, scenario: Scenario, seed: int, at: str, model: Model | None = None) -> Session:
        """Play ``scenario``'s historical policy up to season ``at`` and hand over: the player sets
        the levers of ``at`` (shown at what history did). Raises :class:`BranchRefused` for a
        scenario without history, a season it does not have, or a game history ended before it."""
        seasons = scenario.season_names()
        if scenario.history is None:
            raise BranchRefused(f"scenario '{scenario.id}' has no historical policy to branch from")
        if at not in seasons:
            raise BranchRefused(f"'{at}' is not a season of {scenario.id}; choose one of: {', '.join(seasons)}")
        turn = seasons.index(at)
        session = cls(scenario, seed, model)
        try:
            session.play(scenario.history, until=turn, as_history=True)
        except GameOver:
            pass  # history ended the game before `at`: said just below
        if session.is_over:
            ending = session.ending
            why = f"the ending '{ending.id}'" if ending is not None and ending.id else "its end"
            raise BranchRefused(f"under the historical policy {scenario.id} reaches {why} in {session.state.season}, before {at}")
        for name in scenario.levers:  # the player's levers start where history set them; locked ones at their defaults
            if session.is_locked(name):
                session.levers[name] = scenario.levers[name].default
        session.set_levers({k: v for k, v in scenario.history[turn].items() if not session.is_locked(k)})
        session.branch_at = at
        return session

    # -- reading -----------------------------------------------------------------------------
    @property
    def state(self) -> GameState:
        return self.history[-1]

    @property
    def turn(self) -> int:
        """Seasons played so far."""
        return self.state.turn

    @property
    def next_season(self) -> Season:
        """The season the player is setting levers for."""
        return self.scenario.season_at(self.turn)

    @property
    def is_over(self) -> bool:
        return self.state.ending is not None or self.turn >= self.scenario.seasons

    @property
    def ending(self) -> EndingReached | None:
        """The ending, once the game is over (``id`` None: the scenario ran out with none)."""
        if not self.is_over:
            return None
        ident = self.state.ending
        return EndingReached(ident, self.scenario.endings.get(ident) if ident else None, self.state.season)

    def value(self, name: str, turn: int | None = None) -> float:
        state = self.history[self.turn if turn is None else turn]
        return state.values[self.model.index[name]]

    def values(self, turn: int | None = None) -> dict[str, float]:
        state = self.history[self.turn if turn is None else turn]
        return dict(zip(self.model.variables, state.values))

    def levers_played(self, turn: int) -> dict[str, float]:
        """The lever values of the season that produced ``history[turn]``."""
        return dict(zip(self.model.levers, self.history[turn].levers))

    def explain(self, name: str, turn: int | None = None, depth: int = 3, baseline: int | None = None) -> Explanation:
        """Why variable ``name`` moved in the season that produced ``history[turn]`` — since the
        season before, or since ``history[baseline]``."""
        if name not in self.model.index:
            raise KeyError(f"unknown variable '{name}'{did_you_mean(name, self.model.variables)}")
        from game.engine.explain import explain  # (after a season is played: not on the way to the first prompt)

        return explain(self.model, self.history, self.turn if turn is None else turn, name, depth, baseline=baseline)

    # -- acting ------------------------------------------------------------------------------
    def set_lever(self, name: str, value: float) -> float:
        """Set lever ``name`` for the coming season; returns the value set. Raises
        :class:`LeverRejected` (and changes nothing) for an unknown or locked lever, or a value
        outside its bounds or off its steps."""
        lever = self.lever(name)
        if name in self.scenario.locked:
            raise LeverRejected(f"{lever.label} is locked at {_num(lever.default)} in this scenario")
        if self._deciding < self.scenario.unlock_turn.get(name, 0):
            raise LeverRejected(f"{lever.label} stays at {_num(lever.default)} until {self.scenario.season_at(self.scenario.unlock_turn[name])}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise LeverRejected(f"{lever.label} needs a number between {_num(lever.min)} and {_num(lever.max)}")
        if not lever.min <= value <= lever.max:
            raise LeverRejected(f"{_num(value)} is outside the bounds of {lever.label}: {_num(lever.min)} to {_num(lever.max)}{_unit(lever)}")
        base = self.scenario.ruleset.levers[name].min
        if not on_step(value, base, lever.step):
            low = base + math.floor((value - base) / lever.step) * lever.step
            near = [v for v in (low, low + lever.step) if lever.min <= v <= lever.max]
            raise LeverRejected(f"{lever.label} moves in steps of {_num(lever.step)}; try {' or '.join(_num(v) for v in near)}")
        self.levers[name] = float(value)
        return float(value)

    def lever(self, name: str) -> Lever:
        lever = self.scenario.levers.get(name)
        if lever is None:
            raise LeverRejected(f"unknown lever '{name}'{did_you_mean(name, self.scenario.levers)}")
        return lever

    def is_locked(self, name: str) -> bool:
        """Whether the player may not move lever ``name`` in the coming season: the scenario locks
        it, or unlocks it only from a later season."""
        return name in self.scenario.locked or self._deciding < self.scenario.unlock_turn.get(name, 0)

    @property
    def _deciding(self) -> int:
        return self.turn if self.deciding is None else self.deciding

    def set_levers(self, values: Mapping[str, float], as_history: bool = False) -> None:
        """Set several levers at once: all of them, or (if any is refused) none. ``as_history``:
        these are history's levers, which may set a lever the scenario locks for the player
        (within the rule set's range) — as may exactly history's levers for the coming season."""
        saved = dict(self.levers)
        history = self.scenario.history
        # History's levers for this very season are history's, whoever sets them (simulate, a replay).
        turn = self._deciding
        as_history = as_history or (history is not None and turn < len(history) and dict(values) == dict(history[turn]))
        try:
            for name, value in values.items():
                if self.is_locked(name) and value == self.scenario.levers[name].default:
                    self.levers[name] = float(value)  # (history may have moved it in a season before)
                    continue
                if as_history and self.is_locked(name):
                    self.levers[name] = self._historical(name, value)
                    continue
                self.set_lever(name, value)
        except LeverRejected:
            self.levers = saved
            raise

    def end_season(self, at: str | None = None) -> GameState:
        """Play the coming season with the current levers and return the new state. A
        :class:`~game.engine.RuleError` leaves the session as it was.

        After an undo, a season that comes out exactly as the undone one (the same levers: the
        game is deterministic) keeps the seasons undone after it for :meth:`redo`; any other
        season clears them — that future did not happen."""
        if self.is_over:
            raise GameOver("the game is over")
        new = step(self.model, self.state, self.levers)
        self.history.append(new)
        self.record.times.append(at)
        if self.redo_stack and self.redo_stack[-1][0] == new:
            self.redo_stack.pop()
        else:
            self.redo_stack.clear()
        return new

    def _historical(self, name: str, value: float) -> float:
        """History's value of a lever locked for the player: any the rule set allows."""
        lever = self.scenario.ruleset.levers.get(name)
        if lever is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not lever.min <= value <= lever.max \
                or not on_step(value, lever.min, lever.step):
            raise LeverRejected(f"history's value {value!r} of {name} is not one the rule set allows")
        return float(value)

    def play(self, policy: Sequence[Mapping[str, float]] | None = None, until: int | None = None, as_history: bool = False) -> None:
        """Play season after season, each with ``policy[turn]`` (the lever values for the season
        after ``turn`` seasons played; None: the levers as they are set), until ``until`` seasons
        have been played — or, when ``until`` is None, until the game is over.

        Raises :class:`GameOver` when the game ends before ``until`` seasons (the seasons played
        stay played), and :class:`LeverRejected` or :class:`~game.engine.RuleError` for a season
        that cannot be played: the session then stands just before that season
        (:attr:`next_season` names it), with the seasons before it played."""
        while (not self.is_over) if until is None else self.turn < until:
            if self.is_over:
                raise GameOver(f"the game ended in {self.state.season}, after {self.turn} of the {until} season(s) to play")
            if policy is not None:
                self.set_levers(policy[self.turn], as_history)
            self.end_season()

    def undo(self, at: str | None = None) -> bool:
        """Take back the last season; its levers become the current ones. False at the start (and,
        in a game taken over from history, at the season it was taken over: history's seasons
        are not the player's to take back)."""
        if len(self.history) <= 1 or self.turn <= self.branch_turn:
            return False
        undone = self.history.pop()
        del self.record.times[len(self.history):]
        self.record.undos.append(UndoEntry("undo", undone.season, at))
        self.redo_stack.append((undone, dict(self.levers)))
        self.levers = dict(zip(self.model.levers, undone.levers))
        return True

    def redo(self, at: str | None = None) -> bool:
        """Play again the season last taken back, exactly as it was, with the levers that were
        being set after it. False when nothing was undone (or a different season was played since)."""
        if not self.redo_stack:
            return False
        state, levers = self.redo_stack.pop()
        self.history.append(state)
        self.record.times.append(at)
        self.record.undos.append(UndoEntry("redo", state.season, at))
        self.levers = levers
        return True

    @property
    def branch_turn(self) -> int:
        """The seasons history's policy played before the player took over (0 without a branch)."""
        seasons = self.scenario.season_names()
        return seasons.index(self.branch_at) if self.branch_at in seasons else 0

    @property
    def can_redo(self) -> bool:
        return bool(self.redo_stack)


def _num(value: float) -> str:
    return f"{value:g}"


def _unit(lever: Lever) -> str:
    return f" {lever.unit}" if lever.unit else ""
