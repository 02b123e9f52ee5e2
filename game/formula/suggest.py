"""'Did you mean …?' for unknown names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ``"; did you mean 'x'?"`` suffix for the closest known name, or ``""``."""
    matches = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return f"; did you mean '{matches[0]}'?" if matches else ""
