"""A scenario compiled for play: every formula turned into a Python function, once.

The season's variables are computed by one generated function, ``season(L, P, D, E, O, OL, F)``,
which reads levers ``L``, parameters ``P``, draws ``D``, event flags ``E``, last season's values
``O`` and levers ``OL``, and season facts ``F`` by position, and fills this season's values ``V``
in dependency order. No name is looked up in a dictionary while a season runs.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from game.formula import Formula, expression_function, make_function, to_python
from game.formula.compiler import as_float, item, load
from game.rules.models import Draw, Ending, Event, Invariant
from game.rules.ruleset import SEASON_FACTS
from game.rules.scenario import Scenario
from game.rules.season import Season

ENV = ("L", "P", "D", "E", "V", "O", "OL", "F")
Env = list[Sequence[float]]
Fn = Callable[..., float]


@dataclass(frozen=True)
class Input:
    """One input of a formula: what it is called, what kind of thing, and where it lives."""

    name: str
    kind: str  # lever, parameter, variable, draw, event, fact, prev, prev_lever
    env: int
    slot: int

    @property
    def label(self) -> str:
        return f"prev({self.name})" if self.kind in ("prev", "prev_lever") else self.name


@dataclass(frozen=True)
class CompiledEvent:
    id: str
    event: Event
    condition: Fn
    chance: Fn
    effects: tuple[tuple[int, Fn], ...]
    season_turn: int | None


@dataclass(frozen=True)
class CompiledEnding:
    id: str
    ending: Ending
    condition: Fn


@dataclass(frozen=True)
class CompiledInvariant:
    """An invariant's formulas as functions: ``condition``, or ``left`` and ``right``."""

    id: str
    invariant: Invariant
    condition: Fn | None
    left: Fn | None
    right: Fn | None
    inputs: tuple[Input, ...]


