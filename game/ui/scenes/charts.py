"""Charts: any variables of the game season by season, several at once; presets from the rules
(the scissors: farm prices against manufactures' prices beside the goods reaching the village);
and, when the scenario has a historical policy, history's path beside the player's — the model
under the state's actual policy from the same seed (dashed), and history's yearly record.

Keys: Up/Down move in the list, Enter shows or hides the variable, 1–9 the presets, / the
filter, Left/Right read the values of a season, Delete clears the chart, Esc back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import pygame
import pygame_gui

from game.engine import RuleError
from game.history import year_of, yearly
from game.present.debrief import historical_path
from game.present.index import cite, indicators, label_of
from game.present.numbers import number as value_text
from game.present.seasons import season_label
from game.present.series import MOST, Preset, presets
from game.rules.ruleset import Ruleset
from game.rules.season import Season
from game.session import LeverRejected, Session
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.chart import ChartLayout, ChartSeries, draw_column_readout, nearest_index, paint_line_chart
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows, wrap
from game.ui.palette import INK, Palette
from game.ui.scene import GameScene

_TAG = re.compile(r"<[^>]+>")

def strip_tags(html: str) -> str:
    return _TAG.sub("", html)


class PickList:
    """The list of variables drawn on a canvas: headings, a mark in the series' colour for the
    ones on the chart, the keyboard cursor, scrolling that follows it, clicks via hotspots."""

    def __init__(self, entries: Sequence[tuple[str, str, str]]) -> None:
        self.entries = list(entries)  # (group heading, variable, label)
        self.filter = ""
        self.cursor = 0  # index into visible()
        self.top = 0     # first row shown

    def visible(self) -> list[tuple[str, str, str]]:
        needle = self.filter.strip().lower()
        if not needle:
            return self.entries
        return [e for e in self.entries if needle in e[2].lower() or needle in e[1].lower()]

    def rows(self) -> list[tuple[str, str, str] | str]:
        """Headings (str) and entries in display order."""
        out: list[tuple[str, str, str] | str] = []
        group = None
        for entry in self.visible():
            if entry[0] != group:
                group = entry[0]
                out.append(group)
            out.append(entry)
        return out

    def current(self) -> str | None:
        items = self.visible()
        if not items:
            return None
        self.cursor = max(0, min(self.cursor, len(items) - 1))
        return items[self.cursor][1]

    def move(self, step: int) -> None:
        items = self.visible()
        self.cursor = max(0, min(len(items) - 1, self.cursor + step)) if items else 0

    def scroll_to_cursor(self, fits: int) -> None:
        """Make the cursor's row visible in a list ``fits`` rows tall."""
        current = self.current()
        at = next((i for i, r in enumerate(self.rows()) if not isinstance(r, str) and r[1] == current), 0)
        if at < self.top + 1:
            self.top = max(0, at - 1)  # keep its heading in view where it can be
        elif at >= self.top + fits:
            self.top = at - fits + 1

    def paint(self, canvas: Canvas, surface: pygame.Surface, chosen: Sequence[str], palette: Palette, focused: bool) -> None:
        px = canvas.px
        w, h = surface.get_size()
        surface.fill(pygame.Color("#f6f1e6"))
        row_h = px(24)
        fits = max(1, h // row_h)
        self.scroll_to_cursor(fits)
        all_rows = self.rows()
        self.top = max(0, min(self.top, max(0, len(all_rows) - fits)))
        f = font(px(14))
        current = self.current()
        if not all_rows:
            canvas.text(surface, fit_text(f"Nothing matches '{self.filter}'", f, w - px(16)), (px(8), px(6)), 14, palette.neutral)
        for i, row in enumerate(all_rows[self.top:self.top + fits]):
            y = i * row_h
            if isinstance(row, str):
                canvas.text(surface, fit_text(row, font(px(12), bold=True), w - px(16)), (px(8), y + px(5)), 12, palette.neutral, bold=True)
                continue
            _, name, label = row
            rect = pygame.Rect(0, y, w, row_h)
            if name == current:
                pygame.draw.rect(surface, palette.grid, rect)
                if focused:
                    pygame.draw.rect(surface, palette.focus, rect, max(1, px(2)))
            box = pygame.Rect(px(8), y + (row_h - px(12)) // 2, px(12), px(12))
            if name in chosen:
                pygame.draw.rect(surface, palette.colour(chosen.index(name)), box, border_radius=px(2))
            else:
                pygame.draw.rect(surface, palette.neutral, box, 1, border_radius=px(2))
            canvas.text(surface, fit_text(label, f, w - px(36)), (px(28), y + (row_h - f.get_linesize()) // 2), 14, INK)
            canvas.hotspot(rect, name)
        if len(all_rows) > fits:  # a scroll indicator
            track = pygame.Rect(w - px(4), 0, px(3), h)
            thumb_h = max(px(16), h * fits // len(all_rows))
            thumb_y = (h - thumb_h) * self.top // max(1, len(all_rows) - fits)
            pygame.draw.rect(surface, palette.grid, track)
            pygame.draw.rect(surface, palette.neutral, pygame.Rect(track.x, thumb_y, track.w, thumb_h))


class ChartsScene(GameScene):
    title = "Charts"

    def __init__(self, app: App, variables: list[str] | None = None) -> None:
        super().__init__(app)
        rs = self.session.scenario.ruleset
        shown = [i.variable for i in indicators(rs)]
        entries = [("Indicators", v, label_of(rs, v)) for v in shown]
        others = sorted((v for v in rs.variables if v not in shown), key=lambda v: label_of(rs, v).lower())
        entries += [("Other variables", v, label_of(rs, v)) for v in others]
        self.picks = PickList(entries)
        self.presets = presets(self.session)
        known = set(rs.variables)
        first = list(variables) if variables else list(self.presets[0].variables)
        self.chosen: list[str] = [v for v in dict.fromkeys(first) if v in known][:MOST]
        self.by_year = False                 # on a small screen: the yearly chart instead of the seasons
        self.column: int | None = None       # the season read out (hover or Left/Right)
        self.year_column: int | None = None
        self.message = ""
        self.layout: ChartLayout | None = None
        self.year_layout: ChartLayout | None = None
        self._replay_key: tuple[int, int] | None = None
        self._replay: Session | None = None
        self.list_canvas: Canvas | None = None
        self.chart: Canvas | None = None
        self.years: Canvas | None = None
        self.notes: pygame_gui.elements.UITextBox | None = None
        self.built_years = False   # the layout built has the yearly chart
        self.tight = False         # ... and only one of the two charts fits
        self._list_focused = False  # the list drew itself with the focus ring

    # -- data ----------------------------------------------------------------------------------
    @property
    def ruleset(self) -> Ruleset:
        return self.session.scenario.ruleset

    def replay(self) -> Session | None:
        """The game under history's policy from the same seed, for the seasons played (cached)."""
        key = (id(self.session), self.session.turn)
        if key != self._replay_key:
            self._replay_key = key
            try:
                self._replay = historical_path(self.session)
            except (RuleError, LeverRejected):  # a season history's policy cannot play: no dashed line
                self._replay = None
        return self._replay

    def seasons(self) -> list[str]:
        return [season_label(s.season) for s in self.session.history]

    def axes(self, names: Sequence[str]) -> tuple[dict[str, int], list[str], bool]:
        """Each variable's axis (0 left, 1 right), the axes' units, and whether the values must
        be shown as an index (more than two units)."""
        units = list(dict.fromkeys(self.unit(n) for n in names))
        if len(units) <= 2:
            return {n: units.index(self.unit(n)) for n in names}, units, False
        return {n: 0 for n in names}, ["index, first value = 100"], True

    def unit(self, name: str) -> str:
        variable = self.ruleset.variables.get(name)
        return variable.unit if variable is not None else ""

    def series(self) -> tuple[list[ChartSeries], list[str], bool]:
        """The seasonal chart's lines: each chosen variable, and (dashed) under history's policy."""
        rs = self.ruleset
        axis_of, units, indexed = self.axes(self.chosen)
        replay = self.replay()
        n = len(self.session.history)
        out: list[ChartSeries] = []
        dashed: list[ChartSeries] = []
        for colour, name in enumerate(self.chosen):
            values = [self.session.value(name, t) for t in range(n)]
            base = next((v for v in values if v), 1.0)
            scale = 100.0 / base if indexed else 1.0

            def fmt(v: float, name: str = name, scale: float = scale) -> str:
                return value_text(rs, name, v / scale)

            label = label_of(rs, name)
            extra: list[str] = []
            if replay is not None:
                hist: list[float | None] = [replay.value(name, t) * scale if t <= replay.turn else None for t in range(n)]
                dashed.append(ChartSeries(f"{label} under history's policy", hist, colour, dashed=True, axis=axis_of[name],
                                          format=fmt, legend=False))
                extra = [f"  (history's policy {fmt(v)})" if v is not None else "" for v in hist]
            out.append(ChartSeries(label, [v * scale for v in values], colour, axis=axis_of[name], format=fmt, extra=extra))
        if dashed:
            out.append(ChartSeries("dashed: history's policy, same seed", [], "neutral", dashed=True))
        return out + dashed, units, indexed

    def year_series(self) -> tuple[list[ChartSeries], list[str], list[str], list[int]]:
        """The yearly chart: for each chosen variable with a historical record, this game's
        years, the years under history's policy (dashed) and the record (grey, dashed); then the
        units, the x labels and the year each x position starts in. A July–June year stands
        beside the calendar year it starts in (the harvest of 1925 feeds the year 1925-26)."""
        rs = self.ruleset
        records = [s for s in self.session.scenario.series if s.variable in self.chosen]
        if not records:
            return [], [], [], []
        starts = sorted({int(y[:4]) for s in records for y in s.values})
        kinds = {s.year for s in records}
        kinds = [k for k in ("calendar", "agricultural") if k in kinds]
        labels = [" · ".join(f"{y}" if kind == "calendar" else f"{y}-{(y + 1) % 100:02d}" for kind in kinds) for y in starts]
        played = [(self.session.history[t].season, self.session.values(t)) for t in range(1, self.session.turn + 1)]
        replay = self.replay()
        ghost = [(replay.history[t].season, replay.values(t)) for t in range(1, replay.turn + 1)] if replay else []
        axis_of, units, _ = self.axes([s.variable for s in records])
        lines: list[ChartSeries] = []
        twins: list[ChartSeries] = []
        for record in records:
            colour = self.chosen.index(record.variable)
            axis = axis_of[record.variable]

            def fmt(v: float, name: str = record.variable) -> str:
                return value_text(rs, name, v)

            def by_start(values: dict[str, float]) -> list[float | None]:
                keyed = {int(y[:4]): float(v) for y, v in values.items()}
                return [keyed.get(y) for y in starts]

            mine = by_start(yearly(record, played))
            theirs = by_start(yearly(record, ghost)) if ghost else [None] * len(starts)
            truth = by_start(dict(record.values))
            extra = ["".join(part for part in (f"  (history's policy {fmt(t)})" if t is not None else "",
                                               f"  [record {fmt(r)}]" if r is not None else ""))
                     for t, r in zip(theirs, truth)]
            lines.append(ChartSeries(record.label, mine, colour, axis=axis, format=fmt, extra=extra))
            if ghost:
                twins.append(ChartSeries(f"{record.label}: history's policy", theirs, colour, dashed=True, axis=axis,
                                         format=fmt, legend=False))
            twins.append(ChartSeries(f"{record.label}: the record", truth, colour, width=0, markers=True, axis=axis,
                                     format=fmt, legend=False))
        for name, record_only in (("history's record", True), ("dashed: history's policy", False)):
            if record_only or ghost:
                lines.append(ChartSeries(name, [], "neutral", dashed=not record_only, markers=record_only,
                                         width=0 if record_only else 2))
        return lines + twins, units, labels, starts

    # -- building ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        shown = self.presets[:9]
        button_font = font(px(15))
        texts = [f"{number}  {preset.title.split(' (')[0]}" for number, preset in enumerate(shown, start=1)]
        wanted = [min(px(260), button_font.size(t)[0] + px(28)) for t in texts]
        area = inset(rect, px(16))
        head_free = area.w - px(96) - px(140) - 2 * px(12)
        in_head = sum(wanted) + px(8) * (len(wanted) - 1) <= head_free
        # The presets beside the title where they fit, else on a row of their own under it.
        # The keys' hint only where there is room for it (F1 lists them anyway).
        hint_h = px(26) if area.h >= px(520) else 0
        head, preset_row, body, foot = rows(area, [px(40), 0 if in_head else px(34), 1.0, hint_h], px(10))
        if in_head:
            body.y -= px(10)
            body.h += px(10)
        if not hint_h:
            body.h += px(10)
        title, head_presets, back = columns(head, [px(96), 1.0, px(140)], px(12))
        self.label("heading", title, "Charts", object_id="#heading")
        self.button("back", back, "Back (Esc)", self.back)
        row = head_presets if in_head else preset_row
        share = [w if in_head else 1.0 for w in wanted]
        boxes = columns(pygame.Rect(row.x, row.y, min(row.w, sum(wanted) + px(8) * len(wanted)) if in_head else row.w, row.h), share, px(8))
        left_w = min(px(300), int(body.w * 0.3))
        left, right = columns(body, [left_w, 1.0], px(14))
        parts = rows(left, [px(32), 1.0], px(6))
        self.filter_entry = pygame_gui.elements.UITextEntryLine(parts[0], manager=self.ui, container=self.root,
                                                                placeholder_text="Filter (/)", initial_text=self.picks.filter)
        self.place("filter", self.filter_entry, focus=True)
        self.list_canvas = self.canvas("variables", parts[1], self.paint_list)
        self.place_focus(self.list_canvas)
        self.actions[self.list_canvas] = self.toggle_current
        for number, (preset, box, full) in enumerate(zip(shown, boxes, texts), start=1):
            box.w = min(box.w, px(260))
            text = fit_text(full, button_font, box.w - px(20))
            self.button(f"preset-{number}", box, text, lambda p=preset: self.use_preset(p),
                        tooltip=f"{preset.title}: {', '.join(label_of(self.ruleset, v) for v in preset.variables)}")
            self.bind(getattr(pygame, f"K_{number}"), f"chart preset: {preset.title}", lambda p=preset: self.use_preset(p))
        self.built_years = has_years = self.has_years()
        notes = self.notes_html()
        note_font = font(px(13))
        note_lines = min(3 if right.h >= px(560) else 2, len(wrap(strip_tags(notes), note_font, right.w - px(24))))
        note_h = round(note_lines * note_font.get_linesize() * 1.2) + px(14)
        # Both charts where there is room; else one at a time, Y switching between them.
        self.tight = has_years and right.h - note_h < px(520)
        if self.tight:
            chart_parts = rows(right, [px(30), 1.0, note_h], px(8))
            switch = pygame.Rect(chart_parts[0].x, chart_parts[0].y, min(chart_parts[0].w, px(280)), chart_parts[0].h)
            other = "by season" if self.by_year else "by year, beside history"
            self.button("switch", switch, fit_text(f"Show {other} (Y)", font(px(15)), switch.w - px(16)), self.switch_view)
            chart_parts = chart_parts[1:]
        else:
            chart_parts = rows(right, ([0.6, 0.4] if has_years else [1.0]) + [note_h], px(8))
        if self.tight and self.by_year:
            self.chart = None
            self.years = self.canvas("years", chart_parts[0], self.paint_years)
        else:
            self.chart = self.canvas("chart", chart_parts[0], self.paint_chart)
            self.years = self.canvas("years", chart_parts[1], self.paint_years) if has_years and not self.tight else None
        if has_years:
            self.bind(pygame.K_y, "the yearly chart beside history's record, or the seasons", self.switch_view)
        self.notes = self.textbox("notes", chart_parts[-1], notes, object_id="#small")
        keys = "1 preset" if len(shown) == 1 else f"1–{len(shown)} presets"
        hint = f"Up/Down choose · Enter show or hide · {keys} · / filter · Left/Right read a season · Del clear · F1 keys"
        if hint_h:
            self.label("hint", foot, fit_text(hint, font(px(13)), foot.w - px(10)), object_id="#small")
        self.bind(pygame.K_UP, "previous variable in the list", lambda: self.move(-1))
        self.bind(pygame.K_DOWN, "next variable in the list", lambda: self.move(1))
        self.bind(pygame.K_PAGEUP, "a page up the list", lambda: self.move(-10))
        self.bind(pygame.K_PAGEDOWN, "a page down the list", lambda: self.move(10))
        self.bind(pygame.K_RETURN, "show or hide the variable in the list", self.toggle_current)
        self.bind(pygame.K_SLASH, "type to filter the list", self.focus_filter, label="/")
        self.bind(pygame.K_LEFT, "read the values of the season before", lambda: self.step_column(-1))
        self.bind(pygame.K_RIGHT, "read the values of the season after", lambda: self.step_column(1))
        self.bind(pygame.K_DELETE, "clear the chart", self.clear)

    def has_years(self) -> bool:
        """Whether a chosen variable has a historical record (then the yearly chart shows)."""
        return any(s.variable in self.chosen for s in self.session.scenario.series)

    def place_focus(self, element: Canvas) -> None:
        """A canvas the keyboard focus can rest on (Enter then acts on it)."""
        self.focusables.append(element)

    def notes_html(self) -> str:
        rs = self.ruleset
        parts = []
        if self.message:
            parts.append(f"<b>{escape(self.message)}</b>")
        _, units, indexed = self.axes(self.chosen) if self.chosen else ({}, [], False)
        if indexed:
            parts.append("Variables in more than two units: each is shown as an index of its first value (= 100); the readout gives the real values.")
        records = [s for s in self.session.scenario.series if s.variable in self.chosen]
        if records:
            parts.append("History's record: " + "; ".join(f"{escape(s.label)} — {escape(cite(rs, s.source))}" for s in records) + ".")
        elif self.session.scenario.series:
            names = ", ".join(escape(label_of(rs, s.variable)) for s in self.session.scenario.series)
            parts.append(f"History's yearly record covers {names}: choose one to set your game beside it.")
        if not parts:
            parts.append("Choose up to six variables from the list (Enter or click); hover over a chart, or press Left/Right, to read a season's values.")
        return " ".join(parts)

    # -- painting ------------------------------------------------------------------------------
    def paint_list(self, canvas: Canvas, surface: pygame.Surface) -> None:
        self.picks.paint(canvas, surface, self.chosen, self.app.palette, self.app.focus is canvas)

    def paint_chart(self, canvas: Canvas, surface: pygame.Surface) -> None:
        surface.fill(pygame.Color("#f6f1e6"))
        lines, units, indexed = self.series()
        right = units[1] if len(units) > 1 else ""
        share = [u.startswith("share") for u in units] + [False, False]
        self.layout = paint_line_chart(
            canvas, surface, lines, palette=self.app.palette,
            y_label=units[0] if units else "", y_label_right=right, x_labels=self.seasons(),
            percent=share[0] and not indexed, percent_right=share[1],
            empty_text="Choose a variable from the list (Enter or click)")
        if self.column is not None:
            self.column = max(0, min(self.column, len(self.layout.xs) - 1))
            draw_column_readout(canvas, surface, self.layout, self.column, self.app.palette)

    def paint_years(self, canvas: Canvas, surface: pygame.Surface) -> None:
        surface.fill(pygame.Color("#f6f1e6"))
        lines, units, years, _ = self.year_series()
        kinds = {s.year for s in self.session.scenario.series if s.variable in self.chosen}
        title = "By year, beside history's record" + (" (July–June years)" if kinds == {"agricultural"} else
                                                      " (a July–June year beside the year it starts in)" if len(kinds) > 1 else "")
        share = [u.startswith("share") for u in units] + [False, False]
        self.year_layout = paint_line_chart(
            canvas, surface, lines, palette=self.app.palette, title=title, y_label=units[0] if units else "",
            y_label_right=units[1] if len(units) > 1 else "", x_labels=years, percent=share[0], percent_right=share[1],
            empty_text="No variable with a historical record is on the chart")
        if self.year_column is not None and self.year_layout.points:
            self.year_column = max(0, min(self.year_column, len(self.year_layout.xs) - 1))
            draw_column_readout(canvas, surface, self.year_layout, self.year_column, self.app.palette)

    def refresh(self, data: bool = True) -> None:
        """Repaint what changed (the charts only when the data did)."""
        if self.list_canvas is not None and self.list_canvas.alive():
            self.list_canvas.repaint()
        if not data:
            return
        if self.has_years() != self.built_years:
            self.app.rebuild()  # the yearly chart comes or goes: lay the screen out again
            return
        for canvas in (self.chart, self.years):
            if canvas is not None and canvas.alive():
                canvas.repaint()
        if self.notes is not None and self.notes.alive():
            self.notes.set_text(self.notes_html())

    # -- acting --------------------------------------------------------------------------------
    def move(self, step: int) -> None:
        self.picks.move(step)
        self.refresh(data=False)

    def toggle(self, name: str) -> None:
        """Show ``name`` on the chart, or take it off."""
        self.message = ""
        if name in self.chosen:
            self.chosen.remove(name)
        elif len(self.chosen) >= MOST:
            self.message = f"Up to {MOST} variables at once: hide one first (Enter on it, or Del to clear)."
        else:
            self.chosen.append(name)
        self.refresh()

    def toggle_current(self) -> None:
        name = self.picks.current()
        if name is not None:
            self.toggle(name)

    def use_preset(self, preset: Preset) -> None:
        self.message = f"Preset: {preset.title}."
        self.chosen = [v for v in preset.variables if v in self.ruleset.variables][:MOST]
        self.refresh()

    def clear(self) -> None:
        self.chosen = []
        self.message = ""
        self.refresh()

    def switch_view(self) -> None:
        """The yearly chart or the seasons, where only one fits (on a roomy screen both show)."""
        self.by_year = not self.by_year
        if self.tight:
            self.app.rebuild()

    def focus_filter(self) -> None:
        self.app.set_focus(self.filter_entry)

    def step_column(self, step: int) -> None:
        last = len(self.session.history) - 1
        self.column = last if self.column is None else max(0, min(last, self.column + step))
        self.year_column = self.year_index(self.column)
        self.refresh()

    def year_index(self, column: int) -> int | None:
        """The yearly chart's position of the year season ``column`` counts in, if it shows."""
        records = [s for s in self.session.scenario.series if s.variable in self.chosen]
        if not records or column >= len(self.session.history):
            return None
        _, _, _, starts = self.year_series()
        year = int(year_of(Season.parse(self.session.history[column].season), records[0].year)[:4])
        return starts.index(year) if year in starts else None

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.filter_entry:
            text = self.filter_entry.get_text()
            if text.startswith("/"):  # the key that opened the filter typed itself into it
                text = text[1:]
                self.filter_entry.set_text(text)
            self.picks.filter = text
            self.picks.cursor = 0
            self.picks.top = 0
            self.refresh(data=False)
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.filter_entry:
            self.toggle_current()  # Enter in the filter: the first match
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.list_canvas is not None:
            name = self.list_canvas.hit(event.pos)
            if name is not None:
                items = [e[1] for e in self.picks.visible()]
                self.picks.cursor = items.index(name)
                self.toggle(name)
                return True
        if event.type == pygame.MOUSEWHEEL and self.list_canvas is not None and self.list_canvas.rect.collidepoint(pygame.mouse.get_pos()):
            self.picks.move(-3 * event.y)
            self.refresh(data=False)
            return True
        if event.type == pygame.MOUSEMOTION:
            return self.hover(event.pos)
        return False

    def hover(self, pos: tuple[int, int]) -> bool:
        """Read out the season (or year) under the pointer; repaint only when it changes."""
        for canvas, layout, attr in ((self.chart, self.layout, "column"), (self.years, self.year_layout, "year_column")):
            if canvas is None or layout is None or not canvas.rect.collidepoint(pos):
                continue
            index = nearest_index(layout, (pos[0] - canvas.rect.x, pos[1] - canvas.rect.y))
            if index is not None and index != getattr(self, attr):
                setattr(self, attr, index)
                canvas.repaint()
                return True
        return False

    def update(self, dt: float) -> None:
        # The list shows the focus ring itself: repaint it when the focus comes or goes.
        focused = self.app.focus is self.list_canvas
        if focused != self._list_focused:
            self._list_focused = focused
            self.refresh(data=False)
