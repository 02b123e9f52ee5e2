"""JSON Schemas of the rule, scenario and policy files, from the same models that validate them.

Editors that understand JSON Schema for TOML (for example Taplo / Even Better TOML) can point at
``docs/schema/*.schema.json`` to complete keys and flag wrong types while a modder types.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from game.rules.models import Policy, RuleFile, ScenarioFile

SCHEMAS: dict[str, type[BaseModel]] = {"ruleset-file": RuleFile, "scenario": ScenarioFile, "policy": Policy}


def schemas() -> dict[str, dict[str, Any]]:
    """Each file kind's JSON Schema, by name."""
    out = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"Smychka {name} (format_version 1)"
        out[name] = schema
    return out


def schema_text(name: str) -> str:
    return json.dumps(schemas()[name], indent=2, sort_keys=True) + "\n"
