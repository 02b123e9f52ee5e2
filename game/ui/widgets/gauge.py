"""Painting helpers for canvases: the alliance gauge, sparklines, trend arrows and the padlock.

Every colour comes from the palette the player chose (``app.palette``) or the fixed ink and
paper of the window; sizes are given at 100 % and scaled through the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from game.present.numbers import figure
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import fitting, without_gloss
from game.ui.palette import CARD, INK, MUTED, Palette


def trend_colour(palette: Palette, change: float, better: str) -> pygame.Color:
    """Good, bad or neutral for a change, as the indicator's ``better`` hint reads it."""
    if change == 0 or better == "neither":
        return palette.neutral
    return palette.good if (change > 0) == (better == "higher") else palette.bad


def arrow(surface: pygame.Surface, centre: tuple[int, int], size: int, up: bool, colour: pygame.Color) -> None:
    """A filled triangle pointing up or down (the font has no arrow glyphs)."""
    x, y = centre
    h = size // 2
    points = [(x - h, y + h // 2), (x + h, y + h // 2), (x, y - h)] if up else [(x - h, y - h // 2), (x + h, y - h // 2), (x, y + h)]
    pygame.draw.polygon(surface, colour, points)


def padlock(surface: pygame.Surface, rect: pygame.Rect, colour: pygame.Color = MUTED) -> None:
    """A small padlock drawn in ``rect`` (the font may lack the emoji)."""
    w, h = rect.w, rect.h
    body = pygame.Rect(rect.x, rect.y + h * 4 // 10, w, h * 6 // 10)
    shackle = pygame.Rect(rect.x + w // 5, rect.y, w * 3 // 5, h * 7 // 10)
    pygame.draw.rect(surface, colour, shackle, max(1, w // 7), border_radius=w // 3)
    pygame.draw.rect(surface, colour, body, border_radius=max(1, w // 8))


def sparkline(surface: pygame.Surface, rect: pygame.Rect, values: Sequence[float], colour: pygame.Color,
              grid: pygame.Color, width: int = 2) -> None:
    """``values`` as a line across ``rect`` (scaled to their own range), the last one dotted."""
    pygame.draw.line(surface, grid, rect.bottomleft, rect.bottomright, 1)
    if len(values) < 2:
        if values:
            pygame.draw.circle(surface, colour, rect.midright if rect.w else rect.center, max(2, width + 1))
        return
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    step = rect.w / (len(values) - 1)
    points = [(rect.x + i * step, rect.bottom - (v - lo) / span * rect.h) for i, v in enumerate(values)]
    pygame.draw.lines(surface, colour, False, points, width)
    pygame.draw.circle(surface, colour, (round(points[-1][0]), round(points[-1][1])), max(2, width + 1))


def paint_gauge(canvas: Canvas, surface: pygame.Surface, value: float, previous: float | None, low: float, high: float,
                palette: Palette, title: str, shown: str, change_text: str | Sequence[str], change_colour: pygame.Color) -> pygame.Rect:
    """A half-dial from ``low`` to ``high`` in the palette's three gauge colours, a needle at
    ``value`` (a thin mark where it stood last season), the value and its change below it (the
    first of ``change_text``'s wordings that fits; the title without its gloss if need be).
    Returns the dial's bounding rectangle (canvas coordinates)."""
    px = canvas.px
    w, h = surface.get_size()
    pygame.draw.rect(surface, CARD, surface.get_rect(), border_radius=px(6))
    title_rect = canvas.text(surface, fitting([title, without_gloss(title)], font(px(13), bold=True), w - px(8), 0), (w // 2, px(4)),
                             size=13, colour=INK, bold=True, anchor="midtop")
    value_h = px(24)
    change_h = px(18)
    top = title_rect.bottom + px(4)
    bottom = h - value_h - change_h - px(4)
    radius = max(px(10), min((w - px(16)) // 2, bottom - top))
    centre = (w // 2, top + radius)
    thickness = max(px(8), radius // 4)
    bands = palette.gauge
    segments = 36
    for i in range(segments):
        a0 = math.pi * (1 - i / segments)
        a1 = math.pi * (1 - (i + 1) / segments)
        colour = bands[min(2, i * 3 // segments)]
        outer = [(centre[0] + radius * math.cos(a), centre[1] - radius * math.sin(a)) for a in (a0, a1)]
        inner = [(centre[0] + (radius - thickness) * math.cos(a), centre[1] - (radius - thickness) * math.sin(a)) for a in (a1, a0)]
        pygame.draw.polygon(surface, colour, outer + inner)

    def angle(v: float) -> float:
        share = 0.0 if high == low else max(0.0, min(1.0, (v - low) / (high - low)))
        return math.pi * (1 - share)

    if previous is not None:
        a = angle(previous)
        pygame.draw.line(surface, MUTED, (centre[0] + (radius - thickness - px(4)) * math.cos(a), centre[1] - (radius - thickness - px(4)) * math.sin(a)),
                         (centre[0] + (radius + px(3)) * math.cos(a), centre[1] - (radius + px(3)) * math.sin(a)), max(1, px(2)))
    a = angle(value)
    tip = (centre[0] + (radius - px(2)) * math.cos(a), centre[1] - (radius - px(2)) * math.sin(a))
    pygame.draw.line(surface, INK, centre, tip, max(2, px(3)))
    pygame.draw.circle(surface, INK, centre, max(3, px(5)))
    canvas.text(surface, figure(low), (centre[0] - radius, centre[1] + px(2)), size=11, colour=MUTED, anchor="topleft")
    canvas.text(surface, figure(high), (centre[0] + radius, centre[1] + px(2)), size=11, colour=MUTED, anchor="topright")
    value_rect = canvas.text(surface, shown, (w // 2, centre[1] + px(2)), size=20, bold=True, anchor="midtop")
    wordings = [change_text] if isinstance(change_text, str) else list(change_text)
    canvas.text(surface, fitting(wordings, font(px(12)), w - px(6), 0), (w // 2, value_rect.bottom), size=12, colour=change_colour, anchor="midtop")
    return pygame.Rect(centre[0] - radius, top, 2 * radius, radius)
