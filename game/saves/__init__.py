"""Saves: save and load a game (versioned JSON, atomic writes), autosaves, replays.

The public API for front ends::

    save_game(session, path, player="")            -> Path    (OSError: nothing overwritten)
    load_save(path, rules_root, scenario=None)     -> LoadedSave   (LoadError: located problems)
      .rules_changed / .change.describe()
      .open(how)    how is "resume", "replay" or "as-saved": one of these three
      .resume()     the game exactly as saved (rules unchanged)
      .replay()     the lever history played again under the rules as they are now
      .as_saved()   the saved states, continued under the rules as they are now
    autosave(session, folder=None, player="")     -> Path    (keeps the last five of each game, and finished games)
    submission_path(session, player, folder=None)  -> Path    (PLAYER-SCENARIO.json)
    list_saves(folder=None)                        -> list[SaveEntry]
    check_replay(loaded)                           -> ReplayCheck

Each name is imported from its module the first time it is asked for: the save format's models
(pydantic) are built when a game is saved or loaded, not when one starts.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from game.saves.atomic import write_atomically
    from game.saves.format import CURRENT_VERSION, FORMAT, SaveFile
    from game.saves.library import AUTOSAVE_FOLDER, SaveEntry, autosave, default_save_path, default_saves_folder, list_saves, submission_path
    from game.saves.replay import ReplayCheck, check_replay
    from game.saves.store import LoadedSave, OpenWay, RulesChange, SaveRefused, load_save, read_save, save_game

_WHERE = {
    "write_atomically": "atomic", "CURRENT_VERSION": "format", "FORMAT": "format", "SaveFile": "format",
    "AUTOSAVE_FOLDER": "library", "SaveEntry": "library", "autosave": "library", "default_save_path": "library",
    "default_saves_folder": "library", "list_saves": "library", "submission_path": "library",
    "ReplayCheck": "replay", "check_replay": "replay",
    "LoadedSave": "store", "OpenWay": "store", "RulesChange": "store", "SaveRefused": "store", "load_save": "store",
    "read_save": "store", "save_game": "store",
}

__all__ = [
    "AUTOSAVE_FOLDER", "CURRENT_VERSION", "FORMAT", "LoadedSave", "OpenWay", "ReplayCheck", "RulesChange", "SaveEntry", "SaveFile",
    "SaveRefused", "autosave", "check_replay", "default_save_path", "default_saves_folder", "list_saves", "load_save",
    "read_save", "save_game", "submission_path", "write_atomically",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
