"""Saving a game to a file and loading it back: exact, atomic, and never a traceback.

:func:`save_game` writes a :class:`~game.saves.format.SaveFile` as JSON, atomically.
:func:`load_save` reads one back against the rules on disk and returns a :class:`LoadedSave`;
every bad save (truncated, damaged, not JSON, not a save, hand-edited nonsense, a version this
code does not know, a scenario that no longer exists) raises :class:`LoadError` with located
problems, and nothing is written.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from game.engine import GameState, LogEntry, Model, RuleError
from game.files import FileProblem, NotUtf8, decode_utf8, read_file, write_file
from game.formula import did_you_mean
from game.limits import MAX_PLAYER
from game.rules.digest import Digest, DigestChanges, Words, digest
from game.rules.digest import changes as digest_changes
from game.rules.locate import Locations
from game.rules.locate import Path as KeyPath
from game.rules.mods import Library
from game.rules.problems import LoadError, Problem
from game.rules.reading import Document, describe, display_name, translate
from game.rules.ruleset import on_step
from game.rules.scenario import Scenario, available_scenarios, load_scenario
from game.saves.basics import ROOT, iso
from game.saves.basics import now_text as now_text  # (re-exported)
from game.saves.format import (
    CURRENT_VERSION,
    FORMAT,
    MAX_ANSWER,
    UPGRADES,
    LayerRef,
    Metadata,
    PlayRecord,
    RulesDetail,
    RulesDigest,
    RulesRef,
    SavedAnswer,
    SavedLogEntry,
    SavedState,
    SavedUndo,
    SaveFile,
    ScenarioRef,
)
from game.saves.json_text import JsonTooHard, read_json
from game.saves.locate_json import locate_json
from game.session import Answer, GameOver, LeverRejected, Session, UndoEntry
from game.session import PlayRecord as SessionRecord
from game.textsafe import escape_path

MAX_SAVE_BYTES = 64 * 1024 * 1024


# How a loaded save may be opened (see LoadedSave.open).
OpenWay = Literal["resume", "replay", "as-saved"]


class SaveRefused(ValueError):
    """A loaded save cannot be opened the way asked (the message says why and what to do)."""


# --- writing ---------------------------------------------------------------------------------


def to_save(session: Session, player: str = "", now: datetime | None = None) -> SaveFile:
    """The whole of ``session`` as a save: lever history, every state by name, metadata."""
    model, history = session.model, session.history
    states = [saved_state(model, state, history[turn - 1] if turn else None) for turn, state in enumerate(history)]
    last = session.state
    scenario = session.scenario
    ruleset_hash, scenario_hash = scenario.ruleset.content_hash, scenario.content_hash
    if session.played_under is not None:
        # Opened "as saved" under changed rules: the seasons before were played under other rules.
        # Hashes of neither rules say so, and the game loads as one whose rules changed (never
        # checked against bounds its first seasons were not played under).
        ruleset_hash, scenario_hash = (_mixed(before, now) for before, now in zip(session.played_under, (ruleset_hash, scenario_hash)))
    save = SaveFile(
        format=FORMAT, version=CURRENT_VERSION,
        metadata=Metadata(
            scenario_title=scenario.title,
            season=last.season if session.is_over else str(session.next_season),
            turn=last.turn, saved_at=(now or datetime.now(UTC)).astimezone(UTC),
            player=_utf8(player)[:MAX_PLAYER], game_version=game_version(), ending=last.ending,
        ),
        ruleset=RulesRef(id=scenario.ruleset.id, hash=ruleset_hash),
        # A file name that is not UTF-8 cannot be written in a save: the scenario is then found by id.
        scenario=ScenarioRef(id=scenario.id, hash=scenario_hash, file=scenario.file if _utf8(scenario.file) == scenario.file else ""),
        seed=session.seed,
        branch_at=session.branch_at,
        lever_history=[session.levers_played(turn) for turn in range(1, len(history))],
        # The levers being set: those the player may not move at their defaults (history's policy,
        # played by simulate, may have left them elsewhere).
        levers={k: scenario.levers[k].default if session.is_locked(k) and k in scenario.levers else v for k, v in session.levers.items()},
        states=states,
        record=play_record(session),
        rules_detail=rules_detail(scenario),
    )
    return save.model_copy(update={"seal": seal_of(save)})


def seal_of(save: SaveFile) -> str:
    """The seal of ``save``: the SHA-256 of its text written with an empty seal. It shows a save
    edited by hand (a name changed, a branch point removed, an ending written in); it is no
    signature: someone who reads this code can compute it again."""
    return hashlib.sha256(("smychka-seal\0" + save_text(save.model_copy(update={"seal": ""}))).encode()).hexdigest()


def play_record(session: Session) -> PlayRecord:
    """How ``session`` was made, as the save holds it."""
    record = session.record
    times = list(record.times) if len(record.times) == len(session.history) else []
    return PlayRecord(
        made_by=[m for m in record.made_by if m in ("text", "window", "simulated")],  # type: ignore[misc]
        finished=session.is_over, game_id=record.game_id,
        times=[_moment(t) for t in times],
        undos=[SavedUndo(action=u.action, season=u.season, at=_moment(u.at)) for u in record.undos],  # type: ignore[arg-type]
        answers=[SavedAnswer(checkpoint=a.checkpoint, season=a.season, at=_moment(a.at),
                             answer=None if a.answer is None else _utf8(a.answer)[:MAX_ANSWER]) for a in record.answers.values()],
    )


def session_record(saved: PlayRecord, states: int, seasons: Collection[str] | None = None) -> SessionRecord:
    """A save's record as a session keeps it (times as ISO text, one per state). ``seasons``:
    the scenario's seasons when the game is made again under changed rules; an undo of a season
    the scenario no longer has (it starts later, say) is left out, so the record stays one the
    game can replay."""
    times: list[str | None] = [None if t is None else _iso(t) for t in saved.times] if len(saved.times) == states else [None] * states
    return SessionRecord(
        made_by=list(saved.made_by), game_id=saved.game_id, times=times,
        undos=[UndoEntry(u.action, u.season, None if u.at is None else _iso(u.at)) for u in saved.undos
               if seasons is None or u.season in seasons],
        answers={a.checkpoint: Answer(a.checkpoint, a.season, a.answer, None if a.at is None else _iso(a.at)) for a in saved.answers},
    )


def _moment(text: str | None) -> datetime | None:
    """A record's time (ISO 8601 text) as a datetime in UTC; None for none or a text that is not a time."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


