"""The saves folder: where games go by default, the autosaves (the last five of each game kept,
and every finished game's last), submissions, and the list a load dialog shows — every file in
it, an unreadable one with its problem instead of an error."""

from __future__ import annotations

import errno
import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

from game.files import FileProblem
from game.lazydata import dataclass
from game.rules.problems import LoadError
from game.saves.basics import ROOT
from game.session import Session

AUTOSAVE_FOLDER = "autosave"
AUTOSAVES_KEPT = 5


def default_saves_folder() -> Path:
    """``saves/`` in the project folder, or the folder named by ``SMYCHKA_SAVES``."""
    return Path(os.environ.get("SMYCHKA_SAVES") or ROOT / "saves")


def default_save_path(session: Session, folder: Path | None = None) -> Path:
    """Where ``save`` puts a game when no file is named: ``SCENARIO-SEASON.json``."""
    return (folder or default_saves_folder()) / f"{session.scenario.id}-{session.state.season}.json"


def submission_path(session: Session, player: str, folder: Path | None = None) -> Path:
    """Where a finished game is saved to hand in: ``PLAYER-SCENARIO.json`` in the saves folder
    (the name's letters and digits kept, anything else a dash)."""
    name = re.sub(r"[^\w]+", "-", player, flags=re.UNICODE).strip("-_")[:60] or "player"
    return (folder or default_saves_folder()) / f"{name}-{session.scenario.id}.json"


def autosave(session: Session, folder: Path | None = None, player: str = "", now: datetime | None = None,
             keep: int = AUTOSAVES_KEPT) -> Path:
    """Save ``session`` as a new file in ``FOLDER/autosave/`` and then remove the oldest autosaves
    of the same game beyond the last ``keep`` — only once the new one is safely on disk. Other
    games' autosaves are not touched, nor is the autosave of a finished game. Raises
    :class:`OSError` (with every older autosave intact) when it cannot write."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    target = (folder or default_saves_folder()) / AUTOSAVE_FOLDER
    if target.is_symlink():  # the game names this folder, not the player: it never follows a link out of the saves folder
        raise FileProblem(f"{target} is a symbolic link; autosaves go only into a real folder (remove the link)", target, errno.EINVAL)
    game = session.record.game_id
    tail = (f"-g{game}" if game else "") + ("-end" if session.is_over else "")
    stem = f"{moment:%Y%m%dT%H%M%S%f}Z-{session.scenario.id}-{session.state.season}{tail}"
    path = target / f"{stem}.json"
    n = 1
    while path.exists():
        n += 1
        path = target / f"{stem}-{n}.json"
    from game.saves.store import save_game

    save_game(session, path, player=player, now=moment)
    same_game = [p for p in _autosaves(target) if _game_of(p) == game and not p.stem.endswith("-end")]
    for old in same_game[:-keep]:
        try:
            old.unlink()
        except OSError:
            pass  # a file we cannot remove stays; the new save is written all the same
    return path


# An autosave's name: the moment it was saved (UTC, to the microsecond), the scenario, the season.
AUTOSAVE_NAME = re.compile(r"^\d{8}T\d{12}Z-.+\.json$")


def _game_of(path: Path) -> str:
    """The game an autosave belongs to, from its name ('' for one without: older autosaves and
    games made by a program, kept together)."""
    found = re.search(r"-g([0-9a-f]{8})(-end)?$", path.stem)
    return found.group(1) if found else ""


def _autosaves(folder: Path) -> list[Path]:
    """Autosave files, oldest first (their names start with the time they were saved): only
    regular files named as :func:`autosave` names them — nothing else in the folder is ever removed."""
    try:
        return sorted(p for p in folder.glob("*.json") if AUTOSAVE_NAME.match(p.name) and stat.S_ISREG(p.lstat().st_mode))
    except OSError:
        return []


@dataclass(frozen=True)
class SaveEntry:
    """One file of a saves folder as a load dialog lists it."""

    path: Path
    is_autosave: bool
    scenario_id: str = ""
    scenario_title: str = ""
    season: str = ""
    turn: int = 0
    saved_at: datetime | None = None
    player: str = ""
    ending: str | None = None
    problem: str | None = None  # why it cannot be loaded (None: it reads as a good save)


def list_saves(folder: Path | None = None) -> list[SaveEntry]:
    """Every ``.json`` file in ``folder`` (default: the saves folder) and its ``autosave/``:
    readable saves newest first, then the unreadable ones with their first problem. Never raises
    for a bad file; a folder that does not exist lists nothing."""
    from game.saves.store import read_save

    base = folder or default_saves_folder()
    entries: list[SaveEntry] = []
    for is_auto, where in ((False, base), (True, base / AUTOSAVE_FOLDER)):
        try:
            files = sorted(p for p in where.glob("*.json") if p.is_file() and not p.name.startswith("."))
        except OSError:
            continue
        for path in files:
            try:
                save = read_save(path)
            except LoadError as err:
                entries.append(SaveEntry(path, is_auto, problem=str(err.problems[0]) if err.problems else "unreadable"))
                continue
            m, last = save.metadata, save.states[-1]
            # The turn and the ending as the game itself has them, not as its metadata says (an
            # ending written into the metadata by hand is not shown).
            entries.append(SaveEntry(path, is_auto, save.scenario.id, m.scenario_title, m.season, last.turn, m.saved_at, m.player, last.ending))
    good = sorted((e for e in entries if e.problem is None), key=lambda e: e.saved_at or datetime.min.replace(tzinfo=UTC), reverse=True)
    return good + [e for e in entries if e.problem is not None]
