"""Validation without pydantic (game.rules.quick) builds exactly what pydantic builds, or leaves
the data to pydantic: for every shipped file and fixture, and for many mangled ones, it never
accepts what pydantic refuses and never builds a different record."""

from __future__ import annotations

import copy
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.rules import models, quick, shapes
from game.rules.record import Record
from tests.conftest import RULES

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(RULES.rglob("*.toml")) + sorted((ROOT / "tests" / "fixtures").rglob("*.toml"))


def _model_of(data: dict[str, Any], path: Path) -> type[Record]:
    if "scenario" in data:
        return models.ScenarioFile
    if data and set(data) <= {"levers", "season"} and "policies" in path.parts:
        return models.Policy
    return models.RuleFile


def _readable() -> list[tuple[Path, type[Record], dict[str, Any]]]:
    out = []
    for path in FILES:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # (fixtures of broken files)
        out.append((path, _model_of(data, path), data))
    return out


READABLE = _readable()


def identical(a: Any, b: Any, where: str = "") -> str:
    """Where ``a`` and ``b`` differ in anything (types, key order, fields set, extras), or ""."""
    if isinstance(a, Record):
        if type(a) is not type(b):
            return f"{where}: {type(a).__name__} / {type(b).__name__}"
        if a.model_fields_set != b.model_fields_set or list(a.__dict__) != list(b.__dict__):
            return f"{where}: fields {sorted(a.model_fields_set)} / {sorted(b.model_fields_set)}"
        if (a.__pydantic_extra__ is None) != (b.__pydantic_extra__ is None):
            return f"{where}: extras"
        return (identical(a.__dict__, b.__dict__, where) or identical(a.__pydantic_extra__ or {}, b.__pydantic_extra__ or {}, where)
                or ("" if a == b else f"{where}: not equal"))
    if isinstance(a, (list, tuple)):
        if type(a) is not type(b) or len(a) != len(b):
            return f"{where}: {a!r} / {b!r}"
        return next((d for d in (identical(x, y, f"{where}[{i}]") for i, (x, y) in enumerate(zip(a, b))) if d), "")
    if isinstance(a, dict):
        if type(b) is not dict or list(a) != list(b):
            return f"{where}: keys {list(a)} / {list(b) if isinstance(b, dict) else b!r}"
        return next((d for d in (identical(v, b[k], f"{where}.{k}") for k, v in a.items()) if d), "")
    same = type(a) is type(b) and (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b)))
    if same and isinstance(a, float) and math.copysign(1, a) != math.copysign(1, b):
        same = False
    return "" if same else f"{where}: {a!r} ({type(a).__name__}) / {b!r} ({type(b).__name__})"


def by_pydantic(model: type[Record], data: Any) -> Any:
    from pydantic import ValidationError

    try:
        return shapes.validate(model, data)
    except ValidationError:
        return None


def test_every_name_the_annotations_use_is_known() -> None:
    for name in quick.VOCABULARY:
        assert hasattr(shapes, name), name  # (the names shapes defines for the annotations)
    for record in models.RECORDS.values():
        if record is not models.Strict:
            quick._model_check(record)  # every annotation read, every validator found


@pytest.mark.parametrize("path, model, data", READABLE, ids=[str(p.relative_to(ROOT)) for p, _, _ in READABLE])
def test_every_shipped_file_and_fixture_is_built_as_pydantic_builds_it(path: Path, model: type[Record], data: dict[str, Any]) -> None:
    expected = by_pydantic(model, copy.deepcopy(data))
    found = quick.validate(model, data)
    if expected is None:
        assert found is None, "accepted what pydantic refuses"
        return
    assert found is not None, "a valid file left to pydantic"  # (it would only cost time)
    assert identical(found, expected) == ""


# --- mangled data ---------------------------------------------------------------------------------

ODD = [0, 1, -1, 2**70, -(2**1100), 0.5, -0.0, 1e308, math.inf, -math.inf, math.nan, True, False, "", "x", "1927-autumn",
       "1927-autumn\n", "winter", "good", "a-b", "Ab", "term:x", " ", [], [1, 2], [2, 1], ["x"], [0, 0], [1.5, 2], {}, {"x": 1}, None]


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*at, index))
    return out


def _mangle(data: Any, draw: st.DataObject) -> Any:
    data = copy.deepcopy(data)
    for _ in range(draw.draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw.draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        how = draw.draw(st.sampled_from(["replace", "replace", "delete", "add key", "wrap"]))
        if how == "replace":
            parent[key] = copy.deepcopy(draw.draw(st.sampled_from(ODD)))
        elif how == "delete":
            del parent[key]
        elif how == "wrap":
            parent[key] = [parent[key]]
        elif isinstance(parent, dict):
            parent[draw.draw(st.sampled_from(["no_such_key", "min", "max", "formula", "initial", "lines", "season", "x1"]))] = (
                copy.deepcopy(draw.draw(st.sampled_from(ODD))))
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(index=st.integers(0, len(READABLE) - 1), draw=st.data())
def test_mangled_data_is_built_as_pydantic_builds_it_or_left_to_it(index: int, draw: st.DataObject) -> None:
    _path, model, data = READABLE[index]
    mangled = _mangle(data, draw)
    found = quick.validate(model, copy.deepcopy(mangled))
    if found is None:
        return  # (pydantic decides, as before)
    expected = by_pydantic(model, mangled)
    assert expected is not None, "accepted what pydantic refuses"
    assert identical(found, expected) == ""


@pytest.mark.parametrize("record", sorted((r for r in models.RECORDS.values() if r is not models.Strict), key=lambda r: r.__name__),
                         ids=lambda r: r.__name__)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draw=st.data())
def test_each_model_alone_accepts_only_what_pydantic_accepts(record: type[Record], draw: st.DataObject) -> None:
    value = st.sampled_from(ODD) | st.lists(st.sampled_from(ODD), max_size=3) | st.dictionaries(st.sampled_from(["x", "y"]), st.sampled_from(ODD), max_size=2)
    keys = [*record.model_fields, "other"]
    data = draw.draw(st.dictionaries(st.sampled_from(keys), value, max_size=len(keys)))
    found = quick.validate(record, copy.deepcopy(data))
    if found is None:
        return
    expected = by_pydantic(record, data)
    assert expected is not None, "accepted what pydantic refuses"
    assert identical(found, expected) == ""
