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
"""

from game.saves.atomic import write_atomically
from game.saves.format import CURRENT_VERSION, FORMAT, SaveFile
from game.saves.library import AUTOSAVE_FOLDER, SaveEntry, autosave, default_save_path, default_saves_folder, list_saves, submission_path
from game.saves.replay import ReplayCheck, check_replay
from game.saves.store import LoadedSave, OpenWay, RulesChange, SaveRefused, load_save, read_save, save_game

__all__ = [
    "AUTOSAVE_FOLDER", "CURRENT_VERSION", "FORMAT", "LoadedSave", "OpenWay", "ReplayCheck", "RulesChange", "SaveEntry", "SaveFile",
    "SaveRefused", "autosave", "check_replay", "default_save_path", "default_saves_folder", "list_saves", "load_save",
    "read_save", "save_game", "submission_path", "write_atomically",
]
