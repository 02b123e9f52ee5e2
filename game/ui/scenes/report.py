"""The season report, shown after each season: what changed most and why — the root causes in
plain sentences with their mechanisms and sources (the same content as the text mode's report),
each cause a link into the why view; the season's events and chance draws.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from game.present.conditions import story_functions
from game.present.seasons import season_title
from game.present.story import SeasonReport, season_report
from game.present.tutorial import Tutorial
from game.ui.app import App
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, fitting, inset, rows
from game.ui.scene import GameScene
from game.ui.widgets.richtext import Paragraph, RichText, Run

if TYPE_CHECKING:
    from game.session import Session

# Number keys open the why view of the first nine causes.
NUMBER_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5, pygame.K_6, pygame.K_7, pygame.K_8, pygame.K_9)
# Sizes and spaces of the report's text, at 100 %.
HEADING = 18  # a changed indicator's name
SECTION = 16  # the space above each change
CAUSE = 5     # the space between its causes


# The characters a report is mostly written in.
_GLYPHS = string.ascii_letters + string.digits + " .,:;()%/+-−±'’—–…×÷•[]"


def prepare_report(app: App, session: Session) -> None:
    """What the first season report of a game would otherwise do between End season and its
    first frame, done ahead while the dashboard is shown: the rule set's story formulas
    compiled (the headline's conditions; kept for the model) and the report's fonts loaded."""
    story_functions(session.model)
    px = app.px
    for size, bold, italic in ((19, True, False), (15, True, False), (13, False, False), (16, True, False),
                               (HEADING, True, False), (15, False, False), (15, False, True)):
        font(px(size), bold, italic).render(_GLYPHS, True, (0, 0, 0))  # the glyphs rendered once, then cached


@dataclass(frozen=True)
class CauseLink:
    """A numbered cause in the report and the why view it opens."""

    number: int
    variable: str  # the variable the why view explains
    turn: int      # the season (history index) it is explained in
    phrase: str


class ReportScene(GameScene):
    title = "Season report"

    def __init__(self, app: App, turn: int | None = None) -> None:
        super().__init__(app)
        self.turn = self.session.turn if turn is None else turn
        game = getattr(app, "game", None)
        self.report: SeasonReport = game.report(self.turn) if game is not None else season_report(self.session, self.turn)
        self.details = False  # what each cause means, and its sources (D)
        # What the tutorial's lessons say about the season just played.
        self.reactions = Tutorial(self.session).after(self.session) if self.turn == self.session.turn else []
        self.links: list[CauseLink] = []
        # Laid out and painted by the game itself: pygame_gui's HTML text box took 30-50 ms
        # (twice when it needed a scroll bar) of the 100 ms from End season to the report.
        self.text = RichText(self.compose(), app.palette, on_link=self.open)
        self.started: float | None = None  # when End season was pressed (set by the dashboard)
        self.shown_after_ms: float | None = None  # from End season to the report's first frame
        self.after_shown: Callable[[], None] | None = None  # work that can wait a frame (the autosave)
        self.frames = 0

    # -- content -----------------------------------------------------------------------------
    def compose(self) -> list[Paragraph]:
        """The report as rich-text paragraphs (the same story as the text mode's report): the
        ending first when the game ended, the headline, the changes with their numbered causes
        (with what each means and its source when :attr:`details` is on), events and chance.
        Fills :attr:`links` with the numbered causes."""
        s = self.session
        report = self.report
        parts: list[Paragraph] = []
        if report.ending is not None:
            parts.append(Paragraph((Run(report.ending.sentence, bold=True, size=HEADING),)))
        if report.headline:
            parts.append(Paragraph((Run(" ".join(report.headline)),), gap_before=SECTION if parts else 0))
        for reaction in self.reactions:
            parts.append(Paragraph((Run("Lesson: ", bold=True), Run(reaction)), gap_before=SECTION if parts else 0))
        links: list[CauseLink] = []
        for change in report.changes:
            c = change.change
            parts.append(Paragraph((Run(change.label, bold=True, size=HEADING), Run(": "), Run(c.after_text, bold=True),
                                    Run(f", {c.direction} {c.delta_text[1:]} on {change.since} ({c.before_text})."),),
                                   gap_before=SECTION))
            for row in change.all_rows:
                runs = [Run(f"{row.part}  ", bold=True)]
                if row.kind == "other":
                    runs.append(Run(row.phrase, muted=True))
                    parts.append(Paragraph(tuple(runs), marker="•", gap_before=CAUSE))
                    continue
                number = len(links) + 1
                if row.name in s.model.index:
                    variable, turn = row.name, (self.turn - 1 if row.kind == "prev" and self.turn > 1 else self.turn)
                else:  # a lever, chance, an event, the calendar or the carry-over: why the indicator itself moved
                    variable, turn = change.name, self.turn
                links.append(CauseLink(number, variable, turn, row.phrase))
                runs.append(Run(row.phrase + (f": {row.meaning}" if row.meaning else ""), link=number))
                if self.details:
                    if row.description:
                        runs.append(Run(f" {row.description}"))
                    provenance = "; ".join(row.mechanisms)
                    if row.source:
                        provenance = f"{provenance} — {row.source}" if provenance else row.source
                    if provenance:
                        runs.append(Run(f" [{provenance}]", italic=True, muted=True))
                keyed = number <= len(NUMBER_KEYS)
                parts.append(Paragraph(tuple(runs), marker=str(number) if keyed else "•", keycap=keyed,
                                       marker_link=number, gap_before=CAUSE))
        notes = [*report.levels, *(r.text for r in report.readings)]
        for note in notes:
            parts.append(Paragraph((Run(note),), gap_before=CAUSE if parts else 0))
        if report.events:
            parts.append(Paragraph((Run("Events", bold=True, size=HEADING),), gap_before=SECTION))
            for title, message in report.events:
                parts.append(Paragraph((Run(title, bold=True), Run(f": {message.strip()}")), gap_before=4))
        if report.draws:
            chance = "; ".join(f"{label} {value}{' (as history had it)' if scripted else ''}" for label, value, scripted in report.draws)
            parts.append(Paragraph((Run("Chance this season:", italic=True, muted=True), Run(f" {chance}.")), gap_before=SECTION))
        if not report.changes and not report.ending:
            parts.append(Paragraph((Run("No indicator moved this season."),), gap_before=SECTION if parts else 0))
        self.links = links
        return parts or [Paragraph((Run("Nothing to report."),))]

    def toggle_details(self) -> None:
        """Show or hide what each cause means and its sources (D)."""
        self.details = not self.details
        self.text = RichText(self.compose(), self.app.palette, on_link=self.open)
        self.app.rebuild()

    # -- building ----------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        s = self.session
        area = inset(rect, px(16))
        head, sub, body, foot = rows(area, [px(34), px(22), 1.0, px(40)], px(8))
        heading = f"Season report — {season_title(self.report.season)}"
        where = f"season {self.turn} of {s.scenario.seasons}"
        where_w = font(px(15), bold=True).size(where)[0] + px(12)
        left, right = columns(head, [1.0, min(where_w, head.w // 3)], px(12))
        self.label("heading", left, fit_text(heading, font(px(19), bold=True), left.w - px(4)), object_id="#heading")
        self.label("where", right, where, object_id="#value")
        hints = ["What changed most and why. Click a cause, or press its number, for the whole chain; D: what each cause means, and its sources.",
                 "What changed most and why. Click a cause, or press its number, for the whole chain; D: sources.",
                 "What changed and why. Click a cause or press its number for the chain; D: sources."]
        self.label("hint", sub, fitting(hints, font(px(13)), sub.w, px(4)), object_id="#small")
        self.text.palette = self.app.palette
        self.text.hovered = None
        self.body = self.canvas("report", body, self.text.paint)
        self.text.canvas = self.body
        self.text.bind_keys(self)
        over = s.is_over and self.turn == s.turn
        go = "Debrief (Enter)" if over else "Continue (Enter)"
        go_w = font(px(16), bold=True).size(go)[0] + px(40)
        keys_rect, go_rect = columns(foot, [1.0, go_w], px(12))
        keys = ["1–9: why view of a cause · D: sources · W: why of the first change · Page Up/Down: scroll · F1: all keys",
                "1–9: why of a cause · D: sources · W: first change · PgUp/PgDn: scroll · F1: keys",
                "1–9: why · D: sources · PgUp/PgDn: scroll · F1: keys"]
        self.label("keys", keys_rect, fitting(keys, font(px(13)), keys_rect.w, px(4)), object_id="#small")
        self.go = self.button("continue", go_rect, go, self.proceed, object_id="#primary",
                              tooltip="see how the game ended" if over else "back to the dashboard for the next season")
        self.bind(pygame.K_RETURN, "the debrief" if over else "back to the dashboard", self.proceed)
        self.bind(pygame.K_KP_ENTER, "the same", self.proceed, label="Keypad Enter")
        self.bind(pygame.K_w, "why the first change happened", self.why_first)
        self.bind(pygame.K_d, "show or hide what each cause means, and its sources", self.toggle_details)
        if self.links:
            # One line in the help overlay for all the number keys; 2-9 are handled in handle().
            self.bind(pygame.K_1, f"why view of the n-th cause (1 to {min(9, len(self.links))})", self._opener(1), label="1–9")
        self.app.set_focus(self.go)

    def update(self, dt: float) -> None:
        self.frames += 1
        if self.frames == 1 and self.started is not None:
            self.shown_after_ms = (time.perf_counter() - self.started) * 1000  # drawn right after this
        elif self.frames >= 2:
            self.run_after_shown()  # the frame before drew the report

    def leave(self) -> None:
        # Left before its second frame (Enter pressed at once, a view opened, the window resized):
        # the work that waited for the report to be drawn is done now, never skipped.
        self.run_after_shown()
        super().leave()

    def run_after_shown(self) -> None:
        """Do the work that waited for the report to be on screen (the autosave), once."""
        if self.after_shown is not None:
            pending, self.after_shown = self.after_shown, None
            pending()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in NUMBER_KEYS and not event.mod & pygame.KMOD_CTRL and not self.app.typing():
            self.open(NUMBER_KEYS.index(event.key) + 1)
            return True
        return self.text.handle(event)  # the wheel, clicks on causes and the scroll bar, hovering

    # -- actions -----------------------------------------------------------------------------
    def _opener(self, number: int):  # type: ignore[no-untyped-def]
        return lambda: self.open(number)

    def open(self, number: int) -> None:
        """The why view of cause ``number`` (1-based)."""
        if not 1 <= number <= len(self.links):
            return
        link = self.links[number - 1]
        self.open_why(link.variable, link.turn)

    def why_first(self) -> None:
        if self.report.changes:
            self.open_why(self.report.changes[0].name, self.turn)

    def open_why(self, variable: str, turn: int) -> None:
        from game.ui.scenes.why import WhyScene

        self.app.push(WhyScene(self.app, variable, turn))

    def proceed(self) -> None:
        """Continue: back to the dashboard, or the debrief once the game is over."""
        if self.session.is_over:
            from game.ui.scenes.debrief import DebriefScene

            self.app.replace(DebriefScene(self.app))
            return
        self.app.pop()
