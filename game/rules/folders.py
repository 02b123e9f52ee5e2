"""Where rule sets and mods are kept: the game's own rules and the player's mod folder. Apart from
:mod:`game.rules.mods` (which reads them) so that naming them imports nothing else."""

from __future__ import annotations

import os
from pathlib import Path

MANIFEST_FILE = "ruleset.toml"
MODS_FOLDER = "mods"
ENV_VAR = "SMYCHKA_MODS"
# The game's own rules: a mod in the player's folder that extends "base" finds it here.
GAME_RULES = Path(__file__).resolve().parents[2] / "rules"


def user_mods_folder() -> Path:
    """The player's mod folder: ``$SMYCHKA_MODS``, else ``mods`` in the platform's data directory
    (``~/.local/share/smychka/mods`` on Linux, ``~/Library/Application Support/smychka/mods`` on
    macOS, ``%LOCALAPPDATA%\\smychka\\mods`` on Windows)."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    import platformdirs

    return platformdirs.user_data_path("smychka", appauthor=False) / MODS_FOLDER
