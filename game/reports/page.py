"""The frame of a report page: escaping, the style sheet (screen and print), headings, tables,
and the numbered list of sources that claims point to.

A report is one static HTML file: no script, no font, picture or style from the network, so it
opens offline, in any browser, and prints. Every piece of text that came from a file (a player's
name, a written answer, a file name, the rules' words) passes through :func:`esc`: its control
characters shown as escapes (:mod:`game.textsafe`), then its HTML markup characters escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from game.textsafe import escape_controls


def esc(text: object) -> str:
    """``text`` safe inside HTML (and inside an attribute's quotes): controls shown as escapes,
    then ``& < > " '`` escaped."""
    return html.escape(escape_controls(str(text), keep_lines=True), quote=True)


# The style sheet. The colours of the lines are the Okabe-Ito palette (safe with the common kinds
# of colour blindness); every line also has its own dash pattern, so a chart printed in black and
# white still tells its lines apart.
STYLE = """
:root { --ink: #1f1d1a; --muted: #5d5a53; --paper: #fffdf8; --rule: #d8d0bf; --good: #1b6e3a; --bad: #a0281e; }
* { box-sizing: border-box; }
body { font: 16px/1.45 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: var(--ink); background: var(--paper);
       margin: 0 auto; max-width: 68rem; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
p { margin: .4rem 0; }
.sub { color: var(--muted); margin: 0 0 1rem; }
.verdict { font-size: 1.15rem; font-weight: bold; }
.holds { color: var(--good); } .breaks { color: var(--bad); }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f1ebdd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.changed { font-weight: bold; }
td.quiet { color: var(--muted); }
.better { color: var(--good); } .worse { color: var(--bad); }
.wide { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
.charts.whole { grid-template-columns: 1fr; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: .85rem; color: var(--muted); }
svg.chart { width: 100%; height: auto; background: #fff; border: 1px solid var(--rule); }
svg.chart text { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; fill: var(--ink); }
.cite { font-size: .8em; vertical-align: super; line-height: 0; text-decoration: none; color: var(--muted); }
.causes { margin: .2rem 0 .8rem 1.2rem; padding: 0; list-style: none; font-size: .92rem; }
.causes li { margin: .1rem 0; }
.part { display: inline-block; min-width: 4.5em; font-variant-numeric: tabular-nums; }
.answer { white-space: pre-wrap; background: #f6f1e6; border-left: 3px solid var(--rule); padding: .3rem .6rem; margin: .2rem 0 .8rem; }
.empty { color: var(--muted); font-style: italic; }
ol.sources { font-size: .88rem; }
.note { font-size: .9rem; color: var(--muted); }
@media print {
  body { background: #fff; max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, .turning, .answer { break-inside: avoid; page-break-inside: avoid; }
  .charts { display: block; }
  .charts figure { margin: 0 0 .6rem; }
  svg.chart { border: none; max-height: 9cm; }
  a { color: inherit; text-decoration: none; }
  .wide { overflow: visible; }
  .noprint { display: none; }
}
@page { size: A4; margin: 15mm; }
"""


@dataclass
class Sources:
    """The numbered sources of a page: each distinct citation gets a number the first time it is
    cited, and the list at the end of the page holds them all."""

    items: list[str] = field(default_factory=list)

    def ref(self, citation: str) -> str:
        """A superscript link '[n]' to ``citation`` in the list ('' for an empty citation)."""
        if not citation:
            return ""
        if citation not in self.items:
            self.items.append(citation)
        n = self.items.index(citation) + 1
        return f'<a class="cite" href="#source-{n}" title="{esc(citation)}">[{n}]</a>'

    def section(self, heading: str = "Sources") -> str:
        if not self.items:
            return ""
        rows = "".join(f'<li id="source-{n}">{esc(c)}</li>' for n, c in enumerate(self.items, 1))
        return (f'<section id="sources"><h2>{esc(heading)}</h2><p class="note">Every claim above that rests on a source '
                f'points here; the line numbers are those of the source files the rules cite.</p><ol class="sources">{rows}</ol></section>')


def document(title: str, body: Iterable[str]) -> str:
    """A whole HTML page: the title, the style sheet and the body's parts."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"Smychka\">\n"
            f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(part for part in body if part) + "\n</body>\n</html>\n")


def table(head: Sequence[str], rows: Iterable[Sequence[object]], numeric: Sequence[bool] = (), cls: str = "") -> str:
    """A table; ``head`` and the cells are HTML already (escape text with :func:`esc`). A cell
    given as ``(html, css class)`` gets that class."""
    def cell(tag: str, index: int, value: object) -> str:
        classes = []
        if index < len(numeric) and numeric[index]:
            classes.append("num")
        if isinstance(value, tuple):
            value, extra = value
            if extra:
                classes.append(extra)
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return f"<{tag}{attr}>{value}</{tag}>"
    top = "".join(cell("th", i, h) for i, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="wide"><table{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table></div>'


def section(heading: str, *parts: str, ident: str = "") -> str:
    """A section with its heading (text, escaped here) and parts (HTML); nothing when no part
    has anything in it."""
    inner = "".join(p for p in parts if p)
    if not inner:
        return ""
    attr = f' id="{esc(ident)}"' if ident else ""
    return f"<section{attr}><h2>{esc(heading)}</h2>{inner}</section>"
