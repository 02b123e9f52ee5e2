"""Where the window's assets live: fonts, the pygame_gui theme, the palettes."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
FONT_REGULAR = ASSETS / "fonts" / "NotoSans-Regular.ttf"
FONT_BOLD = ASSETS / "fonts" / "NotoSans-Bold.ttf"
FONT_ITALIC = ASSETS / "fonts" / "NotoSans-Italic.ttf"


@lru_cache(maxsize=1)
def _theme_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ASSETS / "theme.json").read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def theme(scale: float) -> dict[str, Any]:
    """The pygame_gui theme with font sizes (and tooltip widths) multiplied by ``scale`` and font
    paths made absolute."""
    data = copy.deepcopy(_theme_file())
    for block in data.values():
        font = block.get("font")
        if font:
            font["size"] = str(max(8, round(int(font["size"]) * scale)))
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in font:
                    font[key] = str(ASSETS / font[key])
        misc = block.get("misc", {})
        for key in ("rect_width", "list_item_height"):
            if key in misc:
                misc[key] = str(round(int(misc[key]) * scale))
    return data


@lru_cache(maxsize=1)
def palettes() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((ASSETS / "palettes.json").read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data