_iso = iso


def rules_detail(scenario: Scenario) -> RulesDetail:
    """The layers of the rule set a game is played under (base first) and a digest of its rules."""
    layers = [LayerRef(id=layer.id, version=layer.version, hash=layer.hash) for layer in scenario.ruleset.stack]
    brief = digest(scenario)
    return RulesDetail(layers=layers, digest=RulesDigest(parameters=dict(brief.parameters), formulas=dict(brief.formulas), bounds=dict(brief.bounds)))


def saved_state(model: Model, state: GameState, before: GameState | None) -> SavedState:
    names = model.variables
    # The values last season's were taken as where they differ from its values: an event's effects;
    # at the start, the season before it (what a record of the past says, game.engine.initial_state).
    adjusted = {name: p for name, p, v in zip(names, state.prev_values, (state if before is None else before).values) if p != v}
    return SavedState(
        turn=state.turn, season=state.season,
        values=dict(zip(names, state.values)), draws=dict(zip(model.draws, state.draws)),
        events=dict(zip(model.events, state.events)), adjusted=adjusted, counter=state.counter,
        fired=list(state.fired),
        log=[SavedLogEntry(kind=e.kind, name=e.name, value=e.value, message=e.message, scripted=e.scripted) for e in state.log],
        ending=state.ending,
    )


def _utf8(text: str) -> str:
    """``text`` as a UTF-8 file can hold it: a lone surrogate (a byte of a name that was not UTF-8)
    becomes U+FFFD."""
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text) if any(0xD800 <= ord(c) <= 0xDFFF for c in text) else text


def _mixed(before: str, now: str) -> str:
    """The hash a save records for rules its seasons were played under only in part: ``now``
    if they did not change, else one that matches no rules (so the save loads as 'rules changed')."""
    if before == now:
        return now
    return hashlib.sha256(f"mixed:{before}:{now}".encode()).hexdigest()


