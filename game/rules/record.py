"""The base of the rule models: plain, frozen records that need no validation library to exist.

A game that starts from the rules cache (:mod:`game.rules.cache`) only reads models that were
validated before; importing pydantic and building its model classes was a third of start-up.
So the models of :mod:`game.rules.models` are :class:`Record` s: each class lists its fields
(the annotations of its body, with their defaults) and its instances are frozen bags of values
that behave as pydantic's models do where the game uses them (``model_construct``,
``model_copy``, ``model_fields``, ``model_fields_set``, ``model_extra``, equality, hashing,
``repr``, copying and pickling).

Validating is pydantic's, as before: :mod:`game.rules.shapes` builds a pydantic model of the same
name, fields, types, constraints and validators for each record class (the first time anything
is validated) and turns what it validated into records. ``Model(**data)`` and
``Model.model_validate(data)`` validate that way, and raise pydantic's ``ValidationError``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Record")

_REQUIRED: Any = type("Required", (), {"__repr__": lambda self: "<required>", "__slots__": ()})()


class FieldSpec:
    """What a record knows of one of its fields: its default, and its annotation as written."""

    __slots__ = ("default", "annotation")

    def __init__(self, default: Any, annotation: str) -> None:
        self.default = default
        self.annotation = annotation

    def is_required(self) -> bool:
        return self.default is _REQUIRED

    def __repr__(self) -> str:
        return f"FieldSpec(default={self.default!r}, annotation={self.annotation!r})"


def _fresh(value: Any) -> Any:
    """A default as a new instance gets it: an empty list, dict or set of its own (as pydantic
    copies a mutable default)."""
    kind = type(value)
    if kind is list or kind is dict or kind is set:
        return value.copy() if not value else copy.deepcopy(value)
    return value


def validator(field: str, mode: str = "after") -> Callable[[Callable[..., Any]], Any]:
    """Mark a classmethod of a record class as a validator of ``field`` (pydantic's
    ``field_validator``, applied by :mod:`game.rules.shapes` to the class's pydantic model)."""
    def mark(function: Callable[..., Any]) -> Any:
        function.__record_validator__ = (field, mode)  # type: ignore[attr-defined]
        return classmethod(function)

    return mark


def _frozen(record: Record, name: str, value: Any) -> Exception:
    """The error pydantic raises on changing a frozen model's field."""
    from pydantic_core import ValidationError

    return ValidationError.from_exception_data(type(record).__name__, [{"type": "frozen_instance", "loc": (name,), "input": value}])


class Record:
    """A frozen record of named fields (see the module's docstring)."""

    __slots__ = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")

    __pydantic_fields_set__: set[str]
    __pydantic_extra__: dict[str, Any] | None
    __pydantic_private__: None
    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[dict[str, FieldSpec]] = {}
    __record_own__: ClassVar[dict[str, str]] = {}  # this class's own annotations, as written
    __record_names__: ClassVar[tuple[str, ...]] = ()  # the names of its fields, in order

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = {name: text for name, text in cls.__dict__.get("__annotations__", {}).items()
               if not (name.startswith("__") or name.startswith("_")) and not str(text).startswith("ClassVar")}
        fields: dict[str, FieldSpec] = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(getattr(base, "model_fields", {}) if isinstance(base, type) and issubclass(base, Record) else {})
        for name, text in own.items():
            default = cls.__dict__.get(name, _REQUIRED)
            if name in cls.__dict__:
                delattr(cls, name)  # (as pydantic: a field is read from an instance, never from the class)
            fields[name] = FieldSpec(default, str(text))
        cls.model_fields = fields
        cls.__record_own__ = own
        cls.__record_names__ = tuple(fields)

    # --- building --------------------------------------------------------------------------

    def __init__(self, **data: Any) -> None:
        """Validate ``data`` (pydantic's ``ValidationError`` when it is not valid)."""
        valid = type(self).model_validate(data)
        self.__setstate__(valid.__getstate__())

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        from game.rules import shapes

        valid: R = shapes.validate(cls, data)
        return valid

    @classmethod
    def model_construct(cls: type[R], _fields_set: set[str] | None = None, **values: Any) -> R:
        """A record of these values, not validated; a field not given takes its default."""
        self = cls.__new__(cls)
        state: dict[str, Any] = {}
        given: set[str] = set()
        for name, spec in cls.model_fields.items():
            if name in values:
                state[name] = values.pop(name)
                given.add(name)
            elif spec.default is not _REQUIRED:
                state[name] = _fresh(spec.default)
        object.__setattr__(self, "__dict__", state)
        object.__setattr__(self, "__pydantic_fields_set__", given if _fields_set is None else _fields_set)
        object.__setattr__(self, "__pydantic_extra__", values if cls.model_config.get("extra") == "allow" else None)
        object.__setattr__(self, "__pydantic_private__", None)
        return self

    @classmethod
    def from_fields(cls: type[R], fields_set: set[str], fields: dict[str, Any]) -> R:
        """``model_construct(fields_set, **fields)``, taking ``fields`` itself as the record's
        values when it holds every field, in order, and nothing else (as the rules cache keeps a
        record: the cheap way, a thousand times a start)."""
        if tuple(fields) != cls.__record_names__:
            return cls.model_construct(fields_set, **fields)
        self = cls.__new__(cls)
        object.__setattr__(self, "__dict__", fields)
        object.__setattr__(self, "__pydantic_fields_set__", fields_set)
        object.__setattr__(self, "__pydantic_extra__", {} if cls.model_config.get("extra") == "allow" else None)
        object.__setattr__(self, "__pydantic_private__", None)
        return self

    def model_copy(self: R, *, update: dict[str, Any] | None = None, deep: bool = False) -> R:
        """A copy (shallow unless ``deep``) with the fields ``update`` gives replaced (not validated)."""
        if deep:
            return copy.deepcopy(self)
        copied = type(self).__new__(type(self))
        extra = self.__pydantic_extra__
        object.__setattr__(copied, "__dict__", dict(self.__dict__))
        object.__setattr__(copied, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        object.__setattr__(copied, "__pydantic_extra__", None if extra is None else dict(extra))
        object.__setattr__(copied, "__pydantic_private__", None)
        if update:
            fields = type(self).model_fields
            for name, value in update.items():
                if name not in fields and copied.__pydantic_extra__ is not None:
                    copied.__pydantic_extra__[name] = value
                else:
                    copied.__dict__[name] = value
            copied.__pydantic_fields_set__.update(update)
        return copied

    # --- reading ---------------------------------------------------------------------------

    @property
    def model_fields_set(self) -> set[str]:
        return self.__pydantic_fields_set__

    @property
    def model_extra(self) -> dict[str, Any] | None:
        return self.__pydantic_extra__

    def __getattr__(self, name: str) -> Any:
        # Only when the usual lookup fails: an extra key of a record that allows them.
        if not name.startswith("__"):
            try:
                extra = object.__getattribute__(self, "__pydantic_extra__")
            except AttributeError:
                extra = None
            if extra and name in extra:
                return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise _frozen(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise _frozen(self, name, None)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        yield from self.__dict__.items()
        if self.__pydantic_extra__:
            yield from self.__pydantic_extra__.items()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Record):
            return NotImplemented
        return (type(self) is type(other) and self.__pydantic_extra__ == other.__pydantic_extra__
                and self.__dict__ == other.__dict__)

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.get(name) for name in type(self).model_fields))

    def __repr_args__(self) -> Iterator[tuple[str, Any]]:
        yield from self.__dict__.items()
        if self.__pydantic_extra__:
            yield from self.__pydantic_extra__.items()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__repr_args__())})"

    def __str__(self) -> str:
        return " ".join(f"{k}={v!r}" for k, v in self.__repr_args__())

    # --- copying and pickling --------------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        return {"__dict__": self.__dict__, "__pydantic_extra__": self.__pydantic_extra__,
                "__pydantic_fields_set__": self.__pydantic_fields_set__, "__pydantic_private__": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "__dict__", state["__dict__"])
        object.__setattr__(self, "__pydantic_fields_set__", state["__pydantic_fields_set__"])
        object.__setattr__(self, "__pydantic_extra__", state["__pydantic_extra__"])
        object.__setattr__(self, "__pydantic_private__", None)

    def __copy__(self: R) -> R:
        return self.model_copy()

    def __deepcopy__(self: R, memo: dict[int, Any] | None = None) -> R:
        copied = type(self).__new__(type(self))
        copied.__setstate__({"__dict__": copy.deepcopy(self.__dict__, memo),
                             "__pydantic_extra__": copy.deepcopy(self.__pydantic_extra__, memo),
                             "__pydantic_fields_set__": set(self.__pydantic_fields_set__), "__pydantic_private__": None})
        return copied
