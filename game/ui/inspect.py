"""What is on screen, for the headless tests (and anyone debugging a layout): the texts the
widgets show, the rectangles the scene laid out, overlaps and cut-off widgets."""

from __future__ import annotations

import re
from itertools import combinations

import pygame
import pygame_gui
from pygame_gui.core import UIElement

from game.ui.app import App
from game.ui.canvas import Canvas

_TAG = re.compile(r"<[^>]+>")


def element_text(element: UIElement) -> str:
    if isinstance(element, pygame_gui.elements.UITextBox):
        return _TAG.sub("", element.html_text.replace("<br>", "\n")).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if isinstance(element, pygame_gui.elements.UITextEntryLine):
        return element.get_text()
    if isinstance(element, Canvas):
        return "\n".join(text for text, _ in element.texts)
    if isinstance(element, pygame_gui.elements.UISelectionList):
        return "\n".join(str(item["text"]) for item in element.item_list)
    text = getattr(element, "text", None)
    return text if isinstance(text, str) else ""


def visible_texts(app: App) -> str:
    """Every text the widgets of the current screen show, one widget per line."""
    out = []
    for element in app.ui.get_sprite_group().sprites():
        if isinstance(element, UIElement) and element.alive() and element.visible:
            text = element_text(element)
            if text:
                out.append(text)
    return "\n".join(out)


def overlaps(app: App) -> list[str]:
    """Pairs of laid-out widgets of the same container whose rectangles overlap."""
    scene = app.scene
    if scene is None:
        return []
    found = []
    items = [(n, e) for n, e in scene.placed if e.alive() and e.visible]
    for (a, ea), (b, eb) in combinations(items, 2):
        if ea.ui_container is eb.ui_container and ea.rect.colliderect(eb.rect):
            found.append(f"{a} {tuple(ea.rect)} overlaps {b} {tuple(eb.rect)}")
    return found


def cut_off(app: App) -> list[str]:
    """Laid-out widgets not wholly inside the window or their (non-scrolling) container, and
    labels and buttons whose text is wider than they are."""
    scene = app.scene
    if scene is None:
        return []
    window = pygame.Rect((0, 0), app.size)
    found = []
    for name, e in scene.placed:
        if not (e.alive() and e.visible):
            continue
        holder = e.ui_container
        scrolling = isinstance(getattr(holder, "parent_element", None), pygame_gui.elements.UIScrollingContainer) or \
            type(holder).__name__ == "UIScrollingContainer"
        if not scrolling and not window.contains(e.rect):
            found.append(f"{name} {tuple(e.rect)} is outside the window {app.size}")
        elif not scrolling and holder is not None and not holder.get_rect().contains(e.rect):
            found.append(f"{name} {tuple(e.rect)} is outside its container {tuple(holder.get_rect())}")
        if isinstance(e, (pygame_gui.elements.UILabel, pygame_gui.elements.UIButton)) and e.text:
            width = _text_width(e)
            if width is not None and width > e.rect.width - 2:
                found.append(f"{name}: '{e.text}' ({width} px) is cut off in {e.rect.width} px")
    return found


def _text_width(element: UIElement) -> int | None:
    font = getattr(element, "font", None)
    if font is None:
        return None
    try:
        return int(font.size(element.text)[0])
    except (AttributeError, pygame.error):
        return None


def find(app: App, name: str) -> UIElement:
    """The widget the scene placed under ``name``."""
    scene = app.scene
    assert scene is not None, "no scene"
    for n, e in scene.placed:
        if n == name:
            return e
    raise KeyError(f"no widget '{name}' on {type(scene).__name__}; have {[n for n, _ in scene.placed]}")


def missing_glyphs(app: App) -> list[str]:
    """Characters on screen that the game's font has no glyph for (they would show as boxes).
    pygame_gui's own arrow buttons (scroll bars, sliders) draw in its symbol font and are skipped."""
    from game.ui.fonts import font

    f = font(16)
    blank = f.metrics("\ue000")  # a private-use character: the font's "missing" box
    found: dict[str, str] = {}
    for element in app.ui.get_sprite_group().sprites():
        if not (isinstance(element, UIElement) and element.alive() and element.visible):
            continue
        ids = " ".join(str(i) for i in [*(getattr(element, "object_ids", None) or []), *(getattr(element, "class_ids", None) or [])])
        if any(k in ids for k in ("arrow_button", "#left_button", "#right_button", "#top_button", "#bottom_button", "#expand_button")):
            continue
        for c in element_text(element):
            if not c.isspace() and c not in found and f.metrics(c) == blank:
                found[c] = f"U+{ord(c):04X} {c!r} in {type(element).__name__} '{element_text(element)[:40]}'"
    return [found[c] for c in sorted(found)]
