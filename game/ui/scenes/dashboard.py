"""The season dashboard: the levers, a panel per class, the key indicators, the alliance gauge,
this season's events, and the buttons that end the season or open the other views.

Everything shown comes from the session and the report layer; levers change only through
``session.set_lever``, and what it refuses is shown, never raised.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import pygame
import pygame_gui

from game.engine import RuleError
from game.present.index import better_direction, formula_in_words, indicators, label_of, rule_info
from game.present.levers import lever_range, lever_text, parse_lever_value
from game.present.numbers import number, quantity, short_quantities, shown_change, signed
from game.present.seasons import season_label, season_title
from game.present.story import compared_turn, season_log, yearly_reading
from game.present.tutorial import Tutorial
from game.present.warnings import meters
from game.rules.models import Indicator
from game.rules.ruleset import Ruleset
from game.session import GameOver, LeverRejected
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, fitting, inset, rows, without_gloss, wrap
from game.ui.palette import CARD, INK, MUTED
from game.ui.scene import GameScene, Scene
from game.ui.widgets.gauge import arrow, paint_gauge, sparkline, trend_colour
from game.ui.widgets.lever_row import LeverRow, build_row, row_height, snap

# How many seasons a class panel's sparkline shows, and how many of a class's stocks it lists.
SPARK_SEASONS = 12
STOCKS_MOST = 3
# Below this logical size (window pixels over the UI scale) the dashboard lays itself out
# compact; it then aims to show at least MIN_LEVERS levers and MIN_INDICATORS indicator rows,
# folding the event log to one line when a readable log (LOG_LEAST high) does not fit beside them.
COMPACT_BELOW = (880, 600)
MIN_LEVERS, MIN_INDICATORS, LOG_LEAST = 4, 4, 90
# The indicator table's heading and row heights at 100 %.
TABLE_HEAD, ROW_H = 25, 26
# The buttons folded into "More" when the bar does not hold them all in one row: first these,
# then (in a very small window) these too.
FOLD_FIRST = ("web", "forecast", "encyclopedia")
FOLD_THEN = ("save", "menu")


@dataclass(frozen=True)
class ClassPanel:
    """A class of society as the rules describe it (``[classes]``): its first variable (its
    trust, or what stands for it) with a trend, and the stocks that describe it."""

    ident: str
    title: str
    lead: str                # the variable shown large, with its trend
    stocks: tuple[str, ...]  # the other variables that describe the class


def class_panels(ruleset: Ruleset) -> list[ClassPanel]:
    """The rule set's classes that name variables, in declaration order."""
    out = []
    for ident, social in ruleset.classes.items():
        names = [v for v in social.variables if v in ruleset.variables]
        if names:
            out.append(ClassPanel(ident, social.title, names[0], tuple(names[1:1 + STOCKS_MOST])))
    return out


def class_name(title: str, f: pygame.font.Font, width: int) -> str:
    """A class's name as it fits ``width``: in full, else without its gloss, else shortened."""
    return fitting([title, without_gloss(title)], f, width, 0)


NO_CHANGE = "no change"


def moved(ruleset: Ruleset, name: str, before: float, after: float) -> tuple[float, str]:
    """A change as the dashboard shows it: the change shown (0 when nothing visible moved: no
    arrow, no colour) and its text ('+3', '−0.15 Mt', 'no change'), the difference of the values
    shown. A change of nothing is never written as one ('±0.00 M people')."""
    shown = shown_change(ruleset, name, before, after, extend=False)
    return (float(shown.units), shown.delta_text if shown.units else NO_CHANGE)


def reload_notice(old: Any, new: Any, changed: list[str], refused: tuple[str, ...], most: int = 3) -> str:
    """What a reload did, in a few lines: the seasons replayed, what changed in the rules, and the
    key indicators that moved most at the player's season (the old value, then the new)."""
    seasons = f"your {old.turn} season{'s' if old.turn != 1 else ''} replayed on them" if old.turn else "the game starts again under them"
    parts = [f"Rules reloaded from disk, {seasons}."]
    if changed:
        parts.append("Changed: " + "; ".join(changed) + ".")
    else:
        parts.append("No number, formula or bound changed.")
    rs_old, rs_new = old.scenario.ruleset, new.scenario.ruleset
    moves = []
    for ind in indicators(rs_new):
        name = ind.variable
        if name not in rs_old.variables:
            continue
        before, after = old.value(name), new.value(name)
        if quantity(rs_old, name, before) != quantity(rs_new, name, after):
            moves.append((abs(after - before) / max(abs(before), abs(after), 1e-12), ind.label, quantity(rs_old, name, before), quantity(rs_new, name, after)))
    moves.sort(key=lambda m: -m[0])
    if moves:
        parts.append("Now: " + "; ".join(f"{label} {b} (was {a})" for _, label, a, b in moves[:most]) + ".")
    elif old.turn:
        parts.append("The key indicators are as they were.")
    if refused:
        parts.append(f"Back at their defaults (the new rules refuse what you had set): {', '.join(refused)}.")
    return " ".join(parts)


@dataclass(frozen=True)
class ButtonSpec:
    ident: str
    text: str
    key: str
    what: str
    action: Callable[[], None]
    primary: bool = False


