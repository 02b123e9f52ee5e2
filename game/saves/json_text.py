"""Reading JSON text that may be damaged, for every reader of the game's JSON files (saves,
settings).

:func:`json.loads` reports bad syntax as :class:`json.JSONDecodeError`, with its place; but two
other damages escape that: a number of more than 4,300 digits (a plain :class:`ValueError`, as
Python refuses to convert it) and nesting deeper than the interpreter's recursion limit (a
:class:`RecursionError`). :func:`read_json` turns those two into :class:`JsonTooHard`, located
too, so that a reader catches two exceptions and says where the file is damaged.
"""

from __future__ import annotations

import json
from typing import Any

from game.rules.reading import MAX_DIGITS, long_number


class JsonTooHard(ValueError):
    """JSON that is well formed but that :mod:`json` cannot read: nested too deeply, or with a
    number too long to convert. ``reason`` says which in plain words, ``line``/``col`` where."""

    def __init__(self, line: int, col: int, reason: str, too_deep: bool) -> None:
        super().__init__(reason)
        self.line = line
        self.col = col
        self.reason = reason
        self.too_deep = too_deep


def read_json(text: str) -> Any:
    """``json.loads(text)``; raises :class:`json.JSONDecodeError` for bad syntax and
    :class:`JsonTooHard` for nesting too deep or a number too long, never anything else."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise JsonTooHard(1, 1, "the JSON is nested too deeply", too_deep=True) from None
    except ValueError:  # json, like tomllib, refuses an integer of more than 4,300 digits
        line, col = long_number(text)
        raise JsonTooHard(line, col, f"a number with more than {MAX_DIGITS:,} digits is too long to read", too_deep=False) from None
