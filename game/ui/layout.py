"""Splitting rectangles into rows and columns: every scene lays itself out from the window size
and the UI scale, so nothing overlaps or is cut off at any allowed size."""

from __future__ import annotations

from collections.abc import Sequence

import pygame


def split(total: int, parts: Sequence[float], gap: int) -> list[tuple[int, int]]:
    """(offset, length) of each part along ``total``: an int is a fixed length in pixels, a
    float a share of what the fixed parts and the gaps leave (shares are relative to each other)."""
    free = total - gap * (len(parts) - 1) - sum(p for p in parts if isinstance(p, int))
    shares = sum(p for p in parts if isinstance(p, float)) or 1.0
    out, at = [], 0
    for p in parts:
        length = p if isinstance(p, int) else max(0, int(free * p / shares))
        out.append((at, length))
        at += length + gap
    return out


def rows(rect: pygame.Rect, heights: Sequence[float], gap: int = 0) -> list[pygame.Rect]:
    return [pygame.Rect(rect.x, rect.y + at, rect.w, h) for at, h in split(rect.h, heights, gap)]


def columns(rect: pygame.Rect, widths: Sequence[float], gap: int = 0) -> list[pygame.Rect]:
    return [pygame.Rect(rect.x + at, rect.y, w, rect.h) for at, w in split(rect.w, widths, gap)]


def inset(rect: pygame.Rect, margin: int) -> pygame.Rect:
    return rect.inflate(-2 * margin, -2 * margin)


def fit_text(text: str, font: pygame.font.Font, width: int) -> str:
    """``text`` shortened with an ellipsis until it fits ``width`` pixels."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text.rstrip() + "…"


def without_gloss(text: str) -> str:
    """A name without the gloss in brackets after it: 'Kulaks (rich peasants)' -> 'Kulaks'."""
    return text.split(" (", 1)[0]


def fitting(texts: Sequence[str], font: pygame.font.Font, width: int, padding: int = 12) -> str:
    """The first of ``texts`` (longest first: a sentence, a phrase, a word) that fits a widget
    ``width`` pixels wide with ``padding`` for its border; else the last, shortened."""
    for text in texts:
        if font.size(text)[0] <= width - padding:
            return text
    return fit_text(texts[-1], font, width - padding) if texts and texts[-1] else ""


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if font.size(trial)[0] <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines
