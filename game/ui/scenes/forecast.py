"""Forecast: the next season under the levers being set, as a range over the weather.

Every key indicator as a bar — the likely range (10th to 90th percentile of 200 runs), the
extremes, the most likely value and the value now — with "between X and Y, most likely Z";
what makes the spread (the draws and chance events of the rules); how many runs end the game;
and, for the chosen indicator, a chart of its path so far with the band of the year ahead.

Keys: Up/Down choose an indicator, C its chart, Esc back to the dashboard.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from html import escape

import pygame

from game.forecast import Forecast, Range, forecast
from game.present.index import indicators, rule_info, with_note
from game.present.numbers import figure, number
from game.present.story import coming_reading, yearly_reading
from game.rules.models import Indicator
from game.rules.season import Season
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.chart import ChartBand, ChartSeries, paint_line_chart
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.palette import CARD, INK, Palette
from game.ui.scene import GameScene
from game.ui.scenes.charts import season_label

RUNS = 200
AHEAD = 4  # seasons in the chart's band


def range_sentence(fmt: Callable[[float], str], r: Range) -> str:
    """'between X and Y, most likely Z' (or 'Z, whatever the weather' when chance cannot move
    it), with ``fmt`` formatting a value (report.format_value for the variable)."""
    low, high, median = fmt(r.low), fmt(r.high), fmt(r.median)
    if r.certain or low == high:
        return f"{median}, whatever the weather"
    return f"between {low} and {high}, most likely {median}"


class ForecastScene(GameScene):
    title = "Forecast"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.shown: list[Indicator] = list(indicators(self.session.scenario.ruleset))
        self.cursor = 0
        self.top = 0
        self.result: Forecast | None = None
        self.key: tuple | None = None
        self.rows_canvas: Canvas | None = None
        self.chart: Canvas | None = None
        self._focused = False  # the rows drew themselves with the focus ring

    # -- data ----------------------------------------------------------------------------------
    def ensure(self) -> Forecast | None:
        """The forecast for the current state and levers (recomputed only when they change)."""
        session = self.session
        if session.is_over:
            return None
        key = (id(session), session.turn, tuple(sorted(session.levers.items())))
        if key != self.key:
            self.key = key
            self.result = forecast(session, runs=RUNS, seasons=AHEAD)
        return self.result

    def fmt(self, name: str) -> Callable[[float], str]:
        rs = self.session.scenario.ruleset
        return lambda v: number(rs, name, v)

    # -- building ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        result = self.ensure()
        area = inset(rect, px(16))
        hint_h = px(24) if area.h >= px(520) else 0
        head, sub, body, foot = rows(area, [px(40), px(24), 1.0, hint_h], px(8))
        title, back = columns(head, [1.0, px(220)], px(12))
        season = season_label(str(self.session.next_season))
        self.label("heading", title, fit_text(f"Forecast — {season}", font(px(22), bold=True), title.w), object_id="#heading")
        self.button("back", back, "Back to the levers (Esc)", self.back)
        if result is None:
            self.label("sub", sub, "The game is over: there is no next season to forecast.", object_id="#small")
            return
        what = f"Under the levers you are setting, played {result.runs} times over what chance may bring."
        self.label("sub", sub, fit_text(what, font(px(13)), sub.w - px(8)), object_id="#small")
        left, right = columns(body, [0.56, 0.44], px(14))
        self.rows_canvas = self.canvas("ranges", left, self.paint_rows)
        self.focusables.append(self.rows_canvas)
        chart_box, drivers = rows(right, [0.6, 0.4], px(8))
        self.chart = self.canvas("chart", chart_box, self.paint_chart)
        self.textbox("drivers", drivers, self.drivers_html(result), object_id="#small")
        if hint_h:
            self.label("hint", foot, fit_text("Up/Down choose an indicator · C its chart · Esc back to the levers · F1 keys",
                                              font(px(13)), foot.w - px(8)), object_id="#small")
        self.bind(pygame.K_UP, "previous indicator", lambda: self.move(-1))
        self.bind(pygame.K_DOWN, "next indicator", lambda: self.move(1))
        self.bind(pygame.K_PAGEUP, "a page up", lambda: self.move(-8))
        self.bind(pygame.K_PAGEDOWN, "a page down", lambda: self.move(8))
        self.bind(pygame.K_c, "chart the chosen indicator", self.open_chart)

    def drivers_html(self, result: Forecast) -> str:
        rs = self.session.scenario.ruleset
        next_season = result.season
        parts = ["<b>What makes the spread</b>"]
        drivers = result.drivers(1)
        for chance in drivers:
            info = rule_info(rs, chance.name)
            if chance.kind == "draw":
                spread = f"{figure(chance.low)} to {figure(chance.high)} in 8 runs of 10"
                parts.append(f"• <b>{escape(info.label.capitalize())}</b> ({spread}): {escape(chance.description)}"
                             + (f" <i>{escape(info.source)}</i>" if info.source else ""))
            else:
                parts.append(f"• <b>{escape(chance.description)}</b> happens in {chance.low:.0%} of the runs."
                             + (f" {escape(info.description)}" if info.description else ""))
        if not drivers:
            parts.append(f"Nothing in the rules is left to chance in {escape(season_label(next_season))}: "
                         "under these levers it will turn out as shown.")
            later = [(d, spec) for d, spec in rs.draws.items() if spec.seasons and Season.parse(next_season).name not in spec.seasons]
            for name, spec in later:
                parts.append(f"• {escape(rule_info(rs, name).label.capitalize())} is drawn in {escape(', '.join(spec.seasons))} only.")
        if any(c.scripted and c.season == next_season for c in result.chances):
            parts.append("This scenario replays history's weather; nobody knew it a season ahead, so the forecast draws it like any other.")
        ended = sum(result.endings.values())
        if ended:
            titles = ", ".join(f"{escape(self.session.scenario.endings[e].title)} ({n})" for e, n in result.endings.items()
                               if e in self.session.scenario.endings)
            parts.append(f"<b>In {ended} of {result.runs} runs the game ends within {AHEAD} seasons</b>: {titles}.")
        if result.failed:
            parts.append(f"{result.failed} runs stopped on a rule: {escape(result.failure)}")
        return "<br>".join(parts)

    # -- painting ------------------------------------------------------------------------------
    def row_height(self) -> int:
        return self.px(44)

    def paint_rows(self, canvas: Canvas, surface: pygame.Surface) -> None:
        result = self.result
        palette = self.app.palette
        px = canvas.px
        w, h = surface.get_size()
        surface.fill(CARD)
        if result is None:
            return
        row_h = self.row_height()
        fits = max(1, h // row_h)
        self.cursor = max(0, min(self.cursor, len(self.shown) - 1))
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + fits:
            self.top = self.cursor - fits + 1
        label_w = int(w * 0.42)
        bar = pygame.Rect(label_w + px(8), 0, w - label_w - px(24), px(10))
        f, small = font(px(14)), font(px(12))
        h -= small.get_linesize() + px(4)  # the key to the bars, at the foot
        fits = max(1, h // row_h)
        if self.cursor >= self.top + fits:
            self.top = self.cursor - fits + 1
        for slot, indicator in enumerate(self.shown[self.top:self.top + fits]):
            index = self.top + slot
            y = slot * row_h
            r = result.range(indicator.variable)
            fmt = self.fmt(indicator.variable)
            row = pygame.Rect(0, y, w, row_h)
            if index == self.cursor:
                pygame.draw.rect(surface, palette.grid, row)
                if self.app.focus is canvas:
                    pygame.draw.rect(surface, palette.focus, row, max(1, px(2)))
            carried = coming_reading(self.session, indicator.variable, result.season)
            if carried is not None:  # a harvest between times: this year's, never a zero
                canvas.text(surface, fit_text(carried.label[:1].upper() + carried.label[1:], f, label_w - px(8)), (px(8), y + px(3)), 14, INK)
                sentence = carried.text.rstrip(".")
            else:
                last = yearly_reading(self.session, indicator.variable)  # its season comes next: now is last year's
                if last is not None and not math.isnan(last.value):
                    r = dataclasses.replace(r, current=last.value)
                label = with_note(indicator.label, f"last year {fmt(r.current)}") if last is not None else indicator.label
                canvas.text(surface, fit_text(label, f, label_w - px(8)), (px(8), y + px(3)), 14, INK)
                self.paint_bar(surface, pygame.Rect(bar.x, y + px(8), bar.w, px(12)), r, palette, px)
                sentence = f"next: {range_sentence(fmt, r)}" if last is not None else f"now {fmt(r.current)} — next: {range_sentence(fmt, r)}"
            canvas.text(surface, fit_text(sentence, small, w - px(16)), (px(8), y + px(5) + f.get_linesize()), 12, INK)
            canvas.hotspot(row, index)
        foot_y = surface.get_height() - px(2)
        key_w = w - px(8)
        if len(self.shown) > fits:
            rect = canvas.text(surface, f"{self.top + 1}–{min(len(self.shown), self.top + fits)} of {len(self.shown)}",
                               (w - px(6), foot_y), 12, palette.neutral, anchor="bottomright")
            key_w = rect.x - px(16)
        canvas.text(surface, fit_text("bar: 8 runs in 10 · line: all runs · tick: most likely · diamond: now", small, key_w),
                    (px(8), foot_y), 12, palette.neutral, anchor="bottomleft")

    @staticmethod
    def paint_bar(surface: pygame.Surface, box: pygame.Rect, r: Range, palette: Palette, px: Callable[[float], int]) -> None:
        """The range bar: extremes as a thin line, p10–p90 as a bar, the median as a tick, now as ◆."""
        low = min(r.min, r.current)
        high = max(r.max, r.current)
        pad = (high - low) * 0.08 or abs(high) * 0.05 or 1.0
        low, high = low - pad, high + pad

        def x(v: float) -> int:
            return round(box.x + (v - low) / (high - low) * box.w)

        pygame.draw.line(surface, palette.grid, (box.x, box.centery), (box.right, box.centery), 1)
        pygame.draw.line(surface, palette.neutral, (x(r.min), box.centery), (x(r.max), box.centery), max(1, px(2)))
        band = pygame.Rect(x(r.low), box.y, max(px(3), x(r.high) - x(r.low)), box.h)
        pygame.draw.rect(surface, palette.colour(1), band, border_radius=px(2))
        pygame.draw.line(surface, INK, (x(r.median), box.y - px(3)), (x(r.median), box.bottom + px(2)), max(2, px(3)))
        cx, cy, d = x(r.current), box.centery, px(6)
        pygame.draw.polygon(surface, palette.colour(0), [(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)])
        pygame.draw.polygon(surface, CARD, [(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)], 1)

    def paint_chart(self, canvas: Canvas, surface: pygame.Surface) -> None:
        surface.fill(CARD)
        result = self.result
        if result is None or not self.shown:
            return
        indicator = self.shown[self.cursor]
        name = indicator.variable
        session = self.session
        past = [session.value(name, t) for t in range(session.turn + 1)]
        ahead = len(result.ahead)
        ranges = [result.range(name, k + 1) for k in range(ahead)]
        n = len(past) + ahead
        labels = [season_label(s.season) for s in session.history] + [season_label(s) for s in result.seasons]
        fmt = self.fmt(name)
        lead = [None] * (len(past) - 1)
        median = lead + [past[-1]] + [r.median if r.runs else None for r in ranges]
        low = lead + [past[-1]] + [r.low if r.runs else None for r in ranges]
        high = lead + [past[-1]] + [r.high if r.runs else None for r in ranges]
        variable = session.scenario.ruleset.variables.get(name)
        unit = variable.unit if variable is not None else ""
        paint_line_chart(
            canvas, surface,
            [ChartSeries("so far", past + [None] * ahead, 0, format=fmt),
             ChartSeries("most likely", median, 0, dashed=True, format=fmt)],
            palette=self.app.palette, title=f"{indicator.label}: the year ahead", y_label=unit,
            x_labels=labels[:n], band=ChartBand(low, high, 1, "8 runs in 10"), marker=len(past) - 1,
            percent=unit.startswith("share"))

    # -- acting --------------------------------------------------------------------------------
    def move(self, step: int) -> None:
        if not self.shown:
            return
        self.cursor = max(0, min(len(self.shown) - 1, self.cursor + step))
        for canvas in (self.rows_canvas, self.chart):
            if canvas is not None and canvas.alive():
                canvas.repaint()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.rows_canvas is not None:
            index = self.rows_canvas.hit(event.pos)
            if index is not None:
                self.move(index - self.cursor)
                return True
        if event.type == pygame.MOUSEWHEEL and self.rows_canvas is not None and self.rows_canvas.rect.collidepoint(pygame.mouse.get_pos()):
            self.move(-event.y)
            return True
        return False

    def open_chart(self) -> None:
        from game.ui.scenes.charts import ChartsScene

        if self.shown:
            self.app.push(ChartsScene(self.app, [self.shown[self.cursor].variable]))

    def update(self, dt: float) -> None:
        focused = self.app.focus is self.rows_canvas
        if focused != self._focused:
            self._focused = focused
            if self.rows_canvas is not None and self.rows_canvas.alive():
                self.rows_canvas.repaint()
