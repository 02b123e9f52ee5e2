"""A widget that scenes draw on themselves (charts, gauges, the causal web).

It is a pygame_gui image, so it takes part in the layout, tooltips and z-order like any other
widget. It is painted only when its data or size changes, not every frame. It records what text
it drew and where (tests read what is on screen from it), and its clickable regions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pygame
import pygame_gui

from game.ui.fonts import font
from game.ui.palette import INK

Painter = Callable[["Canvas", pygame.Surface], None]


class Canvas(pygame_gui.elements.UIImage):
    def __init__(self, rect: pygame.Rect, manager: pygame_gui.UIManager, painter: Painter, scale: float,
                 container: Any = None, object_id: str | None = None) -> None:
        self.painter = painter
        self.scale = scale
        self.texts: list[tuple[str, pygame.Rect]] = []
        self.hotspots: list[tuple[pygame.Rect, Any]] = []  # in canvas coordinates
        super().__init__(rect, pygame.Surface(rect.size, pygame.SRCALPHA), manager, container=container, object_id=object_id)
        self.repaint()

    def px(self, n: float) -> int:
        return round(n * self.scale)

    def repaint(self) -> None:
        surface = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        self.texts.clear()
        self.hotspots.clear()
        self.painter(self, surface)
        self.set_image(surface)

    def text(self, surface: pygame.Surface, text: str, pos: tuple[int, int], size: int = 14, colour: Any = INK,
             bold: bool = False, italic: bool = False, anchor: str = "topleft") -> pygame.Rect:
        """Draw ``text`` at ``size`` (at 100 % scale) with its ``anchor`` at ``pos``; returns its rect."""
        image = font(self.px(size), bold, italic).render(text, True, colour)
        rect = image.get_rect(**{anchor: pos})
        surface.blit(image, rect)
        self.texts.append((text, rect))
        return rect

    def hotspot(self, rect: pygame.Rect, payload: Any) -> None:
        """Make ``rect`` (canvas coordinates) clickable; :meth:`hit` returns ``payload``."""
        self.hotspots.append((pygame.Rect(rect), payload))

    def hit(self, screen_pos: tuple[int, int]) -> Any:
        """The payload of the hotspot under ``screen_pos``, or None."""
        if not self.rect.collidepoint(screen_pos):
            return None
        local = (screen_pos[0] - self.rect.x, screen_pos[1] - self.rect.y)
        for rect, payload in reversed(self.hotspots):
            if rect.collidepoint(local):
                return payload
        return None
