"""Where each key and value of a JSON document stands (line and column).

:mod:`json` parses JSON but forgets positions. This scanner reads text that ``json`` has already
accepted and records, for every key path (``("states", 3, "values", "stock")``), where its key
and its value begin, as :class:`~game.rules.locate.Locations` — the same positions the rule files
use — so that a problem found in a save by pydantic or a later check is placed at FILE:LINE:COL.
Only a save with a problem is ever scanned.
"""

from __future__ import annotations

import bisect
from json.decoder import scanstring  # type: ignore[attr-defined]  # (public, but not in the stubs)

from game.rules.locate import Locations, Path, Position

_WHITESPACE = " \t\n\r"
_VALUE_END = ",]} \t\n\r"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.line_starts = [0] + [n + 1 for n, ch in enumerate(text) if ch == "\n"]
        self.positions: dict[Path, Position] = {}

    def where(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character ``offset``."""
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def skip_ws(self) -> None:
        text, i = self.text, self.i
        while i < len(text) and text[i] in _WHITESPACE:
            i += 1
        self.i = i

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def run(self) -> dict[Path, Position]:
        """Scan the whole document; iterative, so any depth of nesting is safe."""
        # Each open container: (path, is_object, next list index).
        stack: list[tuple[Path, bool, int]] = []
        self.skip_ws()
        self.value((), self.where(self.i), stack)
        while stack:
            self.skip_ws()
            path, is_object, index = stack[-1]
            ch = self.peek()
            if ch == ",":
                self.i += 1
                self.skip_ws()
            elif ch in "]}":
                self.i += 1
                stack.pop()
                continue
            elif not ch:
                break  # not valid JSON after all; keep what was found
            if is_object:
                key_at = self.where(self.i)
                if self.peek() != '"':
                    break
                key, self.i = scanstring(self.text, self.i + 1)
                self.skip_ws()
                self.i += 1  # the colon
                self.skip_ws()
                self.value(path + (key,), key_at, stack)
            else:
                stack[-1] = (path, False, index + 1)
                self.value(path + (index,), self.where(self.i), stack)
        return self.positions

    def value(self, path: Path, key_at: tuple[int, int], stack: list[tuple[Path, bool, int]]) -> None:
        """Record where the value at ``path`` starts and step over it (or into it: a container
        is pushed on ``stack``, and :meth:`run` reads its items)."""
        line, col = self.where(self.i)
        self.positions[path] = Position(key_at[0], key_at[1], line, col)
        ch = self.peek()
        if ch in ("{", "["):
            self.i += 1
            stack.append((path, ch == "{", 0))
        elif ch == '"':
            _text, self.i = scanstring(self.text, self.i + 1)
        else:
            text, i = self.text, self.i
            while i < len(text) and text[i] not in _VALUE_END:
                i += 1
            self.i = i


def locate_json(text: str) -> Locations:
    """The positions of every key and value in JSON ``text`` (a valid document)."""
    return Locations(_Scanner(text).run())