class DashboardScene(GameScene):
    title = "Season dashboard"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.shown = indicators(self.rs)
        self.panels = class_panels(self.rs)
        self.headline = self.shown[0] if self.shown else None
        self.tutorial = Tutorial(self.session)
        self.listed = [i for i in self.shown if i is not self.headline]
        self.message = ""  # the last thing said to the player (a refusal is shown in the bad colour)
        self.message_bad = False
        self.rows: dict[str, LeverRow] = {}
        self.status: Any = None
        self.page = 0  # the page of levers shown
        self.per_page = 1
        self.selected = 0  # the indicator selected in the table (Up/Down, W)
        self.table_top = 0  # the first row the table shows
        self.table_rows = 1
        self.compact = False  # laid out for a small window (see compact_for)
        self.button_h = 38
        self.folded: list[ButtonSpec] = []  # the actions behind the "More" button
        self.more_open = False  # the "More" popup is shown
        self.more_rect: pygame.Rect | None = None
        self.log_folded = False  # the event log is one line (a compact window)
        self.log_open = False  # ... and it is open in place of the key indicators
        self.table: Canvas | None = None
        self.log: Any = None
        self.log_line: Any = None
        self.levers_hidden = False  # H: the levers hidden while a class discusses (a projector)

    # -- building ----------------------------------------------------------------------------
    def compact_for(self, rect: pygame.Rect) -> bool:
        """Whether ``rect`` is small in logical pixels (its size over the UI scale): then the
        dashboard lays itself out compact (tighter lever rows, a folded event log)."""
        scale = self.app.scale
        return rect.h / scale < COMPACT_BELOW[1] or rect.w / scale < COMPACT_BELOW[0]

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        s = self.session
        self.compact = self.compact_for(rect)
        c = self.compact
        area = inset(rect, px(8 if c else 12))
        self.button_h = px(34 if c else 38)
        specs, folded = self.footer_specs(area.w)
        footer_rows = self.footer_layout(specs, area.w)
        footer_h = len(footer_rows) * self.button_h + (len(footer_rows) - 1) * px(6)
        head, body, foot = rows(area, [px(28 if c else 34), 1.0, footer_h], px(6 if c else 10))
        # Header: the scenario and the season.
        season = f"Game over after {s.turn} seasons" if s.is_over else f"{season_title(s.next_season)} · season {s.turn + 1} of {s.scenario.seasons}"
        season_w = font(px(15), bold=True).size(season)[0] + px(12)
        title_rect, season_rect = columns(head, [1.0, min(season_w, head.w // 2)], px(12))
        self.label("title", title_rect, fit_text(s.scenario.title, font(px(19), bold=True), title_rect.w - px(4)), object_id="#heading")
        self.label("season", season_rect, season, object_id="#value")
        left, right = columns(body, [0.43, 0.57], px(10 if c else 14))
        self.build_levers(left)
        self.build_right(right)
        self.build_footer(foot, footer_rows)
        self.folded = folded
        if not folded:
            self.more_open = False
        if self.more_open:
            self.build_more(area, folded)
        self.bind_keys()

    def build_levers(self, rect: pygame.Rect) -> None:
        """The levers, as many as fit, in pages (PageUp/PageDown) when they do not all fit; or,
        hidden (H), a note in their place."""
        px = self.px
        s = self.session
        if self.levers_hidden:
            self.build_hidden_levers(rect)
            return
        c = self.compact
        status_h = int(font(px(15)).get_linesize() * 3.4) + px(12) if self.message else 0
        heading, status, listing = rows(rect, [px(26 if c else 28), status_h, 1.0], px(6) if status_h else 0)
        names = self.lever_order()
        pointed = self.tutorial.pointed(s)
        scale = self.app.scale
        # A compact row keeps its bounds line only while the page still holds enough levers.
        bounds = not c or listing.h // row_height(scale, True, True) >= min(MIN_LEVERS, len(names))
        height = row_height(scale, c, bounds)
        self.per_page = max(1, listing.h // height)
        pages = (len(names) + self.per_page - 1) // self.per_page
        self.page = max(0, min(self.page, pages - 1))
        first = self.page * self.per_page
        shown = names[first:first + self.per_page]
        self.rows = {}  # first, so that Tab reaches the first slider first
        for i, name in enumerate(shown):
            row_rect = pygame.Rect(listing.x, listing.y + i * height, listing.w, height)
            self.rows[name] = build_row(self, s, name, row_rect, self.root, compact=c, bounds=bounds, lesson=pointed.get(name))
        free = sum(1 for n in names if not s.is_locked(n))
        text = "Your levers" if free == len(names) else f"Your levers ({free} of {len(names)} free)"
        if pages > 1 and font(px(19), bold=True).size(text)[0] > heading.w // 2:
            text = "Levers"
        heading_font = font(px(19), bold=True)
        if pages > 1:
            where = f"{first + 1}–{first + len(shown)} of {len(names)}"
            where_w = font(px(13)).size(where)[0] + px(10)
            title_rect, where_rect, prev_rect, next_rect = columns(heading, [1.0, where_w, px(36), px(36)], px(6))
            self.label("levers-page", where_rect, where, object_id="#small")
            self.button("levers-prev", prev_rect, "<", lambda: self.turn_page(-1), tooltip="previous levers (PageUp)", enabled=self.page > 0)
            self.button("levers-next", next_rect, ">", lambda: self.turn_page(1), tooltip="next levers (PageDown)", enabled=self.page < pages - 1)
        else:
            title_rect = heading
        self.label("levers-heading", title_rect, fitting([text, "Levers"], heading_font, title_rect.w, px(4)), object_id="#heading").set_tooltip(
            "Drag a slider, click its track, or type a value and press Enter. Tab to a slider and move it with Left/Right "
            "(Shift: ten steps); PageUp/PageDown for more levers. Hover a lever for what it does and its source.", wrap_width=px(360))
        self.status = self.textbox("status", status, self.status_html()) if status_h else None
        self.slider_rows = {row.slider: row for row in self.rows.values()}
        self.entry_rows = {row.entry: row for row in self.rows.values()}

    def build_hidden_levers(self, rect: pygame.Rect) -> None:
        """In place of the levers while the class discusses: what is hidden and how to show it."""
        px = self.px
        heading, note = rows(rect, [px(28), 1.0], px(6))
        self.label("levers-heading", heading, "Levers hidden", object_id="#heading")
        self.textbox("levers-hidden", pygame.Rect(note.x, note.y, note.w, min(note.h, px(150))),
                     "The levers are hidden while the class discusses what to do next season.<br><br>"
                     "<b>Press H</b> to show them again.")
        self.rows = {}
        self.status = None
        self.slider_rows = {}
        self.entry_rows = {}

    def toggle_levers(self) -> None:
        """H: hide the levers (the class discusses before anyone touches them), or show them."""
        self.levers_hidden = not self.levers_hidden
        self.app.set_focus(None)
        self.app.rebuild()

    def lever_order(self) -> list[str]:
        """The levers the player may set first, then those the scenario locks (none in a
        tutorial: it hides them)."""
        s = self.session
        free = [n for n in s.scenario.levers if not s.is_locked(n)]
        return free if self.tutorial else free + [n for n in s.scenario.levers if s.is_locked(n) and n not in s.scenario.hidden]

    def turn_page(self, step: int) -> None:
        """Show the previous or next page of levers."""
        pages = (len(self.lever_order()) + self.per_page - 1) // self.per_page
        page = max(0, min(pages - 1, self.page + step))
        if page != self.page:
            self.page = page
            self.app.rebuild()
            first = next((row.slider for row in self.rows.values() if not row.locked), None)
            if first is not None and self.app.focus is None:
                self.app.set_focus(first)

    def show_lever(self, name: str) -> None:
        """Turn to the page that holds lever ``name``."""
        index = self.lever_order().index(name)
        self.turn_page(index // self.per_page - self.page)

    def build_right(self, rect: pygame.Rect) -> None:
        """The alliance gauge and the classes; the key indicators; this season's events (in a
        compact window folded to one line that opens them in place of the indicators, V)."""
        px = self.px
        c = self.compact
        per_class = px(26) if c else px(31)
        top_h = max(px(120 if c else 168), len(self.panels) * per_class)
        if self.panels:  # cards tall enough for their stocks' labels whole, where the window has the room
            classes_w = rect.w - min(px(200), int(rect.w * 0.36)) - px(8)
            card_w = (classes_w - px(6) * (len(self.panels) - 1)) // len(self.panels) - 2 * px(5)
            if card_w >= px(150) - 2 * px(5):
                top_h = max(top_h, max(self.card_height(p, card_w, px) for p in self.panels) + 2 * px(5))
        top_h = min(top_h, int(rect.h * (0.42 if c else 0.45)))
        top, rest = rows(rect, [top_h, 1.0], px(6 if c else 8))
        gauge_rect, classes_rect = columns(top, [min(px(200), int(top.w * 0.36)), 1.0], px(8))
        self.gauge = self.canvas("gauge", gauge_rect, self.paint_gauge)
        self.gauge.set_tooltip(self.gauge_tooltip(), wrap_width=px(420))
        self.classes = self.canvas("classes", classes_rect, self.paint_classes)
        self.classes.set_tooltip(
            "Each class: its trust (or what stands for it) with its trend over the last seasons, and what describes it. "
            "Click a class for why its number moved.",
            wrap_width=px(360),
        )
        middle, bottom = rows(rest, [1.0, 0.55], px(8))
        table_least = px(TABLE_HEAD + 3) + MIN_INDICATORS * px(ROW_H)
        self.log_folded = c and (middle.h < table_least or bottom.h < px(LOG_LEAST))
        self.log_line = None
        if self.log_folded:
            middle, bottom = rows(rest, [1.0, self.button_h], px(6))
            self.log_line = self.button("log-line", bottom, self.log_line_text(bottom.w), self.toggle_log,
                                        tooltip="this season's events and chance draws (V)")
        self.table = None
        if self.log_folded and self.log_open:
            self.log = self.textbox("log", middle, self.log_html())
            return
        self.table = self.canvas("indicators", middle, self.paint_table)
        self.table.set_tooltip("Click a row (or Up/Down and W) for why it moved this season; the mouse wheel scrolls.", wrap_width=px(360))
        self.log = None if self.log_folded else self.textbox("log", bottom, self.log_html())

    def log_line_text(self, width: int) -> str:
        """The folded event log's one line: what it holds and the key that opens it (or closes it)."""
        s = self.session
        if self.log_open:
            texts = ["Back to the key indicators (V)", "Key indicators (V)"]
        elif s.is_over:
            texts = ["The game is over — V to read", "Game over (V)"]
        elif self.tutorial.before(s):
            texts = ["A lesson for this season — V to read", "Lesson (V)"]
        elif s.turn == 0:
            texts = ["The scenario and its goals — V to read", "Scenario (V)"]
        else:
            events, draws = season_log(s)
            what = f"{len(events)} event{'s' if len(events) != 1 else ''}" if events else "No events"
            if draws:
                what += f", {len(draws)} chance draw{'s' if len(draws) != 1 else ''}"
            texts = [f"{what} in {season_label(s.state.season)} — V to read", f"{what} — V to read", f"{what} (V)"]
        return fitting(texts, font(self.px(15)), width, self.px(26))

    def toggle_log(self) -> None:
        """Open the folded event log in place of the key indicators, or close it (V)."""
        if self.log_folded:
            self.log_open = not self.log_open
            self.app.rebuild()

    def footer_layout(self, specs: list[ButtonSpec], width: int) -> list[list[tuple[ButtonSpec, str, int]]]:
        """The buttons in rows: with their keys in one row if they fit, else without, as many
        rows as needed; each as (spec, text, natural width)."""
        gap = self.px(6)
        natural = self.natural_width
        for with_keys in (True, False):
            texts = [f"{spec.text} ({spec.key})" if with_keys else spec.text for spec in specs]
            widths = [natural(spec, text) for spec, text in zip(specs, texts)]
            total = sum(widths) + gap * (len(specs) - 1)
            if with_keys and total > width:
                continue
            # As few rows as fit, the buttons shared out so the rows are about equally full.
            count = max(1, -(-total // width))
            while True:
                target = total / count
                laid: list[list[tuple[ButtonSpec, str, int]]] = [[]]
                used = 0
                for spec, text, w in zip(specs, texts, widths):
                    if laid[-1] and (used + gap + w > width or (used + gap + w / 2 > target and len(laid) < count)):
                        laid.append([])
                        used = 0
                    laid[-1].append((spec, text, w))
                    used += (gap if used else 0) + w
                if len(laid) <= count or count >= len(specs):
                    return laid
                count += 1
        return laid

    def natural_width(self, spec: ButtonSpec, text: str) -> int:
        """The width a footer button wants for ``text``."""
        f = font(self.px(16), bold=True) if spec.primary else font(self.px(15))
        return f.size(text)[0] + self.px(26)

    def footer_specs(self, width: int) -> tuple[list[ButtonSpec], list[ButtonSpec]]:
        """The buttons of the bar and those folded behind its "More" button: none folded when
        all fit in one row (without their keys if need be); else the least used first."""
        specs = self.button_specs()
        gap = self.px(6)
        more = ButtonSpec("more", "More", "M", "more views: " + ", ".join(
            f"{s.text.lower()} ({s.key})" for s in specs if s.ident in FOLD_FIRST), self.toggle_more)

        def one_row(bar: list[ButtonSpec]) -> bool:
            return sum(self.natural_width(b, b.text) for b in bar) + gap * (len(bar) - 1) <= width

        if one_row(specs):
            return specs, []
        for fold in (FOLD_FIRST, FOLD_FIRST + FOLD_THEN):
            bar = [b for b in specs if b.ident not in fold] + [more]
            if one_row(bar) or fold is not FOLD_FIRST:
                return bar, [b for b in specs if b.ident in fold]
        return specs, []  # not reached

    def build_more(self, area: pygame.Rect, folded: list[ButtonSpec]) -> None:
        """The "More" popup: the folded actions as a small column above the "More" button."""
        px = self.px
        more = next(e for n, e in self.placed if n == "more")
        texts = [f"{spec.text} ({spec.key})" for spec in folded]
        width = max(self.natural_width(spec, text) for spec, text in zip(folded, texts)) + px(16)
        pad, gap = px(6), px(6)
        height = len(folded) * self.button_h + (len(folded) - 1) * gap + 2 * pad
        rect = pygame.Rect(0, 0, min(width, area.w), height)
        rect.bottomright = (more.rect.right, more.rect.top - px(4))
        rect.left = max(area.left, rect.left)
        self.more_rect = rect
        panel = pygame_gui.elements.UIPanel(rect, manager=self.ui, container=self.root, starting_height=20,
                                            object_id=pygame_gui.core.ObjectID("#more", "@popup"))
        inner = inset(pygame.Rect(0, 0, rect.w, rect.h), pad)
        for r, spec, text in zip(rows(inner, [self.button_h] * len(folded), gap), folded, texts):
            self.button(f"more:{spec.ident}", r, text, self.folded_action(spec.action),
                        tooltip=f"{escape(spec.what)} ({escape(spec.key)})", container=panel,
                        enabled=self.button_enabled(spec.ident))

    def folded_action(self, action: Callable[[], None]) -> Callable[[], None]:
        """``action`` from the "More" popup: the popup closes first."""
        def run() -> None:
            self.more_open = False
            action()
            if self.root is not None and self.app.scene is self:
                self.app.rebuild()
        return run

    def toggle_more(self) -> None:
        """Open or close the "More" popup of folded actions (M)."""
        if self.folded:
            self.more_open = not self.more_open
            self.app.rebuild()
            # The keyboard goes into the popup (its first enabled button), and back to "More".
            wanted = [e for n, e in self.placed if (n.startswith("more:") if self.more_open else n == "more") and e.is_enabled]
            if wanted:
                self.app.set_focus(wanted[0])

    def build_footer(self, rect: pygame.Rect, laid: list[list[tuple[ButtonSpec, str, int]]]) -> None:
        px = self.px
        gap = px(6)
        for r, line in zip(rows(rect, [self.button_h] * len(laid), px(6)), laid):
            natural = sum(w for _, _, w in line)
            free = r.w - gap * (len(line) - 1)
            x = r.x
            for i, (spec, text, w) in enumerate(line):
                width = free - (x - r.x - gap * i) if i == len(line) - 1 else int(w * free / natural)
                enabled = self.button_enabled(spec.ident)
                self.button(spec.ident, pygame.Rect(x, r.y, width, r.h), text, spec.action,
                            tooltip=f"{escape(spec.what)} ({escape(spec.key)})", object_id="#primary" if spec.primary else None,
                            enabled=enabled)
                x += width + gap

    def button_specs(self) -> list[ButtonSpec]:
        over = self.session.is_over
        return [
            ButtonSpec("end", "Debrief" if over else "End season", "Ctrl+Enter",
                       "see how the game ended" if over else "play the season with these levers", self.end_season, primary=True),
            ButtonSpec("undo", "Undo", "Ctrl+Z", "take back the last season", self.undo),
            ButtonSpec("redo", "Redo", "Ctrl+Y", "play again a season you took back", self.redo),
            ButtonSpec("why", "Why", "W", "why the selected key indicator moved", self.why),
            ButtonSpec("charts", "Charts", "C", "time series and the scissors chart", self.charts),
            ButtonSpec("web", "Causal web", "G", "the rules as a web of causes", self.web),
            ButtonSpec("forecast", "Forecast", "F", "next season under these levers, over possible weather", self.forecast),
            ButtonSpec("encyclopedia", "Encyclopedia", "K", "mechanisms, classes, levers, terms and sources", self.encyclopedia),
            ButtonSpec("save", "Save", "Ctrl+S", "save the game", self.save),
            ButtonSpec("menu", "Menu", "Esc", "the title screen (the game stays in progress)", self.back),
        ]

    def button_enabled(self, ident: str) -> bool:
        s = self.session
        if ident == "undo":
            return s.turn > 0
        if ident == "redo":
            return s.can_redo
        if ident == "forecast":
            return not s.is_over
        return True

    def bind_keys(self) -> None:
        k = pygame
        self.bind(k.K_RETURN, "end the season (the debrief once the game is over)", self.end_season, mod=k.KMOD_CTRL)
        self.bind(k.K_KP_ENTER, "end the season", self.end_season, mod=k.KMOD_CTRL, label="Ctrl+Keypad Enter")
        self.bind(k.K_e, "end the season", self.end_season)
        self.bind(k.K_z, "undo: take back the last season", self.undo, mod=k.KMOD_CTRL)
        self.bind(k.K_y, "redo a season taken back", self.redo, mod=k.KMOD_CTRL)
        self.bind(k.K_w, "why the selected key indicator moved", self.why)
        self.bind(k.K_c, "charts", self.charts)
        self.bind(k.K_g, "the causal web", self.web)
        self.bind(k.K_f, "forecast next season", self.forecast)
        self.bind(k.K_k, "encyclopedia (the focused lever's entry)", self.encyclopedia)
        self.bind(k.K_s, "save the game", self.save, mod=k.KMOD_CTRL)
        self.bind(k.K_UP, "select the previous key indicator", lambda: self.select(-1))
        self.bind(k.K_DOWN, "select the next key indicator", lambda: self.select(1))
        self.bind(k.K_PAGEUP, "previous levers", lambda: self.turn_page(-1))
        self.bind(k.K_PAGEDOWN, "next levers", lambda: self.turn_page(1))
        if self.folded:
            self.bind(k.K_m, "more views: the folded buttons (" + ", ".join(b.key for b in self.folded) + ")", self.toggle_more)
        if self.log_folded:
            self.bind(k.K_v, "read this season's events (again: back to the key indicators)", self.toggle_log)
        self.bind(k.K_h, "hide or show the levers (while the class discusses)", self.toggle_levers)
        self.bind(k.K_F5, "reload the rules from disk and replay your levers on them (for modders)", self.reload_rules)
        self.bind(k.K_ESCAPE, "close the More popup, else the title screen (the game stays in progress)", self.back, label="Esc")

    # -- painting ----------------------------------------------------------------------------
    def change_of(self, ind: Indicator) -> tuple[float, str, str] | None:
        """(change shown, its text, the season compared with) of an indicator this season, or None."""
        s = self.session
        base = compared_turn(s, ind, s.turn)
        if base is None:
            return None
        change, text = moved(self.rs, ind.variable, s.value(ind.variable, base), s.value(ind.variable))
        return change, text, season_label(s.history[base].season)

    def paint_gauge(self, canvas: Canvas, surface: pygame.Surface) -> None:
        ind = self.headline
        if ind is None:
            return
        s = self.session
        variable = self.rs.variables.get(ind.variable)
        low = variable.min if variable is not None and variable.min > float("-inf") else 0.0
        high = variable.max if variable is not None and variable.max < float("inf") else max(100.0, s.value(ind.variable))
        change_of = self.change_of(ind)
        previous = s.value(ind.variable, s.turn - 1) if s.turn else None
        text: str | list[str]
        if change_of is None:
            text, colour = "the first season is still to play", MUTED
        else:
            change, shown, since = change_of
            text, colour = [f"{shown} since {since}", shown], trend_colour(self.app.palette, change, ind.better)
        dial = paint_gauge(canvas, surface, s.value(ind.variable), previous, low, high, self.app.palette, ind.label,
                           number(self.rs, ind.variable, s.value(ind.variable)), text, colour)
        canvas.hotspot(surface.get_rect(), ind.variable)
        self.gauge_dial = dial

    def gauge_tooltip(self) -> str:
        """The headline's formula, its parts now, and what moved it this season."""
        ind = self.headline
        if ind is None:
            return ""
        s = self.session
        formula = formula_in_words(self.rs, ind.variable)  # labels and values, never the rules' ids
        parts = [f"<b>{escape(ind.label)}</b> = {escape(formula)}"]
        names = self.rs.depends_on.get(ind.variable, ())
        if names:
            parts.append("<i>now</i> " + "; ".join(
                f"{escape(label_of(self.rs, n))} {escape(number(self.rs, n, s.value(n)))}" for n in names))
        if s.turn == 0:
            parts.append("No season has been played yet.")
        else:
            explanation = s.explain(ind.variable, depth=1)
            if explanation.causes:
                parts.append(f"<i>What moved it in {escape(season_label(explanation.season))}:</i>")
                for cause in explanation.causes:
                    parts.append(f"• {escape(label_of(self.rs, cause.name))}: {escape(number(self.rs, cause.name, cause.before))} to "
                                 f"{escape(number(self.rs, cause.name, cause.after))}, "
                                 f"{escape(signed(self.rs, ind.variable, cause.contribution))}")
            else:
                parts.append(f"Nothing that makes it up moved in {escape(season_label(explanation.season))}.")
        info = rule_info(self.rs, ind.variable)
        if info.mechanisms or info.source:
            parts.append(f"<i>{escape('; '.join(info.mechanisms))}</i> — {escape(info.source)}")
        parts.append("Click for the full why view (W).")
        return "<br>".join(parts)

    def paint_classes(self, canvas: Canvas, surface: pygame.Surface) -> None:
        """A card per class side by side, or a line per class where the cards would be narrow."""
        px = canvas.px
        panels = self.panels
        if not panels:
            canvas.text(surface, "These rules describe no classes.", (px(8), px(8)), size=13, colour=MUTED)
            return
        side_by_side = surface.get_width() // len(panels) >= px(150)
        slots = columns(surface.get_rect(), [1.0] * len(panels), px(6)) if side_by_side else \
            rows(surface.get_rect(), [1.0] * len(panels), px(3))
        for panel, slot in zip(panels, slots):
            pygame.draw.rect(surface, CARD, slot, border_radius=px(5))
            (self.paint_card if side_by_side else self.paint_line)(canvas, surface, panel, inset(slot, px(5)))
            canvas.hotspot(slot, panel.lead)

    def change_since(self, name: str) -> tuple[float, str] | None:
        s = self.session
        return moved(self.rs, name, s.value(name, s.turn - 1), s.value(name)) if s.turn else None

    def lead_width(self, name: str, size: int, px: Callable[[float], int]) -> int:
        """The room :meth:`paint_lead` needs for a class's lead number and its change."""
        width = font(px(size), bold=True).size(number(self.rs, name, self.session.value(name)))[0]
        since = self.change_since(name)
        if since is not None and since[0]:
            width += px(9) + px(8) + font(px(12)).size(since[1])[0] + px(9)
        return width

    def paint_lead(self, canvas: Canvas, surface: pygame.Surface, name: str, at: tuple[int, int], room: int, size: int) -> pygame.Rect:
        """A class's lead number, its arrow and its change since last season, from ``at`` (midleft)."""
        px = canvas.px
        r = canvas.text(surface, number(self.rs, name, self.session.value(name)), at, size=size, bold=True, anchor="midleft")
        since = self.change_since(name)
        if since is not None and since[0]:  # a class's number that did not visibly move: no change written
            change, shown = since
            colour = trend_colour(self.app.palette, change, better_direction(self.rs, name))
            ax = r.right + px(9)
            if change:
                arrow(surface, (ax, r.centery), px(11), change > 0, colour)
            text = fit_text(shown, font(px(12)), max(0, at[0] + room - ax - px(9)))
            canvas.text(surface, text, (ax + px(8), r.centery), size=12, colour=colour, anchor="midleft")
        return r

    def stock_label(self, panel: ClassPanel, name: str) -> str:
        """A stock's label; its unit where the label only repeats the class's name ('share of households')."""
        label = label_of(self.rs, name)
        variable = self.rs.variables.get(name)
        if panel.title.lower().startswith(label.lower()) and variable is not None and variable.unit:
            return variable.unit
        return label

    def stock_texts(self, panel: ClassPanel, name: str, room: int, px: Callable[[float], int]) -> tuple[str, str]:
        """A stock's label and its value with its unit for a row ``room`` wide: the fullest unit
        that leaves the label whole ('Unemployment' with '1.28 M' rather than 'Unemplo…' with
        '1.28 M people'), else the shortest."""
        label = self.stock_label(panel, name)
        values = short_quantities(self.rs, name, self.session.value(name))
        label_w = font(px(12)).size(label)[0] + px(6)
        bold = font(px(12), bold=True)
        return label, next((v for v in values if label_w + bold.size(v)[0] <= room), values[-1])

    def series(self, name: str) -> list[float]:
        s = self.session
        return [s.value(name, t) for t in range(max(0, s.turn - SPARK_SEASONS + 1), s.turn + 1)]

    def paint_line(self, canvas: Canvas, surface: pygame.Surface, panel: ClassPanel, inner: pygame.Rect) -> None:
        """One class on one line: its name, its lead number with the change, a sparkline, its
        first stock where there is room."""
        px = canvas.px
        cy = inner.centery
        size = 15 if inner.h >= px(20) else 13
        name_f = font(px(13), bold=True)
        lead_w = max(px(84), max(self.lead_width(p.lead, size, px) for p in self.panels))
        # The names in full in a narrow (compact) panel, else at least without their glosses
        # ('Kulaks' for 'Kulaks (rich peasants)'); the sparkline and a stock where room is left.
        wanted = max(name_f.size(p.title if self.compact else without_gloss(p.title))[0] for p in self.panels) + px(8)
        name_w = max(int(inner.w * 0.32), min(wanted, inner.w - lead_w - px(6)))
        canvas.text(surface, class_name(panel.title, name_f, name_w - px(6)), (inner.x, cy), size=13, bold=True, anchor="midleft")
        self.paint_lead(canvas, surface, panel.lead, (inner.x + name_w, cy), lead_w, size)
        x = inner.x + name_w + lead_w + px(6)
        spark_w = min(px(70), inner.right - x)
        # The sparklines narrower (not below 40), all alike, rather than a stock's label cut.
        small, bold_small = font(px(12)), font(px(12), bold=True)
        needs = max((small.size(self.stock_label(p, p.stocks[0]))[0] + px(6) +
                     bold_small.size(short_quantities(self.rs, p.stocks[0], self.session.value(p.stocks[0]))[-1])[0]
                     for p in self.panels if p.stocks), default=0)
        spark_w = max(min(spark_w, px(40)), min(spark_w, inner.right - x - px(10) - needs))
        if spark_w > px(24):
            sparkline(surface, pygame.Rect(x, inner.y + px(2), spark_w, inner.h - px(4)), self.series(panel.lead),
                      self.app.palette.colour(1), self.app.palette.grid, max(1, px(2)))
        x += spark_w + px(10)
        if panel.stocks and inner.right - x > px(90):
            name = panel.stocks[0]
            label, value = self.stock_texts(panel, name, inner.right - x, px)
            vr = canvas.text(surface, value, (inner.right, cy), size=12, bold=True, anchor="midright")
            canvas.text(surface, fit_text(label, font(px(12)), max(0, vr.left - x - px(6))), (x, cy), size=12, anchor="midleft")

    def stock_lines(self, panel: ClassPanel, name: str, width: int, px: Callable[[float], int]) -> tuple[list[str], str]:
        """A stock's label in lines for a card ``width`` wide (two where one would cut it, the
        value beside the last), and its value."""
        label, value = self.stock_texts(panel, name, width, px)
        small_f, bold = font(px(12)), font(px(12), bold=True)
        if small_f.size(label)[0] + px(6) + bold.size(value)[0] <= width:
            return [label], value
        for fuller in short_quantities(self.rs, name, self.session.value(name)):  # the fullest unit that two lines allow
            lines = wrap(label, small_f, max(0, width - bold.size(fuller)[0] - px(6)))
            if len(lines) <= 2 and all(small_f.size(line)[0] <= width for line in lines):
                return lines, fuller
        return [label], value

    def card_height(self, panel: ClassPanel, width: int, px: Callable[[float], int]) -> int:
        """The height a class's card needs at ``width``, its stocks' labels whole."""
        lines = sum(len(self.stock_lines(panel, name, width, px)[0]) for name in panel.stocks)
        return (font(px(13), bold=True).get_linesize() + px(2) + font(px(20), bold=True).get_linesize() + px(2)
                + px(22) + px(4) + lines * font(px(12)).get_linesize())

    def paint_card(self, canvas: Canvas, surface: pygame.Surface, panel: ClassPanel, inner: pygame.Rect) -> None:
        """One class as a card: name, lead number with its change, a sparkline, its stocks (a
        label over two lines where one would cut it and the card has the room)."""
        px = canvas.px
        small_f = font(px(12))
        r = canvas.text(surface, class_name(panel.title, font(px(13), bold=True), inner.w), (inner.x, inner.y), size=13, bold=True)
        r = self.paint_lead(canvas, surface, panel.lead, (inner.x, r.bottom + px(2) + font(px(20), bold=True).get_linesize() // 2), inner.w, 20)
        y = r.bottom + px(2)
        spark = pygame.Rect(inner.x, y, inner.w, px(22))
        if spark.bottom <= inner.bottom:
            sparkline(surface, spark, self.series(panel.lead), self.app.palette.colour(1), self.app.palette.grid, max(1, px(2)))
            y = spark.bottom + px(4)
        line_h = small_f.get_linesize()
        for name in panel.stocks:
            if y + line_h > inner.bottom:
                break
            lines, value = self.stock_lines(panel, name, inner.w, px)
            if y + len(lines) * line_h > inner.bottom:
                lines = [" ".join(lines)]  # no room for two lines: one, shortened
            for line in lines[:-1]:
                canvas.text(surface, line, (inner.x, y), size=12)
                y += line_h
            vr = canvas.text(surface, value, (inner.right, y), size=12, bold=True, anchor="topright")
            canvas.text(surface, fit_text(lines[-1], small_f, max(0, vr.left - inner.x - px(6))), (inner.x, y), size=12)
            y += line_h

    def paint_table(self, canvas: Canvas, surface: pygame.Surface) -> None:
        """The key indicators: label, value, and the change since last season in the palette's
        good or bad colour, the selected row marked; scrolled so the selection shows."""
        px = canvas.px
        s = self.session
        palette = self.app.palette
        w, h = surface.get_size()
        pygame.draw.rect(surface, CARD, surface.get_rect(), border_radius=px(4))
        row_h = px(ROW_H)
        head = canvas.text(surface, "Key indicators", (px(8), px(3)), size=16, bold=True)
        canvas.text(surface, fitting(["click one (or Up/Down, W) for why it moved", "click one for why it moved", "click: why"],
                                     font(px(12)), max(0, w - head.right - px(20)), 0),
                    (head.right + px(10), head.centery), size=12, colour=MUTED, anchor="midleft")
        top = head.bottom + px(3)
        fits = max(1, (h - top) // row_h)
        self.table_rows = fits
        self.selected = max(0, min(self.selected, len(self.listed) - 1))
        if self.selected < self.table_top:
            self.table_top = self.selected
        elif self.selected >= self.table_top + fits:
            self.table_top = self.selected - fits + 1
        self.table_top = max(0, min(self.table_top, max(0, len(self.listed) - fits)))
        label_f, change_f = font(px(15)), font(px(13))
        # The change column as wide as its widest text ('−0.02 M people'), within a third of the table.
        changes = [self.change_of(ind) if yearly_reading(s, ind.variable) is None else None for ind in self.listed]
        widest = max((change_f.size(c[1])[0] for c in changes if c is not None), default=0)
        change_w = min(max(px(92), widest + px(34)), w // 3)
        value_right = w - change_w - px(8)
        for i, ind in enumerate(self.listed[self.table_top:self.table_top + fits]):
            index = self.table_top + i
            row = pygame.Rect(0, top + i * row_h, w, row_h)
            if index == self.selected:
                pygame.draw.rect(surface, palette.grid, row, border_radius=px(4))
            elif i % 2:
                pygame.draw.line(surface, palette.grid, row.topleft, row.topright, 1)
            cy = row.centery
            reading = yearly_reading(s, ind.variable)
            label = ind.label
            if reading is not None:  # a harvest between harvests: this year's, never its zero
                label = reading.label[:1].upper() + reading.label[1:]
                shown = "—" if math.isnan(reading.value) else quantity(self.rs, ind.variable, reading.value)
            else:
                shown = quantity(self.rs, ind.variable, s.value(ind.variable))
            vr = canvas.text(surface, shown, (value_right, cy), size=15, bold=True, anchor="midright")
            canvas.text(surface, fit_text(label, label_f, max(0, vr.left - px(16))), (px(8), cy), size=15, anchor="midleft")
            change_of = changes[index]
            if change_of is None:
                canvas.text(surface, "—", (value_right + px(26), cy), size=13, colour=MUTED, anchor="midleft")
            else:
                change, shown, _ = change_of
                colour = trend_colour(palette, change, ind.better) if change else MUTED
                if change:
                    arrow(surface, (value_right + px(16), cy), px(11), change > 0, colour)
                text = fit_text(shown, change_f, w - value_right - px(30))
                canvas.text(surface, text, (value_right + px(26), cy), size=13, colour=colour, anchor="midleft")
            canvas.hotspot(row, ind.variable)
        if len(self.listed) > fits:
            bar = pygame.Rect(w - px(4), top, px(3), h - top)
            pygame.draw.rect(surface, palette.grid, bar)
            thumb_h = max(px(10), bar.h * fits // len(self.listed))
            thumb_y = top + (bar.h - thumb_h) * self.table_top // max(1, len(self.listed) - fits)
            pygame.draw.rect(surface, palette.neutral, pygame.Rect(bar.x, thumb_y, bar.w, thumb_h))

    def select(self, step: int) -> None:
        """Move the indicator selection (Up/Down) and scroll the table to it."""
        if not self.listed:
            return
        self.selected = max(0, min(len(self.listed) - 1, self.selected + step))
        if self.table is not None:
            self.table.repaint()

    def scroll_table(self, rows_: int) -> None:
        if self.table is None:
            return
        self.table_top = max(0, min(max(0, len(self.listed) - self.table_rows), self.table_top + rows_))
        self.selected = max(self.table_top, min(self.selected, self.table_top + self.table_rows - 1))
        self.table.repaint()

    def status_html(self) -> str:
        if self.message:
            colour = self.app.palette.bad if self.message_bad else INK
            return f"<font color='#{colour.r:02x}{colour.g:02x}{colour.b:02x}'>{escape(self.message)}</font>"
        return ""

    @staticmethod
    def hex(colour: pygame.Color | tuple[int, ...]) -> str:
        return "#{:02x}{:02x}{:02x}".format(*tuple(colour)[:3])

    def warnings_html(self) -> tuple[list[str], list[str]]:
        """The endings within reach (from the forecast) and the loss meters near their threshold,
        for the top of the log; and every loss meter with its threshold, for its foot."""
        s = self.session
        if s.is_over:
            return [], []
        game = getattr(self.app, "game", None)
        try:
            threats = game.threats() if game is not None and game.session is s else ()
        except RuleError:
            threats = ()
        bad, good = self.hex(self.app.palette.bad), self.hex(self.app.palette.good)
        top = []
        for threat in threats:
            colour = good if threat.holds else bad
            top.append(f"<font color='{colour}'><b>{'Within reach' if threat.holds else 'Warning'}:</b> {escape(threat.text)}.</font>")
        all_meters = meters(s)
        top += [f"<font color='{bad}'><b>{'Danger' if m.reached else 'Watch'}:</b> {escape(m.text)}.</font>" for m in all_meters if m.warning]
        foot = [f"<font color='#4a4740'>{escape(m.text)}</font>" for m in all_meters if not m.warning]
        if foot:
            foot.insert(0, "<i>Loss meters</i>")
        return top, foot

    def log_html(self) -> str:
        s = self.session
        title = "Before the first season" if s.turn == 0 else f"What happened in {season_label(s.state.season)}"
        parts = [f"<font pixel_size={self.px(18)}><b>{escape(title)}</b></font>"]
        if s.is_over:
            ending = s.ending
            title = ending.ending.title if ending is not None and ending.ending is not None else "no decisive outcome"
            parts.append(f"<b>The game is over: {escape(title)}.</b> Press Ctrl+Enter for the debrief.")
        for step in self.tutorial.before(s):
            parts.append(f"<b>Lesson: {escape(step.title)}.</b> {escape(step.text)}")
        warnings, meters_foot = self.warnings_html()
        parts += warnings
        if s.turn == 0:
            parts.append(escape(s.scenario.summary.strip()))
            parts += [f"• {escape(o)}" for o in s.scenario.objectives]
            return "<br>".join(parts + meters_foot)
        events, draws = season_log(s)
        for title, message in events:
            parts.append(f"<b>{escape(title)}</b>: {escape(message.strip())}")
        for label, value, scripted in draws:
            parts.append(f"Chance — {escape(label)}: {escape(value)}{' (as history had it)' if scripted else ''}")
        if not events and not draws:
            parts.append("No events this season.")
        return "<br>".join(parts + meters_foot)

    # -- the player's moves ------------------------------------------------------------------
    def say(self, text: str, bad: bool = False) -> None:
        """Show ``text`` above the levers (in the bad colour for a refusal)."""
        had = bool(self.message)
        self.message, self.message_bad = text, bad
        if self.root is None:
            return
        if self.status is not None and had and text:
            self.status.set_text(self.status_html())
        elif had != bool(text):
            self.app.rebuild()  # the message box comes or goes

    def apply(self, name: str, value: float) -> bool:
        """Set lever ``name`` through the session; a refusal is shown and the row reverts."""
        row = self.rows.get(name)
        lever = self.session.scenario.levers[name]
        try:
            self.session.set_lever(name, value)
        except LeverRejected as err:
            self.say(f"Not set: {err}.", bad=True)
            if row is not None:
                row.show(self.session)
            return False
        if row is not None:
            row.show(self.session)
        if self.message:
            self.say(f"{lever.label} set to {lever_text(self.session, name, self.session.levers[name])}.")
        return True

    def commit_entry(self, row: LeverRow) -> None:
        text = row.entry.get_text()
        row.dirty = False
        if text.strip() == lever_text(self.session, row.name, self.session.levers[row.name]):
            return
        try:
            value = parse_lever_value(self.session, row.name, text)
        except ValueError:
            self.say(f"Not set: '{text.strip()}' is not a value for {self.session.scenario.levers[row.name].label}; "
                     f"allowed: {lever_range(self.session, row.name)}.", bad=True)
            row.show(self.session)
            return
        self.apply(row.name, value)

    def nudge(self, slider: Any, steps: int) -> bool:
        """Move the focused slider ``steps`` steps of its lever (Left/Right; Shift: ten)."""
        row = self.slider_rows.get(slider)
        if row is None or row.locked:
            return False
        lever = self.session.scenario.levers[row.name]
        value = self.session.levers[row.name] + steps * lever.step
        value = min(lever.max, max(lever.min, value))
        self.apply(row.name, snap(self.session, row.name, value))
        return True

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element in self.slider_rows:
            row = self.slider_rows[event.ui_element]
            value = snap(self.session, row.name, float(event.value))
            if value != self.session.levers[row.name]:
                self.apply(row.name, value)
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element in self.entry_rows:
            self.commit_entry(self.entry_rows[event.ui_element])
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element in self.entry_rows:
            self.entry_rows[event.ui_element].dirty = True
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self.clicked(event.pos)
        if event.type == pygame.MOUSEWHEEL and self.table is not None and self.table.rect.collidepoint(pygame.mouse.get_pos()) \
                and not self.in_popup(pygame.mouse.get_pos()):
            self.scroll_table(-event.y)
            return True
        return False

    def in_popup(self, pos: tuple[int, int]) -> bool:
        return self.more_open and self.more_rect is not None and self.more_rect.collidepoint(pos)

    def clicked(self, pos: tuple[int, int]) -> bool:
        """A click on a slider's track jumps there; on the gauge, a class or an indicator, the why
        view. With the "More" popup open, a click outside it (and its button) only closes it."""
        if self.more_open:
            if self.in_popup(pos):
                return False  # its buttons act
            more = next((e for n, e in self.placed if n == "more"), None)
            if more is None or not more.rect.collidepoint(pos):
                self.toggle_more()
                return True
            return False
        for row in self.rows.values():
            slider = row.slider
            if row.locked or not slider.rect.collidepoint(pos):
                continue
            buttons = [b for b in (slider.left_button, slider.right_button, slider.sliding_button) if b is not None]
            if any(b.rect.collidepoint(pos) for b in buttons):
                return False  # pygame_gui moves it
            value = row.value_at(pos[0])
            if value is not None:
                self.app.set_focus(slider)
                self.apply(row.name, snap(self.session, row.name, value))
                return True
        for canvas in (self.gauge, self.classes, self.table):
            variable = canvas.hit(pos) if canvas is not None else None
            if variable is not None:
                if canvas is self.table:
                    self.selected = self.listed.index(next(i for i in self.listed if i.variable == variable))
                    canvas.repaint()
                self.open_why(variable)
                return True
        return False

    def enter(self) -> None:
        self.frames_shown = 0
        super().enter()

    def update(self, dt: float) -> None:
        # An entry typed in and then left (Tab, a click elsewhere) is applied as if Enter was pressed.
        for row in self.rows.values():
            if row.dirty and not row.entry.is_focused:
                self.commit_entry(row)
        self.class_stop()
        self.frames_shown += 1
        if self.frames_shown == 2 and self.app.scene is self:
            # The dashboard is on screen (the frame before drew it): do now what the first
            # season report would otherwise do between End season and its first frame.
            from game.ui.scenes.report import prepare_report

            prepare_report(self.app, self.session)

    def class_stop(self) -> bool:
        """A class scenario's stop before this decision (the player's name, a checkpoint) over the
        dashboard, when there is one; True if one was opened."""
        from game.ui.scenes.checkpoint import class_stop

        game = getattr(self.app, "game", None)
        if game is None or self.app.scene is not self:
            return False
        stop = class_stop(self.app, game)
        if stop is None:
            return False
        self.open_scene(stop)
        return True

    # -- actions -----------------------------------------------------------------------------
    def end_season(self) -> None:
        """Play the season (or, once the game is over, open the debrief); then autosave and
        show the season report."""
        s = self.session
        if s.is_over:
            from game.ui.scenes.debrief import DebriefScene

            self.open_scene(DebriefScene(self.app))
            return
        started = time.perf_counter()
        season = s.next_season
        if self.class_stop():
            return
        try:
            self.app.game.end_season()
        except RuleError as err:
            self.say(f"The rules failed in {season_label(season)}, so the season was not played: {err}. Change a lever and try again.", bad=True)
            return
        except GameOver as err:
            self.say(f"{err}.", bad=True)
            return
        self.message = ""
        from game.ui.scenes.report import ReportScene

        report = ReportScene(self.app)
        report.started = started
        report.after_shown = self.autosave  # once the report is on screen, not before it
        self.open_scene(report)

    def autosave(self) -> None:
        """Autosave the season just played (with the player's name; not twice the same state);
        a failure is a notice and the game goes on."""
        from game.ui.scenes.saves import autosave_game

        message = autosave_game(self.app)
        if message:
            self.app.notice = message

    def undo(self) -> None:
        refused = self.app.game.undo_refused()
        if refused:
            self.say(refused, bad=True)
            return
        if self.app.game.undo():
            seen = " Your teacher sees each undo in your save." if self.app.game.undo_recorded else ""
            self.message = f"Season {season_label(self.session.next_season)} taken back; its levers are restored.{seen}"
            self.message_bad = False
            self.app.rebuild()
        else:
            self.say("Nothing to undo: no season has been played yet.", bad=True)

    def redo(self) -> None:
        if self.app.game.redo():
            self.message = f"Season {season_label(self.session.state.season)} played again as it was."
            self.message_bad = False
            self.app.rebuild()
        else:
            self.say("Nothing to redo: no season has been taken back (or another was played since).", bad=True)

    def reload_rules(self) -> None:
        """F5: read the rules (and the scenario and mods) again from disk and replay the player's
        levers on them — a new session of the same scenario and seed, at the same season, this
        screen's place kept — and say what changed; or, when that cannot be done, show why (the
        located problems) and leave the game as it was."""
        from game.controller import StartRefused
        from game.ui.scenes.error import ErrorScene

        game = self.app.game
        if game is None or game.session is not self.session:
            return
        try:
            reloaded = game.reload(self.app.rules_root)
        except StartRefused as err:
            count = len(err.problems)
            lead = (f"{count} problem{'s' if count != 1 else ''} — your game goes on as it was, under the rules it was played with. "
                    "Fix the files and press F5 again.")
            self.open_scene(ErrorScene(self.app, err.what, [str(p) for p in err.problems], lead=lead, to_game=True))
            return
        old, new = self.session, reloaded.game.session
        if (old.scenario.ruleset.content_hash, old.scenario.content_hash) == (new.scenario.ruleset.content_hash, new.scenario.content_hash):
            self.say("The rules on disk are as they were loaded: nothing to reload.")
            return
        self.app.game = reloaded.game
        scene = DashboardScene(self.app)
        scene.page, scene.selected, scene.table_top, scene.log_open = self.page, self.selected, self.table_top, self.log_open
        scene.message = reload_notice(old, new, reloaded.changes.parts(limit=3), reloaded.refused)
        self.app.replace(scene)

    def focused_variable(self) -> str | None:
        return self.listed[self.selected].variable if self.listed else None

    def why(self) -> None:
        variable = self.focused_variable() or (self.headline.variable if self.headline else None)
        if variable is not None:
            self.open_why(variable)

    def open_why(self, variable: str) -> None:
        from game.ui.scenes.why import WhyScene

        self.open_scene(WhyScene(self.app, variable))

    def charts(self) -> None:
        from game.ui.scenes.charts import ChartsScene

        self.open_scene(ChartsScene(self.app))

    def web(self) -> None:
        from game.ui.scenes.web import WebScene

        self.open_scene(WebScene(self.app, self.focused_variable()))

    def forecast(self) -> None:
        if not self.session.is_over:
            from game.ui.scenes.forecast import ForecastScene

            self.open_scene(ForecastScene(self.app))

    def encyclopedia(self) -> None:
        focus = self.app.focus
        entry = None
        lever = self.slider_rows.get(focus) or self.entry_rows.get(focus) if self.root is not None else None
        if lever is not None:
            entry = f"lever:{lever.name}"
        elif self.focused_variable():
            entry = f"indicator:{self.focused_variable()}"
        from game.ui.scenes.encyclopedia import EncyclopediaScene

        self.open_scene(EncyclopediaScene(self.app, entry))

    def save(self) -> None:
        from game.ui.scenes.saves import SavesScene

        self.open_scene(SavesScene(self.app, mode="save"))

    def open_scene(self, scene: Scene) -> None:
        """Show another view over the dashboard (the "More" popup is closed when it comes back)."""
        self.more_open = False
        self.app.push(scene)

    def back(self) -> None:
        """Esc: closes the "More" popup; else the title screen, the game staying in progress
        (Continue comes back here)."""
        if self.more_open:
            self.toggle_more()
        elif len(self.app.scenes) > 1:
            self.app.pop()
        else:
            from game.ui.scenes.title import TitleScene

            self.app.reset_to(TitleScene(self.app))
