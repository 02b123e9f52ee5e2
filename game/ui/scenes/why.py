"""The why view: why a number moved this season, drillable down the causal chain.

For the subject variable it shows this season's value and change, then the inputs that moved it,
ranked by contribution (from :meth:`game.session.Session.explain`), drawn as signed bars; each
input with its rule's description, mechanisms, citation and formula (from the rule set). Picking
an input makes it the subject; a breadcrumb trail leads back up.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as _escape

import pygame
import pygame_gui

from game.engine.explain import Explanation
from game.present.index import better_direction, formula_in_words, kept_from, label_back, label_of, rule_info
from game.present.levers import lever_text
from game.present.numbers import number, shown_change, signed
from game.present.seasons import season_label
from game.rules.ruleset import Ruleset
from game.session import Session
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.palette import INK, MUTED, Palette
from game.ui.scene import GameScene


def escape(text: str) -> str:
    """``text`` safe inside pygame_gui's HTML (apostrophes left as they are)."""
    return _escape(text, quote=False)


# Explanations look one level down: the inputs of the subject, each drillable in turn.
DEPTH = 1
CRUMB_SEPARATOR = "  ›  "
# The inputs acting together get a row when they count beside the largest single input.
SMALL_REST = 0.01


def kind_words(ruleset: Ruleset, name: str, kind: str) -> str:
    """What kind of input ``name`` is, in a player's words: 'your lever', 'last season's stock'."""
    if kind == "draw":
        return f"chance: {rule_info(ruleset, name).label}"
    return {
        "lever": "your lever",
        "prev_lever": "your lever, last season",
        "prev": "last season's stock",
        "event": "an event",
        "fact": "the calendar",
        "parameter": "a fixed parameter",
        "variable": "worked out this season",
        "other": "interactions",
        "trend": "already moving when you took over",
    }.get(kind, kind)


def value_text(session: Session, name: str, kind: str, value: float) -> str:
    """An input's value as the player reads it (a lever's choice by name, an event as on/off)."""
    if kind in ("lever", "prev_lever") and name in session.scenario.levers:
        return lever_text(session, name, value)
    if kind == "event":
        return "happened" if value else "did not happen"
    return number(session.scenario.ruleset, name, value)


def effect_colour(palette: Palette, ruleset: Ruleset, subject: str, contribution: float) -> pygame.Color:
    """The colour of a push on ``subject``: good/bad when its indicator says which way is better,
    otherwise two neutral series colours for raised/lowered."""
    better = better_direction(ruleset, subject)
    if better == "neither":
        return palette.colour(1) if contribution >= 0 else palette.colour(3)
    helps = (contribution >= 0) == (better == "higher")
    return palette.good if helps else palette.bad


def colour_legend(ruleset: Ruleset, subject: str, palette: Palette) -> list[tuple[pygame.Color, str]]:
    """What the colours of pushes on ``subject`` mean: (colour, words) pairs for a legend."""
    better = better_direction(ruleset, subject)
    label = label_of(ruleset, subject)
    if better == "neither":
        return [(effect_colour(palette, ruleset, subject, 1.0), f"raised {label}"),
                (effect_colour(palette, ruleset, subject, -1.0), "lowered it")]
    return [(palette.good, f"helped (the {better}, the better)"), (palette.bad, "hurt")]


def draw_legend(canvas: Canvas, surface: pygame.Surface, items: list[tuple[pygame.Color, str]], pos: tuple[int, int],
                width: int, size: int = 12) -> int:
    """Colour swatches with their meaning in a row from ``pos`` (shortened to ``width``); the x reached."""
    f = font(canvas.px(size))
    x, y = pos
    right = pos[0] + width
    box = f.get_height() - canvas.px(4)
    for colour, text in items:
        if x + box + canvas.px(20) > right:
            break
        pygame.draw.rect(surface, colour, (x, y + canvas.px(2), box, box))
        x += box + canvas.px(4)
        x = canvas.text(surface, fit_text(text, f, right - x), (x, y), size, MUTED).right + canvas.px(14)
    return x


