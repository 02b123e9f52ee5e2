"""The colours every chart and gauge draws with, from the palette chosen in Settings."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.ui.assets import palettes

INK = pygame.Color("#1f1d1a")
PAPER = pygame.Color("#f2ead8")
CARD = pygame.Color("#f6f1e6")
MUTED = pygame.Color("#6d6a63")

# The page colours above, as standard and for the presenter setting (black on white, grey text
# dark enough to read across a classroom).
_PAGE = {False: ("#1f1d1a", "#f2ead8", "#f6f1e6", "#6d6a63"), True: ("#000000", "#ffffff", "#ffffff", "#303030")}


def use_contrast(on: bool) -> None:
    """Set the page colours (INK, PAPER, CARD, MUTED) to the presenter's high contrast, or back.
    They are changed in place, so every screen that imported them draws with the new ones."""
    for colour, value in zip((INK, PAPER, CARD, MUTED), _PAGE[on]):
        colour.update(pygame.Color(value))


@dataclass(frozen=True)
class Palette:
    name: str
    series: tuple[pygame.Color, ...]
    good: pygame.Color
    bad: pygame.Color
    neutral: pygame.Color
    history: pygame.Color
    gauge: tuple[pygame.Color, pygame.Color, pygame.Color]  # low, middle, high
    focus: pygame.Color
    grid: pygame.Color

    def colour(self, index: int) -> pygame.Color:
        """The colour of the ``index``-th series of a chart."""
        return self.series[index % len(self.series)]


def palette(name: str) -> Palette:
    data = palettes().get(name) or palettes()["standard"]
    c = pygame.Color
    low, mid, high = (c(x) for x in data["gauge"])
    return Palette(name, tuple(c(x) for x in data["series"]), c(data["good"]), c(data["bad"]), c(data["neutral"]),
                   c(data["history"]), (low, mid, high), c(data["focus"]), c(data["grid"]))


def names() -> list[str]:
    return list(palettes())