def save_text(save: SaveFile) -> str:
    """The JSON text of ``save`` (one key per line, so a problem's line says where it is)."""
    return save.model_dump_json(indent=1) + "\n"


def save_game(session: Session, path: Path, player: str = "", now: datetime | None = None) -> Path:
    """Save ``session`` to ``path`` atomically: the old file stays whole until the new one is
    complete on disk. Only a new file or an existing save is written (see
    :func:`game.files.write_file`: never a file of another kind, a link, a device). Raises
    :class:`OSError` (a :class:`game.files.FileProblem` saying why; the old file intact) when it
    cannot or may not write."""
    if _utf8(session.scenario.file) != session.scenario.file:
        raise FileProblem(f"this game cannot be saved: its scenario's file name ({escape_path(session.scenario.file)}) is not UTF-8 text, "
                          "so a save could not find it again; rename the file and start again", path)
    try:
        text = save_text(to_save(session, player, now))
        SaveFile.model_validate_json(text)  # what is written must read again
    except (ValidationError, PydanticSerializationError, ValueError) as err:
        raise FileProblem(f"this game cannot be written as a save ({_first_error(err)}); nothing was written") from None
    write_file(path, text, may_replace=not_a_save)
    return path


def _first_error(err: Exception) -> str:
    if isinstance(err, ValidationError) and err.errors():
        first = err.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(err).split("\n")[0]


@functools.cache
def game_version() -> str:
    """The game's version, as pyproject.toml declares it."""
    try:
        return str(tomllib.loads(read_file(ROOT / "pyproject.toml", 1 << 20, "pyproject.toml").decode("utf-8"))["project"]["version"])
    except (OSError, KeyError, TypeError, ValueError):
        return "unknown"


# --- reading the file ------------------------------------------------------------------------


class _JsonDocument(Document):
    """A save's text with its key positions, for placing problems at FILE:LINE:COL."""

    @functools.cached_property
    def locations(self) -> Locations:
        return locate_json(self.text)


def read_save(path: Path) -> SaveFile:
    """Read and validate the save at ``path``, upgrading an older format; no rules are read.
    Raises :class:`LoadError` with located problems for anything that is not a good save."""
    return parse_save(display_name(path), _save_text(path))


def _save_text(path: Path) -> str:
    """The text of the file at ``path``, if it can be a save (LoadError, located, if not). Only a
    regular file of at most :data:`MAX_SAVE_BYTES` is read."""
    name = display_name(path)
    try:
        raw = read_file(path, MAX_SAVE_BYTES, "a save file")
    except FileProblem as err:
        if err.errno in (errno.ENOENT, errno.EISDIR, errno.EFBIG, errno.EINVAL):
            raise LoadError([Problem(name, 1, 1, err.reason)]) from None
        raise LoadError([Problem(name, 1, 1, f"cannot read the file: {err.reason}")]) from None
    try:
        return decode_utf8(raw)
    except NotUtf8 as err:
        raise LoadError([Problem(name, err.line, err.col, f"damaged save: byte 0x{err.byte:02x} is not UTF-8 text (a save is UTF-8 JSON)")]) from None


def not_a_save(path: Path) -> str | None:
    """Why the file at ``path`` must not be replaced by a save (None: it is a save, or empty)."""
    try:
        read_save(path)
    except LoadError as err:
        why = err.problems[0].message.removeprefix("not a Smychka save: ") if err.problems else "it cannot be read"
        return f"is not a Smychka save ({why}); nothing was overwritten"
    return None


