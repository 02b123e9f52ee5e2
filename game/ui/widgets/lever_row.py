"""One lever on the dashboard: its label (with a padlock where the scenario locks it), a slider,
an entry for the exact number (or a choice's name), and its bounds, step and unit.

In a small window the row is compact: tighter lines, and the bounds line only where the
dashboard has room for it (the bounds stay in the tooltips and in a refusal's message).

The row only shows values and turns what the player does into a candidate value; the scene
sets it through ``session.set_lever``, which alone decides what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import pygame
import pygame_gui

from game.present.index import rule_info
from game.present.levers import lever_range, lever_text
from game.session import Session
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, rows
from game.ui.palette import MUTED
from game.ui.widgets.gauge import padlock

# Heights (at 100 %) of a lever row's three lines and the gaps between and after them: the
# full row, and the compact one of small windows.
LABEL_H, CONTROL_H, RANGE_H, LINE_GAP, ROW_GAP = 23, 28, 20, 2, 8
COMPACT = {"label": 21, "control": 26, "range": 19, "gap": 2, "row_gap": 5}
FULL = {"label": LABEL_H, "control": CONTROL_H, "range": RANGE_H, "gap": LINE_GAP, "row_gap": ROW_GAP}


def row_height(scale: float, compact: bool = False, bounds: bool = True) -> int:
    """The height of one lever row at ``scale`` (compact, with or without its bounds line)."""
    h = COMPACT if compact else FULL
    lines = h["label"] + h["gap"] + h["control"] + ((h["gap"] + h["range"]) if bounds else 0) + h["row_gap"]
    return round(lines * scale)


def lever_tooltip(session: Session, name: str) -> str:
    """The lever's tooltip (pygame_gui HTML): what it does, its mechanisms, its source, its range."""
    info = rule_info(session.scenario.ruleset, name)
    parts = [f"<b>{escape(info.label)}</b>", escape(info.description.strip())]
    if info.mechanisms:
        parts.append(f"<i>Mechanisms:</i> {escape('; '.join(info.mechanisms))}")
    if info.source:
        parts.append(f"<i>Source:</i> {escape(info.source)}")
    parts.append(f"<i>Allowed:</i> {escape(lever_range(session, name))}")
    if name in session.scenario.locked:
        parts.append("<i>Locked by this scenario.</i>")
    elif session.is_locked(name):
        parts.append(f"<i>Locked until {escape(str(session.scenario.season_at(session.scenario.unlock_turn[name])))}.</i>")
    return "<br>".join(parts)


def snap(session: Session, name: str, value: float) -> float:
    """``value`` moved to the nearest step of the lever inside its bounds (for the slider, whose
    positions are continuous)."""
    lever = session.scenario.levers[name]
    base = session.scenario.ruleset.levers[name].min
    k = round((value - base) / lever.step)
    snapped = base + k * lever.step
    while snapped > lever.max + 1e-9:
        snapped -= lever.step
    while snapped < lever.min - 1e-9:
        snapped += lever.step
    return round(snapped, 10)


@dataclass
class LeverRow:
    """The widgets of one lever (they live as long as the scene's build)."""

    name: str
    label: pygame_gui.elements.UILabel
    slider: pygame_gui.elements.UIHorizontalSlider
    entry: pygame_gui.elements.UITextEntryLine
    bounds: pygame_gui.elements.UILabel | None  # None where the compact row leaves it out
    lock: Canvas | None
    dirty: bool = False  # the entry was typed in and not yet applied

    @property
    def locked(self) -> bool:
        return self.lock is not None

    def show(self, session: Session) -> None:
        """Show the session's value of this lever in the slider and the entry."""
        value = session.levers[self.name]
        self.slider.set_current_value(value, warn=False)
        self.entry.set_text(lever_text(session, self.name, value))
        self.dirty = False

    def value_at(self, x: int) -> float | None:
        """The slider's value at screen column ``x`` on its track (None beside the track)."""
        slider = self.slider
        left = slider.left_button.rect.right if slider.left_button is not None else slider.rect.left
        right = slider.right_button.rect.left if slider.right_button is not None else slider.rect.right
        if right <= left or not left <= x <= right:
            return None
        low, high = slider.value_range
        return low + (x - left) / (right - left) * (high - low)


