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


# The presenter setting's colours for the widgets, block by block of the theme: black text and
# borders on white, the warnings' colours darker, nothing pale.
CONTRAST: dict[str, dict[str, str]] = {
    "defaults": {"normal_bg": "#ffffff", "hovered_bg": "#e6e6e6", "disabled_bg": "#f0f0f0", "dark_bg": "#ffffff",
                 "disabled_dark_bg": "#f0f0f0", "normal_text": "#000000", "hovered_text": "#000000", "disabled_text": "#555555",
                 "text_cursor": "#000000", "normal_border": "#000000", "hovered_border": "#000000", "disabled_border": "#777777",
                 "selected_bg": "#a00000", "active_bg": "#a00000", "link_text": "#0033aa", "unfilled_bar": "#bbbbbb"},
    "panel": {"dark_bg": "#ffffff", "normal_border": "#000000"},
    "text_box": {"dark_bg": "#ffffff", "normal_border": "#000000"},
    "#title": {"normal_text": "#a00000"},
    "#small": {"normal_text": "#000000"},
    "#good": {"normal_text": "#006400"},
    "#bad": {"normal_text": "#a00000"},
    "#primary": {"normal_bg": "#a00000", "hovered_bg": "#700000", "normal_border": "#000000"},
    "horizontal_slider": {"dark_bg": "#d0d0d0"},
    "horizontal_slider.#sliding_button": {"normal_bg": "#000000"},
    "text_entry_line": {"dark_bg": "#ffffff", "selected_bg": "#0033aa"},
    "selection_list": {"dark_bg": "#ffffff"},
    "selection_list.button": {"normal_bg": "#ffffff", "hovered_bg": "#e6e6e6"},
}


def theme(scale: float, contrast: bool = False) -> dict[str, Any]:
    """The pygame_gui theme with font sizes (and tooltip widths) multiplied by ``scale`` and font
    paths made absolute; with ``contrast``, the presenter's colours (:data:`CONTRAST`)."""
    data = copy.deepcopy(_theme_file())
    if contrast:
        for name, colours in CONTRAST.items():
            data.setdefault(name, {}).setdefault("colours", {}).update(colours)
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
