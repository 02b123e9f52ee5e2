"""Dataclasses made when first used: ``@dataclass`` as the standard library's, deferred.

Making a dataclass writes the source of its ``__init__``, ``__repr__``, ``__eq__`` (and, when
frozen, ``__hash__``, ``__setattr__`` and ``__delattr__``) and compiles each: about a millisecond
a class on a slow machine, and the game declares over a hundred of them. Most are not used on
the way to the first prompt (the season reports, the saves, the forecast's tables), so the
decorator here makes each class a dataclass -- with :func:`dataclasses.dataclass` itself, with
the same options -- only when something first needs it to be one: an instance is made (its
``__init__`` or ``__new__``), or something asks for its fields (``__dataclass_fields__``, which
:func:`dataclasses.fields`, :func:`dataclasses.is_dataclass` and a dataclass made from it read).
From then on the class is exactly what ``dataclasses.dataclass`` would have made at import.

A class that defines its own ``__init__`` or ``__new__``, or asks for ``slots`` (a new class),
is made at once, as before. Type checkers see :func:`dataclasses.dataclass` itself.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

__all__ = ["dataclass", "field", "made"]

field = dataclasses.field

# Pending classes: class -> the options given to the decorator (None once made).
_PENDING: dict[type, dict[str, Any]] = {}
_STUBS = ("__init__", "__setstate__", "__dataclass_fields__")


def made(cls: type) -> type:
    """Make ``cls`` the dataclass it was declared as, if it is not one yet; returns it."""
    options = _PENDING.pop(cls, None)
    if options is None:
        return cls
    for name in _STUBS:
        if name in cls.__dict__:
            delattr(cls, name)
    return dataclasses.dataclass(cls, **options)


class _Fields:
    """Stands for a pending class's ``__dataclass_fields__``: reading it makes the class."""

    def __init__(self, owner: type) -> None:
        self.owner = owner

    def __get__(self, instance: object, kind: type | None = None) -> Any:
        made(self.owner)
        return (kind if kind is not None else type(instance)).__dataclass_fields__  # type: ignore[attr-defined]


def _defer(cls: type, options: dict[str, Any]) -> type:
    if options.get("slots") or any(name in base.__dict__ and base not in _PENDING
                                   for base in cls.__mro__[:-1] for name in ("__init__", "__new__", "__setstate__")):
        return dataclasses.dataclass(cls, **options)
    _PENDING[cls] = options

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        made(cls).__init__(self, *args, **kwargs)  # type: ignore[misc]

    def __setstate__(self: Any, state: Any) -> None:  # (unpickled or copied before any was made)
        made(cls)
        state, slots = state if isinstance(state, tuple) else (state, None)
        self.__dict__.update(state or {})
        for name, value in (slots or {}).items():
            object.__setattr__(self, name, value)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __setstate__.__qualname__ = f"{cls.__qualname__}.__setstate__"
    type.__setattr__(cls, "__init__", __init__)
    type.__setattr__(cls, "__setstate__", __setstate__)
    type.__setattr__(cls, "__dataclass_fields__", _Fields(cls))
    return cls


if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    def dataclass(cls=None, /, **options):
        """:func:`dataclasses.dataclass`, applied when the class is first used."""
        if cls is None:
            return lambda c: _defer(c, options)
        return _defer(cls, options)
