"""JSON Schemas of the rule, scenario and policy files, from the same models that validate them.

Editors that understand JSON Schema for TOML (Taplo / Even Better TOML, Tombi) read
``docs/schema/*.schema.json`` through the project's ``.taplo.toml`` (or a ``#:schema`` line at the
top of a file) to complete keys, flag wrong types and show each key's description on hover while a
modder types. The schemas are strict JSON: an open bound such as a variable's default ``max`` (no
limit) is left out rather than written as ``Infinity``, which JSON does not have.
"""

from __future__ import annotations

import json
import math
from typing import Any

from pydantic import BaseModel

from game.rules.models import FORMAT_VERSION, Policy, RuleFile, ScenarioFile

SCHEMAS: dict[str, type[BaseModel]] = {"ruleset-file": RuleFile, "scenario": ScenarioFile, "policy": Policy}
TITLES = {"ruleset-file": "a rule set or mod file", "scenario": "a scenario file", "policy": "a policy file"}


def schemas() -> dict[str, dict[str, Any]]:
    """Each file kind's JSON Schema, by name."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = _for_toml(model.model_json_schema())
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"Smychka: {TITLES[name]} (format_version {FORMAT_VERSION})"
        out[name] = schema
    return out


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