def formula_text(ruleset: Ruleset, name: str) -> str:
    """The formula of variable ``name`` on one line (empty for anything else)."""
    return formula_in_words(ruleset, name)  # labels and values, never the rules' ids


def mechanism_ids(ruleset: Ruleset, name: str) -> list[str]:
    """The ids of the mechanisms the rule for ``name`` implements."""
    for table in (ruleset.variables, ruleset.levers, ruleset.events):
        if name in table:
            return [m for m in table[name].mechanisms if m in ruleset.mechanisms]
    return []


@dataclass(frozen=True)
class InputRow:
    """One input of the subject as the why view shows it."""

    name: str            # the input ("" for the inputs acting together)
    kind: str            # the cause's kind, or "other"
    label: str
    tag: str             # kind_words
    moved: str           # "44.4 → 28.8"
    contribution: float  # in the subject's units
    contribution_text: str
    drill: tuple[str, int] | None  # the (variable, turn) it opens, if it can be explained further


def input_rows(session: Session, explanation: Explanation, turn: int) -> list[InputRow]:
    """The rows of the why view for ``explanation`` (of the season ``turn``), largest first, then
    whatever the inputs did together, when it counts."""
    rs = session.scenario.ruleset
    subject = explanation.variable
    out = []
    for c in explanation.causes:
        info = rule_info(rs, c.name)
        moved = value_text(session, c.name, c.kind, c.after) if c.kind == "event" else \
            f"{value_text(session, c.name, c.kind, c.before)} to {value_text(session, c.name, c.kind, c.after)}"
        drill: tuple[str, int] | None = None
        if c.kind == "variable":
            drill = (c.name, turn)
        elif c.kind == "prev" and turn - 1 >= 1:
            drill = (c.name, turn - 1)
        label = info.label
        if c.kind in ("variable", "prev") and kept_from(rs, c.name)[1]:  # a value kept from earlier seasons
            named, back = label_back(rs, c.name, 1 if c.kind == "prev" else 0)
            label = f"{named} {back}"
        out.append(InputRow(c.name, c.kind, label, kind_words(rs, c.name, c.kind), moved, c.contribution,
                            signed(rs, subject, c.contribution), drill))
    largest = max((abs(c.contribution) for c in explanation.causes), default=0.0)
    if abs(explanation.other) > SMALL_REST * largest:
        out.append(InputRow("", "other", "the inputs acting together", kind_words(rs, "", "other"), "", explanation.other,
                            signed(rs, subject, explanation.other), None))
    return out


def rule_html(session: Session, name: str, kind: str = "variable", heading: str | None = None) -> str:
    """What the rule set says about ``name``: description, mechanisms, source and formula (HTML)."""
    rs = session.scenario.ruleset
    info = rule_info(rs, name)
    parts = [f"<b>{escape(heading or info.label)}</b> <i>({escape(kind_words(rs, name, kind))})</i>"]
    if info.description:
        parts.append(escape(" ".join(info.description.split())))
    if info.mechanisms:
        parts.append(f"<b>Mechanism{'s' if len(info.mechanisms) > 1 else ''}:</b> {escape('; '.join(info.mechanisms))}")
    if info.source:
        parts.append(f"<b>Source:</b> {escape(info.source)}")
    formula = formula_text(rs, name)
    if formula:
        parts.append(f"<b>Formula:</b> {escape(label_of(rs, name))} = {escape(formula)}")
    if name in rs.levers and name in session.scenario.levers:
        parts.append("You set it on the season dashboard.")
    return "<br>".join(parts)


