"""Fonts for what scenes draw themselves (charts, gauges, the causal web): Noto Sans, which
covers Latin and Cyrillic. Sizes are given at 100 % and scaled here."""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.ui.assets import FONT_BOLD, FONT_ITALIC, FONT_REGULAR


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False, italic: bool = False) -> pygame.font.Font:
    """The game's font at ``size`` pixels (already scaled)."""
    path = FONT_BOLD if bold else FONT_ITALIC if italic else FONT_REGULAR
    return pygame.font.Font(str(path), max(6, size))
