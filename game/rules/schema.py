"""JSON Schemas of the rule, scenario and policy files, from the same models that validate them.

Editors that understand JSON Schema for TOML (Taplo / Even Better TOML, Tombi) read
``docs/schema/*.schema.json`` through the project's ``.taplo.toml`` (or a ``#:schema`` line at the
top of a file) to complete keys, flag wrong types and show each key's description on hover while a
modder types. The schemas are strict JSON: an open bound such as a variable's default ``max`` (no
limit) is left out rather than written as ``Infinity``, which JSON does not have.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
from typing import Any

from game.rules import models
from game.rules.models import FORMAT_VERSION, OVERRIDE_MODELS, TABLE_MODELS, Policy, RuleFile, ScenarioFile
from game.rules.record import Record
from game.rules.shapes import twin

SCHEMAS: dict[str, type[Record]] = {"ruleset-file": RuleFile, "scenario": ScenarioFile, "policy": Policy}
TITLES = {"ruleset-file": "a rule set or mod file", "scenario": "a scenario file", "policy": "a policy file"}


def schemas() -> dict[str, dict[str, Any]]:
    """Each file kind's JSON Schema, by name."""
    out = {}
    docs = _field_docs()
    for name, model in SCHEMAS.items():
        schema = twin(model).model_json_schema()
        _describe(schema, docs[model.__name__], docs)
        schema = _for_toml(schema)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"Smychka: {TITLES[name]} (format_version {FORMAT_VERSION})"
        out[name] = schema
    return out


def _field_docs() -> dict[str, dict[str, str]]:
    """Each model's field descriptions, by model name: the docstring under each field in the
    source of :mod:`game.rules.models` (read as pydantic's ``use_attribute_docstrings`` reads them:
    a string right after an annotated field), a model's own over those it inherits; a mod's
    override model (``VariableOverride``) has its table model's."""
    tree = ast.parse(inspect.getsource(models))
    own: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found = own[node.name] = {}
            for field, doc in zip(node.body, node.body[1:]):
                if (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) and isinstance(doc, ast.Expr)
                        and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str)):
                    found[field.target.id] = inspect.cleandoc(doc.value.value)
    out: dict[str, dict[str, str]] = {}
    for name, value in vars(models).items():
        if isinstance(value, type) and issubclass(value, Record) and name in own:
            merged: dict[str, str] = {}
            for cls in reversed(value.__mro__):
                merged.update(own.get(cls.__name__, {}) if cls.__module__ == models.__name__ else {})
            out[name] = merged
    for table, partial in OVERRIDE_MODELS.items():
        out[partial.__name__] = out[TABLE_MODELS[table].__name__]
    return out


def _describe(schema: dict[str, Any], root: dict[str, str], docs: dict[str, dict[str, str]]) -> None:
    """Give each property of ``schema`` (and of its ``$defs``) that has no description its
    field's docstring, as pydantic puts a field's description."""
    for node, fields in [(schema, root), *((d, docs.get(name, {})) for name, d in schema.get("$defs", {}).items())]:
        for field, prop in node.get("properties", {}).items():
            if field in fields and "description" not in prop:
                prop["description"] = fields[field]


def _for_toml(node: Any) -> Any:
    """``node`` as TOML files can meet it: without the defaults JSON cannot write (an open bound's
    ``inf``), and without ``null`` (TOML has none: an optional key is simply left out), so that an
    optional table is one schema, not "any of" it and null — validators then say what is wrong
    inside it, not only that it matches neither."""
    if isinstance(node, list):
        return [_for_toml(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _for_toml(v) for k, v in node.items() if not (k == "default" and isinstance(v, float) and not math.isfinite(v))}
    if out.get("default", 0) is None:
        del out["default"]
    options = out.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if len(kept) == 1:
            del out["anyOf"]
            out = {**kept[0], **out}
        else:
            out["anyOf"] = kept
    return out


def schema_text(name: str) -> str:
    """The schema as the shipped file holds it (strict JSON: ``allow_nan=False`` refuses inf and nan)."""
    return json.dumps(schemas()[name], indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"
