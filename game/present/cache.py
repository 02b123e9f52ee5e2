"""Things worked out once per rule set or per model (an index, compiled story formulas), kept
as long as their owner lives."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_CACHE: dict[tuple[int, str], tuple[weakref.ref[Any], Any]] = {}


def once_per(owner: object, key: str, build: Callable[[], T]) -> T:
    """``build()`` the first time for ``owner`` (a rule set, a model), the same result after."""
    slot = (id(owner), key)
    hit = _CACHE.get(slot)
    if hit is not None and hit[0]() is owner:
        return hit[1]  # type: ignore[no-any-return]
    value = build()
    _CACHE[slot] = (weakref.ref(owner, lambda _ref, slot=slot: _CACHE.pop(slot, None)), value)
    return value
