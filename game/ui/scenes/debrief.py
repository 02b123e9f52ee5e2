"""The ending and its debrief: how the game ended and why (the ending's explanation, mechanisms
and source, from the rules), the turning points of this game, a chart of the whole game with the
historical path beside it, the game set against history year by year, how history itself ended,
and the scenario's questions for discussion. The content is the text mode's debrief, built by
:mod:`game.present.debrief`; this screen only lays it out.
"""

from __future__ import annotations

from html import escape

import pygame
import pygame_gui

from game.history import Row
from game.present.debrief import Debrief, debrief, historical_path, record_figures
from game.present.index import indicators, label_of
from game.present.seasons import season_label
from game.present.story import indicator_rows
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.chart import ChartLayout, ChartSeries, paint_line_chart
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.scene import GameScene


class DebriefScene(GameScene):
    title = "Debrief"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        s = self.session
        shown = indicators(self.rs)
        self.headline = shown[0] if shown else None
        # Everything below is computed once: the game is over and does not change.
        self.told: Debrief = debrief(s)
        self.rows: list[Row] = list(self.told.history_rows)
        self.replay = historical_path(s)
        self.chart_layout: ChartLayout | None = None

    # -- content -----------------------------------------------------------------------------
    def verdict(self) -> tuple[str, str]:
        """The ending's title line and its verdict in the rule set's words ('' when none)."""
        d = self.told
        if d.holds is None:
            return (f"The scenario ends after {self.session.scenario.seasons} seasons with no decisive outcome", "")
        return f"{d.title} ({season_label(d.season)})", d.verdict

    def html(self) -> str:
        """The debrief as pygame_gui HTML (the text mode's debrief, laid out): the ending told
        from the numbers, the scorecard beside history, the turning points, the record, the
        questions; mechanisms link into the encyclopedia."""
        s, px, d = self.session, self.px, self.told
        big, mid = px(18), px(16)
        parts: list[str] = []
        if d.holds is not None:
            parts += [escape(p) for p in d.paragraphs]
            links = [f"<a href='mechanism:{m}'>{escape(title)}</a>" for m, title in d.mechanisms]
            if links:
                parts.append(f"<b>Mechanisms:</b> {' · '.join(links)}")
            if d.source:
                parts.append(f"<b>Source:</b> {escape(d.source)}")
        else:
            parts.append(f"The game ran its {s.scenario.seasons} seasons and no ending's condition was met.")
        # The numbers as the game ended, with the last season's change: the figures below agree with them.
        parts += ["", f"<font pixel_size={big}><b>Where your game ended, after {escape(season_label(s.state.season))}</b></font>"]
        for label, value, change in indicator_rows(s):
            parts.append(f"• {escape(label)}: <b>{escape(value)}</b>{f' ({escape(change)})' if change else ''}")
        if d.scorecard:
            beside = any(score.history_text for score in d.scorecard)
            title = "Your game beside history's policy" if beside else "Your game in numbers"
            parts += ["", f"<font pixel_size={big}><b>{title}</b></font>"]
            if beside:
                parts.append("The same seasons and the same weather, under the levers the state actually set.")
            good, bad = self.hex(self.app.palette.good), self.hex(self.app.palette.bad)
            for score in d.scorecard:
                theirs = f" · history <b>{escape(score.history_text)}</b>" if score.history_text else ""
                colour = {"better than history": good, "worse than history": bad}.get(score.judgement)
                judged = f" · <font color='{colour}'>{escape(score.judgement)}</font>" if colour else (
                    f" · {escape(score.judgement)}" if score.judgement else "")
                parts.append(f"• {escape(score.label)}: <b>{escape(score.yours_text)}</b>{theirs}{judged}")
        if d.turning_points:
            parts += ["", f"<font pixel_size={big}><b>The turning points of your game</b></font>"]
            for point in d.turning_points:
                events = f" (events: {escape(', '.join(point.events))})" if point.events else ""
                parts.append(f"<font pixel_size={mid}><b>{escape(season_label(point.season))}</b></font>: "
                             f"{escape(point.story.sentence)}{events}")
                for row in point.story.rows[:2]:
                    text = f"• <b>{escape(row.part)}</b> {escape(row.phrase)}"
                    if row.meaning:
                        text += f": {escape(row.meaning)}"
                    parts.append(text)  # the sources are a click away (Why), as in the season report
        if self.rows:
            parts += ["", f"<font pixel_size={big}><b>Your game beside history's record</b></font>",
                      "Year by year: the model's value in your game, the historical figure, and how far apart they are."]
            label = None
            for row in self.rows:
                if row.label != label:
                    label = row.label
                    parts.append(f"<b>{escape(row.label)}</b>")
                parts.append(self.row_html(row))
        if d.historical is not None:
            title, season = d.historical
            parts += ["", f"<b>Under the state's actual policy</b> this scenario ends in: {escape(title)} ({escape(season_label(season))})."]
        if d.questions:
            parts += ["", f"<font pixel_size={big}><b>Questions to discuss</b></font>"]
            parts += [f"{i}. {escape(q)}" for i, q in enumerate(d.questions, 1)]
        return "<br>".join(parts)

    def row_html(self, row: Row) -> str:
        """One year of the comparison: year, model, history, deviation (coloured by tolerance)."""
        model, history, deviation = record_figures(self.rs, row)
        deviation = deviation or "—"
        colour = {True: self.hex(self.app.palette.good), False: self.hex(self.app.palette.bad)}.get(row.within)
        if colour:
            deviation = f"<font color='{colour}'>{deviation}</font>"
        direction = {True: " · same direction", False: " · <b>wrong direction</b>", None: ""}[row.direction_ok]
        return f"• {escape(row.year)}: model <b>{escape(model)}</b> · history <b>{escape(history)}</b> · deviation {deviation}{direction}"

    @staticmethod
    def hex(colour: pygame.Color | tuple[int, ...]) -> str:
        c = pygame.Color(colour)
        return f"#{c.r:02x}{c.g:02x}{c.b:02x}"

    def chart_series(self, compact: bool = False) -> tuple[list[ChartSeries], list[str]]:
        """The headline's chart preset (or the headline alone, when ``compact``) over the whole
        game, and the headline under the historical policy, dashed."""
        s, rs = self.session, self.rs
        if self.headline is None:
            return [], []
        names = list(self.headline.chart) if getattr(self.headline, "chart", None) else [self.headline.variable]
        names = [n for n in names if n in rs.variables][: 1 if compact else None]
        turns = range(0, s.turn + 1)
        seasons = [season_label(str(s.history[t].season)) for t in turns]
        out = [ChartSeries(label_of(rs, n), [s.value(n, t) for t in turns], colour=i, width=3 if i == 0 else 2)
               for i, n in enumerate(names)]
        if self.replay is not None:
            h = self.headline.variable
            out.append(ChartSeries(f"{label_of(rs, h)}: actual policy",
                                   [self.replay.value(h, t) if t <= self.replay.turn else None for t in turns],
                                   colour="history", dashed=True))
        return out, seasons

    def paint_chart(self, canvas: Canvas, surface: pygame.Surface) -> None:
        # A short chart keeps its room for the lines: the headline (and history) only.
        series, seasons = self.chart_series(compact=surface.get_height() < canvas.px(330))
        title = "The whole game"
        self.chart_layout = paint_line_chart(canvas, surface, series, palette=self.app.palette, title=title, x_labels=seasons)

    # -- layout ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        area = inset(pygame.Rect(rect.x, rect.y, rect.w, rect.h - self.app.notice_height()), px(20))
        head, verdict_row, body, foot = rows(area, [px(36), px(28), 1.0, px(42)], px(8))
        title, verdict = self.verdict()
        heading = font(px(19), bold=True)
        self.label("ending", head, fit_text(f"The end: {title}", heading, head.w - px(8)), object_id="#heading")
        ending = self.session.ending
        holds = ending is not None and ending.ending is not None and ending.ending.outcome == "good"
        scenario = f"{self.session.scenario.title} · {self.session.turn} seasons played"
        text = f"{verdict}. {scenario}" if verdict else scenario
        self.label("verdict", verdict_row, fit_text(text, font(px(16), bold=True), verdict_row.w - px(8)),
                   object_id="#good" if holds else "#bad" if verdict else "#small")
        text_rect, chart_rect = columns(body, [0.56, 0.44], px(14))
        self.text = self.textbox("debrief", text_rect, self.html())
        self.chart = self.canvas("chart", chart_rect, self.paint_chart)
        entries = [
            ("charts", "Charts", "C", pygame.K_c, "every indicator over the whole game, beside history", self.open_charts),
            ("why", "Why", "W", pygame.K_w, "why the headline moved, cause by cause", self.open_why),
            ("encyclopedia", "Encyclopedia", "E", pygame.K_e, "the ending's mechanisms and the period's words", self.open_encyclopedia),
            *((("submit", "Hand in", "H", pygame.K_h, "save the finished game under your name, to hand in", self.submit),)
              if getattr(self.app, "game", None) is not None and self.app.game.saves is not None else ()),
            ("new", "New game", "N", pygame.K_n, "choose a scenario and play again", self.new_game),
            ("title", "Title screen", "T", pygame.K_t, "back to the title screen", self.to_title),
        ]
        cells = columns(foot, [1.0] * len(entries), px(10))
        fitting = font(px(16), bold=True)
        for (ident, label, letter, code, what, action), cell in zip(entries, cells):
            text = f"{label} ({letter})"
            if fitting.size(text)[0] > cell.w - px(14):
                text = fit_text(label, fitting, cell.w - px(14))
            self.button(ident, cell, text, action, tooltip=what, object_id="#primary" if ident == "new" else None)
            self.bind(code, what, action)
        self.bind(pygame.K_PAGEUP, "scroll the debrief up", lambda: self.scroll(-1))
        self.bind(pygame.K_PAGEDOWN, "scroll the debrief down", lambda: self.scroll(1))

    def scroll(self, direction: int) -> None:
        bar = self.text.scroll_bar
        if bar is not None:
            bar.set_scroll_from_start_percentage(min(1.0, max(0.0, bar.start_percentage + direction * bar.visible_percentage * 0.9)))

    # -- actions -----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_TEXT_BOX_LINK_CLICKED and event.ui_element is self.text:
            self.open_encyclopedia(str(event.link_target))
            return True
        return False

    def submit(self) -> None:
        """Save the finished game under the player's name in the saves folder, and say where."""
        from game.files import plain_reason
        from game.textsafe import escape_path

        try:
            path = self.app.game.submit()
        except OSError as err:
            self.app.notice = f"Not saved: {plain_reason(err)}. Nothing was overwritten."
            return
        self.app.notice = f"Saved your finished game to {escape_path(path)}. Hand in this file."

    def open_charts(self) -> None:
        from game.ui.scenes.charts import ChartsScene

        self.app.push(ChartsScene(self.app))

    def open_why(self) -> None:
        from game.ui.scenes.why import WhyScene

        if self.headline is not None and self.session.turn >= 1:
            self.app.push(WhyScene(self.app, self.headline.variable, self.session.turn))

    def open_encyclopedia(self, entry: str | None = None) -> None:
        from game.ui.scenes.encyclopedia import EncyclopediaScene

        ending = self.session.ending
        if entry is None and ending is not None and ending.ending is not None and ending.ending.mechanisms:
            entry = f"mechanism:{ending.ending.mechanisms[0]}"
        self.app.push(EncyclopediaScene(self.app, entry))

    def new_game(self) -> None:
        from game.ui.scenes.picker import PickerScene
        from game.ui.scenes.title import TitleScene

        self.app.reset_to(TitleScene(self.app), PickerScene(self.app))

    def to_title(self) -> None:
        from game.ui.scenes.title import TitleScene

        self.app.reset_to(TitleScene(self.app))
