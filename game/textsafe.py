"""Text from files, made safe to print: every control character shown as an escape, never obeyed.

A save's player name, a scenario's title, a rule's label, a file name on disk: any of them can
carry terminal escape sequences (``ESC [ 2 K`` erases a line, ``ESC ] ...`` sets the window
title), a carriage return that draws over what was printed, or a right-to-left override that
shows a line backwards. :func:`escape_controls` turns each such character into visible text
(``\\x1b``, ``\\r``, ``\\u202e``), so that what reaches a terminal is exactly what the file says
and nothing more. Every front end prints text that came from a file through it (the text mode's
``say``, the command line's output stream, :class:`~game.rules.problems.Problem`).

It also makes the text encodable: a file name that is not valid UTF-8 reaches Python as lone
surrogates (``\\udcff`` for the byte 0xff), which no terminal encoding accepts; they are shown as
the bytes they stand for (``\\xff``).
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 controls (but \n and \t, kept when asked), DEL, C1 controls (U+0080..U+009F: U+009B is a
# terminal's CSI), the line and paragraph separators, the bidirectional embeddings, overrides and
# isolates that reorder how a line reads, and lone surrogates. Every one of them is a character
# str.isprintable() refuses, so a printable text (most of them) is returned without a search;
# the patterns are compiled when first needed (a range of this size costs as much to compile
# as a hundred small patterns).
_UNSAFE = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_UNSAFE_KEEPING_LINES = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
_compiled: dict[str, re.Pattern[str]] = {}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b", "\x00": "\\x00"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as Python's file names carry it
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape_controls(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``, ``\\u202e``).

    With ``keep_lines``, newlines and tabs are kept as they are: for text the game lays out in
    lines itself (a summary of several paragraphs); every other control is still escaped. Without
    it (the default: names, titles, paths, messages of one line) a newline shows as ``\\n`` too,
    so that no file can start a line of its own in the game's output."""
    if text.isprintable() or (keep_lines and text.replace("\n", "").replace("\t", "").isprintable()):
        return text
    source = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    pattern = _compiled.get(source)
    if pattern is None:
        pattern = _compiled[source] = re.compile(source)
    return pattern.sub(_escape, text) if pattern.search(text) else text


def escape_path(path: object) -> str:
    """A file name or path as a message shows it: ``str(path)`` with its controls escaped."""
    return escape_controls(str(path))


class SafeStream:
    """A text stream that escapes what is written to it (see :func:`escape_controls`, lines kept):
    for a front end whose output is made of the game's own lines and text from files."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(escape_controls(text, keep_lines=True))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)