def parse_save(name: str, text: str) -> SaveFile:
    """Validate save ``text`` (shown as file ``name`` in problems); see :func:`read_save`."""
    try:
        return SaveFile.model_validate_json(text)  # the usual case, and the fast one
    except ValidationError:
        pass  # (pydantic reports bad JSON of any kind this way too) read it again, to say what is wrong
    data = _json(name, text)
    doc = _JsonDocument(name, data if isinstance(data, dict) else {}, text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        where = ("format",) if isinstance(data, dict) and "format" in data else ()
        raise LoadError([doc.problem(where, f'not a Smychka save: expected "format": "{FORMAT}" at the top', value=True)])
    version = data.get("version")
    if "version" not in data:
        raise LoadError([doc.problem((), "missing required key 'version'")])
    if isinstance(version, bool) or not isinstance(version, int):
        raise LoadError([doc.problem(("version",), f"expected a whole number, found {_describe(version)}", value=True)])
    if version > CURRENT_VERSION:
        raise LoadError([doc.problem(("version",), f"saved by a newer Smychka: format {version}, this version reads up to {CURRENT_VERSION}", value=True)])
    if version != CURRENT_VERSION and version not in UPGRADES:
        raise LoadError([doc.problem(("version",),
                    f"unknown save format version {version} (this version reads {min(UPGRADES, default=CURRENT_VERSION)} to {CURRENT_VERSION})", value=True)])
    model: type[BaseModel] = SaveFile if version == CURRENT_VERSION else UPGRADES[version][0]
    try:
        parsed: BaseModel = model.model_validate_json(text)
    except ValidationError as err:
        raise LoadError(_translated(err, model, doc, data)) from None
    while version < CURRENT_VERSION:
        try:
            parsed = UPGRADES[version][1](parsed)
        except (ValueError, ValidationError) as err:
            raise LoadError([doc.problem((), f"cannot upgrade this format {version} save: {err}")]) from None
        version += 1
    assert isinstance(parsed, SaveFile)
    return parsed


def _json(name: str, text: str) -> Any:
    if not text.strip():
        raise LoadError([Problem(name, 1, 1, "empty file: not a Smychka save")])
    try:
        return read_json(text)
    except json.JSONDecodeError as err:
        message = err.msg[:1].lower() + err.msg[1:]
        if not text.lstrip().startswith(("{", "[")) or f'"{FORMAT}"' not in text:
            raise LoadError([Problem(name, err.lineno, err.colno, f"not a Smychka save: not JSON ({message})")]) from None
        if err.pos >= len(text.rstrip()) or message.startswith("unterminated string"):
            raise LoadError([Problem(name, err.lineno, err.colno, f"the save ends too early (truncated?): {message}")]) from None
        raise LoadError([Problem(name, err.lineno, err.colno, f"damaged save: JSON syntax error: {message}")]) from None
    except JsonTooHard as err:
        what = "not a Smychka save" if err.too_deep else "damaged save"
        raise LoadError([Problem(name, err.line, err.col, f"{what}: {err.reason}")]) from None


def _translated(err: ValidationError, model: type[BaseModel], doc: Document, data: Any) -> list[Problem]:
    """pydantic's errors in the rule files' words, with JSON's names for JSON's things."""
    out = []
    for p in translate(err, model, doc, data, ()):
        message = p.message.replace("a table", "an object {...}").replace("text in quotes", "a string in quotes")
        out.append(Problem(p.file, p.line, p.col, message, p.severity))
    return out


def _describe(value: Any) -> str:
    return describe(value).replace("a table", "an object")


# --- loading against the rules ---------------------------------------------------------------


@dataclass(frozen=True)
class RulesChange:
    """How the rules on disk differ from those the save was played under."""

    ruleset_changed: bool
    scenario_changed: bool
    missing_variables: tuple[str, ...]  # in the save, gone from the rules
    new_variables: tuple[str, ...]  # in the rules, not in the save
    missing_levers: tuple[str, ...]
    new_levers: tuple[str, ...]
    details: DigestChanges = DigestChanges()  # parameters, formulas and bounds (saves of format 3 on)
    layers: tuple[str, ...] = ()  # the mods added, gone or changed ("example-mod 1.0.0 -> 1.1.0")

    def describe(self, words: Words | None = None) -> str:
        """What changed, in one line. With ``words`` (kind, id -> text), each variable, lever,
        parameter, formula and bound is named in words rather than by its id."""
        what = " and ".join(w for w, changed in (("the rule set", self.ruleset_changed), ("the scenario", self.scenario_changed)) if changed)
        parts = [f"{what} changed since this game was saved"]
        if self.layers:
            parts.append(f"mods: {_short_list(self.layers)}")
        for label, kind, names in (("variables no longer in the rules", "gone", self.missing_variables),
                                   ("new variables", "variable", self.new_variables),
                                   ("levers no longer in the rules", "gone", self.missing_levers), ("new levers", "lever", self.new_levers)):
            if names:
                parts.append(f"{label}: {_short_list(names if words is None else [words(kind, n) for n in names])}")
        parts += self.details.parts(words=words)
        return "; ".join(parts)


def _short_list(names: Iterable[str], limit: int = 8) -> str:
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


@dataclass(frozen=True)
class LoadedSave:
    """A valid save and the scenario it belongs to, as the rules on disk now read."""

    path: Path
    save: SaveFile
    scenario: Scenario
    change: RulesChange | None  # None: the rules are exactly those the game was played under

    @property
    def rules_changed(self) -> bool:
        return self.change is not None

    @property
    def turn(self) -> int:
        return len(self.save.states) - 1

    def open(self, how: OpenWay, model: Model | None = None) -> Session:
        """The game opened the way the player chose: ``"resume"`` (:meth:`resume`, exactly as
        saved), ``"replay"`` (:meth:`replay`) or ``"as-saved"`` (:meth:`as_saved`). Raises
        :class:`SaveRefused` when it cannot be opened that way."""
        if how == "replay":
            return self.replay(model)
        if how == "as-saved":
            return self.as_saved(model)
        return self.resume(model)

    def resume(self, model: Model | None = None) -> Session:
        """The game exactly as saved, ready to go on. Only when the rules have not changed;
        otherwise choose :meth:`replay` or :meth:`as_saved` (raises :class:`SaveRefused`)."""
        if self.change is not None:
            raise SaveRefused(f"{self.change.describe()}: replay the lever history under the new rules, or open the game as saved")
        return self._restore(model or Model(self.scenario))

    def replay(self, model: Model | None = None) -> Session:
        """The lever history played again, from the scenario and seed, under the rules as they
        are now. Raises :class:`SaveRefused` naming the season when the new rules refuse it."""
        session = Session(self.scenario, self.save.seed, model)
        session.branch_at = self.save.branch_at if self.save.branch_at in self.scenario.season_names() else None
        # A lever the rules no longer have is left out; every other value must still be allowed.
        policy = [{k: v for k, v in levers.items() if k in session.levers} for levers in self.save.lever_history]
        try:
            session.play(policy, until=min(session.branch_turn, len(policy)), as_history=True)  # history's seasons before a branch
            session.play(policy, until=len(policy))
        except (LeverRejected, RuleError) as err:
            raise SaveRefused(f"the lever history cannot be replayed under the rules as they are now: {session.next_season}: {err}") from None
        except GameOver:
            raise SaveRefused(f"under the rules as they are now the game ends in {session.state.season}, before the saved game did") from None
        for name, value in self.save.levers.items():
            try:
                session.set_lever(name, value)
            except LeverRejected:
                pass  # a lever the new rules lock, bound or no longer have: its default is shown
        changed = None if self.change is None else self.scenario.season_names()
        session.record = session_record(self.save.record, len(session.history), changed)
        return session

    def as_saved(self, model: Model | None = None) -> Session:
        """The states as stored, to go on from under the rules as they are now: variables, levers,
        draws and events are matched by name; those the save lacks take their starting values
        (see :attr:`change` for which). Raises :class:`SaveRefused` if the scenario is now shorter
        than the saved game."""
        if self.turn > self.scenario.seasons:
            raise SaveRefused(f"the saved game has {self.turn} season(s) but {self.scenario.id} now has only {self.scenario.seasons}")
        session = self._restore(model or Model(self.scenario))
        if self.change is not None:
            session.played_under = (self.save.ruleset.hash, self.save.scenario.hash)
            # The levers being set go on only where the rules as they are now allow them.
            session.levers = {name: lever.default for name, lever in self.scenario.levers.items()}
            for name, value in self.save.levers.items():
                try:
                    session.set_lever(name, value)
                except LeverRejected:
                    pass  # its default is shown
            if session.branch_at is not None and session.branch_at not in self.scenario.season_names():
                session.branch_at = None  # a season the scenario no longer has
            session.record = session_record(self.save.record, len(session.history), self.scenario.season_names())
        return session

    def _restore(self, model: Model) -> Session:
        fresh = Session(self.scenario, self.save.seed, model)
        start = fresh.state
        history: list[GameState] = []
        for turn, saved in enumerate(self.save.states):
            levers = self.save.lever_history[turn - 1] if turn else {}
            before = history[-1].values if history else None
            history.append(_game_state(model, saved, levers, before, start))
        session = Session.restore(self.scenario, self.save.seed, history, self.save.levers, self.save.branch_at, model)
        session.record = session_record(self.save.record, len(history))
        return session


def _game_state(model: Model, saved: SavedState, levers: Mapping[str, float], before: tuple[float, ...] | None, start: GameState) -> GameState:
    """A saved state as the engine holds it, in ``model``'s order; names the save lacks take
    their value in ``start`` (only when the rules changed since the save)."""
    values = tuple(saved.values.get(name, start.values[i]) for i, name in enumerate(model.variables))
    prev = tuple(saved.adjusted.get(name, (values if before is None else before)[i]) for i, name in enumerate(model.variables))
    lever_values = tuple(levers.get(name, default) for name, default in zip(model.levers, start.levers)) if levers else start.levers
    known = set(model.draws) | set(model.events)
    return GameState(
        turn=saved.turn, season=saved.season, values=values, levers=lever_values,
        draws=tuple(saved.draws.get(name, start.draws[i]) for i, name in enumerate(model.draws)),
        events=tuple(saved.events.get(name, 0.0) for name in model.events),
        prev_values=prev, seed=start.seed, counter=saved.counter,
        fired=tuple(f for f in saved.fired if f in model.event_index),
        log=tuple(LogEntry(e.kind, e.name, e.value, e.message, e.scripted) for e in saved.log if e.name in known),
        ending=saved.ending if saved.ending is None or saved.ending in model.scenario.endings else None,
    )


def load_save(path: Path, rules_root: Path, scenario: Scenario | None = None) -> LoadedSave:
    """Read the save at ``path`` and the scenario it was played in from ``rules_root`` (or use
    ``scenario`` when the caller has it loaded already and it is the save's). Raises
    :class:`LoadError` with located problems; never writes anything."""
    name = display_name(path)
    text = _save_text(path)  # read once: the problems below are placed in this same text
    save = parse_save(name, text)
    if scenario is None or scenario.id != save.scenario.id:
        scenario = _scenario_of(path, text, save, rules_root)
    change = _change(save, scenario)
    problems = check_save(save, scenario, change is None)
    if problems:
        doc = _JsonDocument(name, {}, text)
        # An unknown or missing name is placed at its key; a wrong value at the value.
        raise LoadError([doc.problem(where, message, value=not message.startswith(("unknown", "missing"))) for where, message in problems])
    return LoadedSave(path, save, scenario, change)


def _scenario_of(path: Path, text: str, save: SaveFile, rules_root: Path) -> Scenario:
    """The save's scenario: by id among the scenarios of ``rules_root``, else from the file it was
    loaded from (a scenario of one's own), if that is still there and still has that id; under
    the mod the game was played with, if it was (a missing mod is named)."""
    known = available_scenarios(rules_root)
    ref = save.scenario.id
    if ref not in known and save.scenario.file and Path(save.scenario.file).is_file():
        ref = save.scenario.file
    layers = save.rules_detail.layers if save.rules_detail is not None else []
    mod = save.ruleset.id if len(layers) > 1 else None
    if mod is not None:
        library = Library.default(rules_root)
        if not library.candidates(mod):
            layer = layers[-1]
            below = " -> ".join(item.id for item in layers[:-1])
            folders = " or ".join(display_name(folder) for folder in library.folders[1:])
            doc = _JsonDocument(display_name(path), {}, text)
            raise LoadError([doc.problem(("ruleset", "id"), f"this game was played with the mod '{mod}' (version {layer.version}, over {below}), "
                                         f"which is not installed: put it in {folders}", value=True)])
    if ref in known or ref == save.scenario.file:
        try:
            scenario = load_scenario(ref, rules_root, mod=mod)
        except LoadError as err:
            note = Problem(display_name(path), 1, 1, f"the game's scenario '{save.scenario.id}' does not load; its problems follow")
            raise LoadError([note, *err.problems]) from None
        if scenario.id == save.scenario.id:
            return scenario
    doc = _JsonDocument(display_name(path), {}, text)
    raise LoadError([doc.problem(("scenario", "id"), f"the game's scenario '{save.scenario.id}' no longer exists"
                                 f"{did_you_mean(save.scenario.id, known)} (scenarios: {', '.join(known) or 'none'})", value=True)])


def _change(save: SaveFile, scenario: Scenario) -> RulesChange | None:
    ruleset_changed = save.ruleset.hash != scenario.ruleset.content_hash or save.ruleset.id != scenario.ruleset.id
    scenario_changed = save.scenario.hash != scenario.content_hash
    if not (ruleset_changed or scenario_changed):
        return None
    saved_vars = list(save.states[0].values)
    saved_levers = list(save.levers)
    details = DigestChanges()
    if save.rules_detail is not None:
        old = save.rules_detail.digest
        details = digest_changes(Digest(old.parameters, old.formulas, old.bounds), digest(scenario))
    return RulesChange(
        ruleset_changed, scenario_changed,
        missing_variables=tuple(v for v in saved_vars if v not in scenario.ruleset.variables),
        new_variables=tuple(v for v in scenario.ruleset.variables if v not in save.states[0].values),
        missing_levers=tuple(v for v in saved_levers if v not in scenario.levers),
        new_levers=tuple(v for v in scenario.levers if v not in save.levers),
        details=details, layers=_layer_changes(save, scenario),
    )


def _layer_changes(save: SaveFile, scenario: Scenario) -> tuple[str, ...]:
    """The layers (mods) of the rules that differ from the save's: new, gone, or changed."""
    if save.rules_detail is None:
        return ()  # a save from before mods: nothing to compare
    old = {layer.id: layer for layer in save.rules_detail.layers}
    new = {layer.id: layer for layer in scenario.ruleset.stack}
    if len(old) <= 1 and len(new) <= 1:
        return ()  # no mods then or now: "the rule set changed" says it all
    out = []
    for ident, layer in new.items():
        before = old.get(ident)
        if before is None:
            out.append(f"{ident} (new)")
        elif before.hash != layer.hash:
            out.append(f"{ident} {before.version} -> {layer.version}" if before.version != layer.version else f"{ident} (its files changed)")
    out += [f"{ident} (gone)" for ident in old if ident not in new]
    return tuple(out)


def check_save(save: SaveFile, scenario: Scenario, same_rules: bool) -> list[tuple[KeyPath, str]]:
    """What a valid-looking save gets wrong: its parts disagree with each other, or (when the
    rules are those it was played under) with the rules. Each problem with its key path."""
    out: list[tuple[KeyPath, str]] = []
    states, levers = save.states, save.lever_history
    if len(states) != len(levers) + 1:
        out.append((("states",), f"{len(states)} state(s) for {len(levers)} season(s) of levers in lever_history: expected one state more (the start)"))
    for turn, state in enumerate(states):
        if state.turn != turn:
            out.append((("states", turn, "turn"), f"expected turn {turn}, found {state.turn}"))
    if save.metadata.turn != states[-1].turn:
        out.append((("metadata", "turn"), f"the game has {len(states) - 1} season(s) played, not {save.metadata.turn}"))
    if save.metadata.ending != states[-1].ending:
        found = f"'{states[-1].ending}'" if states[-1].ending else "none"
        out.append((("metadata", "ending"), f"the game's last state has the ending {found}, not '{save.metadata.ending}'"
                    if save.metadata.ending else f"the game's last state has the ending {found}, but metadata says none"))
    record = save.record
    if record.times and len(record.times) != len(states):
        out.append((("record", "times"), f"{len(record.times)} time(s) for {len(states)} state(s): expected one per state"))
    if not same_rules or out:
        return out
    seasons = scenario.season_names()
    over = states[-1].ending is not None or len(states) - 1 >= scenario.seasons
    expected_season = states[-1].season if over else (seasons[len(states) - 1] if len(states) - 1 < len(seasons) else None)
    if expected_season is not None and save.metadata.season != expected_season:
        out.append((("metadata", "season"), f"the game is at '{expected_season}', not '{save.metadata.season}'"))
    if record.finished is not None and record.finished != over:
        out.append((("record", "finished"), "the game is over, but the record says it is not finished" if over
                    else f"the game is not over ({len(states) - 1} of {scenario.seasons} seasons played), but the record says it is finished"))
    if save.branch_at is not None and save.branch_at not in seasons:
        out.append((("branch_at",), f"'{save.branch_at}' is not a season of {scenario.id} ({seasons[0]} to {seasons[-1]})"))
    if len(states) - 1 > scenario.seasons:
        out.append((("states",), f"{len(states) - 1} seasons played; {scenario.id} has {scenario.seasons}"))
    for turn, state in enumerate(states):
        expected = str(scenario.start.plus(turn - 1))
        if state.season != expected:
            out.append((("states", turn, "season"), f"expected season '{expected}', found '{state.season}'"))
        out += _names(("states", turn, "values"), state.values, scenario.ruleset.variables, "variable")
        out += _names(("states", turn, "draws"), state.draws, scenario.ruleset.draws, "draw")
        out += _names(("states", turn, "events"), state.events, scenario.events, "event")
        out += [(("states", turn, "adjusted", k), f"unknown variable '{k}'{did_you_mean(k, scenario.ruleset.variables)}")
                for k in state.adjusted if k not in scenario.ruleset.variables]
        out += [(("states", turn, "fired", i), f"unknown event '{k}'") for i, k in enumerate(state.fired) if k not in scenario.events]
        if state.ending is not None and state.ending not in scenario.endings:
            out.append((("states", turn, "ending"), f"unknown ending '{state.ending}'{did_you_mean(state.ending, scenario.endings)}"))
        for name, value in state.values.items():
            var = scenario.ruleset.variables.get(name)
            if var is not None and not var.min <= value <= var.max:
                out.append((("states", turn, "values", name), f"{value:g} is outside the bounds of {name} ({var.min:g}..{var.max:g})"))
    branch = seasons.index(save.branch_at) if save.branch_at in seasons else 0
    for turn, played in enumerate(levers):
        historical = turn < branch or (scenario.history is not None and turn < len(scenario.history) and dict(played) == dict(scenario.history[turn]))
        out += _lever_problems(("lever_history", turn), played, scenario, turn, history=historical)
    out += _lever_problems(("levers",), save.levers, scenario, len(levers))
    return out


def _names(at: KeyPath, found: Mapping[str, float], known: Mapping[str, Any], kind: str) -> list[tuple[KeyPath, str]]:
    """Every name of ``found`` must be ``known``, and every known name be there."""
    out = [(at + (k,), f"unknown {kind} '{k}'{did_you_mean(k, known)}") for k in found if k not in known]
    missing = [k for k in known if k not in found]
    if missing:
        out.append((at, f"missing {kind}(s): {_short_list(missing)}"))
    return out


def _lever_problems(at: KeyPath, values: Mapping[str, float], scenario: Scenario, turn: int, history: bool = False) -> list[tuple[KeyPath, str]]:
    """The levers of the season after ``turn`` seasons: known, in bounds, on steps, and locked ones
    at their defaults — except in a season history's policy played (``history``), where a lever
    locked for the player may take any value the rule set allows."""
    out = _names(at, values, scenario.levers, "lever")
    for name, value in values.items():
        lever = scenario.levers.get(name)
        if lever is None:
            continue
        locked = name in scenario.locked or turn < scenario.unlock_turn.get(name, 0)
        if history and locked:
            lever = scenario.ruleset.levers[name]
        elif locked and value != lever.default:
            until = f" until {scenario.season_at(scenario.unlock_turn[name])}" if name not in scenario.locked else ""
            out.append((at + (name,), f"lever {name} is locked at {lever.default:g} in this scenario{until}"))
        elif not lever.min <= value <= lever.max:
            out.append((at + (name,), f"{value:g} is outside the bounds of {name} ({lever.min:g}..{lever.max:g})"))
        elif not on_step(value, scenario.ruleset.levers[name].min, lever.step):
            out.append((at + (name,), f"{value:g} is not on a step of {name} ({lever.step:g})"))
    return out

