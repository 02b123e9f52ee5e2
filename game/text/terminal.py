"""The terminal the text mode writes to: its width (lines are wrapped to it; 80 columns work),
whether it can print the game's characters (else an ASCII fallback: '->' for '→', '-' for '−',
Cyrillic transliterated), and text from files printed with control characters escaped.
"""

from __future__ import annotations

import codecs
import os
import sys
import textwrap
import unicodedata
from typing import TextIO

from game.textsafe import escape_controls

MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 40, 100, 80
# Characters the game's text uses, checked against the terminal's encoding.
PROBE = "−→…—“”’÷×·•▁█±≥≤"

# Columns a question leaves free on its last line for the answer typed after it (a lever's
# value, y or n, a short name), so that the answer does not run past the edge.
ANSWER_ROOM = 10

ASCII = {
    "−": "-", "–": "-", "—": "--", "→": "->", "←": "<-", "…": "...", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "‘": "'", "’": "'", "÷": "/", "×": "x", "·": "*", "•": "*", "±": "+/-", "≥": ">=", "≤": "<=", "∞": "inf",
    "°": " deg", "§": "S", "\u00a0": " ", "\u202f": " ", "≈": "~", "✓": "v", "✗": "x",
    "▁": "_", "▂": ".", "▃": ":", "▄": "-", "▅": "=", "▆": "+", "▇": "*", "█": "#",
}
_CYRILLIC = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts",
     "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def _cyrillic(ch: str) -> str | None:
    low = ch.lower()
    if low not in _CYRILLIC:
        return None
    out = _CYRILLIC[low]
    return out.capitalize() if ch != low else out


def to_ascii(text: str) -> str:
    """``text`` in ASCII: the game's symbols spelled out, Cyrillic transliterated, accents
    dropped, anything else as '?'."""
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        elif ch in ASCII:
            out.append(ASCII[ch])
        elif (latin := _cyrillic(ch)) is not None:
            out.append(latin)
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 128)
            out.append(plain or "?")
    return "".join(out)


def terminal_width(out: TextIO) -> int:
    """The width to wrap to: $COLUMNS, else the terminal's (for a terminal), else 80."""
    columns = os.environ.get("COLUMNS", "")
    width = int(columns) if columns.isdigit() else 0
    if not width:
        try:  # (as shutil.get_terminal_size asks, without importing shutil and its archivers)
            width = (os.get_terminal_size(sys.__stdout__.fileno()).columns or DEFAULT_WIDTH) if out.isatty() else DEFAULT_WIDTH  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            width = DEFAULT_WIDTH
    return max(MIN_WIDTH, min(MAX_WIDTH, width))


def can_print(out: TextIO) -> bool:
    """Can ``out`` print the game's characters? (A stream with no encoding, such as a test's
    buffer, is taken to be Unicode.)"""
    encoding = getattr(out, "encoding", None)
    if not encoding:
        return True
    try:
        codecs.encode(PROBE, encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


class Terminal:
    """Writes lines to ``out``, wrapped to its width and in characters it can print."""

    def __init__(self, out: TextIO, width: int | None = None, ascii_only: bool | None = None) -> None:
        self.out = out
        self.width = width or terminal_width(out)
        self.ascii = (not can_print(out)) if ascii_only is None else ascii_only

    def clean(self, text: str) -> str:
        text = escape_controls(text, keep_lines=True)
        return to_ascii(text) if self.ascii else text

    def write(self, text: str) -> None:
        """Write ``text`` as it is (cleaned, not wrapped)."""
        self.out.write(self.clean(text))

    def line(self, text: str = "") -> None:
        """One line, cut to the width if it would run over (for tables; prose uses :meth:`para`)."""
        text = self.clean(text)
        if len(text) > self.width:
            text = text[: self.width - 1] + ("~" if self.ascii else "…")
        self.out.write(text + "\n")

    def para(self, text: str, indent: str = "", hang: str | None = None, keep_spaces: bool = False) -> None:
        """A paragraph wrapped to the width: the first line at ``indent``, the rest at ``hang``
        (default: the same indent). Blank lines in ``text`` separate paragraphs; runs of spaces
        are kept with ``keep_spaces`` (for aligned columns)."""
        hang = indent if hang is None else hang
        for paragraph in self.clean(text).strip("\n").split("\n\n"):
            words = paragraph.replace("\n", " ") if keep_spaces else " ".join(paragraph.split())
            if not words:
                continue
            # A word longer than a line (a path) stays whole on a line of its own, never cut.
            for row in textwrap.wrap(words, width=self.width, initial_indent=indent, subsequent_indent=hang,
                                     break_on_hyphens=False, break_long_words=False) or [indent]:
                if len(row) > self.width:
                    row = row.lstrip()  # a long word alone: at the margin rather than indented past the edge
                self.out.write(row + "\n")

    def prompt(self, text: str) -> None:
        """A question with the cursor after it. One that leaves no room on its line for a short
        answer (a path in it) wraps like a paragraph, at the question's own indent, with the
        answer on its last line."""
        text = self.clean(escape_controls(text))
        if len(text) + ANSWER_ROOM <= self.width:
            self.out.write(text)
            return
        indent = text[: len(text) - len(text.lstrip())]
        rows = textwrap.wrap(text, width=self.width - ANSWER_ROOM, subsequent_indent=indent, break_on_hyphens=False,
                             break_long_words=False) or [text]
        for row in rows[:-1]:
            self.out.write(row + "\n")
        self.out.write(rows[-1] + " ")

    def lines(self, rows: list[str]) -> None:
        for row in rows:
            self.line(row)
