"""The pydantic models that validate the rule, scenario and policy files, and give their JSON Schema.

The models of :mod:`game.rules.models` are plain records (:mod:`game.rules.record`), so that a
game started from the rules cache never imports pydantic. This module, imported the first time
something is validated, builds for each record class a pydantic model of the same name, fields
(the record's annotations, read here where the types below are defined), defaults, docstring and
validators, and turns what it validated back into records: the records are what the game reads.
"""

from __future__ import annotations

import math
import sys
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model, field_validator

from game.rules import models
from game.rules.record import Record
from game.rules.season import SEASON_PATTERN

__all__ = ["Any", "Literal", "validate", "twin"]  # (Any and Literal: names the fields' annotations use)


def _not_nan(value: float) -> float:
    if math.isnan(value):
        raise ValueError("expected a number or ±inf, found nan")
    return value


Text = Annotated[str, Field(min_length=1)]
Number = Annotated[float, Field(allow_inf_nan=False)]  # a finite number
Bound = Annotated[float, AfterValidator(_not_nan)]  # a number, inf or -inf (an open bound)
FormulaText = str | Number  # a formula, or a plain number
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
SeasonText = Annotated[str, Field(pattern=SEASON_PATTERN)]
SeasonOfYear = Literal["winter", "spring", "summer", "autumn"]
SeeAlso = Annotated[str, Field(pattern=rf"^({'|'.join(models.SEE_ALSO_KINDS)}):[A-Za-z0-9_-]+$")]

_TWINS: dict[type[Record], type[BaseModel]] = {}
_RECORDS: dict[str, type[Record]] = {}


def _partial(model: type[BaseModel], name: str, doc: str, base: type[BaseModel], drop: tuple[str, ...] = ()) -> type[BaseModel]:
    """``model`` with every field optional (None: not given), for an override of some fields."""
    fields: dict[str, Any] = {}
    for field, info in model.model_fields.items():
        if field in drop:
            continue
        annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        fields[field] = (annotation | None, Field(default=None, description=info.description))
    made: type[BaseModel] = create_model(name, __base__=base, __doc__=doc, **fields)
    return made


def _build() -> None:
    """A pydantic model for every record class of :mod:`game.rules.models`, each named as its
    record and kept in this module's namespace (where the annotations are read)."""
    here = sys.modules[__name__].__dict__
    partials = {cls: table for table, cls in models.OVERRIDE_MODELS.items()}
    for name, record in models.RECORDS.items():
        _RECORDS[name] = record
        if record in partials or record.__name__ == "Overrides":
            continue
        if record is models.Strict:
            twin: type[BaseModel] = type("Strict", (BaseModel,), {"__module__": __name__, "__qualname__": "Strict",
                                                                   "model_config": ConfigDict(**record.model_config)})  # type: ignore[typeddict-item]
        else:
            base = _TWINS[record.__mro__[1]] if record.__mro__[1] is not Record else BaseModel
            body: dict[str, Any] = {"__module__": __name__, "__qualname__": name, "__doc__": record.__doc__,
                                    "__annotations__": dict(record.__record_own__)}
            if base is BaseModel:
                body["model_config"] = ConfigDict(**record.model_config)  # type: ignore[typeddict-item]
            if record.model_config.get("extra") == "allow":  # typed extras (a policy's season: lever values)
                body["__annotations__"]["__pydantic_extra__"] = record.__annotations__["__pydantic_extra__"]
                body["__pydantic_extra__"] = Field(init=False)
            for field in record.__record_own__:
                spec = record.model_fields[field]
                if not spec.is_required():
                    body[field] = spec.default
            for attr, value in record.__dict__.items():
                marked = getattr(getattr(value, "__func__", None), "__record_validator__", None)
                if marked is not None:
                    body[attr] = field_validator(marked[0], mode=marked[1])(value)  # type: ignore[no-untyped-call]
            twin = type(name, (base,), body)
        _TWINS[record] = twin
        here[name] = twin
    strict = _TWINS[models.Strict]
    for record, table in partials.items():
        drop = ("variable",) if table == "indicators" else ()
        twin = _partial(_TWINS[models.TABLE_MODELS[table]], record.__name__, record.__doc__ or "", strict, drop)
        _TWINS[record] = here[record.__name__] = twin
    tables: dict[str, Any] = {table: (dict[str, _TWINS[model]], Field(default={}, description=f"The {table} to change, by id."))  # type: ignore[valid-type]
                              for table, model in models.OVERRIDE_MODELS.items()}
    _TWINS[models.RECORDS["Overrides"]] = here["Overrides"] = create_model("Overrides", __base__=strict, __doc__=models.OVERRIDES_DOC, **tables)


def twin(record: type[Record]) -> type[BaseModel]:
    """The pydantic model that validates ``record``."""
    if not _TWINS:
        _build()
    return _TWINS[record]


def validate(record: type[Record], data: Any) -> Any:
    """``data`` validated as ``record`` (pydantic's ``ValidationError`` if it is not valid), as records."""
    valid = twin(record).model_validate(data)
    return as_records(valid)


def as_records(value: Any) -> Any:
    """``value`` with every pydantic model in it turned into the record of the same name."""
    if isinstance(value, BaseModel):
        record = _RECORDS[type(value).__name__]
        made = record.__new__(record)
        extra = value.__pydantic_extra__
        made.__setstate__({"__dict__": {k: as_records(v) for k, v in value.__dict__.items()},
                           "__pydantic_extra__": None if extra is None else {k: as_records(v) for k, v in extra.items()},
                           "__pydantic_fields_set__": set(value.model_fields_set), "__pydantic_private__": None})
        return made
    kind = type(value)
    if kind is list:
        return [as_records(v) for v in value]
    if kind is tuple:
        return tuple(as_records(v) for v in value)
    if kind is dict:
        return {k: as_records(v) for k, v in value.items()}
    return value
