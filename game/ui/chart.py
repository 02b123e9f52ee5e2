"""Line charts painted on a :class:`~game.ui.canvas.Canvas`: the charts screen, the forecast
and the debrief draw their time series with this.

The API, in short::

    from game.ui.chart import ChartBand, ChartSeries, draw_column_readout, nearest_index, paint_line_chart

    def paint(canvas, surface):
        self.layout = paint_line_chart(
            canvas, surface,
            [ChartSeries("Harvest", values, colour=0),                      # palette colour 0
             ChartSeries("Harvest in history", hist, colour="history", dashed=True)],
            title="Harvest", y_label="million tonnes", x_labels=seasons,
            palette=app.palette, band=ChartBand(low, high, colour=0))
        if self.hover is not None:
            draw_column_readout(canvas, surface, self.layout, self.hover, app.palette)

    # on MOUSEMOTION:  self.hover = nearest_index(self.layout, local_pos); canvas.repaint()

* :class:`ChartSeries` — ``label``, ``values`` (one per x position; ``None`` leaves a gap),
  ``colour`` (an index into ``palette.series``, a palette role name such as ``"history"``,
  ``"good"``, ``"bad"``, ``"neutral"``, or a ``pygame.Color``), ``dashed`` (historical series are
  drawn dashed), ``width`` (at 100 % scale), ``axis`` (0: the left axis, 1: a right axis with its
  own scale, for a series in other units), ``format`` (how the readout writes a value),
  ``markers`` (a dot on each point; with ``width=0`` dots only, e.g. a yearly record),
  ``legend`` (False: drawn but left out of the legend and the readout — e.g. a dashed twin whose
  value the main series' ``extra`` texts already give), ``extra`` (per x position, text added
  to the readout line). A series with no values and a label is a legend-only entry.
* :class:`ChartBand` — a shaded range (``low``/``high`` per x position, ``None`` for none), e.g.
  the forecast's p10–p90; it counts towards the axis's range.
* :func:`paint_line_chart` — title, legend (wrapping onto as many lines as it needs), axes with
  "nice" ticks (1, 2, 2.5, 5 × 10^k), x labels thinned so they never collide, the band, the
  lines. Returns a :class:`ChartLayout` for hover look-ups. Every colour comes from ``palette``
  (the Okabe–Ito palette works as well as the standard one); every text is drawn with
  ``canvas.text`` so tests can read what the chart says.
* :func:`nearest_index` — the x position nearest a canvas position; :func:`draw_column_readout`
  draws every series' value there (a season's readout, for hover or Left/Right keys).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygame

from game.present.numbers import figure, plain_number
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import fit_text
from game.ui.palette import CARD, INK, Palette

Colour = int | str | pygame.Color
Formatter = Callable[[float], str]

# Text sizes (at 100 % scale).
TITLE_SIZE = 16
TEXT_SIZE = 13
SMALL_SIZE = 12


@dataclass(frozen=True)
class ChartSeries:
    """One line of a chart."""

    label: str
    values: Sequence[float | None]
    colour: Colour = 0
    dashed: bool = False
    width: int = 2
    axis: int = 0
    format: Formatter | None = None
    markers: bool = False       # a dot on every point (with ``width=0``: dots only, no line)
    legend: bool = True         # False: drawn, but neither in the legend nor in the readout
    extra: Sequence[str] = ()   # per x position, text appended to the readout's line


@dataclass(frozen=True)
class ChartBand:
    """A shaded range between ``low`` and ``high`` at each x position (None: no band there)."""

    low: Sequence[float | None]
    high: Sequence[float | None]
    colour: Colour = 0
    label: str = ""
    alpha: int = 70


@dataclass
class ChartLayout:
    """Where a chart put things (canvas coordinates): for hover look-ups and tests."""

    plot: pygame.Rect
    xs: list[int]
    series: list[ChartSeries]
    ranges: dict[int, tuple[float, float]]  # axis -> (low, high)
    x_labels: list[str]
    points: list[list[tuple[int, int] | None]] = field(default_factory=list)  # per series, per x

    def y_of(self, value: float, axis: int = 0) -> int:
        low, high = self.ranges.get(axis, self.ranges[0])
        share = 0.5 if high == low else (value - low) / (high - low)
        return round(self.plot.bottom - share * self.plot.h)


def resolve_colour(palette: Palette, colour: Colour) -> pygame.Color:
    """A series colour: an index into the palette's series colours, a palette role name, or a
    colour as is."""
    if isinstance(colour, int):
        return palette.colour(colour)
    if isinstance(colour, str):
        value = getattr(palette, colour, None)
        if isinstance(value, pygame.Color):
            return value
        raise ValueError(f"'{colour}' is not a colour of the palette")
    return pygame.Color(colour)


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5, 5 × 10^k apart) covering ``low``..``high``, at most ``most``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if (math.ceil(high / step) - math.floor(low / step)) + 1 <= most:
            break
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 0.999:
        ticks.append(round(value, 12))
        value += step
    return ticks


def tick_format(ticks: Sequence[float]) -> Formatter:
    """A formatter with as many decimals as the tick step needs (thousands separated)."""
    if len(ticks) < 2:
        return figure
    step = abs(ticks[1] - ticks[0])
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 0
    if step > 0 and abs(round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6:
        decimals += 1  # 2.5, 0.25 ...
    return lambda v: plain_number(v, decimals, group=True)


def percent_format(ticks: Sequence[float]) -> Formatter:
    """A formatter for shares (0.25 -> 25%) with as many decimals as the ticks need."""
    step = abs(ticks[1] - ticks[0]) * 100 if len(ticks) > 1 else 1.0
    decimals = 0 if step >= 1 or step == 0 else max(0, -math.floor(math.log10(step)))
    return lambda v: plain_number(v * 100, decimals) + "%"


def _value_range(series: Sequence[ChartSeries], bands: Sequence[ChartBand], axis: int) -> tuple[float, float] | None:
    values = [v for s in series if s.axis == axis for v in s.values if v is not None and math.isfinite(v)]
    if axis == 0:
        values += [v for b in bands for part in (b.low, b.high) for v in part if v is not None and math.isfinite(v)]
    if not values:
        return None
    return min(values), max(values)


def _legend_rows(canvas: Canvas, entries: Sequence[tuple[str, ChartSeries | ChartBand]], width: int) -> list[list[tuple[str, ChartSeries | ChartBand, int]]]:
    f = font(canvas.px(TEXT_SIZE))
    swatch, gap = canvas.px(22), canvas.px(16)
    rows: list[list[tuple[str, ChartSeries | ChartBand, int]]] = [[]]
    used = 0
    for label, item in entries:
        text = fit_text(label, f, max(canvas.px(40), width - swatch - canvas.px(6)))
        w = swatch + canvas.px(6) + f.size(text)[0]
        if rows[-1] and used + gap + w > width:
            rows.append([])
            used = 0
        rows[-1].append((text, item, w))
        used += (gap if used else 0) + w
    return [r for r in rows if r]


def dashed_line(surface: pygame.Surface, colour: pygame.Color, points: Sequence[tuple[int, int]], width: int,
                dash: int, gap: int) -> None:
    """A polyline drawn dashed, the dash pattern running on across its corners."""
    on, phase = True, float(dash)
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        at = 0.0
        while at < length:
            run = min(phase, length - at)
            if on:
                a = (x0 + (x1 - x0) * at / length, y0 + (y1 - y0) * at / length)
                b = (x0 + (x1 - x0) * (at + run) / length, y0 + (y1 - y0) * (at + run) / length)
                pygame.draw.line(surface, colour, a, b, width)
            at += run
            phase -= run
            if phase <= 0:
                on = not on
                phase = float(dash if on else gap)


def _swatch(canvas: Canvas, surface: pygame.Surface, item: ChartSeries | ChartBand, rect: pygame.Rect, palette: Palette) -> None:
    colour = resolve_colour(palette, item.colour)
    if isinstance(item, ChartBand):
        shade = pygame.Surface(rect.size, pygame.SRCALPHA)
        shade.fill((colour.r, colour.g, colour.b, item.alpha * 2))
        surface.blit(shade, rect)
        return
    y = rect.centery
    width = max(1, canvas.px(item.width))
    if item.markers:
        pygame.draw.circle(surface, colour, rect.center, canvas.px(5))
        pygame.draw.circle(surface, CARD, rect.center, canvas.px(2))
        if item.width <= 0:
            return
    if item.dashed:
        dashed_line(surface, colour, [(rect.x, y), (rect.right, y)], width, canvas.px(5), canvas.px(3))
    else:
        pygame.draw.line(surface, colour, (rect.x, y), (rect.right, y), width)


def paint_line_chart(canvas: Canvas, surface: pygame.Surface, series: Sequence[ChartSeries], *, palette: Palette,
                     title: str = "", y_label: str = "", y_label_right: str = "", x_labels: Sequence[str] = (),
                     band: ChartBand | None = None, y_format: Formatter | None = None,
                     y_format_right: Formatter | None = None, percent: bool = False, percent_right: bool = False,
                     marker: int | None = None, empty_text: str = "No data to draw yet") -> ChartLayout:
    """Paint a line chart filling ``surface`` and return where everything went.

    ``x_labels`` name the x positions (seasons); ``len(x_labels)`` (or the longest series) sets
    how many there are. ``percent`` writes the left axis as percentages (for shares);
    ``y_format`` overrides the tick format. ``marker`` draws a vertical line at an x position
    (e.g. "now" on a forecast). A chart with no drawable value says ``empty_text``."""
    px = canvas.px
    w, h = surface.get_size()
    series = list(series)
    bands = [band] if band is not None else []
    n = max([len(x_labels)] + [len(s.values) for s in series] + [len(b.low) for b in bands] + [0])
    text_font, small = font(px(TEXT_SIZE)), font(px(SMALL_SIZE))
    pad = px(8)
    y = pad
    if title:
        rect = canvas.text(surface, fit_text(title, font(px(TITLE_SIZE), bold=True), w - 2 * pad), (pad, y), TITLE_SIZE, INK, bold=True)
        y = rect.bottom + px(4)

    # Legend.
    entries: list[tuple[str, ChartSeries | ChartBand]] = [(s.label, s) for s in series if s.label and s.legend]
    entries += [(b.label, b) for b in bands if b.label]
    legend = _legend_rows(canvas, entries, w - 2 * pad)
    line_h = text_font.get_linesize()
    # Never let the legend crowd out the plot: keep the rows that leave it room.
    room = (h - y - px(70) - 2 * line_h) // max(1, line_h)
    legend = legend[:max(1, room)]
    for row in legend:
        x = pad
        for text, item, width in row:
            _swatch(canvas, surface, item, pygame.Rect(x, y + line_h // 2 - px(4), px(22), px(8)), palette)
            canvas.text(surface, text, (x + px(28), y), TEXT_SIZE, INK)
            x += width + px(16)
        y += line_h
    if legend:
        y += px(2)

    # Axes' ranges and ticks.
    ranges: dict[int, tuple[float, float]] = {}
    ticks: dict[int, list[float]] = {}
    formats: dict[int, Formatter] = {}
    usable_h = max(px(40), h - y - line_h * 2 - pad)
    most = max(3, min(7, usable_h // max(1, px(36))))
    for axis, given, as_share in ((0, y_format, percent), (1, y_format_right, percent_right)):
        span = _value_range(series, bands, axis)
        if span is None:
            continue
        t = nice_ticks(span[0], span[1], most)
        ticks[axis] = t
        ranges[axis] = (t[0], t[-1])
        formats[axis] = given or (percent_format(t) if as_share else tick_format(t))
    if 0 not in ranges and 1 in ranges:  # only right-axis series: draw them on the left
        series = [dataclasses.replace(s, axis=0) for s in series]
        ranges[0], ticks[0], formats[0] = ranges.pop(1), ticks.pop(1), formats.pop(1)
        y_label, y_label_right = y_label_right or y_label, ""
    left_w = max([small.size(formats[0](t))[0] for t in ticks.get(0, [])] + [0]) + px(8)
    right_w = max([small.size(formats[1](t))[0] for t in ticks.get(1, [])] + [0]) + px(8) if 1 in ranges else pad
    axis_label_h = line_h if (y_label or y_label_right) else 0
    plot = pygame.Rect(pad + left_w, y + axis_label_h + px(6), 0, 0)
    plot.width = max(px(20), w - plot.x - right_w - pad)
    plot.height = max(px(20), h - plot.y - small.get_linesize() - px(6) - pad)
    if y_label:
        canvas.text(surface, fit_text(y_label, small, plot.w // (2 if y_label_right else 1)), (pad, y), SMALL_SIZE, palette.neutral)
    if y_label_right and 1 in ranges:
        canvas.text(surface, fit_text(y_label_right, small, plot.w // 2), (w - pad, y), SMALL_SIZE, palette.neutral, anchor="topright")

    xs = [plot.x + (plot.w // 2 if n <= 1 else round(i * plot.w / (n - 1))) for i in range(n)]
    layout = ChartLayout(plot, xs, series, ranges or {0: (0.0, 1.0)}, list(x_labels))
    pygame.draw.rect(surface, CARD, plot)

    if not ranges or n == 0:
        canvas.text(surface, empty_text, plot.center, TEXT_SIZE, palette.neutral, anchor="center")
        pygame.draw.rect(surface, palette.grid, plot, 1)
        return layout

    # Grid and tick labels.
    for value in ticks[0]:
        gy = layout.y_of(value, 0)
        pygame.draw.line(surface, palette.grid, (plot.x, gy), (plot.right, gy), 1)
        canvas.text(surface, formats[0](value), (plot.x - px(5), gy), SMALL_SIZE, palette.neutral, anchor="midright")
    for value in ticks.get(1, []):
        canvas.text(surface, formats[1](value), (plot.right + px(5), layout.y_of(value, 1)), SMALL_SIZE, palette.neutral, anchor="midleft")
    labels = list(x_labels)
    if labels:
        widest = max(small.size(s)[0] for s in labels) + px(10)
        every = max(1, math.ceil(widest / max(1, plot.w / max(1, n - 1)))) if n > 1 else 1
        wanted = list(range(0, min(n, len(labels)), every))
        if n - 1 not in wanted and n - 1 < len(labels):
            wanted.append(n - 1)
        placed: list[tuple[int, pygame.Rect]] = []
        for i in wanted:  # each label centred under its tick, kept inside the canvas, never touching the last
            rect = pygame.Rect(0, plot.bottom + px(5), *small.size(labels[i]))
            rect.centerx = xs[i]
            rect.clamp_ip(surface.get_rect())
            if placed and rect.left < placed[-1][1].right + px(8):
                if i != n - 1:
                    continue
                placed.pop()  # the last season matters more than the one before it
                if placed and rect.left < placed[-1][1].right + px(8):
                    continue
            placed.append((i, rect))
        for i, rect in placed:
            pygame.draw.line(surface, palette.grid, (xs[i], plot.bottom), (xs[i], plot.bottom + px(4)), 1)
            canvas.text(surface, labels[i], rect.topleft, SMALL_SIZE, palette.neutral)
    if marker is not None and 0 <= marker < n:
        dashed_line(surface, palette.neutral, [(xs[marker], plot.y), (xs[marker], plot.bottom)], 1, px(4), px(4))

    # The band, then the lines.
    clip = surface.get_clip()
    surface.set_clip(plot.inflate(px(4), px(4)))
    for b in bands:
        colour = resolve_colour(palette, b.colour)
        shade = pygame.Surface(plot.size, pygame.SRCALPHA)
        for run in _runs([(lo, hi) if lo is not None and hi is not None else None for lo, hi in zip(b.low, b.high)]):
            top = [(xs[i] - plot.x, layout.y_of(hi, 0) - plot.y) for i, (lo, hi) in run]
            bottom = [(xs[i] - plot.x, layout.y_of(lo, 0) - plot.y) for i, (lo, hi) in reversed(run)]
            if len(run) == 1:
                (x0, y0), (_, y1) = top[0], bottom[0]
                pygame.draw.rect(shade, (colour.r, colour.g, colour.b, b.alpha), pygame.Rect(x0 - px(6), y0, px(12), max(1, y1 - y0)))
            else:
                pygame.draw.polygon(shade, (colour.r, colour.g, colour.b, b.alpha), top + bottom)
        surface.blit(shade, plot.topleft)
    for s in series:
        colour = resolve_colour(palette, s.colour)
        width = max(1, px(s.width))
        pts: list[tuple[int, int] | None] = []
        for i, v in enumerate(s.values[:n]):
            pts.append((xs[i], layout.y_of(v, s.axis)) if v is not None and math.isfinite(v) else None)
        layout.points.append(pts)
        for run in _runs(pts):
            line = [p for _, p in run]
            if s.markers:
                for p in line:
                    pygame.draw.circle(surface, colour, p, px(5))
                    pygame.draw.circle(surface, CARD, p, px(2))
                if s.width <= 0:
                    continue
            if len(line) == 1:
                pygame.draw.circle(surface, colour, line[0], max(2, width + 1))
            elif s.dashed:
                dashed_line(surface, colour, line, width, px(7), px(5))
            else:
                pygame.draw.lines(surface, colour, False, line, width)
    surface.set_clip(clip)
    pygame.draw.line(surface, palette.neutral, plot.bottomleft, plot.bottomright, 1)
    pygame.draw.line(surface, palette.neutral, plot.topleft, plot.bottomleft, 1)
    if 1 in ranges:
        pygame.draw.line(surface, palette.neutral, plot.topright, plot.bottomright, 1)
    return layout


def _runs(items: Sequence) -> list[list[tuple[int, object]]]:
    """Consecutive non-None items, as lists of (index, item)."""
    runs: list[list[tuple[int, object]]] = []
    current: list[tuple[int, object]] = []
    for i, item in enumerate(items):
        if item is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, item))
    if current:
        runs.append(current)
    return runs


def nearest_index(layout: ChartLayout | None, pos: tuple[int, int], reach: int | None = None) -> int | None:
    """The x position (index) nearest ``pos`` (canvas coordinates), or None off the plot."""
    if layout is None or not layout.xs:
        return None
    reach = layout.plot.w // 40 + 6 if reach is None else reach
    if not layout.plot.inflate(2 * reach, 2 * reach).collidepoint(pos):
        return None
    return min(range(len(layout.xs)), key=lambda i: abs(layout.xs[i] - pos[0]))


def column_lines(layout: ChartLayout, index: int) -> list[tuple[int, str]]:
    """(series number, "label: value") for every series with a value at x position ``index``."""
    out = []
    for number, s in enumerate(layout.series):
        value = s.values[index] if index < len(s.values) else None
        extra = s.extra[index] if index < len(s.extra) else ""
        if s.legend and value is not None and math.isfinite(value):
            out.append((number, f"{s.label}: {s.format(value) if s.format else figure(value)}{extra}"))
        elif s.legend and extra:
            out.append((number, f"{s.label}: –{extra}"))
    return out


def draw_column_readout(canvas: Canvas, surface: pygame.Surface, layout: ChartLayout, index: int, palette: Palette) -> pygame.Rect | None:
    """Every series' value at x position ``index``: a line down the plot, a dot on each series
    and a box (beside the line, inside the canvas) with the x label and one line per series.
    Returns the box, or None when ``index`` is off the chart."""
    if not 0 <= index < len(layout.xs):
        return None
    px = canvas.px
    x = layout.xs[index]
    dashed_line(surface, palette.neutral, [(x, layout.plot.y), (x, layout.plot.bottom)], 1, px(3), px(3))
    for number, pts in enumerate(layout.points):
        p = pts[index] if index < len(pts) else None
        if p is not None:
            pygame.draw.circle(surface, resolve_colour(palette, layout.series[number].colour), p, px(4))
            pygame.draw.circle(surface, CARD, p, px(2))
    lines = column_lines(layout, index)
    f, bold = font(px(SMALL_SIZE)), font(px(SMALL_SIZE), bold=True)
    limit = max(px(120), min(surface.get_width() * 3 // 5, px(420)))
    title = layout.x_labels[index] if index < len(layout.x_labels) else str(index)
    texts = [fit_text(text, f, limit - px(24)) for _, text in lines] or ["no value"]
    line_h = f.get_linesize()
    width = max([bold.size(title)[0]] + [f.size(t)[0] + px(16) for t in texts]) + px(14)
    box = pygame.Rect(0, 0, width, line_h * (len(texts) + 1) + px(8))
    box.top = layout.plot.y + px(6)
    if x > layout.plot.centerx:  # on the side of the line with more room
        box.right = x - px(10)
    else:
        box.left = x + px(10)
    box.clamp_ip(surface.get_rect())
    pygame.draw.rect(surface, CARD, box, border_radius=px(4))
    pygame.draw.rect(surface, palette.neutral, box, 1, border_radius=px(4))
    canvas.text(surface, title, (box.x + px(7), box.y + px(4)), SMALL_SIZE, INK, bold=True)
    for row, text in enumerate(texts):
        y = box.y + px(4) + line_h * (row + 1)
        if lines:
            colour = resolve_colour(palette, layout.series[lines[row][0]].colour)
            pygame.draw.rect(surface, colour, pygame.Rect(box.x + px(7), y + line_h // 2 - px(4), px(10), px(8)))
        canvas.text(surface, text, (box.x + px(7) + (px(16) if lines else 0), y), SMALL_SIZE, INK)
    return box