def build_row(scene: Any, session: Session, name: str, rect: pygame.Rect, container: Any,
              compact: bool = False, bounds: bool = True, lesson: str | None = None) -> LeverRow:
    """Lay out lever ``name`` in ``rect`` (full, or compact with or without its bounds line; see
    :func:`row_height`) and register its widgets with ``scene`` (names ``lever:NAME``,
    ``slider:NAME``, ``entry:NAME``, ``bounds:NAME``, ``lock:NAME``). ``lesson`` (the value to
    try, or '') marks the lever a tutorial lesson points at."""
    px = scene.px
    lever = session.scenario.levers[name]
    locked = session.is_locked(name)
    tip = lever_tooltip(session, name)
    h = COMPACT if compact else FULL
    line1, _, line2, _, line3, _ = rows(rect, [px(h["label"]), px(h["gap"]), px(h["control"]), px(h["gap"]),
                                               px(h["range"]) if bounds else 0, px(h["row_gap"])])
    lock_w = px(74) if locked else 0
    label_rect, lock_rect = columns(line1, [1.0, lock_w], px(6)) if locked else (line1, None)
    text_font = font(px(15))
    title = lever.label
    if lesson is not None:
        title = f"» {lever.label}{f' — try {lesson}' if lesson else ''}"
        text_font = font(px(15), bold=True)
    label = scene.label(f"lever:{name}", label_rect, fit_text(title, text_font, label_rect.w - px(4)), container=container,
                        object_id="#value" if lesson is not None else None)
    label.set_tooltip(tip, wrap_width=px(380))
    lock = None
    if lock_rect is not None:
        def paint(canvas: Canvas, surface: pygame.Surface) -> None:
            h = surface.get_height()
            icon = pygame.Rect(0, 0, canvas.px(11), canvas.px(14))
            icon.midleft = (canvas.px(2), h // 2)
            padlock(surface, icon, MUTED)
            canvas.text(surface, "locked", (icon.right + canvas.px(5), h // 2), size=13, colour=MUTED, anchor="midleft")

        lock = scene.canvas(f"lock:{name}", lock_rect, paint, container=container)
        lock.set_tooltip(f"The scenario keeps {escape(lever.label)} at {escape(lever_text(session, name, lever.default))}.")
    slider_rect, entry_rect = columns(line2, [1.0, px(96 if compact else 110)], px(8))
    value = session.levers[name]
    slider = pygame_gui.elements.UIHorizontalSlider(slider_rect, float(value), (float(lever.min), float(lever.max)),
                                                    manager=scene.ui, container=container, click_increment=float(lever.step))
    slider.set_tooltip(tip, wrap_width=px(380))
    entry = pygame_gui.elements.UITextEntryLine(entry_rect, manager=scene.ui, container=container,
                                                initial_text=lever_text(session, name, value))
    entry.length_limit = 24
    entry.set_tooltip(f"Type a value and press Enter: {escape(lever_range(session, name))}", wrap_width=px(380))
    scene.place(f"slider:{name}", slider, focus=not locked)
    scene.place(f"entry:{name}", entry, focus=not locked)
    if locked:
        slider.disable()
        entry.disable()
    shown = None
    if bounds:
        small = font(px(13))
        allowed = f"locked at {lever_text(session, name, lever.default)}" if locked else lever_range(session, name)
        shown = scene.label(f"bounds:{name}", line3, fit_text(allowed, small, line3.w - px(4)), object_id="#small", container=container)
        shown.set_tooltip(tip, wrap_width=px(380))
    return LeverRow(name, label, slider, entry, shown, lock)
