"""One game flow for both front ends: start a scenario (or take over from history), open a save,
end a season, undo and redo, save and autosave — with one seed policy and one record of what was
autosaved. The text mode and the window call this; neither starts, loads or saves a game itself.

Every failure a player can cause comes back as :class:`StartRefused` (with located problems) or
as the session's own exceptions (:class:`~game.session.LeverRejected`,
:class:`~game.session.GameOver`, :class:`~game.engine.RuleError`); nothing is left half done.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from game.engine import RuleError
from game.lazydata import dataclass, field
from game.present.story import SeasonReport, season_report
from game.present.warnings import Threat, threats
from game.rules.digest import DigestChanges, changes, digest
from game.rules.models import Checkpoint
from game.rules.problems import LoadError, Problem
from game.rules.scenario import Scenario, load_scenario
from game.saves.basics import now_text
from game.saves.library import autosave, default_save_path, submission_path
from game.session import Answer, BranchRefused, GameOver, LeverRejected, Session

if TYPE_CHECKING:  # (the save format is read and written only when a game is saved or loaded)
    from game.present.debrief import Debrief
    from game.saves.store import LoadedSave, OpenWay


class StartRefused(Exception):
    """A game that could not be started or opened: what was tried, and why (located problems
    from files, or sentences)."""

    def __init__(self, what: str, problems: list[Problem] | list[str], kind: str = "start") -> None:
        super().__init__(what)
        self.what = what
        self.problems = problems
        self.kind = kind  # "scenario" or "save" (files with located problems), "open", "branch", "start", "reload"

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]

    @property
    def errors(self) -> int:
        """How many of the problems are errors (a sentence counts as one)."""
        return sum(1 for p in self.problems if not isinstance(p, Problem) or p.severity == "error")


class CheckpointFirst(RuntimeError):
    """A season cannot be ended before the checkpoint that comes before its decision is passed."""


@dataclass(frozen=True)
class Reloaded:
    """A game replayed under reloaded rules: the new game, what changed in the rules, and the
    levers being set that the new rules refused (their labels: they are at their defaults)."""

    game: Game
    changes: DigestChanges
    refused: tuple[str, ...] = ()


def choose_seed(requested: int | None, scenario: Scenario) -> int:
    """The one seed policy: the seed asked for, else the scenario's own, else a fresh one (shown
    to the player and kept in the save, so the game can be played again). A class scenario that
    fixes its seed refuses any other (:class:`StartRefused`)."""
    fixed = scenario.classroom is not None and scenario.classroom.fixed_seed
    if fixed and requested is not None and requested != scenario.seed:
        raise StartRefused(f"The scenario '{scenario.id}' cannot start with seed {requested}",
                           [f"this class scenario fixes the seed {scenario.seed}: leave --seed out"])
    if requested is not None:
        return requested
    if scenario.seed is not None:
        return scenario.seed
    import secrets  # only for a fresh seed

    return secrets.randbelow(2**31)


def open_scenario(rules_root: Path, ref: str, mod: str | Path | None = None) -> Scenario:
    """Scenario ``ref`` (an id or a path), under ``mod`` if given (see
    :func:`~game.rules.scenario.load_scenario`); :class:`StartRefused` with its problems."""
    try:
        return load_scenario(ref, rules_root, mod=mod)
    except LoadError as err:
        raise StartRefused(f"The scenario '{ref}' cannot be opened", err.problems, "scenario") from None


def read_saved_game(rules_root: Path, path: Path) -> LoadedSave:
    """The save at ``path`` read against the rules as they are; :class:`StartRefused` with its
    problems (nothing is changed)."""
    from game.saves.store import load_save

    try:
        return load_save(path, rules_root)
    except LoadError as err:
        raise StartRefused(f"The save '{path}' cannot be loaded", err.problems, "save") from None


@dataclass
class Game:
    """A game in progress: its session, where its saves go, who plays it, and the state last
    autosaved (or loaded), so the same state is never written twice."""

    session: Session
    saves: Path | None = None   # the saves folder; None: no autosaves
    player: str = ""
    autosaved: object = None    # the state last autosaved or loaded (None: none yet)
    _reports: dict[int, tuple[object, SeasonReport]] = field(default_factory=dict, repr=False)
    _threats: tuple[object, tuple[Threat, ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.session.record.game_id:  # names this game's autosaves, kept apart from other games'
            import os  # (os.urandom is what secrets.token_hex reads, without importing secrets, hmac and OpenSSL)

            self.session.record.game_id = os.urandom(4).hex()

    # -- starting ----------------------------------------------------------------------------
    @classmethod
    def start(cls, rules_root: Path, ref: str, seed: int | None = None, branch_at: str | None = None,
              saves: Path | None = None, player: str = "", mod: str | Path | None = None) -> Game:
        """A new game of ``ref`` (under ``mod``) from the chosen seed; with ``branch_at``,
        history's policy plays up to that season and the player takes over there."""
        scenario = open_scenario(rules_root, ref, mod)
        return cls.of_scenario(scenario, seed, branch_at, saves, player)

    @classmethod
    def of_scenario(cls, scenario: Scenario, seed: int | None = None, branch_at: str | None = None,
                    saves: Path | None = None, player: str = "") -> Game:
        chosen = choose_seed(seed, scenario)
        if branch_at is not None and scenario.classroom is not None and not scenario.classroom.branching:
            raise StartRefused(f"The scenario '{scenario.id}' cannot be taken over at {branch_at}",
                               ["this class scenario is played from the start: taking over from history is not allowed"], "branch")
        try:
            session = Session.branch(scenario, chosen, branch_at) if branch_at is not None else Session(scenario, chosen)
        except BranchRefused as err:
            raise StartRefused(f"The scenario '{scenario.id}' cannot be taken over at {branch_at}", [str(err)], "branch") from None
        except RuleError as err:
            raise StartRefused(f"The scenario '{scenario.id}' cannot start", [str(err)]) from None
        session.record.times[0] = now_text()  # the game began; history's seasons before a branch have no time
        return cls(session, saves, player, autosaved=session.state)  # a new game needs no autosave yet

    @classmethod
    def open(cls, loaded: LoadedSave, how: OpenWay = "resume", saves: Path | None = None, player: str = "") -> Game:
        """The game of a save read with :func:`read_saved_game`: resumed exactly, replayed under
        the rules as they are now, or continued as saved."""
        from game.saves.store import SaveRefused

        try:
            session = loaded.open(how)
        except (SaveRefused, RuleError) as err:
            raise StartRefused(f"The save '{loaded.path.name}' cannot be opened that way", [str(err)], "open") from None
        return cls(session, saves, player or loaded.save.metadata.player, autosaved=session.state)  # it is on disk already

    # -- reloading the rules -----------------------------------------------------------------
    def reload(self, rules_root: Path) -> Reloaded:
        """This game replayed under the rules as they are on disk now (a modder's edit): the same
        scenario, mods and seed, a new session playing the player's levers season by season
        (:meth:`Session.play <game.session.Session.play>`) up to the season the player is at, the
        levers being set kept where the new rules allow them. Raises :class:`StartRefused` when
        it cannot — the files do not load (located problems), the rules fail in a season, they
        refuse a lever the player set, or the game now ends before the player's season — and
        this game is left as it was."""
        old = self.session
        mod = Path(old.scenario.ruleset.folder) if old.scenario.ruleset.is_mod else None
        try:
            scenario = load_scenario(old.scenario.file, rules_root, mod=mod)
        except LoadError as err:
            raise StartRefused("The rules cannot be reloaded", err.problems, "scenario") from None
        # Levers the player could not move (locked) take the new rules' defaults; a lever the new
        # rules no longer have is left out if the player never moved it.
        locked = old.scenario.locked
        played = [old.levers_played(turn) for turn in range(1, old.turn + 1)]
        for name in old.model.levers:
            if name not in scenario.levers and name not in locked:
                moved = next((p[name] for p in played if p[name] != old.scenario.levers[name].default), None)
                if moved is not None:
                    raise StartRefused("The rules cannot be reloaded", [f"the reloaded rules have no lever '{name}', which you set to {moved:g}"], "reload")
        branch = old.branch_turn
        # History's seasons before a branch keep every lever history set; the player's, the free ones.
        policy = [{k: v for k, v in p.items() if k in scenario.levers and (turn < branch or k not in locked)} for turn, p in enumerate(played)]
        try:
            session = Session(scenario, old.seed)
        except RuleError as err:
            raise StartRefused("The rules cannot be reloaded", [f"the scenario cannot start: {err}"], "reload") from None
        session.branch_at = old.branch_at if old.branch_at in scenario.season_names() else None
        try:
            session.play(policy, until=min(branch, len(policy)), as_history=True)
            session.play(policy, until=len(policy))
        except LeverRejected as err:
            raise StartRefused("The rules cannot be reloaded", [f"{session.next_season}: the levers you played are refused: {err}"], "reload") from None
        except RuleError as err:
            raise StartRefused("The rules cannot be reloaded", [str(err)], "reload") from None
        except GameOver:
            raise StartRefused("The rules cannot be reloaded", [
                f"under the reloaded rules the game ends in {session.state.season} ({session.state.ending or 'its last season'}), "
                f"before {old.next_season if not old.is_over else old.state.season}, where you are"], "reload") from None
        refused = []
        for name, value in old.levers.items():
            if name in scenario.levers and name not in scenario.locked:
                try:
                    session.set_lever(name, value)
                except LeverRejected:
                    refused.append(scenario.levers[name].label)
        session.record = old.record  # the same game, played on under the reloaded rules
        game = dataclasses.replace(self, session=session, autosaved=None, _reports={}, _threats=None)
        return Reloaded(game, changes(digest(old.scenario), digest(scenario)), tuple(refused))

    # -- playing -----------------------------------------------------------------------------
    def end_season(self) -> SeasonReport:
        """Play the coming season with the levers as set and return its report (the session's
        own exceptions when it cannot be played: nothing changes then; :class:`CheckpointFirst`
        while a checkpoint before this decision has not been passed)."""
        waiting = self.checkpoint()
        if waiting is not None:
            raise CheckpointFirst(f"the checkpoint '{waiting.title}' comes before this decision")
        self.session.end_season(at=now_text())
        return self.report()

    def undo(self) -> bool:
        """Take back the last season (False: nothing to take back, or the class scenario forbids it:
        see :meth:`undo_refused`)."""
        if self.undo_refused() is not None:
            return False
        return self.session.undo(at=now_text())

    def undo_refused(self) -> str | None:
        """Why this game may not take seasons back (None: it may)."""
        classroom = self.session.scenario.classroom
        if classroom is not None and classroom.undo == "forbidden":
            return "This class scenario does not allow taking a season back."
        return None

    @property
    def undo_recorded(self) -> bool:
        """Whether the player is told that each undo is seen by the teacher."""
        classroom = self.session.scenario.classroom
        return classroom is not None and classroom.undo == "recorded"

    # -- a class scenario --------------------------------------------------------------------
    @property
    def needs_player_name(self) -> bool:
        """The class scenario requires the player's name and none is given yet."""
        classroom = self.session.scenario.classroom
        return classroom is not None and classroom.player_name == "required" and not self.player.strip()

    def checkpoint(self) -> Checkpoint | None:
        """The checkpoint to pass before the coming season's decision (None: none, or passed)."""
        s = self.session
        if s.is_over:
            return None
        season = str(s.next_season)
        return next((c for c in s.scenario.checkpoints if c.season == season and c.id not in s.record.answers), None)

    @staticmethod
    def code_matches(checkpoint: Checkpoint, typed: str) -> bool:
        """Whether ``typed`` is the checkpoint's code (case and spaces around it do not matter)."""
        return checkpoint.code is None or typed.strip().casefold() == checkpoint.code.strip().casefold()

    def pass_checkpoint(self, checkpoint: Checkpoint, answer: str | None) -> None:
        """Record that ``checkpoint`` was passed, with the written answer (None: it asks none)."""
        self.session.record.answers[checkpoint.id] = Answer(checkpoint.id, checkpoint.season, answer, now_text())
        self.autosaved = None  # the answer is new: the next autosave keeps it

    def redo(self) -> bool:
        return self.session.redo(at=now_text())

    def played_in(self, front_end: str) -> None:
        """Record that this game is played in ``front_end`` ("text" or "window")."""
        self.session.record.made_in(front_end)

    # -- telling -----------------------------------------------------------------------------
    def report(self, turn: int | None = None) -> SeasonReport:
        """The report of the season that produced ``history[turn]`` (default: the last), built
        once per state."""
        turn = self.session.turn if turn is None else turn
        state = self.session.history[turn]
        cached = self._reports.get(turn)
        if cached is None or cached[0] is not state:
            cached = (state, season_report(self.session, turn))
            self._reports[turn] = cached
        return cached[1]

    def debrief(self) -> Debrief:
        from game.present.debrief import debrief  # (only at the end: not on the way to the first prompt)

        return debrief(self.session)

    def threats(self) -> tuple[Threat, ...]:
        """The endings within reach under the levers as set (worked out once per state and levers)."""
        key = (self.session.state, tuple(sorted(self.session.levers.items())))
        if self._threats is None or self._threats[0] != key:
            self._threats = (key, threats(self.session))
        return self._threats[1]

    # -- saving ------------------------------------------------------------------------------
    def autosave(self) -> Path | None:
        """Autosave into the saves folder unless this very state was autosaved (or loaded)
        already, or there is no folder: the path written, or None. OSError when it cannot be
        written (the game goes on)."""
        if self.saves is None or self.session.state is self.autosaved:
            return None
        path = autosave(self.session, self.saves, self.player)
        self.autosaved = self.session.state
        return path

    def autosave_now(self) -> Path:
        """Autosave even if this state was autosaved already (after something went wrong)."""
        path = autosave(self.session, self.saves, self.player)
        self.autosaved = self.session.state
        return path

    def submission_path(self) -> Path:
        """Where :meth:`submit` saves the finished game: the player's name and the scenario."""
        return submission_path(self.session, self.player, self.saves)

    def submit(self) -> Path:
        """Save the finished game under the player's name in the saves folder, to hand in (over an
        older save of that name only: never over another kind of file). OSError when it cannot."""
        from game.saves.store import save_game

        return save_game(self.session, self.submission_path(), self.player)

    def default_save_path(self) -> Path:
        return default_save_path(self.session, self.saves)

    def save(self, path: Path | None = None) -> Path:
        """Save the game to ``path`` (default: the saves folder, named after the scenario and
        season); OSError when it cannot be written (nothing is overwritten then)."""
        from game.saves.store import save_game

        target = path if path is not None else self.default_save_path()
        return save_game(self.session, target, self.player)
