"""The player's settings, remembered between runs: UI scale, palette, window size, fullscreen,
the presenter setting (for a projector: large type, high contrast).

Stored as JSON in the user's configuration folder (``$SMYCHKA_CONFIG_DIR``, else
``$XDG_CONFIG_HOME/smychka``, else ``~/.config/smychka``). A settings file that cannot be read
is reported and left as it is; the game starts with the defaults and writes a file only when the
player changes a setting.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game.files import FileProblem, NotUtf8, decode_utf8, plain_reason, read_file
from game.saves.atomic import write_atomically
from game.saves.json_text import JsonTooHard, read_json
from game.textsafe import escape_controls, escape_path

MIN_SIZE = (1024, 640)
DEFAULT_SIZE = (1280, 720)
SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)
# The presenter setting: at least this interface size, the high-contrast colours and this palette.
PRESENTER_SCALE = 1.5
PRESENTER_PALETTE = "presenter"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ui_scale: float = Field(1.0, ge=1.0, le=2.0)
    palette: Literal["standard", "okabe-ito"] = "standard"
    window_width: int = Field(DEFAULT_SIZE[0], ge=MIN_SIZE[0], le=7680)
    window_height: int = Field(DEFAULT_SIZE[1], ge=MIN_SIZE[1], le=4320)
    fullscreen: bool = False
    player: str = Field("", max_length=60)
    presenter: bool = False

    @property
    def scale(self) -> float:
        """The interface size in use: the one chosen, and at least PRESENTER_SCALE when presenting."""
        return max(self.ui_scale, PRESENTER_SCALE) if self.presenter else self.ui_scale

    @property
    def window_size(self) -> tuple[int, int]:
        return (self.window_width, self.window_height)


def config_dir() -> Path:
    if os.environ.get("SMYCHKA_CONFIG_DIR"):
        return Path(os.environ["SMYCHKA_CONFIG_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "smychka"


def settings_path() -> Path:
    return config_dir() / "settings.json"


MAX_SETTINGS_BYTES = 1024 * 1024


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """The saved settings, or the defaults and a message saying why the file could not be used.
    Only a regular file of at most :data:`MAX_SETTINGS_BYTES` is read (never a pipe or a device)."""
    path = path or settings_path()
    shown = escape_path(path)
    try:
        text = decode_utf8(read_file(path, MAX_SETTINGS_BYTES, "a settings file"))
    except FileProblem as err:
        if err.errno == errno.ENOENT:
            return Settings(), None
        return Settings(), f"{shown}: cannot read the settings ({err.reason}); using the defaults"
    except NotUtf8 as err:
        return Settings(), f"{shown}:{err.line}:{err.col}: cannot read the settings (byte 0x{err.byte:02x} is not UTF-8 text); using the defaults"
    try:
        return Settings.model_validate(read_json(text)), None
    except json.JSONDecodeError as err:
        return Settings(), f"{shown}:{err.lineno}:{err.colno}: the settings are not valid JSON ({err.msg}); using the defaults"
    except JsonTooHard as err:
        return Settings(), f"{shown}:{err.line}:{err.col}: the settings cannot be read ({err.reason}); using the defaults"
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the file"
        return Settings(), escape_controls(f"{shown}: {where}: {first['msg']}; using the defaults")


def save_settings(settings: Settings, path: Path | None = None) -> str | None:
    """Write the settings atomically; returns a message if they could not be written."""
    path = path or settings_path()
    try:
        write_atomically(path, settings.model_dump_json(indent=1) + "\n")
    except OSError as err:
        blocker = next((p for p in path.parents if os.path.lexists(p)), None) if err.errno == errno.ENOTDIR else None
        if blocker is not None and not blocker.is_dir():
            return f"cannot save the settings: {escape_path(blocker)} is a file, not a folder"
        return f"cannot save the settings to {escape_path(path)}: {plain_reason(err)}"
    return None
