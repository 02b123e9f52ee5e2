"""Rich text painted on a :class:`~game.ui.canvas.Canvas`: paragraphs of styled runs (bold,
italic, muted, links), headings, and items with a hanging marker (a key cap such as "1", or a
bullet), wrapped to the canvas width, scrolled by the mouse wheel, the keys and the scroll bar.

It stands in for pygame_gui's HTML text box where laying that out is too slow (the season report:
~30-50 ms per layout, twice when a scroll bar is needed). The text is laid out once per width and
scale (measuring words only) and painted only when the content, the scroll position, the
hovered link or the size changes; a paint renders only the lines in view. Every piece of text is
drawn through :meth:`Canvas.text`, so the layout tests read it like any canvas, and every link is
a :meth:`Canvas.hotspot`.

    rich = RichText([Paragraph((Run("Grain", bold=True, size=18), Run(" fell."))),
                     Paragraph((Run("Goods famine", link=1), Run(" the cause")), marker="1")],
                    palette=app.palette, on_link=open_cause)
    canvas = scene.canvas("report", rect, rich.paint)
    rich.bind_keys(scene)                   # Up/Down/PageUp/PageDown/Home/End, listed under F1
    ... in scene.handle(event): return rich.handle(event)   # wheel, clicks, hover, dragging
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pygame

from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.palette import INK, MUTED, PAPER, Palette

if TYPE_CHECKING:
    from game.ui.scene import Scene

# The box, as the theme draws text boxes (assets/theme.json "text_box").
BOX = pygame.Color("#fbf8f1")
BORDER = pygame.Color("#c9c1ad")

_TOKEN = re.compile(r"\s+|\S+")
LINE_SPACING = 1.25  # line height / the font's own line size


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style. ``link`` makes it clickable (the payload handed to
    ``on_link``); ``size`` (at 100 %) overrides the paragraph's."""

    text: str
    bold: bool = False
    italic: bool = False
    muted: bool = False
    link: Any = None
    size: int | None = None


@dataclass(frozen=True)
class Paragraph:
    """A block of runs wrapped together. ``marker`` hangs in the left margin: a key cap when
    ``keycap`` (the key that does the same as clicking its ``marker_link``), else plain text
    such as a bullet. ``gap_before`` is the extra space above it, at 100 %."""

    runs: tuple[Run, ...]
    size: int = 15
    marker: str = ""
    keycap: bool = False
    marker_link: Any = None
    gap_before: int = 0


@dataclass
class _Segment:
    x: int
    text: str
    run: Run
    size: int  # at 100 %
    width: int = 0


@dataclass
class _Line:
    y: int
    height: int
    ascent: int
    lead: int  # the space above the tallest font's own line
    words: list[_Word]
    paragraph: Paragraph
    left: int  # where the words start (past the marker column)
    marker: Paragraph | None = None  # the paragraph whose marker hangs on this line
    _segments: list[_Segment] | None = None

    @property
    def segments(self) -> list[_Segment]:
        """The words as texts to draw, neighbouring pieces of the same run as one (made when
        the line first comes into view)."""
        if self._segments is None:
            self._segments = _segments(self.words, self.paragraph, self.left)
        return self._segments


@dataclass
class _Layout:
    key: tuple[int, int, float]  # width, height, scale
    lines: list[_Line]
    height: int  # of the content
    indent: int  # the marker column
    scrollbar: bool


