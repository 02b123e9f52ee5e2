"""Settings: interface size, colours (with a colour-blind-safe palette), window size, fullscreen,
the presenter setting (a projector: large type, high contrast) and the player's name. Nothing changes until Apply, which uses and remembers the settings;
Cancel (Esc) leaves them as they were."""

from __future__ import annotations

import math

import pygame
import pygame_gui
from pydantic import ValidationError

from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, fitting, inset, rows
from game.ui.palette import CARD, INK, MUTED, Palette, palette
from game.ui.scene import Scene
from game.ui.settings import DEFAULT_SIZE, MIN_SIZE, PRESENTER_PALETTE, PRESENTER_SCALE, SCALES, Settings

# Window sizes offered besides the current one (the smallest allowed, the default, two larger).
SIZE_PRESETS: tuple[tuple[int, int], ...] = (MIN_SIZE, DEFAULT_SIZE, (1600, 900), (1920, 1080))
PALETTES: tuple[tuple[str, str, str], ...] = (
    ("standard", "Standard", "the game's own colours"),
    ("okabe-ito", "Okabe–Ito", "colour-blind safe (Okabe & Ito 2008)"),
)


ABOUT = ("<b>Interface size</b> makes every text and button larger.<br>"
         "<b>Colours</b>: every chart and gauge uses the palette chosen here. Okabe–Ito stays readable "
         "with the common kinds of colour blindness.<br>"
         "<b>Presenter</b> is for a projector: at least 150 %, black on white, strong colours. On the dashboard, "
         "H hides the levers while the class talks.<br>"
         "<b>Your name</b> goes into your saves. Settings are remembered on this computer.")


def size_choices(*current: tuple[int, int]) -> list[tuple[int, int]]:
    """The window sizes the player can choose: the presets and ``current``, smallest first."""
    return sorted(set(SIZE_PRESETS) | set(current))


def size_text(size: tuple[int, int]) -> str:
    """How a window size is shown, e.g. ``1280 × 720 (default)``."""
    note = " (default)" if size == DEFAULT_SIZE else " (smallest)" if size == MIN_SIZE else ""
    return f"{size[0]} × {size[1]}{note}"


