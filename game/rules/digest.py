"""A short digest of the rules a game is played under, and what changed between two digests.

A save keeps the digest (each parameter's value, a short hash of each formula, each variable's
and lever's bounds, each layer of the rule set), so that loading it under rules that changed since
can say *what* changed — "parameters changed: need 40 -> 45; formulas changed: variables.water" —
not only that something did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from game.lazydata import dataclass, field

if TYPE_CHECKING:
    from game.rules.scenario import Scenario

# Names a rule of a kind ("variable", "lever", "parameter", "formula", "bound", "gone") in words,
# from its id ("water", "need") or key ("variables.water.formula").
Words = Callable[[str, str], str]


@dataclass(frozen=True)
class Digest:
    """What the rules of one game say, in brief (JSON-ready)."""

    parameters: Mapping[str, float] = field(default_factory=dict)  # id -> value in the scenario
    formulas: Mapping[str, str] = field(default_factory=dict)  # "variables.x.formula" -> 12 hex digits
    bounds: Mapping[str, str] = field(default_factory=dict)  # "variables.x" -> "0..1e+09"; "levers.y" -> "0..100 step 10"


def digest(scenario: Scenario) -> Digest:
    """The digest of ``scenario`` and its rule set (with the scenario's own changes applied)."""
    formulas = {".".join(key): _short(formula.source) for key, formula in {**scenario.ruleset.formulas, **scenario.formulas}.items()}
    bounds = {f"variables.{name}": f"{v.min:g}..{v.max:g}" for name, v in scenario.ruleset.variables.items()}
    bounds.update({f"levers.{name}": f"{lever.min:g}..{lever.max:g} step {lever.step:g}" for name, lever in scenario.levers.items()})
    return Digest(dict(scenario.parameters), dict(sorted(formulas.items())), bounds)


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class DigestChanges:
    """What differs between a saved digest and the rules as they are now."""

    parameters: tuple[str, ...] = ()  # "need 40 -> 45", "new_one (new)", "old_one (gone)"
    formulas: tuple[str, ...] = ()  # the keys of formulas changed, new or gone
    bounds: tuple[str, ...] = ()  # "variables.water 0..10000 -> 0..20000"

    def __bool__(self) -> bool:
        return bool(self.parameters or self.formulas or self.bounds)

    def parts(self, limit: int = 8, words: Words | None = None) -> list[str]:
        """Phrases for a notice: one per kind of change that happened. With ``words`` (kind, id
        -> text), each parameter, formula and bound is named in words rather than by its id."""
        out = []
        for label, kind, items in (("parameters changed", "parameter", self.parameters), ("formulas changed", "formula", self.formulas),
                                   ("bounds changed", "bound", self.bounds)):
            if items:
                out.append(f"{label}: {short_list(items if words is None else [_worded(words, kind, item) for item in items], limit)}")
        return out


def _worded(words: Words, kind: str, item: str) -> str:
    """``"need 40 -> 45"`` with its id in words: ``"Water needed 40 → 45"``."""
    key, _, rest = item.partition(" ")
    return f"{words(kind, key)} {rest.replace('->', '→')}".strip()


def changes(old: Digest, new: Digest) -> DigestChanges:
    """What changed from ``old`` (a save's) to ``new`` (the rules now)."""
    parameters = [f"{name} {old.parameters[name]:g} -> {new.parameters[name]:g}"
                  for name in new.parameters if name in old.parameters and old.parameters[name] != new.parameters[name]]
    parameters += _gone_or_new(old.parameters, new.parameters)
    formulas = [key for key in new.formulas if key in old.formulas and old.formulas[key] != new.formulas[key]]
    formulas += _gone_or_new(old.formulas, new.formulas)
    bounds = [f"{key} {old.bounds[key]} -> {new.bounds[key]}" for key in new.bounds if key in old.bounds and old.bounds[key] != new.bounds[key]]
    return DigestChanges(tuple(parameters), tuple(formulas), tuple(bounds))


def _gone_or_new(old: Mapping[str, object], new: Mapping[str, object]) -> list[str]:
    return [f"{key} (new)" for key in new if key not in old] + [f"{key} (gone)" for key in old if key not in new]


def short_list(names: Iterable[str], limit: int = 8) -> str:
    """``a, b, c and 4 more``."""
    items = list(names)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
