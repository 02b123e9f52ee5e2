"""Which starting values a scenario may declare, and which its rules compute.

A game starts from the state at the end of the season before the scenario's first one. The rules
make every variable from last season's values, so the start is consistent with them only when
each variable's starting value is what its rule gives. A variable that carries its own past — a
stock: its value this season depends on its own last value, through its rule or the rules of
this season's variables it reads — cannot be computed without a season before the start, so its
declared value is kept: it is the cited figure the game starts from. A
record of the past (a rule that is only ``prev(y)``: last season's ``y``) is kept too: it says what
``y`` was the season before the start. Every other variable is computed by its rule at the start
(see :func:`game.engine.step.initial_state`), and a value a scenario declares for it is not used.
A stock given no starting value is computed too, as the value its rules settle on when last
season's value is this season's (feedback between quantities — a price that reads last season's
demand, which reads the price — needs no declared start).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from game.lazydata import dataclass
from game.rules.ruleset import Ruleset

_LAG = re.compile(r"\s*prev\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*")


@dataclass(frozen=True)
class StartRoles:
    """``memory``: the variables that carry their own past (their declared values are kept);
    ``lags``: a variable whose rule is ``prev(y)`` -> ``y``."""

    memory: frozenset[str]
    lags: Mapping[str, str]

    def kept(self, name: str) -> bool:
        """Whether a declared starting value of ``name`` is kept (else the rules compute it)."""
        return name in self.memory or name in self.lags


def start_roles(ruleset: Ruleset) -> StartRoles:
    """The rule set's variables by what their starting values are: kept or computed."""
    variables = ruleset.variables
    formulas = {name: ruleset.formula("variables", name, "formula") for name in variables}
    deps = {name: tuple(n for n in f.names if n in variables) for name, f in formulas.items()}
    # The variables whose last values ``name``'s value this season depends on: the prev() its rule
    # reads, and those of the variables of this season it reads (in the rule set's order).
    past: dict[str, frozenset[str]] = {}
    for name in ruleset.order:
        found = {n for n in formulas[name].prev_names if n in variables}
        for dep in deps[name]:
            found |= past[dep]
        past[name] = frozenset(found)
    memory = frozenset(name for name in variables if name in past[name])
    lags = {}
    for name, f in formulas.items():
        match = _LAG.fullmatch(f.source)
        if match and match.group(1) in variables and name not in memory:
            lags[name] = match.group(1)
    return StartRoles(memory, lags)