class WhyScene(GameScene):
    """Why ``variable`` moved in the season that produced ``history[turn]`` (default: the last)."""

    title = "Why it moved"

    def __init__(self, app: App, variable: str, turn: int | None = None) -> None:
        super().__init__(app)
        session = app.session
        if variable not in session.model.index:
            variable = next(iter(i.variable for i in self.rs.indicators), session.model.variables[0])
        start = session.turn if turn is None else max(0, min(session.turn, turn))
        self.trail: list[tuple[str, int]] = [(variable, start)]
        self.selected = 0
        self.query = ""
        self.message = ""
        self._explained: dict[tuple[str, int], Explanation] = {}
        self.rows: list[InputRow] = []
        self._choices = self._variable_choices()

    # -- what is shown -----------------------------------------------------------------------
    @property
    def subject(self) -> str:
        return self.trail[-1][0]

    @property
    def turn(self) -> int:
        return self.trail[-1][1]

    def explanation(self, name: str | None = None, turn: int | None = None) -> Explanation:
        key = (name or self.subject, self.turn if turn is None else turn)
        if key not in self._explained:
            self._explained[key] = self.session.explain(key[0], key[1], depth=DEPTH)
        return self._explained[key]

    def _variable_choices(self) -> list[tuple[str, str]]:
        """(text shown, variable) for the list: the indicators first, then every variable by label."""
        rs = self.rs
        shown = [i.variable for i in rs.indicators if i.variable in rs.variables]
        rest = sorted((v for v in rs.variables if v not in shown), key=lambda v: label_of(rs, v).lower())
        out, seen = [], set()
        for v in shown + rest:
            text = label_of(rs, v)
            if text.lower() in seen:  # two numbers with one label: told apart by what they are, never by id
                what = " ".join(rule_info(rs, v).description.split())
                text = f"{text} — {what if len(what) <= 48 else what[:47].rsplit(' ', 1)[0] + '…'}"
            seen.add(text.lower())
            out.append((("• " if v in shown else "") + text, v))
        return out

    def _matches(self) -> list[tuple[str, str]]:
        q = self.query.strip().lower()
        if not q:
            return self._choices
        return [(t, v) for t, v in self._choices if q in t.lower() or q in v.lower()]

    # -- building ----------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        self._clamp()
        self.rows = self._rows()
        self.selected = max(0, min(self.selected, len(self.rows) - 1))
        outer = inset(rect, px(14))
        crumbs, body, foot = rows(outer, [px(30), 1.0, px(40)], px(8))
        self.crumbs = self.canvas("trail", crumbs, self._paint_trail)
        list_w = min(px(250), int(body.w * 0.24))
        left, right = columns(body, [list_w, 1.0], px(12))
        search, listing = rows(left, [px(34), 1.0], px(6))
        self.search = pygame_gui.elements.UITextEntryLine(search, manager=self.ui, container=self.root,
                                                          placeholder_text="Find a number (F)", initial_text=self.query)
        self.place("search", self.search, focus=True)
        self.list = pygame_gui.elements.UISelectionList(listing, [t for t, _ in self._matches()], manager=self.ui,
                                                        container=self.root)
        self.place("variables", self.list, focus=True)
        self._laid_out_rows = len(self.rows)
        detail_h = max(min(px(100), int(right.h * 0.3)), right.h - px(8) - self._bars_height())
        bars, details = rows(right, [1.0, detail_h], px(8))
        self.bars = self.canvas("inputs", bars, self._paint_bars)
        about, chosen = columns(details, [0.5, 0.5], px(8))
        self.about = self.textbox("about", about, "")
        self.chosen = self.textbox("input", chosen, "")
        self._build_foot(foot)
        self.bind(pygame.K_UP, "select the input above", lambda: self.select(self.selected - 1))
        self.bind(pygame.K_DOWN, "select the input below", lambda: self.select(self.selected + 1))
        self.bind(pygame.K_RETURN, "why did the selected input move (drill down)", lambda: self.drill(self.selected))
        self.bind(pygame.K_KP_ENTER, "drill down", lambda: self.drill(self.selected), label="Enter (keypad)")
        self.bind(pygame.K_1, "why did input 1 … 9 move (2 … 9 likewise)", lambda: self.drill(0), label="1 … 9")
        self.bind(pygame.K_BACKSPACE, "up one level of the chain", self.up)
        self.bind(pygame.K_LEFT, "the season before", lambda: self.step_season(-1))
        self.bind(pygame.K_RIGHT, "the season after", lambda: self.step_season(1))
        self.bind(pygame.K_LEFTBRACKET, "the season before", lambda: self.step_season(-1))
        self.bind(pygame.K_RIGHTBRACKET, "the season after", lambda: self.step_season(1))
        self.bind(pygame.K_g, "the causal web around this number", self.open_web)
        self.bind(pygame.K_m, "the encyclopedia entry of its mechanism", self.open_mechanism)
        self.bind(pygame.K_f, "find a number by name", lambda: self.app.set_focus(self.search))
        self.refresh(repaint=False)

    def _build_foot(self, foot: pygame.Rect) -> None:
        px = self.px
        f = font(px(15))

        def width(text: str) -> int:
            return f.size(text)[0] + px(26)

        texts = {"earlier": "‹ Earlier ([)", "season": "", "later": "Later (]) ›", "web": "Causal web (G)",
                 "mechanism": "Mechanism (M)", "back": "Back (Esc)"}
        season_w = width("autumn 1923 (season 99 of 99)")
        widths = [width(texts["earlier"]), season_w, width(texts["later"]), 1.0, width(texts["web"]),
                  width(texts["mechanism"]), width(texts["back"])]
        if sum(w for w in widths if isinstance(w, int)) + px(8) * 6 > foot.w:  # narrow: shorter words
            texts.update(earlier="‹ [", later="] ›", web="Web (G)", mechanism="Source (M)", back="Back")
            season_w = width("1923-autumn")
            widths = [width(texts["earlier"]), season_w, width(texts["later"]), 1.0, width(texts["web"]),
                      width(texts["mechanism"]), width(texts["back"])]
        earlier, season, later, _gap, web, mechanism, back = columns(foot, widths, px(8))
        self.earlier = self.button("earlier", earlier, texts["earlier"], lambda: self.step_season(-1), tooltip="the season before")
        self.season = self.label("season", season, "")
        self.season_wide = season_w >= width("autumn 1923 (season 99 of 99)")
        self.later = self.button("later", later, texts["later"], lambda: self.step_season(1), tooltip="the season after")
        self.button("web", web, texts["web"], self.open_web, tooltip="the rules graph around this number, with this season's strongest links")
        self.mechanism = self.button("mechanism", mechanism, texts["mechanism"], self.open_mechanism,
                                     tooltip="the encyclopedia entry of the mechanism this rule implements")
        self.button("back", back, texts["back"], self.back, tooltip="up one level, or the previous screen")

    def _bars_height(self) -> int:
        """What the bars canvas needs: its headline, legend and a two-line row per input."""
        px = self.px
        header = font(px(20)).get_linesize() + font(px(14)).get_linesize() + 2 * font(px(12)).get_linesize() + px(28)
        return header + max(2, len(self.rows)) * px(40)

    # -- refreshing (no widgets rebuilt) -----------------------------------------------------
    def _clamp(self) -> None:
        """The session may have changed (undo) while this screen was below another one."""
        last = self.session.turn
        self.trail = [(n, max(0, min(last, t))) for n, t in self.trail]
        self._explained.clear()

    def _rows(self) -> list[InputRow]:
        if self.turn < 1:
            return []
        return input_rows(self.session, self.explanation(), self.turn)

    def refresh(self, repaint: bool = True) -> None:
        """Show the current subject, season and selection."""
        rs = self.rs
        if len(self.rows) != self._laid_out_rows:  # the bars need another height: lay out again
            self.app.rebuild()
            return
        season = season_label(self.session.history[self.turn].season)  # 'winter 1925', never its id
        text = f"{season} (season {self.turn} of {self.session.turn})" if self.season_wide else season
        self.season.set_text(fit_text(text, self.season.font, self.season.rect.w - self.px(6)))
        for button, ok in ((self.earlier, self.turn > 1), (self.later, self.turn < self.session.turn)):
            button.enable() if ok else button.disable()
        self.mechanism.enable() if mechanism_ids(rs, self.subject) else self.mechanism.disable()
        about = rule_html(self.session, self.subject, "variable")
        self.about.set_text(about)
        self.chosen.set_text(self._selected_html())
        self._select_in_list()
        if repaint:
            self.bars.repaint()
            self.crumbs.repaint()

    def _selected_html(self) -> str:
        if self.message:
            return escape(self.message)
        if not self.rows:
            if self.turn < 1:
                return "No season has been played yet: play one, then ask why the numbers moved."
            return "Nothing that feeds it changed this season."
        row = self.rows[self.selected]
        lead = f"<b>{self.selected + 1}. {escape(row.label)}</b>: {escape(row.contribution_text)} to {escape(label_of(self.rs, self.subject))}"
        if row.moved:
            lead += f" ({escape(row.moved)})"
        if not row.name:
            return f"{lead}<br>What the inputs did together beyond their separate parts."
        hint = "Enter or click: why did it move?" if row.drill else "A root cause: it is not worked out from other numbers this season."
        if row.kind == "prev" and row.drill is None:
            hint = "Its value when you took over: no season was played before it."
        elif row.kind == "trend":
            hint = "Under the conditions before your first season its own rule was already moving it: the rules, not your levers."
        return f"{lead}<br><i>{escape(hint)}</i><br>{rule_html(self.session, row.name, row.kind)}"

    def _select_in_list(self) -> None:
        wanted = next((t for t, v in self._matches() if v == self.subject), None)
        for item in self.list.item_list:
            selected = item["text"] == wanted
            item["selected"] = selected
            button = item.get("button_element")
            if button is not None:
                button.select() if selected else button.unselect()

    # -- painting ----------------------------------------------------------------------------
    def _paint_trail(self, canvas: Canvas, surface: pygame.Surface) -> None:
        rs = self.rs
        items = []
        for i, (name, turn) in enumerate(self.trail):
            text = label_of(rs, name)
            if i == 0 or turn != self.trail[i - 1][1]:
                text += f" ({season_label(self.session.history[turn].season)})"
            items.append(text)
        f, bold = font(canvas.px(14)), font(canvas.px(14), bold=True)
        sep_w = f.size(CRUMB_SEPARATOR)[0]
        avail = surface.get_width() - canvas.px(4)
        lead = "Why it moved: "
        x = canvas.px(2)
        y = surface.get_height() // 2
        x = canvas.text(surface, lead, (x, y), 14, MUTED, anchor="midleft").right
        # Shorten from the oldest crumbs until the trail fits.
        shown = list(enumerate(items))
        widths = [bold.size(t)[0] if i == len(items) - 1 else f.size(t)[0] for i, t in shown]
        while len(shown) > 1 and sum(widths) + sep_w * len(shown) > avail - x:
            shown.pop(0)
            widths.pop(0)
        if len(shown) < len(items):
            x = canvas.text(surface, "…" + CRUMB_SEPARATOR, (x, y), 14, MUTED, anchor="midleft").right
        for i, text in shown:
            last = i == len(items) - 1
            text = fit_text(text, bold if last else f, max(canvas.px(40), avail - x))
            r = canvas.text(surface, text, (x, y), 14, INK if last else self.app.palette.focus, bold=last, anchor="midleft")
            if not last:
                pygame.draw.line(surface, self.app.palette.focus, (r.left, r.bottom), (r.right, r.bottom), 1)
                canvas.hotspot(r, ("crumb", i))
                x = canvas.text(surface, CRUMB_SEPARATOR, (r.right, y), 14, MUTED, anchor="midleft").right
            else:
                x = r.right

    def _paint_bars(self, canvas: Canvas, surface: pygame.Surface) -> None:
        px, pal, rs = canvas.px, self.app.palette, self.rs
        w, h = surface.get_size()
        surface.fill(pygame.Color("#fbf8f1"))
        pygame.draw.rect(surface, pal.grid, surface.get_rect(), 1)
        pad = px(10)
        subject, turn = self.subject, self.turn
        label = label_of(rs, subject)
        big = font(px(20), bold=True)
        y = pad
        if turn < 1:
            value = number(rs, subject, self.session.value(subject, 0))
            canvas.text(surface, fit_text(f"{label}: {value}", big, w - 2 * pad), (pad, y), 20, bold=True)
            canvas.text(surface, "at the start of the game — no season has been played yet.", (pad, y + big.get_linesize()), 14, MUTED)
            return
        e = self.explanation()
        season = season_label(self.session.history[turn].season)
        since = season_label(self.session.history[turn - 1].season)
        # The change written is the difference of the values written ('from 34 to 34, +1' was not).
        moved = shown_change(rs, subject, e.before, e.after)
        headline = f"{label}: from {moved.before_text} to {moved.after_text}"
        change = f"  {moved.delta_text if moved.units else 'no change'} in {season} (since {since})"
        r = canvas.text(surface, fit_text(headline, big, w - 2 * pad), (pad, y), 20, bold=True)
        small = font(px(14))
        if r.right + small.size(change)[0] <= w - pad:
            canvas.text(surface, change, (r.right, r.bottom - px(3)), 14, MUTED, anchor="bottomleft")
            y = r.bottom + px(2)
        else:
            y = canvas.text(surface, fit_text(change.strip(), small, w - 2 * pad), (pad, r.bottom), 14, MUTED).bottom + px(2)
        note = font(px(12))
        lead = "What moved it, largest first; each bar is that input's part in the change:"
        cramped = h - y < 2 * note.get_linesize() + 3 * (note.get_linesize() + px(4))
        if cramped:  # the colours alone: every row matters more than the sentence
            draw_legend(canvas, surface, colour_legend(rs, subject, pal), (pad, y), w - 2 * pad)
        elif note.size(lead)[0] + px(200) > w - 2 * pad:
            y = canvas.text(surface, fit_text(lead, note, w - 2 * pad), (pad, y), 12, MUTED).bottom
            draw_legend(canvas, surface, colour_legend(rs, subject, pal), (pad, y), w - 2 * pad)
        else:
            r = canvas.text(surface, lead, (pad, y), 12, MUTED)
            draw_legend(canvas, surface, colour_legend(rs, subject, pal), (r.right + px(10), y), w - pad - r.right - px(10))
        y += note.get_linesize() + px(6)
        if not self.rows:
            canvas.text(surface, "Nothing that feeds it changed this season.", (pad, y), 15)
            return
        top = y
        row_h = max(note.get_linesize() + px(4), min(px(40), (h - top - pad) // max(1, len(self.rows))))
        fitting = max(1, (h - top) // row_h)
        two_lines = row_h >= font(px(14)).get_linesize() + note.get_linesize() + px(2)
        num_w = px(24)
        label_w = int((w - 2 * pad - num_w) * 0.42)
        bar_x = pad + num_w + label_w + px(8)
        value_w = int((w - 2 * pad) * 0.22)
        bar_w = w - pad - value_w - bar_x - px(8)
        axis = bar_x + bar_w // 2
        largest = max(abs(r.contribution) for r in self.rows) or 1.0
        pygame.draw.line(surface, MUTED, (axis, top - px(2)), (axis, top + row_h * min(fitting, len(self.rows))), 1)
        label_font = font(px(14), bold=False)
        for i, row in enumerate(self.rows[:fitting]):
            ry = top + i * row_h
            box = pygame.Rect(pad - px(4), ry, w - 2 * pad + px(8), row_h - px(2))
            if i == self.selected:
                pygame.draw.rect(surface, pygame.Color("#efe6d2"), box, border_radius=px(4))
                pygame.draw.rect(surface, pal.focus, box, max(1, px(2)), border_radius=px(4))
            mid = ry + (row_h - px(2)) // 2
            canvas.text(surface, str(i + 1), (pad + px(4), mid), 14, MUTED, bold=True, anchor="midleft")
            colour = effect_colour(pal, rs, subject, row.contribution) if row.name else pal.neutral
            if two_lines:
                line1 = ry + px(2)
                text = fit_text(row.label + (" ›" if row.drill else ""), label_font, label_w)
                canvas.text(surface, text, (pad + num_w, line1), 14, INK if row.name else MUTED)
                sub = row.moved if row.kind == "variable" else row.tag + (f" · {row.moved}" if row.moved else "")
                canvas.text(surface, fit_text(sub, note, label_w), (pad + num_w, line1 + label_font.get_linesize()), 12, MUTED)
            else:
                sub = f"{row.label} · {row.moved if row.kind == 'variable' else row.tag}"
                canvas.text(surface, fit_text(sub, note, label_w), (pad + num_w, mid), 12, INK, anchor="midleft")
            length = max(1, round(abs(row.contribution) / largest * (bar_w // 2 - px(2))))
            bar_h = max(px(6), min(px(18), row_h - px(14)))
            bar = pygame.Rect(axis if row.contribution >= 0 else axis - length, mid - bar_h // 2, length, bar_h)
            pygame.draw.rect(surface, colour, bar)
            value_font = font(px(14), bold=True)
            canvas.text(surface, fit_text(row.contribution_text, value_font, value_w), (w - pad, mid), 14, INK, bold=True,
                        anchor="midright")
            canvas.hotspot(box, ("row", i))

    # -- acting ------------------------------------------------------------------------------
    def select(self, index: int) -> None:
        if not self.rows:
            return
        self.selected = max(0, min(len(self.rows) - 1, index))
        self.message = ""
        self.chosen.set_text(self._selected_html())
        self.bars.repaint()

    def drill(self, index: int) -> None:
        """Make input ``index`` the subject (when it is worked out from other numbers)."""
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self.selected = index
        if row.drill is None:
            if row.name:
                self.message = f"{row.label} is {row.tag}: a root cause, not worked out from other numbers this season."
                if row.kind == "prev":
                    kept = kept_from(self.rs, row.name)[1]
                    self.message = (f"{row.label} is from before you took over." if kept else
                                    f"{row.label} as it stood last season is its value when you took over.")
            self.chosen.set_text(self._selected_html())
            self.message = ""
            self.bars.repaint()
            return
        self.go(*row.drill)

    def go(self, name: str, turn: int) -> None:
        """Push (name, turn) onto the trail and show it."""
        self.trail.append((name, turn))
        self._show_subject()

    def up(self) -> bool:
        """Up one level of the trail; False at the top."""
        if len(self.trail) <= 1:
            return False
        child = self.trail.pop()
        self._show_subject(select=child[0])
        return True

    def back(self) -> None:
        if not self.up():
            self.app.pop()

    def to_crumb(self, index: int) -> None:
        if 0 <= index < len(self.trail) - 1:
            child = self.trail[index + 1]
            del self.trail[index + 1:]
            self._show_subject(select=child[0])

    def pick(self, name: str) -> None:
        """A new subject from the list: a new trail, in the season being looked at."""
        self.trail = [(name, self.turn)]
        self._show_subject()

    def step_season(self, step: int) -> None:
        turn = self.turn + step
        if 1 <= turn <= self.session.turn:
            self.trail[-1] = (self.subject, turn)
            self._show_subject(keep=True)

    def _show_subject(self, select: str | None = None, keep: bool = False) -> None:
        self.rows = self._rows()
        chosen = self.rows[self.selected].name if keep and self.selected < len(self.rows) else select
        self.selected = next((i for i, r in enumerate(self.rows) if r.name == chosen and chosen), 0)
        self.message = ""
        self.refresh()

    def open_web(self) -> None:
        from game.ui.scenes.web import WebScene

        self.app.push(WebScene(self.app, self.subject, self.turn))

    def open_mechanism(self) -> None:
        ids = mechanism_ids(self.rs, self.subject)
        if not ids:
            return
        from game.ui.scenes.encyclopedia import EncyclopediaScene

        self.app.push(EncyclopediaScene(self.app, entry=f"mechanism:{ids[0]}"))

    # -- events ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and pygame.K_2 <= event.key <= pygame.K_9 and not self.app.typing():
            self.drill(event.key - pygame.K_1)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for canvas in (self.bars, self.crumbs):
                hit = canvas.hit(event.pos)
                if hit is not None:
                    kind, index = hit
                    self.drill(index) if kind == "row" else self.to_crumb(index)
                    return True
            return False
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            name = dict(self._matches()).get(event.text)
            if name is not None and name != self.subject:
                self.pick(name)
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.search:
            self.query = self.search.get_text()
            self.list.set_item_list([t for t, _ in self._matches()])
            self._select_in_list()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.search:
            found = self._matches()
            if found:
                self.pick(found[0][1])
            return True
        return False