class SettingsScene(Scene):
    title = "Settings"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        s = app.settings
        self.scale = s.ui_scale
        self.palette_name = s.palette
        # The window's size now (the one remembered, when fullscreen) and the one chosen.
        self.current_size = app.size if not s.fullscreen else s.window_size
        self.window_size = self.current_size
        self.fullscreen = s.fullscreen
        self.player = s.player
        self.presenter = s.presenter
        self.status = ""  # the last message (applied, or why not)
        self.status_bad = False
        self.focus_name_next = False

    # -- the pending settings ----------------------------------------------------------------
    def pending(self) -> Settings:
        """The settings as chosen on this screen (raises ValidationError for a bad name)."""
        return Settings(ui_scale=self.scale, palette=self.palette_name, window_width=self.window_size[0],
                        window_height=self.window_size[1], fullscreen=self.fullscreen, player=self.player.strip(),
                        presenter=self.presenter)

    def sizes(self) -> list[tuple[int, int]]:
        """The window sizes offered: the presets, the current size and the chosen one."""
        return size_choices(self.current_size, self.window_size)

    def changed(self) -> bool:
        """Whether the chosen settings differ from those in use."""
        in_use = self.app.settings.model_copy(update={"window_width": self.current_size[0], "window_height": self.current_size[1]})
        try:
            return self.pending() != in_use
        except ValidationError:
            return True

    # -- layout ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        label_font = font(px(15))
        # A row holds a line of the labels' type, the hint one of its smaller type: where seven
        # even rows would be lower than that (a small window at 200 %), the margins and gaps
        # narrow and the hint takes only its line, so that no text is clipped.
        row_need, hint_need = label_font.get_linesize() + px(4), font(px(13)).get_linesize() + px(2)
        for margin, gap, row_gap in ((px(20), px(10), px(6)), (px(8), px(4), px(2))):
            area = inset(rect, margin)
            area.h -= self.app.notice_height()
            head, body, status, foot = rows(area, [px(34), 1.0, px(22), px(34)], gap)
            row_h = min(px(34), (body.h - row_gap * 6) // 7)
            hint_h = row_h
            if row_h < row_need:
                row_h, hint_h = max(row_need, (body.h - row_gap * 6 - hint_need) // 6), hint_need
            if 6 * row_h + hint_h + 6 * row_gap <= body.h:
                break
        self.label("heading", head, "Settings", object_id="#heading")
        form_w = min(px(560), int(body.w * 0.6))
        form, preview = columns(body, [form_w, 1.0], px(20))
        labels = ("Interface size", "Colours", "Window size", "Display", "Presenter", "Your name")
        label_w = min(int(form.w * 0.4), max(label_font.size(t)[0] for t in labels) + px(14))
        lines = rows(pygame.Rect(form.x, form.y, form.w, 6 * row_h + hint_h + 6 * row_gap), [row_h] * 6 + [hint_h], row_gap)
        name_hint = lines.pop()
        cells = [columns(line, [label_w, 1.0], px(8)) for line in lines]
        for (cell, _), text in zip(cells, labels):
            self.label(f"label-{text}", cell, text)

        # Interface size: a slider over the allowed scales, and its value.
        slider_cell, value_cell = columns(cells[0][1], [1.0, px(70)], px(8))
        self.scale_slider = pygame_gui.elements.UIHorizontalSlider(slider_cell, self._scale_index(), (0, len(SCALES) - 1),
                                                                   manager=self.ui, container=self.root)
        self.place("scale", self.scale_slider, focus=True)
        self.scale_value = self.label("scale-value", value_cell, f"{round(self.shown_scale() * 100)} %", object_id="#value")

        # Colours: one button per palette, the chosen one selected.
        self.palette_buttons: dict[str, pygame_gui.elements.UIButton] = {}
        for (ident, name, what), cell in zip(PALETTES, columns(cells[1][1], [1.0] * len(PALETTES), px(8))):
            button = self.button(f"palette-{ident}", cell, name, lambda i=ident: self.choose_palette(i), tooltip=f"{name}: {what}")
            self.palette_buttons[ident] = button

        # Window size: a slider over the sizes, and the chosen one.
        choices = self.sizes()
        size_value_w = min(cells[2][1].w // 2, label_font.size(size_text(DEFAULT_SIZE))[0] + px(12))
        slider_cell, value_cell = columns(cells[2][1], [1.0, size_value_w], px(8))
        self.size_slider = pygame_gui.elements.UIHorizontalSlider(slider_cell, choices.index(self.window_size), (0, len(choices) - 1),
                                                                  manager=self.ui, container=self.root)
        self.place("size", self.size_slider, focus=True)
        self.size_value = self.label("size-value", value_cell, self._size_label(value_cell.w), object_id="#value")

        # Display: in a window or fullscreen.
        window_cell, full_cell = columns(cells[3][1], [1.0, 1.0], px(8))
        self.window_button = self.button("windowed", window_cell, fitting(("In a window", "Window"), label_font, window_cell.w),
            lambda: self.choose_fullscreen(False),
                                         tooltip="a window you can resize (at least 1024 × 640)")
        self.full_button = self.button("fullscreen", full_cell, "Fullscreen", lambda: self.choose_fullscreen(True),
                                       tooltip="the whole screen")

        # Presenter: for a projector (large type, high contrast), or not.
        off_cell, on_cell = columns(cells[4][1], [1.0, 1.0], px(8))
        self.presenter_off = self.button("presenter-off", off_cell, "Off", lambda: self.choose_presenter(False),
                                         tooltip="the interface size and colours chosen above")
        self.presenter_on = self.button("presenter-on", on_cell, fitting(("On: projector", "On"), label_font, on_cell.w),
                                        lambda: self.choose_presenter(True),
                                        tooltip="for a projector: at least 150 %, black on white, strong colours")

        # The player's name, written into saves.
        self.name_entry = pygame_gui.elements.UITextEntryLine(cells[5][1], manager=self.ui, container=self.root,
                                                              initial_text=self.player)
        self.name_entry.length_limit = Settings.model_fields["player"].metadata[0].max_length
        self.place("name", self.name_entry, focus=True)
        hint = columns(name_hint, [label_w, 1.0], px(8))[1]
        self.label("name-hint", hint, fitting(("written into your saves, so a teacher knows whose game it is",
                                                "written into your saves"), font(px(13)), hint.w), object_id="#small")
        below = pygame.Rect(form.x, name_hint.bottom + px(14), form.w, form.bottom - name_hint.bottom - px(14))
        if below.h >= px(90):
            self.textbox("about", pygame.Rect(below.x, below.y, below.w, min(below.h, px(170))), ABOUT)

        self.preview = self.canvas("preview", pygame.Rect(preview.x, preview.y, preview.w, min(preview.h, px(400))), self.paint_preview)
        self.status_label = self.label("status", status, "", object_id="#bad" if self.status_bad else "#small")
        cancel, _, apply = columns(foot, [px(170), 1.0, px(190)], px(12))
        self.cancel_button = self.button("cancel", cancel, "Cancel (Esc)", self.back, tooltip="leave without changing anything")
        self.button("apply", apply, "Apply (A)", self.apply, object_id="#primary", tooltip="use these settings and remember them")
        self.bind(pygame.K_a, "apply and remember the settings", self.apply)
        self.bind(pygame.K_MINUS, "smaller interface", lambda: self.nudge(self.scale_slider, -1), label="-")
        self.bind(pygame.K_EQUALS, "larger interface", lambda: self.nudge(self.scale_slider, 1), label="+")
        self.bind(pygame.K_c, "switch the colours (standard / colour-blind safe)", self.toggle_palette)
        self.bind(pygame.K_f, "fullscreen on or off", lambda: self.choose_fullscreen(not self.fullscreen))
        self.bind(pygame.K_p, "presenter on or off (a projector: large type, high contrast)", lambda: self.choose_presenter(not self.presenter))
        self.bind(pygame.K_n, "type your name", self.to_name)
        self._show_choices()
        if self.app.focus is None:
            self.app.set_focus(self.scale_slider)

    def to_name(self) -> None:
        """N: the keyboard to the name entry, from the next frame on (so the N typed with this
        key press, which arrives just after it, is not written into the name)."""
        self.focus_name_next = True

    def update(self, dt: float) -> None:
        if self.focus_name_next and self.name_entry.alive():
            self.focus_name_next = False
            self.app.set_focus(self.name_entry)

    def shown_scale(self) -> float:
        """The interface size the chosen settings give (presenting: at least PRESENTER_SCALE)."""
        return max(self.scale, PRESENTER_SCALE) if self.presenter else self.scale

    def _scale_index(self) -> int:
        return min(range(len(SCALES)), key=lambda i: abs(SCALES[i] - self.scale))

    def _size_label(self, width: int) -> str:
        text = size_text(self.window_size)
        return text if font(self.px(15)).size(text)[0] <= width - self.px(4) else f"{self.window_size[0]} × {self.window_size[1]}"

    def _show_choices(self) -> None:
        """Selected buttons for the chosen palette and display mode; the status line."""
        for ident, button in self.palette_buttons.items():
            button.select() if ident == self.palette_name else button.unselect()
        self.full_button.select() if self.fullscreen else self.full_button.unselect()
        self.window_button.unselect() if self.fullscreen else self.window_button.select()
        self.presenter_on.select() if self.presenter else self.presenter_on.unselect()
        self.presenter_off.unselect() if self.presenter else self.presenter_off.select()
        self.scale_value.set_text(f"{round(self.shown_scale() * 100)} %")
        self.size_value.set_text(self._size_label(self.size_value.rect.w))
        changed = self.changed()
        self.cancel_button.set_text("Cancel (Esc)" if changed else "Back (Esc)")
        text = self.status or ("Press Apply to use these settings." if changed else "These are the settings in use.")
        if self.app.settings_problem and not self.status:
            text = "Your settings file could not be read (below); Apply replaces it." + (" " + text if changed else "")
        self.status_label.set_text(fit_text(text, font(self.px(13)), self.status_label.rect.w - self.px(4)))

    # -- choosing ----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED:
            if event.ui_element is self.scale_slider:
                self._set_scale(int(round(self.scale_slider.get_current_value())))
                return True
            if event.ui_element is self.size_slider:
                self._set_size(int(round(self.size_slider.get_current_value())))
                return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.name_entry:
            self.player = self.name_entry.get_text()
            self._touched()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.name_entry:
            self.player = self.name_entry.get_text()
            self.apply()
            return True
        return False

    def nudge(self, slider: pygame_gui.elements.UIHorizontalSlider, steps: int) -> bool:
        """Left/Right on a focused slider (and -/+ for the interface size)."""
        if slider is self.scale_slider:
            self._set_scale(self._scale_index() + steps)
            self.scale_slider.set_current_value(self._scale_index())
            return True
        if slider is self.size_slider:
            self._set_size(self.sizes().index(self.window_size) + steps)
            self.size_slider.set_current_value(self.sizes().index(self.window_size))
            return True
        return False

    def _set_scale(self, index: int) -> None:
        self.scale = SCALES[max(0, min(len(SCALES) - 1, index))]
        self._touched()

    def _set_size(self, index: int) -> None:
        choices = self.sizes()
        self.window_size = choices[max(0, min(len(choices) - 1, index))]
        self._touched()

    def choose_palette(self, ident: str) -> None:
        self.palette_name = ident  # type: ignore[assignment]
        self.preview.repaint()
        self._touched()

    def toggle_palette(self) -> None:
        idents = [p[0] for p in PALETTES]
        self.choose_palette(idents[(idents.index(self.palette_name) + 1) % len(idents)])

    def choose_fullscreen(self, on: bool) -> None:
        self.fullscreen = on
        self._touched()

    def choose_presenter(self, on: bool) -> None:
        self.presenter = on
        self.preview.repaint()
        self._touched()

    def _touched(self) -> None:
        self.status, self.status_bad = "", False
        self._show_choices()

    # -- apply and cancel --------------------------------------------------------------------
    def apply(self) -> None:
        """Use the chosen settings (the screen is laid out again in the new scale) and save them."""
        self.player = self.name_entry.get_text() if self.name_entry.alive() else self.player
        try:
            settings = self.pending()
        except ValidationError as err:
            first = err.errors()[0]
            self._say(f"Not applied: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}", bad=True)
            return
        if any(ord(c) < 32 or 0x7f <= ord(c) < 0xa0 for c in settings.player):
            self._say("Not applied: the name may not contain control characters", bad=True)
            return
        had_problem = self.app.settings_problem
        try:
            problem = self.app.apply_settings(settings)
        except pygame.error as err:  # a display mode the driver refuses
            self._say(f"Not applied: the display refused it ({err})", bad=True)
            return
        if problem:
            self.app.notice = problem
            self._say(f"In use, but not remembered: {problem}", bad=True)
            return
        if had_problem:
            self.app.settings_problem = None
            if self.app.notice == had_problem:
                self.app.notice = None
            self.app.rebuild()
        self.scale = settings.ui_scale
        self.current_size = self.app.size if not settings.fullscreen else settings.window_size
        colours = "presenter" if settings.presenter else dict((p[0], p[1]) for p in PALETTES)[settings.palette]
        self._say(f"Applied and remembered ({round(settings.scale * 100)} %, {colours}).")

    def _say(self, text: str, bad: bool = False) -> None:
        self.status, self.status_bad = text, bad
        if self.root is not None:
            self.app.rebuild()  # the status line changes colour: lay it out again

    def back(self) -> None:
        """Cancel: leave without applying anything."""
        self.app.pop()

    # -- the preview -------------------------------------------------------------------------
    def paint_preview(self, canvas: Canvas, surface: pygame.Surface) -> None:
        """The chosen palette: its colours as swatches and a sample chart drawn with them."""
        p = palette(PRESENTER_PALETTE if self.presenter else self.palette_name)
        px = canvas.px
        w, h = surface.get_size()
        pygame.draw.rect(surface, CARD, surface.get_rect(), border_radius=px(4))
        pygame.draw.rect(surface, p.grid, surface.get_rect(), 1, border_radius=px(4))
        name, what = (("Presenter", "strong colours on white, for a projector") if self.presenter
                      else next((n, d) for i, n, d in PALETTES if i == self.palette_name))
        y = px(10)
        title = canvas.text(surface, fit_text(f"Preview: {name}", font(px(15), bold=True), w - px(20)), (px(10), y), 15, bold=True)
        y = title.bottom + px(2)
        y = canvas.text(surface, fit_text(what, font(px(13)), w - px(20)), (px(10), y), 13, MUTED).bottom + px(8)
        # Swatches: the chart series, then good / bad / history.
        series = list(p.series)
        size = max(px(10), min(px(26), (w - px(20)) // len(series) - px(4)))
        for i, colour in enumerate(series):
            pygame.draw.rect(surface, colour, (px(10) + i * (size + px(4)), y, size, size), border_radius=px(3))
        y += size + px(6)
        y = _legend(canvas, surface, [("better", p.good), ("worse", p.bad), ("history", p.history)], pygame.Rect(px(10), y, w - px(20), 0), 13, 0)
        y += px(6)
        gauge = pygame.Rect(px(10), y, w - px(20), px(10))
        if gauge.w > 0:
            thirds = columns(gauge, [1.0, 1.0, 1.0])
            for part, colour in zip(thirds, p.gauge):
                pygame.draw.rect(surface, colour, part)
        y = canvas.text(surface, "a gauge: low, middle, high", (px(10), gauge.bottom + px(2)), 12, MUTED).bottom + px(8)
        legend_h = 2 * font(px(12)).get_linesize() + px(8)
        chart = pygame.Rect(px(24), y, w - px(34), h - y - legend_h)
        if chart.h < px(40) or chart.w < px(60):
            return
        self._paint_sample_chart(canvas, surface, chart, p)

    def _paint_sample_chart(self, canvas: Canvas, surface: pygame.Surface, chart: pygame.Rect, p: Palette) -> None:
        """A made-up chart (not game data): three series and a history line, with a legend."""
        px = canvas.px
        for i in range(5):
            yy = chart.y + i * chart.h // 4
            pygame.draw.line(surface, p.grid, (chart.x, yy), (chart.right, yy), 1)
        pygame.draw.line(surface, INK, chart.bottomleft, chart.bottomright, 1)
        pygame.draw.line(surface, INK, chart.topleft, chart.bottomleft, 1)
        n = 12

        def line(shape: float, phase: float) -> list[tuple[int, int]]:
            return [(chart.x + i * chart.w // (n - 1),
                     chart.bottom - int(chart.h * (0.5 + 0.35 * math.sin(phase + i * shape) * (0.6 + 0.4 * i / n))))
                    for i in range(n)]

        width = max(2, px(2))
        pygame.draw.lines(surface, p.history, False, line(0.45, 1.6), max(1, px(1)))
        for k in range(3):
            pygame.draw.lines(surface, p.colour(k), False, line(0.5 + 0.15 * k, k * 1.3), width)
        items = [("series 1", p.colour(0)), ("series 2", p.colour(1)), ("series 3", p.colour(2)), ("history", p.history)]
        _legend(canvas, surface, items, pygame.Rect(chart.x, chart.bottom + px(6), chart.w, 0), 12, width)


def _legend(canvas: Canvas, surface: pygame.Surface, items: list[tuple[str, pygame.Color]], area: pygame.Rect, size: int,
            line: int) -> int:
    """Draw ``items`` (label, colour) left to right from ``area.topleft``, wrapping at
    ``area.right``; a square marker, or a line ``line`` pixels thick. Returns the bottom."""
    px = canvas.px
    f = font(px(size))
    x, y = area.x, area.y
    for label, colour in items:
        if x > area.x and x + px(18) + f.size(label)[0] > area.right:
            x, y = area.x, y + f.get_linesize()
        mid = y + f.get_linesize() // 2
        if line:
            pygame.draw.line(surface, colour, (x, mid), (x + px(14), mid), line)
        else:
            pygame.draw.rect(surface, colour, (x, mid - px(6), px(12), px(12)), border_radius=px(2))
        x = canvas.text(surface, label, (x + px(18), y), size).right + px(12)
    return y + f.get_linesize()
