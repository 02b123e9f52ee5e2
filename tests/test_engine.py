"""The season step: order of evaluation, draws, events, endings, run-time errors, explanations."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from game.engine import RuleError, initial_state, step
from game.engine.model import Model
from game.rules.problems import LoadError
from game.session import Session
from tests.conftest import build_scenario, ending, event, lever, variable


def play(scenario, levers=None, seed=7, seasons=None):
    session = Session(scenario, seed)
    for _ in range(seasons or scenario.seasons):
        if session.is_over:
            break
        if levers:
            session.set_levers(levers)
        session.end_season()
    return session


def test_stock_accumulates_flow_and_same_season_order_is_by_dependency(tmp_path: Path) -> None:
    # Declared out of order on purpose: stock reads inflow, which reads the lever.
    sc = build_scenario(tmp_path, {
        "stock": variable("prev(stock) + inflow", initial=10),
        "inflow": variable("rate * 2"),
    }, levers={"rate": lever(default=3)})
    s = play(sc, seasons=3)
    assert [s.value("stock", t) for t in range(4)] == [10.0, 16.0, 22.0, 28.0]
    assert s.value("inflow") == 6.0


def test_variable_without_initial_starts_at_its_formula(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"double": variable("rate * 2")}, levers={"rate": lever(default=4)})
    assert Session(sc, 1).value("double") == 8.0


def test_prev_of_lever_reads_last_seasons_setting(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"echo": variable("prev(rate)")}, levers={"rate": lever(default=1)})
    s = Session(sc, 1)
    s.set_lever("rate", 5)
    s.end_season()
    assert s.value("echo") == 1.0
    s.end_season()
    assert s.value("echo") == 5.0


def test_season_facts(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {
        "y": variable("year"), "q": variable("season_of_year"), "summer": variable("is_summer"),
        "autumn": variable("is_autumn"), "t": variable("turn"),
    })
    s = play(sc, seasons=2)
    assert [s.value(n, 1) for n in ("y", "q", "summer", "autumn", "t")] == [1927.0, 2.0, 1.0, 0.0, 0.0]
    assert [s.value(n, 2) for n in ("y", "q", "summer", "autumn", "t")] == [1927.0, 3.0, 0.0, 1.0, 1.0]


def test_draws_are_seeded_logged_clipped_and_limited_to_their_seasons(tmp_path: Path) -> None:
    draws = {
        "weather": {"distribution": "normal", "mean": 1.0, "sd": 5.0, "min": 0.5, "max": 1.5,
                    "seasons": ["summer"], "default": 1.0, "description": "weather"},
        "noise": {"distribution": "uniform", "min": 0.0, "max": 1.0, "description": "noise"},
    }
    sc = build_scenario(tmp_path, {"w": variable("weather"), "n": variable("noise")}, draws=draws)
    a, b, c = play(sc, seed=1), play(sc, seed=1), play(sc, seed=2)
    weather = [a.value("w", t) for t in range(1, 9)]
    assert all(0.5 <= w <= 1.5 for w in weather)
    # Drawn only in summers (turns 1 and 5 from 1927-summer); the default elsewhere.
    assert [w for i, w in enumerate(weather) if i % 4 != 0] == [1.0] * 6
    assert [x.values for x in a.history] == [x.values for x in b.history]
    assert [x.values for x in a.history] != [x.values for x in c.history]
    first = a.history[1].log
    assert [e.name for e in first] == ["weather", "noise"] and all(e.kind == "draw" for e in first)
    assert [e.name for e in a.history[2].log] == ["noise"]


def test_scripted_draw_replaces_chance_without_consuming_it(tmp_path: Path) -> None:
    draws = {"noise": {"distribution": "uniform", "min": 0.0, "max": 1.0, "description": "noise"}}
    free = build_scenario(tmp_path / "a", {"n": variable("noise")}, draws=draws)
    scripted = build_scenario(tmp_path / "b", {"n": variable("noise")}, draws=draws, scenario_tables={
        "scripted_draws": [{"season": "1927-autumn", "draw": "noise", "value": 0.25}]})
    s1, s2 = play(free), play(scripted)
    assert s2.value("n", 2) == 0.25 and s2.history[2].log[0].scripted
    assert s2.value("n", 3) == s1.value("n", 2)  # the generator was not advanced by the scripted season


def test_event_effects_change_last_seasons_stock_and_flag_is_visible(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {
        "stock": variable("prev(stock) + 1", initial=100),
        "hit": variable("flood"),
    }, events={"flood": event("The river floods.", condition="prev(stock) > 101", effects={"stock": "prev(stock) / 2"}, once=True)})
    s = play(sc, seasons=4)
    assert [s.value("stock", t) for t in range(5)] == [100.0, 101.0, 102.0, 52.0, 53.0]
    assert [s.value("hit", t) for t in range(1, 5)] == [0.0, 0.0, 1.0, 0.0]
    assert s.history[3].log[-1].message == "The river floods."
    assert s.history[4].fired == ("flood",)


def test_scheduled_event_fires_only_in_its_season(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"x": variable("strike")}, events={"strike": event(season="1928-winter")})
    s = play(sc)
    assert [s.value("x", t) for t in range(1, 9)] == [0, 0, 1, 0, 0, 0, 0, 0]


def test_event_chance_uses_the_generator(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"x": variable("rumour")}, events={"rumour": event(chance=0.5)})
    fired = [sum(play(sc, seed=seed).value("x", t) for t in range(1, 9)) for seed in range(30)]
    assert 0 < min(fired) or max(fired) < 8  # not all-or-nothing ...
    assert 60 < sum(fired) < 180  # ... and about half of 240 seasons


def test_endings_any_then_end(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"n": variable("prev(n) + rate", initial=0)}, levers={"rate": lever(default=1)}, endings={
        "boom": ending("n >= 5", "bad"),
        "steady": ending("n > 0", when="end"),
    })
    assert play(sc, {"rate": 1}).ending.id == "boom"
    s = play(sc, {"rate": 0})
    assert s.ending.id is None and s.is_over and s.turn == 8
    quiet = build_scenario(tmp_path / "q", {"n": variable("prev(n) + rate", initial=0)}, levers={"rate": lever(default=0)},
                           endings={"steady": ending("n >= 0", when="end")})
    s = play(quiet)
    assert s.ending.id == "steady" and s.ending.season == "1929-spring" and s.turn == 8


@pytest.mark.parametrize("formula, problem, named", [
    ("1 / (rate - 3)", "division by zero", {"rate": 3.0}),
    ("exp((rate - 2) * 1000)", "overflow", {"rate": 3.0}),
    ("log(3 - rate)", "invalid arithmetic", {"rate": 3.0}),
    ("sqrt(2 - rate)", "invalid arithmetic", {"rate": 3.0}),
    ("(2 - rate) ** 0.5", "invalid arithmetic", {"rate": 3.0}),
    ("1e308 * (rate - 1) * 10", "not a finite number", {"rate": 3.0}),
])
def test_runtime_failures_name_rule_season_and_values_and_leave_state(tmp_path: Path, formula: str, problem: str, named: dict) -> None:
    sc = build_scenario(tmp_path, {"fine": variable("rate"), "bad": variable(formula)}, levers={"rate": lever(default=1)})
    s = Session(sc, 1)
    s.end_season()
    before = (list(s.history), dict(s.levers))
    s.set_lever("rate", 3)
    with pytest.raises(RuleError) as caught:
        s.end_season()
    err = caught.value
    assert err.rule == "variables.bad" and err.season == "1927-autumn" and problem in err.problem
    assert err.values == named
    assert "variables.bad" in str(err) and "1927-autumn" in str(err) and "rate = 3" in str(err)
    assert s.history == before[0] and s.turn == 1  # nothing was played
    s.set_lever("rate", 1)
    s.end_season()  # and the game goes on
    assert s.turn == 2


def test_value_outside_declared_bounds_is_an_error(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"share": variable("rate / 5", min=0, max=1)}, levers={"rate": lever(default=1)})
    s = Session(sc, 1)
    s.set_lever("rate", 6)
    with pytest.raises(RuleError, match=r"value 1\.2 is outside its declared bounds 0\.\.1"):
        s.end_season()
    assert s.turn == 0


def test_starting_state_that_breaks_its_bounds_fails_with_a_rule_error(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"share": variable("rate / 5", min=0, max=1)}, levers={"rate": lever(default=10)})
    with pytest.raises(RuleError, match="start"):
        Session(sc, 1)


def test_an_event_effect_outside_the_variables_bounds_names_the_event(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"stock": variable("clamp(prev(stock) + 1, 0, 10)", initial=5, min=0, max=10)},
                        events={"windfall": event("A windfall.", season="1927-autumn", effects={"stock": "prev(stock) + 20"})})
    s = Session(sc, 1)
    s.end_season()
    with pytest.raises(RuleError) as caught:
        s.end_season()
    err = caught.value
    assert err.rule == "events.windfall.effects.stock" and err.season == "1927-autumn"
    assert err.problem == "the effect sets stock to 26, outside its declared bounds 0..10" and err.values == {"prev(stock)": 6.0}
    assert s.turn == 1


def test_event_chance_outside_zero_one_is_an_error(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"x": variable(1)}, events={"odd": event(chance="rate")}, levers={"rate": lever(default=2)})
    with pytest.raises(RuleError, match="chance must lie between 0 and 1"):
        Session(sc, 1).end_season()


def test_explanation_ranks_inputs_and_adds_up(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {
        "income": variable("price * sold"),
        "sold": variable("goods * 10 + 5"),
        "stock": variable("prev(stock) + income", initial=0),
    }, levers={"price": lever(default=2, hi=20), "goods": lever(default=1, hi=20)})
    s = Session(sc, 1)
    s.end_season()
    s.set_levers({"price": 3, "goods": 4})
    s.end_season()
    e = s.explain("income")
    assert (e.before, e.after) == (30.0, 135.0)
    assert [c.name for c in e.causes] == ["sold", "price"]
    # Symmetric split of price*sold: sold 15->45 at the mean price 2.5; price 2->3 at the mean 30.
    assert [c.contribution for c in e.causes] == [75.0, 30.0]
    assert e.other == 0.0
    assert e.causes[0].causes[0].name == "goods" and e.causes[0].causes[0].kind == "lever"
    total = sum(c.contribution for c in e.causes) + e.other
    assert total == pytest.approx(e.change)
    stock = s.explain("stock")
    assert {c.name: c.kind for c in stock.causes} == {"income": "variable", "stock": "prev"}
    assert sum(c.contribution for c in stock.causes) + stock.other == pytest.approx(stock.change)


def test_explanation_of_first_season_tells_a_stock_s_own_trend(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {
        "flow": variable("rate"),
        "stock": variable("prev(stock) + flow", initial=100),
    }, levers={"rate": lever(default=1)})
    s = Session(sc, 1)
    assert s.value("stock", 0) == 100 and s.value("flow", 0) == 1  # the stock as declared; the flow computed
    s.end_season()
    e = s.explain("stock")
    assert e.change == 1.0
    # Nothing the player moved: the stock was already growing by its flow (its rule's own pull).
    assert [(c.name, c.kind, c.contribution) for c in e.causes] == [("stock", "trend", 1.0)]
    assert e.other == 0.0
    # A lever moved in the first season is told beside the trend.
    s2 = Session(sc, 1)
    s2.set_lever("rate", 3)
    s2.end_season()
    e2 = s2.explain("stock")
    assert {(c.name, c.kind): c.contribution for c in e2.causes} == {("stock", "trend"): 1.0, ("flow", "variable"): 2.0}
    assert sum(c.contribution for c in e2.causes) + e2.other == pytest.approx(e2.change)


def test_same_compiled_model_serves_two_games(tmp_path: Path) -> None:
    sc = build_scenario(tmp_path, {"n": variable("prev(n) + noise", initial=0)},
                        draws={"noise": {"distribution": "uniform", "min": 0, "max": 1, "description": "d"}})
    model = Model(sc)
    a = step(model, initial_state(model, 5), {})
    b = step(model, initial_state(model, 5), {})
    assert a == b


def test_same_season_cycle_is_rejected_when_loading(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="same-season cycle: .*a -> b -> a|b -> a -> b"):
        build_scenario(tmp_path, {"a": variable("b + 1"), "b": variable("a + 1")})


def test_scenario_endings_come_before_the_rule_sets(tmp_path: Path) -> None:
    own = {"endings": {"small-win": ending("n >= 1", when="end"), "early-stop": ending("n >= 3", "bad")}}
    sc = build_scenario(tmp_path, {"n": variable("prev(n) + rate", initial=0)}, levers={"rate": lever(default=1)},
                        endings={"steady": ending("n >= 0", when="end")}, scenario_tables=own)
    assert list(sc.endings) == ["small-win", "early-stop", "steady"]
    s = play(sc)
    assert s.ending.id == "early-stop" and s.ending.ending.outcome == "bad"  # 'any' endings first
    slow = play(sc, {"rate": 0})
    assert slow.ending.id == "steady"
    s = play(sc, {"rate": 1}, seasons=2)
    assert not s.is_over


def test_scenario_endings_are_checked_like_the_rule_sets(tmp_path: Path) -> None:
    bad = {"endings": {"steady": ending("n >= 0"), "typo": ending("nn > 1")}}
    with pytest.raises(LoadError) as caught:
        build_scenario(tmp_path, {"n": variable("prev(n)", initial=0)}, endings={"steady": ending("n >= 0", when="end")},
                       scenario_tables=bad)
    messages = [p.message for p in caught.value.problems]
    assert any("the rule set already has an ending 'steady'" in m for m in messages)
    assert any("endings.typo.condition: unknown name 'nn'; did you mean 'n'?" in m for m in messages)


def _anything(rnd: random.Random, lo: float, hi: float) -> float:
    """A value within lo..hi most of the time, sometimes far outside (or at an edge)."""
    lo_, hi_ = max(lo, -1e6), min(hi, 1e6)
    roll = rnd.random()
    if roll < 0.1:
        return rnd.choice([lo_, hi_, lo_ - 1.0, hi_ + 1.0, -hi_ * 3.0, hi_ * 3.0 + 1.0, 0.0, -0.0])
    return rnd.uniform(lo_, hi_)


@pytest.mark.parametrize("ident", ["nep-1923-1930", "hammurabi-reign", "class-procurement-crisis"])
def test_the_season_function_fails_exactly_when_a_value_breaks_its_bounds(ident: str) -> None:
    """The generated function compares only the bounds a formula can break (Model.interval):
    over random last seasons, levers and draws, within their ranges and far outside, it still
    fails exactly when some value is not finite or outside its declared bounds."""
    from game.engine.model import CHECK_FAILED
    from game.rules.scenario import load_scenario
    from tests.conftest import RULES

    model = Model(load_scenario(ident, RULES))
    rs = model.ruleset
    rnd = random.Random(ident)
    history = model.scenario.history
    states = [initial_state(model, 1)]
    for turn in range(model.scenario.seasons - 1):  # a real game: states the check mostly passes
        levers = dict(history[turn]) if history else {n: lv.default for n, lv in model.scenario.levers.items()}
        try:
            states.append(step(model, states[-1], levers))
        except RuleError:
            break
    outcomes = {True: 0, False: 0}
    for k in range(900):
        turn = rnd.randrange(len(states))
        plan = model.turn_plan(turn)
        if k % 3:  # near a real season: a few values and levers moved a little, or anywhere in range
            real = states[turn]
            last = tuple(v * (1.0 + 0.05 * rnd.gauss(0.0, 1.0)) if rnd.random() < 0.1 else v for v in real.values)
            L = tuple(rnd.uniform(rs.levers[n].min, rs.levers[n].max) if rnd.random() < 0.3 else v for n, v in zip(model.levers, real.levers))
            D = real.draws
        else:  # anything, far outside the ranges too
            last = tuple(_anything(rnd, rs.variables[v].min, rs.variables[v].max) for v in model.variables)
            L = tuple(_anything(rnd, rs.levers[n].min, rs.levers[n].max) for n in model.levers)
            D = tuple(_anything(rnd, rs.draws[d].min, rs.draws[d].max) for d in model.draws)
        E = tuple(float(rnd.random() < 0.3) for _ in model.events)
        try:
            V, code = model.season_fn(L, model.P, D, E, last, L, plan.facts, False)
        except (ArithmeticError, ValueError, TypeError):
            continue
        broken = not math.isfinite(sum(V)) or any(not lo <= V[i] <= hi for i, lo, hi in model.bounds)
        assert (code == CHECK_FAILED) == broken, k
        outcomes[broken] += 1
    assert outcomes[True] > 20 and outcomes[False] > 20, outcomes


def test_the_bounds_a_formula_cannot_break(tmp_path: Path) -> None:
    scenario = build_scenario(tmp_path, {"share": variable("0.5", min=0, max=1), "x": variable("a", min=-10, max=10)},
                              levers={"a": lever(1, 0, 5, 1)})
    model = Model(scenario)

    def bounds(text: str) -> tuple[float, float]:
        from game.formula import parse

        return model.interval(parse(text).tree)

    inf = math.inf
    assert bounds("clamp(a * 3, 0, 1)") == (0.0, 1.0)
    assert bounds("clamp(a, a, 1)") == (-inf, inf)  # a limit that is not a number: a NaN would let x through
    assert bounds("max(0, a)") == (0.0, inf) and bounds("max(a, 0)") == (-inf, inf)  # a later NaN is passed over
    assert bounds("min(2, a)") == (-inf, 2.0)
    assert bounds("0.5 * share + 1") == (1.0, 1.5)  # a variable of this season: within its bounds
    assert bounds("prev(share)") == (-inf, inf) and bounds("a") == (-inf, inf)  # last season's, and levers: anything
    assert bounds("share / x") == (-inf, inf)  # x may be 0
    assert bounds("logistic(a) + abs(a)") == (0.0, inf)
    assert bounds("a > 1 and share < 1") == (0.0, 1.0) and bounds("1 if a > 2 else share - 2") == (-2.0, 1.0)


def test_the_season_function_unpacks_exactly_the_slots_it_reads() -> None:
    """For every shipped scenario, the season function takes into locals (``l0, _, l2 = L``) the
    levers, draws, events, last season's values and levers, and facts that its formulas read,
    and no others (a slot it reads but did not unpack would fail; one it unpacks but does not
    read is a local for nothing)."""
    import dis
    import re

    from game.rules.scenario import available_scenarios, load_scenario
    from tests.conftest import RULES

    slot = re.compile(r"(l|d|e|o|ol|f)[0-9]+")
    for ident in available_scenarios(RULES):
        fn = Model(load_scenario(ident, RULES)).season_fn
        stored, loaded = set(), set()
        for instruction in dis.get_instructions(fn):
            if isinstance(instruction.argval, str) and slot.fullmatch(instruction.argval):
                (stored if instruction.opname == "STORE_FAST" else loaded if instruction.opname == "LOAD_FAST" else set()).add(instruction.argval)
        assert stored == loaded and loaded, ident
