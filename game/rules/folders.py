"""Where rule sets and mods are kept: the game's own rules and the player's mod folder. Apart from
:mod:`game.rules.mods` (which reads them) so that naming them imports nothing else."""

from __future__ import annotations

import os
import posixpath
import sys
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
    return user_folder("data") / MODS_FOLDER


# The folders of user_folder on Linux: the environment variable that names it, else the default.
_XDG = {"data": ("XDG_DATA_HOME", "~/.local/share"), "cache": ("XDG_CACHE_HOME", "~/.cache")}


def user_folder(kind: str) -> Path:
    """The game's folder of ``kind`` ("data" or "cache") for this user, as platformdirs'
    ``user_data_path`` and ``user_cache_path`` give it. On Linux it is worked out here as
    platformdirs (the version pinned) does, for importing platformdirs there imports tempfile,
    shutil, bz2, lzma and random (about 1 % of start-up). Raises RuntimeError, as platformdirs
    does, when the home folder cannot be found."""
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or (
            os.environ.get("ANDROID_DATA") == "/data" and os.environ.get("ANDROID_ROOT") == "/system"):
        import platformdirs

        return getattr(platformdirs, f"user_{kind}_path")("smychka", appauthor=False)  # type: ignore[no-any-return]
    variable, default = _XDG[kind]
    base = os.environ.get(variable, "")
    if not posixpath.isabs(base):
        home = os.environ.get("HOME")
        if home is not None and not posixpath.isabs(home):  # (platformdirs takes a relative HOME as none)
            base = default
            try:
                import pwd

                base = pwd.getpwuid(os.getuid()).pw_dir.rstrip("/") + default[1:] or "/"
            except (ImportError, KeyError):
                pass
        else:
            base = os.path.expanduser(default)
        if not posixpath.isabs(base):
            raise RuntimeError(f"could not determine the home directory for {default!r}, set an absolute HOME or XDG variable")
    return Path(posixpath.join(base, "smychka"))