class Model:
    """A compiled scenario. Build it once per game (or share it between games of a scenario)."""

    def __init__(self, scenario: Scenario) -> None:
        rs = scenario.ruleset
        self.scenario = scenario
        self.ruleset = rs
        self.variables: tuple[str, ...] = tuple(rs.variables)
        self.levers: tuple[str, ...] = tuple(scenario.levers)
        self.parameters: tuple[str, ...] = tuple(scenario.parameters)
        self.draws: tuple[str, ...] = tuple(rs.draws)
        self.events: tuple[str, ...] = tuple(scenario.events)
        self.fact_names: tuple[str, ...] = SEASON_FACTS
        self.index = {name: i for i, name in enumerate(self.variables)}
        self.lever_index = {name: i for i, name in enumerate(self.levers)}
        self.draw_index = {name: i for i, name in enumerate(self.draws)}
        self.event_index = {name: i for i, name in enumerate(self.events)}
        self.P: tuple[float, ...] = tuple(scenario.parameters[p] for p in self.parameters)
        self._slots: dict[str, tuple[str, int, int]] = {}
        for kind, env, names in (
            ("lever", 0, self.levers), ("parameter", 1, self.parameters), ("draw", 2, self.draws),
            ("event", 3, self.events), ("variable", 4, self.variables), ("fact", 7, self.fact_names),
        ):
            for slot, name in enumerate(names):
                self._slots[name] = (kind, env, slot)
        self.filename = f"<rules:{rs.id}>"
        self.order: tuple[int, ...] = tuple(self.index[v] for v in rs.order)
        self.formulas: dict[str, Formula] = {v: rs.formula("variables", v, "formula") for v in self.variables}
        self.inputs: dict[str, tuple[Input, ...]] = {v: self.inputs_of(f) for v, f in self.formulas.items()}
        self.variable_fn: dict[str, Fn] = {v: self.function(f, f"variables.{v}") for v, f in self.formulas.items()}
        self.season_fn: Callable[..., list[float]] = self._season_function()
        self.bounds: tuple[tuple[int, float, float], ...] = tuple(
            (self.index[name], var.min, var.max)
            for name, var in rs.variables.items()
            if var.min != float("-inf") or var.max != float("inf")
        )
        self.initial: dict[int, float] = {self.index[k]: v for k, v in scenario.initial.items()}
        self.compiled_events = tuple(self._event(ident, ev) for ident, ev in scenario.events.items())
        all_endings = scenario.endings
        endings = [(i, e) for i, e in all_endings.items() if e.when == "any"] + [(i, e) for i, e in all_endings.items() if e.when == "end"]
        condition = {**rs.formulas, **scenario.formulas}
        self.compiled_endings = tuple(
            CompiledEnding(ident, ending, self.function(condition[("endings", ident, "condition")], f"endings.{ident}"))
            for ident, ending in endings
        )
        self.draw_specs: tuple[Draw, ...] = tuple(rs.draws[d] for d in self.draws)
        self.lever_defaults: tuple[float, ...] = tuple(scenario.levers[name].default for name in self.levers)

    # -- compiling ---------------------------------------------------------------------------
    def _resolve(self, name: str) -> ast.expr:
        _kind, env, slot = self._slots[name]
        return item(ENV[env], slot)

    def _resolve_prev(self, name: str) -> ast.expr:
        if name in self.index:
            return item("O", self.index[name])
        return item("OL", self.lever_index[name])

    def function(self, formula: Formula, label: str) -> Fn:
        """A function ``f(L, P, D, E, V, O, OL, F)`` computing ``formula``."""
        expr = to_python(formula, self._resolve, self._resolve_prev)
        return expression_function(label.replace(".", "__").replace("-", "_"), ENV, expr, f"{self.filename}:{label}")

    def inputs_of(self, formula: Formula) -> tuple[Input, ...]:
        out = [Input(n, *self._slots[n]) for n in formula.names]
        for n in formula.prev_names:
            out.append(Input(n, "prev", 5, self.index[n]) if n in self.index else Input(n, "prev_lever", 6, self.lever_index[n]))
        return tuple(out)

    def _season_function(self) -> Callable[..., list[float]]:
        body: list[ast.stmt] = []
        start = ast.Assign([load("V", ast.Store())], ast.BinOp(ast.List([ast.Constant(0.0)], ast.Load()), ast.Mult(), ast.Constant(len(self.variables))))
        start.lineno = 2
        body.append(start)
        for line, index in enumerate(self.order, start=3):
            name = self.variables[index]
            expr = to_python(self.formulas[name], self._resolve, self._resolve_prev)
            target = ast.Subscript(load("V"), ast.Constant(index), ast.Store())
            stmt = ast.Assign([target], as_float(expr))
            stmt.lineno = line
            body.append(stmt)
        ret = ast.Return(load("V"))
        ret.lineno = len(self.order) + 3
        body.append(ret)
        return make_function("season", [a for a in ENV if a != "V"], body, self.filename)

    def _event(self, ident: str, event: Event) -> CompiledEvent:
        formulas = self.scenario.formulas if ("events", ident, "condition") in self.scenario.formulas else self.ruleset.formulas
        condition = self.function(formulas[("events", ident, "condition")], f"events.{ident}.condition")
        chance = self.function(formulas[("events", ident, "chance")], f"events.{ident}.chance")
        effects = tuple(
            (self.index[target], self.function(formulas[("events", ident, "effects", target)], f"events.{ident}.effects.{target}"))
            for target in event.effects
        )
        season_turn = Season.parse(event.season).minus(self.scenario.start) if event.season else None
        return CompiledEvent(ident, event, condition, chance, effects, season_turn)

    @functools.cached_property
    def compiled_invariants(self) -> tuple[CompiledInvariant, ...]:
        """The scenario's invariants, compiled on first use (play never pays for them)."""
        formulas = {**self.ruleset.formulas, **self.scenario.formulas}
        out = []
        for ident, invariant in self.scenario.invariants.items():
            fns: dict[str, Fn | None] = {}
            inputs: dict[Input, None] = {}
            for key in ("condition", "left", "right"):
                formula = formulas.get(("invariants", ident, key))
                fns[key] = None if formula is None else self.function(formula, f"invariants.{ident}.{key}")
                inputs.update(dict.fromkeys(self.inputs_of(formula) if formula is not None else ()))
            out.append(CompiledInvariant(ident, invariant, fns["condition"], fns["left"], fns["right"], tuple(inputs)))
        return tuple(out)

    @functools.cached_property
    def invariant_values(self) -> Callable[..., tuple[float, ...]]:
        """One function ``f(L, P, D, E, V, O, OL, F)`` giving every invariant's formulas at once,
        in order (a condition's value; a balance's left, then right): one call per season."""
        formulas = {**self.ruleset.formulas, **self.scenario.formulas}
        exprs = [
            as_float(to_python(formulas[key], self._resolve, self._resolve_prev))
            for ident in self.scenario.invariants
            for key in (("invariants", ident, "condition"), ("invariants", ident, "left"), ("invariants", ident, "right"))
            if key in formulas
        ]
        ret = ast.Return(ast.Tuple(exprs, ast.Load()))
        ret.lineno = 2
        return make_function("invariants", list(ENV), [ret], f"{self.filename}:invariants")

    # -- reading values ----------------------------------------------------------------------
    def facts(self, season: Season, turn: int) -> tuple[float, ...]:
        q = season.quarter
        return (float(season.year), float(q), float(q == 0), float(q == 1), float(q == 2), float(q == 3), float(turn))

    def levers_tuple(self, levers: Mapping[str, float]) -> tuple[float, ...]:
        return tuple(float(levers[name]) for name in self.levers)
