"""A widget that scenes draw on themselves (charts, gauges, the causal web).

It is a pygame_gui image, so it takes part in the layout, tooltips and z-order like any other
widget. It is painted only when its data or size changes, not every frame. It records what text
it drew and where (tests read what is on screen from it), and its clickable regions.

A paint goes straight to the screen's image: painted once when the widget is made (not first
blank, then painted), premultiplied in place, and not copied again unless its container clips
it. pygame_gui's own ``set_image`` converts, premultiplies and copies a window-sized surface
three times, which was a third of the time from End season to the report drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pygame
import pygame_gui

from game.ui.fonts import font
from game.ui.palette import INK

Painter = Callable[["Canvas", pygame.Surface], None]
# What UIImage is made with before the first paint (Canvas.set_image paints instead of showing it).
_UNPAINTED = pygame.Surface((1, 1), pygame.SRCALPHA)


class Canvas(pygame_gui.elements.UIImage):
    def __init__(self, rect: pygame.Rect, manager: pygame_gui.UIManager, painter: Painter, scale: float,
                 container: Any = None, object_id: str | None = None) -> None:
        self.painter = painter
        self.scale = scale
        self.texts: list[tuple[str, pygame.Rect]] = []
        self.hotspots: list[tuple[pygame.Rect, Any]] = []  # in canvas coordinates
        # UIImage's constructor shows its image through set_image, which paints it here.
        super().__init__(rect, _UNPAINTED, manager, container=container, object_id=object_id)

    def px(self, n: float) -> int:
        return round(n * self.scale)

    def repaint(self) -> None:
        surface = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        self.texts.clear()
        self.hotspots.clear()
        self.painter(self, surface)
        surface.premul_alpha_ip()  # as pygame_gui blends its images
        self.original_image = None
        if self.get_image_clipping_rect() is None:
            self.image, self._pre_clipped_image = surface, None  # ours alone: pygame_gui would copy it
        else:
            self._set_image(surface)  # pygame_gui clips it to the container

    def set_image(self, new_image: pygame.Surface | None, image_is_alpha_premultiplied: bool = False,
                  scale_func: Any = pygame.transform.smoothscale) -> None:
        if new_image is _UNPAINTED:  # from UIImage's constructor: the widget exists now, paint it
            self.repaint()
            return
        super().set_image(new_image, image_is_alpha_premultiplied, scale_func)

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
