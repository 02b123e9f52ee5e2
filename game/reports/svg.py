"""Line charts drawn as SVG by the report itself (no script, no library): a y axis with round
ticks written by the presentation layer's number formats, seasons along the bottom, a legend,
and lines told apart by colour *and* dash pattern so that they survive a black-and-white print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from game.reports.page import esc

# Okabe-Ito, without its yellow (too pale on white paper), then a grey for history's line.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
DASHES = ("", "7 3", "2 3", "9 3 2 3", "4 4", "12 4", "1 2")
HISTORY_COLOUR = "#6d6a63"
HISTORY_DASH = "6 4"

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 38, 46


@dataclass(frozen=True)
class Line:
    """One line of a chart. ``values`` has one entry per x label (NaN: no point there)."""

    label: str
    values: tuple[float, ...]
    style: int = 0            # its colour and dash, by index; -1: history's grey dashes
    mark: str = ""            # a short mark written at the line's end (a student's number)
    width: float = 2.2


def stroke(style: int) -> tuple[str, str]:
    """A line's colour and SVG dash pattern ('' for solid) by its style index."""
    if style < 0:
        return HISTORY_COLOUR, HISTORY_DASH
    return COLOURS[style % len(COLOURS)], DASHES[(style // len(COLOURS) + style) % len(DASHES)]


def nice_ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round values from at or below ``low`` to at or above ``high``, at most ``most`` + 1."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-12 * max(1.0, abs(high)):
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    ticks = []
    value = first
    while value < high + step * 0.999:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks


def _points(values: Sequence[float], x: Callable[[int], float], y: Callable[[float], float]) -> list[list[tuple[float, float]]]:
    """The line's runs of finite points (a NaN breaks the line)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if math.isfinite(v):
            runs[-1].append((x(i), y(v)))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def line_chart(title: str, xlabels: Sequence[str], lines: Sequence[Line], tick_text: Callable[[float], str],
               ident: str = "", legend: bool = True) -> str:
    """An SVG line chart. ``tick_text`` writes a y value (the presentation layer's format for the
    variable). ``ident`` goes into ``data-chart`` (what tests look for)."""
    finite = [v for line in lines for v in line.values if math.isfinite(v)]
    ticks = nice_ticks(min(finite, default=0.0), max(finite, default=1.0))
    low, high = ticks[0], ticks[-1]
    n = max(1, len(xlabels) - 1)
    right = RIGHT + (26 if any(line.mark for line in lines) else 0)
    plot_w, plot_h = WIDTH - LEFT - right, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + plot_w * i / n

    def y(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{esc(title)}" data-chart="{esc(ident)}" data-lines="{len(lines)}">',
           f"<title>{esc(title)}</title>",
           f'<text x="{LEFT}" y="18" font-size="15" font-weight="bold">{esc(title)}</text>']
    for t in ticks:
        ty = y(t)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e3dccd" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" font-size="12" text-anchor="end">{esc(tick_text(t))}</text>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#1f1d1a" stroke-width="1"/>')
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - right}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#1f1d1a" stroke-width="1"/>')
    # Every how many seasons a label fits (a label is about 7 units a character wide, and centred).
    widest = max((len(label) for label in xlabels), default=1) * 7 + 14
    every = max(1, math.ceil(widest / (plot_w / n)))
    for i, label in enumerate(xlabels):
        if i % every:
            continue
        out.append(f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{TOP + plot_h}" y2="{TOP + plot_h + 4}" stroke="#1f1d1a"/>')
        out.append(f'<text x="{x(i):.1f}" y="{TOP + plot_h + 18}" font-size="12" text-anchor="middle">{esc(label)}</text>')
    for line in lines:
        colour, dash = stroke(line.style)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        runs = _points(line.values, x, y)
        out.append(f'<g class="line" data-label="{esc(line.label)}">')
        for run in runs:
            if len(run) == 1:
                px, py = run[0]
                out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.5" fill="{colour}"/>')
                continue
            d = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="{line.width}"{dashed} '
                       f'stroke-linejoin="round" points="{d}"/>')
        if line.mark and runs:
            px, py = runs[-1][-1]
            out.append(f'<text x="{px + 4:.1f}" y="{py + 4:.1f}" font-size="11" fill="{colour}">{esc(line.mark)}</text>')
        out.append("</g>")
    if legend:
        lx = LEFT
        ly = HEIGHT - 10
        for line in lines:
            colour, dash = stroke(line.style)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<line x1="{lx}" x2="{lx + 26}" y1="{ly - 4}" y2="{ly - 4}" stroke="{colour}" stroke-width="2.5"{dashed}/>')
            out.append(f'<text x="{lx + 31}" y="{ly}" font-size="12">{esc(line.label)}</text>')
            lx += 31 + 7 * len(line.label) + 18
    out.append("</svg>")
    return "\n".join(out)
