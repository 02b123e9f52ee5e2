"""A scenario compiled for play: every formula turned into a Python function, once.

The season's variables are computed by one generated function, ``season(L, P, D, E, O, OL, F)``,
which reads levers ``L``, draws ``D``, event flags ``E``, last season's values ``O`` and levers
``OL``, and season facts ``F`` by position (the parameters, fixed for the scenario, are written
into the code as numbers, so the compiler folds what it can; ``P`` is there for the signature),
and computes this season's values in dependency order, each in a local name (``v12``), returning
them as a list. No name is looked
up in a dictionary while a season runs, ``min``, ``max`` and ``clamp`` are written out rather
than called, and given a last argument ``last`` (true in the scenario's last season) the same
function also checks the values (finite, within their bounds) and the endings, returning
``(values, code)``: ``code`` is the index of the ending reached in :attr:`Model.compiled_endings`,
-1 for none, or -2 when a check fails (the step then finds and names the problem).

Every formula is rewritten once; the season function and the one-formula functions
(:attr:`Model.variable_fn`, events, endings) share those trees and are compiled together in one
call of the compiler.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from game.engine.state import LogEntry
from game.formula import Formula, expression_function, make_function, to_python
from game.formula.compiler import FunctionSpec, as_float, item, load, make_functions, to_fast_python
from game.lazydata import dataclass
from game.rules.models import Draw, Ending, Event, Invariant
from game.rules.ruleset import SEASON_FACTS
from game.rules.scenario import Scenario
from game.rules.season import Season

ENV = ("L", "P", "D", "E", "V", "O", "OL", "F")
# The local name of slot i of each container, in generated functions ("v12", "ol3").
_LOCAL = {"L": "l", "P": "p", "D": "d", "E": "e", "V": "v", "O": "o", "OL": "ol", "F": "f"}
# What a failed season check returns as its code.
CHECK_FAILED = -2
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


@dataclass(frozen=True)
class TurnPlan:
    """One season of a scenario: its name, facts, draws and the events that may come in it.

    ``draws`` holds, per draw, ``(name, spec, fixed, scripted)``: ``fixed`` is None for a value
    to draw, else the value (scripted by the scenario, or the draw's resting value)."""

    season: Season
    label: str
    facts: tuple[float, ...]
    last: bool
    draws: tuple[tuple[str, Draw, float | None, bool], ...]
    events: tuple[tuple[int, CompiledEvent], ...]
    # When no draw of the season is to be drawn: every draw's value, and the log's entries of
    # the scripted ones (the same for every game, so made once); else None and ().
    fixed_draws: tuple[float, ...] | None = None
    fixed_log: tuple[LogEntry, ...] = ()


def resting_value(d: Draw) -> float:
    """A draw's value in seasons it is not drawn: its default, else its centre."""
    for value in (d.default, d.mean, d.mode):
        if value is not None:
            return float(value)
    return (d.min + d.max) / 2.0


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
        self.P: tuple[float, ...] = tuple(float(scenario.parameters[p]) for p in self.parameters)
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
        self.bounds: tuple[tuple[int, float, float], ...] = tuple(
            (self.index[name], var.min, var.max)
            for name, var in rs.variables.items()
            if var.min != float("-inf") or var.max != float("inf")
        )
        self.bounds_of: dict[int, tuple[float, float]] = {index: (lo, hi) for index, lo, hi in self.bounds}
        self.initial: dict[int, float] = {self.index[k]: float(v) for k, v in scenario.initial.items()}
        # What a declared record of the past (a rule that is only prev(y)) says y was the season
        # before the start: y's index -> that value.
        self.before_start: dict[int, float] = {self.index[y]: float(scenario.initial[x]) for x, y in scenario.lags.items()}
        all_endings = scenario.endings
        endings = [(i, e) for i, e in all_endings.items() if e.when == "any"] + [(i, e) for i, e in all_endings.items() if e.when == "end"]
        self.draw_specs: tuple[Draw, ...] = tuple(rs.draws[d] for d in self.draws)
        self.lever_defaults: tuple[float, ...] = tuple(float(scenario.levers[name].default) for name in self.levers)
        # The levers the start is computed at, and the player's first season is offered: the policy
        # in force before the first season (in a scenario with a history, history's first season's;
        # else the levers' defaults). A lever the player may not move yet stays at its default.
        first = scenario.history[0] if scenario.history else {}
        held = set(scenario.locked) | {name for name, turn in scenario.unlock_turn.items() if turn > 0}
        self.start_levers: tuple[float, ...] = tuple(
            float(scenario.levers[name].default if name in held else first.get(name, scenario.levers[name].default)) for name in self.levers)
        self._compile(endings)
        self._plans: dict[int, TurnPlan] = {}
        self._unscripted: Model | None = None
        # The batch engine's array code for this model, once compiled (game.engine.batch.compiled).
        self.array_code: Any = None

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

    def _local(self, name: str) -> ast.expr:
        kind, env, slot = self._slots[name]
        if kind == "parameter":  # a number for the whole scenario: written in, so the compiler folds it
            return ast.Constant(self.P[slot])
        return load(f"{_LOCAL[ENV[env]]}{slot}")

    def _local_prev(self, name: str) -> ast.expr:
        if name in self.index:
            return load(f"o{self.index[name]}")
        return load(f"ol{self.lever_index[name]}")

    def _compile(self, endings: list[tuple[str, Ending]]) -> None:
        """Rewrite every formula once and compile every function of play in one go: the season
        function, each variable's own function, the events' and the endings'."""
        count = [0]

        def temp() -> str:  # the temporaries of one statement: _t1, _t2, ...
            count[0] += 1
            return f"_t{count[0]}"

        def fast(formula: Formula) -> ast.expr:
            count[0] = 0  # each statement's temporaries are its own: names reused, locals few
            return to_fast_python(formula, self._local, self._local_prev, temp)

        line = iter(range(2, 1 << 62))
        specs: list[FunctionSpec] = []
        season: list[ast.stmt] = []
        names: dict[str, str] = {}  # variable -> its function's name
        variable_specs: list[tuple[str, Formula, int, ast.expr]] = []
        season_reads: set[str] = set()  # the locals the season function reads
        for index in self.order:
            name = self.variables[index]
            at = next(line)
            expr = fast(self.formulas[name])
            if index in self.initial:  # the start keeps the scenario's value: 'v3 = start[3] if start else ...'
                value: ast.expr = ast.IfExp(load("start"), ast.Subscript(load("start"), ast.Constant(index), ast.Load()), expr)
            else:
                value = expr
            season.append(_numbered(ast.Assign([load(f"v{index}", ast.Store())], value), at))
            names[name] = _function_name(f"variables.{name}")
            variable_specs.append((names[name], self.formulas[name], at, expr))  # (its function: compiled when first needed)
            season_reads.update(local for local, _, _ in self._reads(self.formulas[name]))
        self._variable_specs = (variable_specs, names)
        values = _tuple_of([f"v{i}" for i in range(len(self.variables))])
        season.append(_numbered(ast.Assign([load("V", ast.Store())], values), next(line)))
        season.append(_numbered(ast.If(ast.Compare(load("last"), [ast.Is()], [ast.Constant(None)]), [ast.Return(load("V"))], []), next(line)))
        season.extend(self._checks(next(line)))
        conditions = [self.scenario_formula(("endings", ident, "condition")) for ident, _ in endings]
        any_checks: list[ast.stmt] = []
        end_checks: list[ast.stmt] = []
        for code, ((ident, ending), formula) in enumerate(zip(endings, conditions)):
            at = next(line)
            expr = fast(formula)
            (end_checks if ending.when == "end" else any_checks).extend(_ending_check(expr, formula, code, at, temp()))
            season_reads.update(local for local, _, _ in self._reads(formula))
            specs.append((_function_name(f"endings.{ident}"), ENV, [*self._prologue(formula, at), _numbered(ast.Return(expr), at)]))
        season.extend(any_checks)
        if end_checks:
            season.append(_numbered(ast.If(load("last"), end_checks, []), next(line)))
        season.append(_numbered(ast.Return(ast.Tuple([load("V"), ast.Constant(-1)], ast.Load())), next(line)))
        specs.append(("season", ["L", "P", "D", "E", "O", "OL", "F", "last", "start"], [*_unpacked(season_reads, (
            ("L", len(self.levers)), ("D", len(self.draws)), ("E", len(self.events)),
            ("O", len(self.variables)), ("OL", len(self.levers)), ("F", len(self.fact_names)))), *season]))
        events: list[tuple[str, Event, dict[str, str]]] = []
        for ident, event in self.scenario.events.items():
            keys: dict[str, tuple[str, ...]] = {"condition": ("events", ident, "condition"), "chance": ("events", ident, "chance")}
            keys.update({target: ("events", ident, "effects", target) for target in event.effects})
            fn_names = {}
            for part, key in keys.items():
                formula = self.scenario_formula(key)
                at = next(line)
                fn_names[part] = _function_name(".".join(key))
                specs.append((fn_names[part], ENV, [*self._prologue(formula, at), _numbered(ast.Return(fast(formula)), at)]))
            events.append((ident, event, fn_names))
        read = ast.Tuple([as_float(ast.Subscript(load("levers"), ast.Constant(name), ast.Load())) for name in self.levers], ast.Load())
        specs.append(("levers_tuple", ["levers"], [_numbered(ast.Return(read), next(line))]))
        fns = make_functions(specs, self.filename, {"_isfinite": math.isfinite, "_sum": sum}, {"season": (None, False)}, fresh=True)
        self.season_fn: Callable[..., Any] = fns["season"]
        # Every lever's value, as a float, in the order of self.levers: (_float(levers["price"]), ...).
        self.levers_tuple: Callable[[Mapping[str, float]], tuple[float, ...]] = fns["levers_tuple"]
        self.compiled_endings = tuple(
            CompiledEnding(ident, ending, fns[_function_name(f"endings.{ident}")]) for ident, ending in endings
        )
        self.compiled_events = tuple(
            CompiledEvent(
                ident, event, fns[f["condition"]], fns[f["chance"]],
                tuple((self.index[target], fns[f[target]]) for target in event.effects),
                Season.parse(event.season).minus(self.scenario.start) if event.season else None,
            )
            for ident, event, f in events
        )

    @functools.cached_property
    def inputs(self) -> dict[str, tuple[Input, ...]]:
        """Each variable's inputs (for the explanations and for naming a rule that failed)."""
        return {v: self.inputs_of(f) for v, f in self.formulas.items()}

    @functools.cached_property
    def variable_fn(self) -> dict[str, Fn]:
        """Each variable's formula as a function ``f(L, P, D, E, V, O, OL, F)`` (for the
        explanations and for naming a rule that failed): compiled on first use, from the trees
        the season function was compiled from."""
        made, names = self._variable_specs
        specs: list[FunctionSpec] = [(fn, ENV, [*self._prologue(formula, at), _numbered(ast.Return(expr), at)]) for fn, formula, at, expr in made]
        fns = make_functions(specs, self.filename, fresh=True)
        return {v: fns[names[v]] for v in self.variables}

    def scenario_formula(self, key: tuple[str, ...]) -> Formula:
        """A formula of the scenario (its own endings and events) or else of its rule set."""
        found = self.scenario.formulas.get(key)
        return found if found is not None else self.ruleset.formulas[key]

    def _prologue(self, formula: Formula, line: int) -> list[ast.stmt]:
        """``v3 = V[3]`` and so on for the names ``formula`` reads: a one-formula function's
        locals, named as in the season function so that both share the formula's tree."""
        return [_numbered(ast.Assign([load(local, ast.Store())], item(container, slot)), line) for local, container, slot in self._reads(formula)]

    def _reads(self, formula: Formula) -> list[tuple[str, str, int]]:
        """The locals the generated code of ``formula`` reads, each with the container and slot it
        is taken from (``("l3", "L", 3)``): its inputs, in order, but the parameters (written in
        as numbers)."""
        out = []
        for name in formula.names:
            kind, env, slot = self._slots[name]
            if kind != "parameter":
                out.append((f"{_LOCAL[ENV[env]]}{slot}", ENV[env], slot))
        for name in formula.prev_names:
            out.append((f"o{self.index[name]}", "O", self.index[name]) if name in self.index else
                       (f"ol{self.lever_index[name]}", "OL", self.lever_index[name]))
        return out

    def _checks(self, line: int) -> list[ast.stmt]:
        """``if not every value finite: return V, CHECK_FAILED``, then for each bounded value
        ``if v < lo or v > hi: return V, CHECK_FAILED`` (a NaN, which passes these, failed
        the first test; one statement each is about twice as fast as one long ``and``).

        A bound the formula cannot break is not compared (see :meth:`interval`): ``clamp(x, 0,
        1)`` within 0..1, ``max(0, x)`` above 0, ``0.5 * y`` where y's own bounds (checked) keep
        it within. When every compared value is finite and within its bounds, so is every other,
        so the function fails exactly when it failed with every bound compared."""
        def failed() -> ast.stmt:
            return ast.Return(ast.Tuple([load("V"), ast.Constant(CHECK_FAILED)], ast.Load()))

        finite = ast.Call(load("_isfinite"), [ast.Call(load("_sum"), [load("V")], [])], [])
        out = [_numbered(ast.If(ast.UnaryOp(ast.Not(), finite), [failed()], []), line)]
        for index, lo, hi in self.bounds:
            low, high = self.interval(self.formulas[self.variables[index]].tree)
            tests: list[ast.expr] = []
            if lo != -math.inf and low < lo:
                tests.append(ast.Compare(load(f"v{index}"), [ast.Lt()], [ast.Constant(lo)]))
            if hi != math.inf and high > hi:
                tests.append(ast.Compare(load(f"v{index}"), [ast.Gt()], [ast.Constant(hi)]))
            if tests:
                test = tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), tests)
                out.append(_numbered(ast.If(test, [failed()], []), line))
        return out

    def interval(self, node: ast.expr) -> tuple[float, float]:
        """Bounds ``(low, high)`` that the value of a formula's ``node`` cannot leave in a season
        whose values are all finite and within their declared bounds (``-inf``, ``inf``: none
        known). It reads a variable of this season as within its declared bounds and a
        parameter as its number; levers, draws, facts and last season's values as anything.

        Sound because rounding is monotonic: ``x <= a`` and ``y <= b`` give ``x + y <= a + b``
        as computed, and so for the other operations, bounds being finite; a NaN anywhere makes
        the season's sum not finite, which fails the check whatever is compared."""
        unknown = (-math.inf, math.inf)
        # Every node's value is within its bounds, or a NaN (which the operations above it pass
        # on, except where noted), or it raises.
        if isinstance(node, ast.Constant):
            value = node.value
            return (float(value), float(value)) if isinstance(value, (int, float)) else unknown
        if isinstance(node, ast.Name):
            kind, _env, slot = self._slots.get(node.id, ("", 0, 0))
            if kind == "parameter":
                return (self.P[slot], self.P[slot])
            if kind == "variable":
                return self.bounds_of.get(self.index[node.id], unknown)
            if kind == "event":
                return (0.0, 1.0)
            return unknown
        if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
            return (0.0, 1.0)
        if isinstance(node, ast.UnaryOp):
            lo, hi = self.interval(node.operand)
            return (-hi, -lo) if isinstance(node.op, ast.USub) else (lo, hi)
        if isinstance(node, ast.IfExp):
            (a, b), (c, d) = self.interval(node.body), self.interval(node.orelse)
            return (min(a, c), max(b, d))
        if isinstance(node, ast.BinOp):
            return _arithmetic(node.op, self.interval(node.left), self.interval(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name in ("abs", "exp", "sqrt"):
                return (0.0, math.inf)
            if name == "logistic":
                return (0.0, 1.0)
            if name == "clamp" and len(node.args) == 3:
                # 'lo if x < lo else hi if x > hi else x': within lo..hi, or x when x is a NaN;
                # only with limits that are numbers (a limit that is a NaN would let x through).
                first, second = self._number(node.args[1]), self._number(node.args[2])
                return unknown if first is None or second is None else (min(first, second), max(first, second))
            if name in ("min", "max"):
                # One of the arguments, or a NaN. A max is never below its first argument (a
                # later one replaces it only when larger; a NaN first stays) nor above every
                # argument's high; a later argument that is a NaN is passed over, so its low
                # says nothing. A min likewise.
                found = [self.interval(arg) for arg in node.args]
                if name == "max":
                    return (found[0][0], max(hi for _, hi in found))
                return (min(lo for lo, _ in found), found[0][1])
        return unknown

    def _number(self, node: ast.expr) -> float | None:
        """The number a formula's ``node`` is when it is one: a number, a parameter, either negated."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._number(node.operand)
            return None if inner is None else -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and self._slots.get(node.id, ("",))[0] == "parameter":
            return self.P[self._slots[node.id][2]]
        return None

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

    # -- seasons -----------------------------------------------------------------------------
    def turn_plan(self, turn: int) -> TurnPlan:
        """What season ``turn`` (0 = the first) is, and which draws and events it has: the same
        for every game of the scenario, so worked out once."""
        plan = self._plans.get(turn)
        if plan is None:
            plan = self._plans[turn] = self._turn_plan(turn)
        return plan

    def _turn_plan(self, turn: int) -> TurnPlan:
        season = self.scenario.season_at(turn)
        draws: list[tuple[str, Draw, float | None, bool]] = []
        for name, spec in zip(self.draws, self.draw_specs):
            scripted = self.scenario.scripted_draws.get((turn, name))
            if scripted is not None:
                draws.append((name, spec, float(scripted), True))
            elif spec.seasons is not None and season.name not in spec.seasons:
                draws.append((name, spec, resting_value(spec), False))
            else:
                draws.append((name, spec, None, False))
        events = tuple(
            (slot, ev) for slot, ev in enumerate(self.compiled_events) if ev.season_turn is None or ev.season_turn == turn
        )
        fixed: tuple[float, ...] | None = None
        log: tuple[LogEntry, ...] = ()
        if all(value is not None for _name, _spec, value, _scripted in draws):
            fixed = tuple(value for _name, _spec, value, _scripted in draws if value is not None)
            log = tuple(LogEntry.made("draw", name, value, scripted=True) for name, _spec, value, scripted in draws if scripted and value is not None)
        return TurnPlan(season, str(season), self.facts(season, turn), turn == self.scenario.seasons - 1, tuple(draws), events, fixed, log)

    def without_scripted_draws(self) -> Model:
        """This model with none of its scenario's draws scripted (this model is not changed)."""
        if not self.scenario.scripted_draws:
            return self
        twin = self._unscripted
        if twin is None:
            twin = copy.copy(self)
            twin.scenario = dataclasses.replace(self.scenario, scripted_draws={})
            twin._plans = {}
            twin.array_code = None
            twin._unscripted = twin
            self._unscripted = twin
        return twin

    # -- reading values ----------------------------------------------------------------------
    def facts(self, season: Season, turn: int) -> tuple[float, ...]:
        q = season.quarter
        return (float(season.year), float(q), float(q == 0), float(q == 1), float(q == 2), float(q == 3), float(turn))


def _arithmetic(op: ast.operator, a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    """Bounds of ``x op y`` for x within ``a`` and y within ``b`` (see :meth:`Model.interval`)."""
    unknown = (-math.inf, math.inf)
    if not all(map(math.isfinite, (*a, *b))):
        if isinstance(op, ast.Add):  # an open side stays open; the other adds up
            return (a[0] + b[0] if math.isfinite(a[0] + b[0]) else -math.inf, a[1] + b[1] if math.isfinite(a[1] + b[1]) else math.inf)
        if isinstance(op, ast.Sub):
            return (a[0] - b[1] if math.isfinite(a[0] - b[1]) else -math.inf, a[1] - b[0] if math.isfinite(a[1] - b[0]) else math.inf)
        return unknown
    if isinstance(op, ast.Add):
        return (a[0] + b[0], a[1] + b[1])
    if isinstance(op, ast.Sub):
        return (a[0] - b[1], a[1] - b[0])
    if isinstance(op, ast.Mult):
        corners = (a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
    elif isinstance(op, ast.Div) and (b[0] > 0.0 or b[1] < 0.0):
        corners = (a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1])
    else:
        return unknown
    if not all(map(math.isfinite, corners)):
        return unknown
    return (min(corners), max(corners))


# At most this many items are pushed at once by a tuple display ('(a, b, c)'); a longer one is
# built item by item in a list that grows as it goes (CPython's compiler).
_DISPLAY = 30


def _tuple_of(names: Sequence[str]) -> ast.expr:
    """``(v0, v1, ...)``, written so that CPython builds it in a few pieces: the first items at
    once, then tuples of at most 30 unpacked into it, ``(v0, ..., v24, *(v25, ..., v54), ...)``,
    rather than one item at a time (a tenth of the cost of a season's 146 values)."""
    items: list[ast.expr] = [load(name) for name in names]
    if len(items) <= _DISPLAY:
        return ast.Tuple(items, ast.Load())
    chunks = -(-(len(items) - _DISPLAY) // (_DISPLAY - 1))  # the fewest pieces after the first
    head = max(_DISPLAY - chunks, 0)
    rest = [ast.Starred(ast.Tuple(items[i:i + _DISPLAY], ast.Load()), ast.Load()) for i in range(head, len(items), _DISPLAY)]
    return ast.Tuple([*items[:head], *rest], ast.Load())


def _unpacked(read: set[str], containers: Sequence[tuple[str, int]]) -> list[ast.stmt]:
    """``l0, l1, _, l3 = L`` and so on: the slots of each container that are ``read``, in local
    names (``_`` for a slot not read; a container none of whose slots is read is not unpacked).
    Fewer locals: a function of more than 256 of them reads and writes those past the 256th with
    an extra instruction each, and its frame takes longer to set up and clear."""
    out = []
    for container, n in containers:
        names = [f"{_LOCAL[container]}{i}" for i in range(n)]
        if any(name in read for name in names):
            targets: list[ast.expr] = [load(name if name in read else "_", ast.Store()) for name in names]
            out.append(_numbered(ast.Assign([ast.Tuple(targets, ast.Store())], load(container)), 1))
    return out


def _numbered(stmt: ast.stmt, line: int) -> ast.stmt:
    stmt.lineno = line
    return stmt


def _function_name(label: str) -> str:
    return label.replace(".", "__").replace("-", "_")


# The formula nodes whose value is 0 or 1 whatever their operands: no finiteness check needed.
_TRUTH_NODES = (ast.Compare, ast.BoolOp)


def _ending_check(expr: ast.expr, formula: Formula, code: int, line: int, temp: str) -> list[ast.stmt]:
    """``if condition: return V, code`` -- with a check that a condition that is not a truth
    value is finite (else the check fails, and the step names the problem)."""
    reached = ast.Return(ast.Tuple([load("V"), ast.Constant(code)], ast.Load()))
    tree = formula.tree
    if isinstance(tree, _TRUTH_NODES) or (isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not)):
        return [_numbered(ast.If(_truth_test(expr), [reached], []), line)]
    failed = ast.Return(ast.Tuple([load("V"), ast.Constant(CHECK_FAILED)], ast.Load()))
    return [
        _numbered(ast.Assign([load(temp, ast.Store())], expr), line),
        _numbered(ast.If(ast.UnaryOp(ast.Not(), ast.Call(load("_isfinite"), [load(temp)], [])), [failed], []), line),
        _numbered(ast.If(load(temp), [reached], []), line),
    ]


def _truth_test(expr: ast.expr) -> ast.expr:
    """What ``expr`` (a truth value made a number: ``1.0 if test else 0.0``, ``float(test)``)
    tests, for an ``if``: true exactly when ``expr`` is, by the same operations."""
    if isinstance(expr, ast.IfExp) and isinstance(expr.body, ast.Constant) and isinstance(expr.orelse, ast.Constant):
        if expr.body.value == 1.0 and expr.orelse.value == 0.0:
            return expr.test
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "_float" and len(expr.args) == 1:
        return expr.args[0]
    return expr