@dataclass
class RichText:
    """Wrapped, scrollable rich text; :meth:`paint` is the painter of its canvas."""

    paragraphs: Sequence[Paragraph]
    palette: Palette
    on_link: Callable[[Any], None] | None = None
    top: int = 0  # the scroll position in pixels (kept across rebuilds of the canvas)
    hovered: Any = None
    canvas: Canvas | None = None
    wheel_anywhere: bool = True  # the wheel scrolls it wherever the pointer is (the screen's only scrolling text)
    _layout: _Layout | None = field(default=None, repr=False)
    _words: tuple[float, list[list[_Word]]] | None = field(default=None, repr=False)
    _drag: tuple[int, int] | None = field(default=None, repr=False)  # (mouse y, top) when the thumb was grabbed

    # -- content and scrolling ---------------------------------------------------------------
    def repaint(self) -> None:
        if self.canvas is not None and self.canvas.alive():
            self.canvas.repaint()

    def scroll_to(self, top: float) -> None:
        """Scroll so that content pixel ``top`` is at the top of the box (clamped)."""
        top = max(0, min(self.max_top(), int(top)))
        if top != self.top:
            self.top = top
            self.repaint()

    def scroll_lines(self, lines: float) -> None:
        self.scroll_to(self.top + round(lines * self._line_step()))

    def scroll_pages(self, pages: float) -> None:
        self.scroll_to(self.top + round(pages * max(self._line_step(), self._view_height() - self._line_step())))

    def max_top(self) -> int:
        layout = self._current()
        return 0 if layout is None else max(0, layout.height - self._view_height())

    def bind_keys(self, scene: Scene) -> None:
        """Up/Down, PageUp/PageDown, Home/End scroll the text (listed in the help overlay)."""
        scene.bind(pygame.K_DOWN, "scroll down a line (Up: up)", lambda: self.scroll_lines(1), label="Down")
        scene.bind(pygame.K_UP, "scroll up a line", lambda: self.scroll_lines(-1), label="Up")
        scene.bind(pygame.K_PAGEDOWN, "scroll down a page (Page Up: up)", lambda: self.scroll_pages(1), label="Page Down")
        scene.bind(pygame.K_PAGEUP, "scroll up a page", lambda: self.scroll_pages(-1), label="Page Up")
        scene.bind(pygame.K_HOME, "the top of the text", lambda: self.scroll_to(0), label="Home")
        scene.bind(pygame.K_END, "the end of the text", lambda: self.scroll_to(self.max_top()), label="End")

    # -- events ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        """The wheel scrolls; a click on a link calls ``on_link``; a click on the scroll bar
        pages, its thumb drags; hovering a link highlights it. True if the event was used."""
        canvas = self.canvas
        if canvas is None or not canvas.alive():
            return False
        if event.type == pygame.MOUSEWHEEL and (self.wheel_anywhere or canvas.rect.collidepoint(pygame.mouse.get_pos())):
            self.scroll_lines(-3 * event.y)
            return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and canvas.rect.collidepoint(event.pos):
            if self._press_scrollbar(event.pos):
                return True
            payload = canvas.hit(event.pos)
            if payload is not None and self.on_link is not None:
                self.on_link(payload)
                return True
            return False
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._drag is not None:
            self._drag = None
            return True
        if event.type == pygame.MOUSEMOTION:
            if self._drag is not None:
                self._drag_to(event.pos[1])
                return True
            payload = canvas.hit(event.pos)
            if payload != self.hovered:
                self.hovered = payload
                canvas.repaint()
        return False

    def _press_scrollbar(self, pos: tuple[int, int]) -> bool:
        track, thumb = self.scrollbar()
        if track is None or thumb is None or self.canvas is None:
            return False
        local = (pos[0] - self.canvas.rect.x, pos[1] - self.canvas.rect.y)
        if not track.inflate(self.canvas.px(8), 0).collidepoint(local):
            return False
        if thumb.inflate(self.canvas.px(8), 0).collidepoint(local):
            self._drag = (pos[1], self.top)
        else:
            self.scroll_pages(-1 if local[1] < thumb.y else 1)
        return True

    def _drag_to(self, y: int) -> None:
        track, thumb = self.scrollbar()
        if track is None or thumb is None or self._drag is None:
            return
        grabbed_at, top = self._drag
        room = max(1, track.h - thumb.h)
        self.scroll_to(top + (y - grabbed_at) * self.max_top() / room)

    # -- layout ------------------------------------------------------------------------------
    def _px(self, n: float) -> int:
        return self.canvas.px(n) if self.canvas is not None else round(n)

    def _padding(self) -> tuple[int, int]:
        return self._px(12), self._px(8)

    def _gutter(self) -> int:
        return self._px(14)

    def _view_height(self) -> int:
        return 0 if self.canvas is None else max(1, self.canvas.rect.h - 2 * self._padding()[1])

    def _line_step(self) -> int:
        return round(font(self._px(15)).get_linesize() * LINE_SPACING)

    def _current(self) -> _Layout | None:
        canvas = self.canvas
        if canvas is None:
            return None
        key = (canvas.rect.w, canvas.rect.h, canvas.scale)
        if self._layout is None or self._layout.key != key:
            pad_x, _ = self._padding()
            width = canvas.rect.w - 2 * pad_x
            layout = self._lay_out(width, key, scrollbar=False)
            if layout.height > self._view_height():  # a scroll bar takes its gutter: wrap again, narrower
                layout = self._lay_out(width - self._gutter(), key, scrollbar=True)
            self._layout = layout
            self.top = max(0, min(self.top, max(0, layout.height - self._view_height())))
        return self._layout

    def _measured(self) -> list[list[_Word]]:
        """Every paragraph's words with their widths at the canvas's scale (kept across wraps)."""
        scale = self.canvas.scale if self.canvas is not None else 1.0
        if self._words is None or self._words[0] != scale:
            widths: dict[pygame.font.Font, dict[str, int]] = {}
            self._words = (scale, [_words(p, self._px, widths) for p in self.paragraphs])
        return self._words[1]

    def _lay_out(self, width: int, key: tuple[int, int, float], scrollbar: bool) -> _Layout:
        px = self._px
        markers = [p for p in self.paragraphs if p.marker]
        indent = 0
        if markers:
            indent = max(font(px(p.size), bold=True).size(p.marker)[0] for p in markers) + px(14) + px(8)
        lines: list[_Line] = []
        y = 0
        for number, (paragraph, words) in enumerate(zip(self.paragraphs, self._measured())):
            if number:
                y += px(paragraph.gap_before)
            left = indent if paragraph.marker else 0
            first = len(lines)
            # One size throughout (most paragraphs): every line has the paragraph's metrics.
            uniform = len({r.size or paragraph.size for r in paragraph.runs}) <= 1
            metrics = _metrics(_distinct(paragraph.runs), paragraph, px) if uniform else None
            for wrapped in _wrap(words, max(px(40), width - left)):
                height, ascent, lead = metrics or _metrics(_distinct(r for w in wrapped for _, r, _ in w.pieces), paragraph, px)
                lines.append(_Line(y, height, ascent, lead, wrapped, paragraph, left))
                y += height
            if len(lines) == first:  # an empty paragraph: a blank line
                y += round(font(px(paragraph.size)).get_linesize() * LINE_SPACING)
            elif paragraph.marker:
                lines[first].marker = paragraph
        return _Layout(key, lines, y, indent, scrollbar)

    # -- painting ----------------------------------------------------------------------------
    def paint(self, canvas: Canvas, surface: pygame.Surface) -> None:
        """The painter: the box, the lines in view, their links as hotspots, the scroll bar."""
        self.canvas = canvas
        layout = self._current()
        assert layout is not None
        px = canvas.px
        w, h = surface.get_size()
        pad_x, pad_y = self._padding()
        pygame.draw.rect(surface, BOX, surface.get_rect(), border_radius=px(3))
        pygame.draw.rect(surface, BORDER, surface.get_rect(), 1, border_radius=px(3))
        view = pygame.Rect(1, pad_y // 2, w - 2, h - pad_y)
        surface.set_clip(view)
        origin = pad_y - self.top
        for line in layout.lines:
            top = origin + line.y
            if top + line.height <= view.top or top >= view.bottom:
                continue
            baseline = top + line.lead + line.ascent
            if line.marker is not None:
                self._marker(canvas, surface, line.marker, pad_x, top, line.height, layout.indent)
            for segment in line.segments:
                self._segment(canvas, surface, segment, pad_x, baseline, view)
        surface.set_clip(None)
        if layout.scrollbar:  # the text fades out where it goes on beyond the box
            fade = _fade(view.w, px(18))
            if self.top > 0:
                surface.blit(_fade(view.w, px(18), up=True), view.topleft)
            if self.top < self.max_top():
                surface.blit(fade, (view.x, view.bottom - fade.get_height()))
            track, thumb = self.scrollbar()
            if track is not None and thumb is not None:
                pygame.draw.rect(surface, self.palette.grid, track, border_radius=track.w // 2)
                pygame.draw.rect(surface, INK if self._drag else MUTED, thumb, border_radius=track.w // 2)

    def _segment(self, canvas: Canvas, surface: pygame.Surface, segment: _Segment, pad_x: int, baseline: int,
                 view: pygame.Rect) -> None:
        run = segment.run
        f = font(canvas.px(segment.size), run.bold, run.italic)
        if run.link is not None:
            colour = self.palette.bad if run.link == self.hovered else self.palette.focus
        else:
            colour = MUTED if run.muted else INK
        text = segment.text.rstrip()
        lead = len(text) - len(text.lstrip())
        x = pad_x + segment.x
        if lead:  # the space before a piece is not part of it (nor of a link's underline)
            x += f.size(text[:lead])[0]
            text = text[lead:]
        if not text:
            return
        rect = canvas.text(surface, text, (x, baseline - f.get_ascent()), segment.size, colour, run.bold, run.italic)
        if run.link is not None:
            underline = baseline + max(2, canvas.px(2))
            pygame.draw.line(surface, colour, (rect.left, underline), (rect.right - 1, underline), max(1, canvas.px(1)))
            visible = rect.clip(view)
            if visible.h > 0:
                canvas.hotspot(visible, run.link)

    def _marker(self, canvas: Canvas, surface: pygame.Surface, paragraph: Paragraph, pad_x: int, top: int,
                height: int, indent: int) -> None:
        px = canvas.px
        f = font(px(paragraph.size), bold=True)
        if not paragraph.keycap:
            canvas.text(surface, paragraph.marker, (pad_x + px(4), top + (height - f.get_linesize()) // 2), paragraph.size,
                        MUTED, bold=True)
            return
        text_w = f.size(paragraph.marker)[0]
        cap = pygame.Rect(0, 0, max(text_w + px(10), f.get_linesize()), f.get_linesize() + px(1))
        cap.midleft = (pad_x, top + height // 2)
        cap.x = pad_x + (indent - px(8) - cap.w) // 2
        hovered = paragraph.marker_link is not None and paragraph.marker_link == self.hovered
        pygame.draw.rect(surface, PAPER, cap, border_radius=px(4))
        pygame.draw.rect(surface, self.palette.bad if hovered else MUTED, cap, max(1, px(1)), border_radius=px(4))
        canvas.text(surface, paragraph.marker, cap.center, paragraph.size, INK, bold=True, anchor="center")
        if paragraph.marker_link is not None:
            canvas.hotspot(cap, paragraph.marker_link)

    def scrollbar(self) -> tuple[pygame.Rect | None, pygame.Rect | None]:
        """The track and the thumb (canvas coordinates), or None without a scroll bar."""
        layout = self._current()
        canvas = self.canvas
        if layout is None or canvas is None or not layout.scrollbar:
            return None, None
        px = canvas.px
        w, h = canvas.rect.size
        track = pygame.Rect(w - px(6) - px(6), px(6), px(6), h - 2 * px(6))
        view = self._view_height()
        thumb_h = max(px(28), track.h * view // max(1, layout.height))
        thumb_h = min(track.h, thumb_h)
        span = max(1, layout.height - view)
        thumb = pygame.Rect(track.x, track.y + (track.h - thumb_h) * self.top // span, track.w, thumb_h)
        return track, thumb


@dataclass
class _Word:
    """Text between two spaces, in one or more runs (e.g. a bold number and its full stop)."""

    pieces: list[tuple[str, Run, int]]  # text, run, width
    width: int
    space: Run | None  # the run of the space before it (None at the start of the paragraph)
    space_width: int


def _words(paragraph: Paragraph, px: Callable[[float], int],
           widths: dict[pygame.font.Font, dict[str, int]] | None = None) -> list[_Word]:
    """The paragraph's words, measured (``widths`` caches each font's measurements between
    paragraphs: the same words recur)."""
    widths = {} if widths is None else widths
    words: list[_Word] = []
    space: Run | None = None
    space_width = 0
    current: _Word | None = None
    for run in paragraph.runs:
        f = font(px(run.size or paragraph.size), run.bold, run.italic)
        known = widths.setdefault(f, {})
        for token in _TOKEN.findall(run.text):
            w = known.get(token)
            if w is None:
                w = known[token] = f.size(" " if token.isspace() else token)[0]
            if token.isspace():
                current, space, space_width = None, run, w
            else:
                if current is None:
                    current = _Word([], 0, space, space_width if space is not None else 0)
                    words.append(current)
                    space = None
                current.pieces.append((token, run, w))
                current.width += w
    return words


def _wrap(words: list[_Word], width: int) -> list[list[_Word]]:
    """``words`` broken into lines ``width`` wide, at spaces; a word wider than a line is cut
    between characters."""
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    x = 0
    for word in words:
        if line and x + word.space_width + word.width > width:
            lines.append(line)
            line, x = [], 0
        if not line and word.width > width:
            *whole, word = _cut(word, width)
            lines.extend([part] for part in whole)
        x += (word.space_width if line else 0) + word.width
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _cut(word: _Word, width: int) -> list[_Word]:
    """``word`` in parts no wider than ``width`` (a character each at least)."""
    parts = [_Word([], 0, word.space, word.space_width)]
    for text, run, w in word.pieces:
        per = w / max(1, len(text))  # the characters of a piece, as wide as each other on average
        for ch in text:
            part = parts[-1]
            if part.pieces and part.width + per > width:
                part = _Word([], 0, None, 0)
                parts.append(part)
            part.pieces.append((ch, run, round(per)))
            part.width += round(per)
    return parts


def _segments(words: list[_Word], paragraph: Paragraph, left: int) -> list[_Segment]:
    """A line of ``words`` as segments: neighbouring pieces in the same run drawn as one text."""
    segments: list[_Segment] = []
    x = left
    for n, word in enumerate(words):
        pieces = word.pieces if not n or word.space is None else [(" ", word.space, word.space_width), *word.pieces]
        for text, run, w in pieces:
            last = segments[-1] if segments else None
            if last is not None and last.run is run:
                last.text += text
                last.width += w
            else:
                segments.append(_Segment(x, text, run, run.size or paragraph.size, w))
            x += w
    return segments


@lru_cache(maxsize=8)
def _fade(width: int, height: int, up: bool = False) -> pygame.Surface:
    """A strip of the box's colour, clear at the top and opaque at the bottom (``up``: the
    other way round)."""
    strip = pygame.Surface((width, height), pygame.SRCALPHA)
    for y in range(height):
        alpha = 255 * (y + 1) // (height + 1)
        strip.fill((BOX.r, BOX.g, BOX.b, alpha), pygame.Rect(0, height - 1 - y if up else y, width, 1))
    return strip


def _distinct(runs: Iterable[Run]) -> list[Run]:
    """``runs`` with each style once."""
    return list({(r.size, r.bold, r.italic): r for r in runs}.values())


def _metrics(runs: Sequence[Run], paragraph: Paragraph, px: Callable[[float], int]) -> tuple[int, int, int]:
    """(height, ascent, lead) of a line holding ``runs``."""
    ascent = linesize = 0
    for run in runs or (Run(""),):
        f = font(px(run.size or paragraph.size), run.bold, run.italic)
        ascent = max(ascent, f.get_ascent())
        linesize = max(linesize, f.get_linesize())
    height = round(linesize * LINE_SPACING)
    return height, ascent, (height - linesize) // 2
