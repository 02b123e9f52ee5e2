"""A rule set as a whole: the mini set loads; every broken reference is located and explained."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from game.rules.problems import LoadError, Problem
from game.rules.reading import display_name
from game.rules.ruleset import RESERVED, Ruleset, load_ruleset, ruleset_warnings
from tests.rules.ruleskit import (
    MINI,
    append,
    at,
    copy_mini,
    edit,
    load_mini,
    ruleset_problem,
    ruleset_problems,
    shown,
)

# --- the valid mini rule set -----------------------------------------------------------------


def test_mini_loads_whole() -> None:
    rs = load_mini()
    assert isinstance(rs, Ruleset)
    assert (rs.id, rs.name, rs.folder) == ("mini", "The village well", str(MINI))
    assert list(rs.works) == ["manual"]
    assert list(rs.mechanisms) == ["rain", "thirst"]
    assert list(rs.parameters) == ["need"]
    assert list(rs.levers) == ["pump", "guard"]
    assert list(rs.draws) == ["rain"]
    assert list(rs.variables) == ["inflow", "pumped", "water", "shortage"]
    assert list(rs.events) == ["drought"]
    assert list(rs.endings) == ["dry", "watered"]
    assert [(i.variable, i.format, i.better) for i in rs.indicators] == [("water", ",.0f", "higher"), ("shortage", ".1f", "lower")]
    # Each variable after those it reads this season; prev() does not count.
    assert rs.order == ("inflow", "pumped", "water", "shortage")
    assert rs.depends_on == {"inflow": (), "pumped": ("inflow",), "water": ("inflow", "pumped"), "shortage": ("pumped",)}
    assert rs.formula("variables", "water", "formula").prev_names == ("water",)
    assert set(rs.formulas) == {
        ("variables", "inflow", "formula"), ("variables", "pumped", "formula"), ("variables", "water", "formula"),
        ("variables", "shortage", "formula"), ("events", "drought", "condition"), ("events", "drought", "chance"),
        ("events", "drought", "effects", "water"), ("endings", "dry", "condition"), ("endings", "watered", "condition"),
    }
    assert rs.mechanisms["rain"].sources[0].lines == (10, 20)
    assert str(rs.variables["inflow"].source) == "ch. 1 (lines 12–14)"
    assert ruleset_warnings(rs) == []


def test_a_loaded_rule_set_cannot_be_changed() -> None:
    rs = load_mini()
    with pytest.raises(dataclasses.FrozenInstanceError):
        rs.id = "other"  # type: ignore[misc,unused-ignore]
    with pytest.raises(ValidationError):
        rs.levers["pump"].default = 10  # type: ignore[misc,unused-ignore]


def test_a_plain_number_is_a_formula(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", 'formula = "rain * (1 + 0.1 * guard)"', "formula = 12")
    assert load_ruleset(folder).formula("variables", "inflow", "formula").names == ()


# --- loads whole or not at all ---------------------------------------------------------------


def test_any_error_means_no_rule_set(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "outcomes.toml", 'format = ",.0f"', 'format = ",.0q"')
    result: list[Ruleset] = []
    with pytest.raises(LoadError) as info:
        result.append(load_ruleset(folder))
    assert result == []
    assert info.value.errors == info.value.problems
    assert str(info.value) == shown(folder / "outcomes.toml", 33, 10, "indicators[0].format: ',.0q' is not a number format (try '.1f', ',.0f' or '.0%')")


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "model.toml", '\n[mechanisms.wells]\ntitle = "Wells"\nsummary = "Unused."\nsources = [{ work = "manual", section = "ch. 9" }]\n')
    rs = load_ruleset(folder)
    warnings = ruleset_warnings(rs)
    assert [str(w) for w in warnings] == [
        shown(folder / "model.toml", line + 1, 1, "mechanisms.wells: mechanism 'wells' is declared but no rule names it", "warning"),
    ]


def add_citing_variables(model: Path, count: int, mechanisms: str) -> int:
    """Add ``count`` variables that cite lines 12-14 of the manual; the line of the first's table."""
    text = "".join(
        f'\n[variables.extra{n}]\nformula = "inflow * {n}"\ndescription = "A copy."\nmechanisms = {mechanisms}\n'
        f'source = {{ work = "manual", section = "ch. 1", lines = [12, 14] }}\n' for n in range(count))
    return append(model, text) + 1


def test_a_line_range_cited_by_many_variables_of_different_mechanisms_is_warned_about(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    model = folder / "model.toml"
    # 'inflow' (rain) cites lines 12-14 already; four more variables of 'thirst' make five.
    first = add_citing_variables(model, 4, '["thirst"]')
    warnings = [str(w) for w in ruleset_warnings(load_ruleset(folder))]
    assert len(warnings) == 5
    assert warnings[0] == shown(model, 58, 56, "variables.inflow.source.lines: lines 12-14 of 'manual' are also cited by "
                                "'extra0', 'extra1', 'extra2' and 1 more, 5 variables of 2 mechanisms in all; cite the lines "
                                "that support this variable's own formula", "warning")
    assert warnings[1].startswith(f"{display_name(model)}:{first + 4}:56: warning: variables.extra0.source.lines: lines 12-14")


def test_a_line_range_shared_by_a_few_variables_or_by_one_mechanism_is_no_warning(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path / "few")
    add_citing_variables(folder / "model.toml", 3, '["thirst"]')  # four in all: a few
    assert ruleset_warnings(load_ruleset(folder)) == []
    folder = copy_mini(tmp_path / "one")
    add_citing_variables(folder / "model.toml", 6, '["rain"]')  # seven, all of 'rain' like 'inflow'
    assert ruleset_warnings(load_ruleset(folder)) == []


def test_a_mechanism_named_only_by_a_lever_is_used(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    # 'thirst' stays used by variables; make 'rain' used by nothing but the guard lever.
    edit(folder / "model.toml", 'mechanisms = ["rain"]', 'mechanisms = ["thirst"]')
    edit(folder / "model.toml", 'mechanisms = ["rain", "thirst"]', 'mechanisms = ["thirst"]')
    edit(folder / "outcomes.toml", 'mechanisms = ["rain"]', 'mechanisms = ["thirst"]')
    assert [w.message for w in ruleset_warnings(load_ruleset(folder))] == ["mechanisms.rain: mechanism 'rain' is declared but no rule names it"]
    edit(folder / "model.toml", 'mechanisms = ["thirst"]\n\n[draws', 'mechanisms = ["rain"]\n\n[draws')
    assert ruleset_warnings(load_ruleset(folder)) == []


def test_all_problems_at_once(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    model = folder / "model.toml"
    edit(model, "default = 50", "default = 55")
    edit(model, 'choices = ["nobody", "a dog", "a watchman"]', 'choices = ["nobody", "a dog"]')
    edit(model, 'formula = "rain * (1 + 0.1 * guard)"', 'formula = "rian * (1 + 0.1 * guard)"')
    edit(model, 'mechanisms = ["rain"]', 'mechanisms = ["rains"]')
    edit(model, 'source = { work = "manual", section = "ch. 2" }\n\n[variables.water]', 'source = { work = "manuel", section = "ch. 2" }\n\n[variables.water]')
    assert [str(p) for p in ruleset_problems(folder)] == [
        shown(model, 26, 11, "levers.pump.default: default 55 is not min plus a whole number of steps of 10"),
        shown(model, 38, 11, "levers.guard.choices: 2 choices for 3 possible values (0 to 2 in steps of 1)"),
        shown(model, 52, 12, "variables.inflow.formula: unknown name 'rian'; did you mean 'rain'?"),
        shown(model, 57, 15, "variables.inflow.mechanisms[0]: unknown mechanism 'rains'; did you mean 'rain'?"),
        shown(model, 67, 19, "variables.pumped.source.work: unknown work 'manuel'; did you mean 'manual'?"),
    ]


def test_problems_of_several_files_together(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "ruleset.toml", "format_version = 2", "format_version = 3")
    edit(folder / "outcomes.toml", 'variable = "water"', 'variable = "watr"')
    assert [str(p) for p in ruleset_problems(folder)] == [
        shown(folder / "outcomes.toml", 31, 12, "indicators[0].variable: unknown variable 'watr'; did you mean 'water'?"),
        shown(folder / "ruleset.toml", 7, 18,
              "ruleset.format_version: format_version 3 is not supported; this version of the game reads format_version 1 to 2"),
    ]


# --- duplicate ids ---------------------------------------------------------------------------


def test_duplicate_id_across_files_names_the_other_place(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", """
[variables.water]
formula = "1"
description = "Again."
mechanisms = ["rain"]
source = { work = "manual", section = "ch. 1" }
""")
    problem = ruleset_problem(folder)
    assert str(problem) == shown(
        folder / "outcomes.toml", line + 1, 1,
        f"variables.water: duplicate id 'water': already defined at {display_name(folder / 'model.toml')}:69:1",
    )


def test_same_name_in_two_tables(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", '\n[parameters.pump]\nvalue = 1\ndescription = "A clash."\n')
    problem = ruleset_problem(folder)
    # Reported at the later definition (in file order), naming the first.
    assert str(problem) == shown(
        folder / "outcomes.toml", line + 1, 1,
        f"parameters.pump: 'pump' is already a name in levers (at {display_name(folder / 'model.toml')}:20:1); "
        "formulas need one meaning per name",
    )


def test_same_name_in_two_tables_of_one_file(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", "[draws.rain]", "[draws.need]")
    edit(folder / "model.toml", '"rain * (1 + 0.1 * guard)"', '"need * (1 + 0.1 * guard)"')
    assert at(ruleset_problem(folder)) == (41, 1, "draws.need: 'need' is already a name in parameters (at "
                                           f"{display_name(folder / 'model.toml')}:13:1); formulas need one meaning per name")


# --- names -----------------------------------------------------------------------------------


def test_reserved_name(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", '\n[parameters.turn]\nvalue = 1\ndescription = "A clash."\n')
    assert {"turn", "year", "min", "prev", "true", "inf"} <= RESERVED
    assert at(ruleset_problem(folder)) == (
        line + 1, 1, f"parameters.turn: 'turn' is a reserved name (season facts and functions: {', '.join(sorted(RESERVED))})",
    )


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("if", "'if' is a word of the formula language and cannot be a name"),
        ("None", "'None' is a word of the formula language and cannot be a name"),
        ("rain-fall", "'rain-fall' cannot be used in formulas: use letters, digits and '_', starting with a letter"),
        ("2nd", "'2nd' cannot be used in formulas: use letters, digits and '_', starting with a letter"),
        ("_hidden", "'_hidden' cannot be used in formulas: use letters, digits and '_', starting with a letter"),
        ('"pluie\u00e9"', "'pluie\u00e9' cannot be used in formulas: use letters, digits and '_', starting with a letter"),
    ],
)
def test_names_formulas_cannot_use(tmp_path: Path, ident: str, message: str) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", f'\n[parameters.{ident}]\nvalue = 1\ndescription = "Odd."\n')
    problem = ruleset_problem(folder)
    assert (problem.line, problem.col) == (line + 1, 1)
    assert problem.message.endswith(": " + message)


def test_a_soft_keyword_is_a_fine_name(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    append(folder / "outcomes.toml", '\n[parameters.match]\nvalue = 1\ndescription = "Fine."\n')
    edit(folder / "outcomes.toml", 'condition = "shortage < 1"', 'condition = "shortage < match"')
    assert "match" in load_ruleset(folder).parameters


# --- references in formulas ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "col", "message"),
    [
        # unknown names, with the column of the name inside the formula string
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * gaurd)"', 52, 30,
         "variables.inflow.formula: unknown name 'gaurd'; did you mean 'guard'?"),
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * xyz)"', 52, 30, "variables.inflow.formula: unknown name 'xyz'"),
        ("model.toml", "max(need - pumped,", "max(need - pumpd,", 81, 12, "variables.shortage.formula: unknown name 'pumpd'; did you mean 'pumped'?"),
        ("model.toml", "    0)\"\"\"", "    zero)\"\"\"", 82, 5, "variables.shortage.formula: unknown name 'zero'"),
        ("outcomes.toml", '"water <= 0 and shortage > 0"', '"water <= 0 and shortfall > 0"', 15, 29,
         "endings.dry.condition: unknown name 'shortfall'; did you mean 'shortage'?"),
        # prev()
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * guard) + 0 * prev(pumped)"', 52, 48,
         "variables.inflow.formula: prev(pumped) needs an initial value: add 'initial = ...' to variables.pumped"),
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * guard) + prev(rainfall)"', 52, 44,
         "variables.inflow.formula: prev() takes a variable or lever; 'rainfall' is not one"),
        ("model.toml", '"min(pump, prev(water) + inflow)"', '"min(pump, prev(watter) + inflow)"', 61, 27,
         "variables.pumped.formula: prev() takes a variable or lever; 'watter' is not one; did you mean 'water'?"),
        ("model.toml", '"min(pump, prev(water) + inflow)"', '"min(pump, prev(rain) + inflow)"', 61, 27,
         "variables.pumped.formula: prev() takes a variable or lever; 'rain' is in draws"),
        ("model.toml", '"min(pump, prev(water) + inflow)"', '"min(prev(pump), prev(water) + inflow)"', 0, 0, ""),
        # events see last season only
        ("outcomes.toml", '"prev(water) < 20"', '"water < 20"', 5, 14,
         "events.drought.condition: 'water' is this season's value, not yet known when events fire: write prev(water)"),
        ("outcomes.toml", '"prev(water) < 20"', '"prev(water) < 20 and water > 1"', 5, 35,
         "events.drought.condition: 'water' is this season's value, not yet known when events fire: write prev(water)"),
        ("outcomes.toml", '"prev(water) * 0.5"', '"prev(water) * 0.5 + shortage"', 7, 42,
         "events.drought.effects.water: 'shortage' is this season's value, not yet known when events fire: write prev(shortage)"),
        ("outcomes.toml", 'chance = "0.5"', 'chance = "0.5 * drought"', 6, 17, "events.drought.chance: 'drought' (events) cannot be used in event formulas"),
        ("outcomes.toml", 'effects = { water = "prev(water) * 0.5" }', 'effects = { well = "prev(water) * 0.5" }', 7, 13,
         "events.drought.effects.well: an effect must name a variable; 'well' is not one"),
        # exponents
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"rain ** guard"', 52, 20,
         "variables.inflow.formula: the exponent 'guard' must be a parameter (a number fixed at load)"),
        ("model.toml", '"rain * (1 + 0.1 * guard)"', '"need + rain ** need"', 52, 27,
         "variables.inflow.formula: exponent parameter 'need' = 40 is too large; at most 16"),
    ],
)
def test_references_in_formulas(tmp_path: Path, file: str, old: str, new: str, line: int, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / file, old, new)
    if not message:  # prev() of a lever is fine
        load_ruleset(folder)
        return
    assert str(ruleset_problem(folder)) == shown(folder / file, line, col, message)


def test_event_flags_may_be_read_by_variables(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * guard) * (1 - drought)"')
    rs = load_ruleset(folder)
    assert rs.depends_on["inflow"] == ()


def test_an_unparsable_formula_is_located_inside_the_string(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * guard.x)"')
    problem = ruleset_problem(folder)
    assert (problem.line, problem.col) == (52, 30)
    assert problem.message.startswith("variables.inflow.formula: ")


def test_a_formula_with_escapes_is_located_at_the_string(tmp_path: Path) -> None:
    # An escape breaks the one-to-one mapping of the string onto the file: the string is shown.
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", '"rain * (1 + 0.1 * guard)"', '"rain * (1 + 0.1 * \\u0067aurd)"')
    assert at(ruleset_problem(folder)) == (52, 11, "variables.inflow.formula: unknown name 'gaurd'; did you mean 'guard'?")


# --- cycles ----------------------------------------------------------------------------------


def test_same_season_cycle_names_the_cycle(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", '"rain * (1 + 0.1 * guard)"', '"rain + 0 * water"')
    assert at(ruleset_problem(folder)) == (
        52, 23, "variables.inflow.formula: same-season cycle: inflow -> water -> inflow; break it with prev()",
    )


def test_self_cycle(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", '"prev(water) + inflow - pumped"', '"prev(water) + inflow - pumped + 0 * water"')
    assert at(ruleset_problem(folder)) == (70, 48, "variables.water.formula: same-season cycle: water -> water; break it with prev()")


def test_three_step_cycle(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", "max(need - pumped,", "max(need - pumped - 0 * water,")
    edit(folder / "model.toml", '"prev(water) + inflow - pumped"', '"prev(water) + inflow - pumped + 0 * shortage"')
    assert at(ruleset_problem(folder)) == (
        70, 48, "variables.water.formula: same-season cycle: water -> shortage -> water; break it with prev()",
    )


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "message"),
    [
        ("default = 50", "default = 55", 26, 11, "levers.pump.default: default 55 is not min plus a whole number of steps of 10"),
        ("default = 50", "default = 150", 26, 11, "levers.pump.default: default 150 is outside 0..100"),
        ("default = 50", "default = -10", 26, 11, "levers.pump.default: default -10 is outside 0..100"),
        ("max = 100\nstep", "max = -5\nstep", 23, 7, "levers.pump.min: min 0 is above max -5"),
        ("step = 10", "step = 5e-324", 25, 8, "levers.pump.step: step 4.94066e-324 is too small for the range 0..100"),
        ('choices = ["nobody", "a dog", "a watchman"]', 'choices = ["nobody", "a dog", "a watchman", "two"]', 38, 11,
         "levers.guard.choices: 4 choices for 3 possible values (0 to 2 in steps of 1)"),
        ("value = 40", "value = 400", 14, 9, "parameters.need.value: 400 is outside the declared bounds 0..100"),
        ("min = 0\nmax = 100\n\n[levers", "min = 200\nmax = 100\n\n[levers", 17, 7, "parameters.need.min: min 200 is above max 100"),
        ("initial = 100", "initial = 20000", 71, 11, "variables.water.initial: 20000 is outside the declared bounds 0..10000"),
        ("min = 0\nmax = 10000", "min = 50000\nmax = 10000", 73, 7, "variables.water.min: min 50000 is above max 10000"),
        ("mean = 30\n", "", 41, 1, "draws.rain: a normal draw needs 'mean'"),
        ("sd = 10\n", "", 41, 1, "draws.rain: a normal draw needs 'sd'"),
        ('distribution = "normal"', 'distribution = "triangular"', 41, 1, "draws.rain: a triangular draw needs 'mode'"),
        ("mean = 30", "mean = 90", 43, 8, "draws.rain.mean: mean 90 is outside min..max (0..60)"),
        ("default = 0\ndescription = \"Rain", "default = 61\ndescription = \"Rain", 48, 11, "draws.rain.default: default 61 is outside min..max (0..60)"),
        ("default = 0\ndescription = \"Rain", "description = \"Rain", 47, 11,
         "draws.rain.seasons: a draw limited to some seasons needs a 'default' for the others"),
        ("min = 0\nmax = 60", "min = 70\nmax = 60", 45, 7, "draws.rain.min: min 70 is above max 60"),
    ],
)
def test_numbers(tmp_path: Path, old: str, new: str, line: int, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", old, new)
    assert str(ruleset_problem(folder)) == shown(folder / "model.toml", line, col, message)


def test_uniform_draw_needs_no_mean(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", 'distribution = "normal"\nmean = 30\nsd = 10\n', 'distribution = "uniform"\n')
    assert load_ruleset(folder).draws["rain"].distribution == "uniform"


# --- references to declarations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "col", "message"),
    [
        ("model.toml", 'mechanisms = ["rain", "thirst"]', 'mechanisms = ["rain", "thirsty"]', 76, 23,
         "variables.water.mechanisms[1]: unknown mechanism 'thirsty'; did you mean 'thirst'?"),
        ("outcomes.toml", 'mechanisms = ["rain"]', 'mechanisms = ["flood"]', 10, 15, "events.drought.mechanisms[0]: unknown mechanism 'flood'"),
        ("model.toml", 'sources = [{ work = "manual", section = "ch. 1", lines = [10, 20] }]',
         'sources = [{ work = "bettelheim", section = "ch. 1", lines = [10, 20] }]', 6, 21,
         "mechanisms.rain.sources[0].work: unknown work 'bettelheim' (declared works: manual)"),
        ("outcomes.toml", 'source = { work = "manual", section = "ch. 5" }\n\n[endings.watered]',
         'source = { work = "manul", section = "ch. 5" }\n\n[endings.watered]', 19, 19,
         "endings.dry.source.work: unknown work 'manul'; did you mean 'manual'?"),
        ("outcomes.toml", 'variable = "shortage"', 'variable = "thirst"', 37, 12, "indicators[1].variable: unknown variable 'thirst'"),
        ("outcomes.toml", 'format = ",.0f"', 'format = "d"', 33, 10, "indicators[0].format: 'd' is not a number format (try '.1f', ',.0f' or '.0%')"),
        ("outcomes.toml", 'format = ",.0f"', 'format = "2000000000.1f"', 33, 10,
         "indicators[0].format: '2000000000.1f': width and precision must be below 100"),
        ("outcomes.toml", 'format = ",.0f"', 'format = ">12,.99f"', 0, 0, ""),
    ],
)
def test_references(tmp_path: Path, file: str, old: str, new: str, line: int, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / file, old, new)
    if not message:
        load_ruleset(folder)
        return
    assert str(ruleset_problem(folder)) == shown(folder / file, line, col, message)


def test_parameter_citation_is_checked_too(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", 'max = 100\n\n[levers.pump]', 'max = 100\nsource = { work = "nobody", section = "x" }\n\n[levers.pump]')
    assert at(ruleset_problem(folder)) == (19, 19, "parameters.need.source.work: unknown work 'nobody' (declared works: manual)")


def test_no_works_at_all(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "ruleset.toml", '[works.manual]\ntitle = "The well-keeper\'s manual"\nauthor = "A. Keeper"\nyear = 1900\nfile = "manual.txt"\n', "")
    problems = ruleset_problems(folder)
    assert len(problems) == 11  # every citation: 2 mechanisms, 2 levers, 4 variables, an event, 2 endings
    assert at(problems[0]) == (6, 21, "mechanisms.rain.sources[0].work: unknown work 'manual' (declared works: none — add [works.<id>] to ruleset.toml)")


# --- the manifest ----------------------------------------------------------------------------


def test_format_version_2(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "ruleset.toml", "format_version = 2", "format_version = 3")
    assert str(ruleset_problem(folder)) == shown(
        folder / "ruleset.toml", 7, 18,
        "ruleset.format_version: format_version 3 is not supported; this version of the game reads format_version 1 to 2",
    )


def test_verdicts_word_the_outcome_and_need_both_phrases(tmp_path: Path) -> None:
    assert load_mini().verdicts is None  # optional: the debrief then shows the ending's title alone
    folder = copy_mini(tmp_path)
    manifest = 'description = "Rain fills a well; the village pumps from it."\n'
    edit(folder / "ruleset.toml", manifest, manifest + '\n[ruleset.verdicts]\ngood = "The well serves"\nbad = "The well runs dry"\n')
    verdicts = load_ruleset(folder).verdicts
    assert verdicts is not None and (verdicts.good, verdicts.bad) == ("The well serves", "The well runs dry")
    edit(folder / "ruleset.toml", 'bad = "The well runs dry"\n', "")
    problem = ruleset_problem(folder)
    assert (problem.file, problem.line) == (display_name(folder / "ruleset.toml"), 10)
    assert "ruleset.verdicts" in problem.message and "bad" in problem.message


def test_id_must_equal_the_folder_name(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path, name="well")
    assert str(ruleset_problem(folder)) == shown(folder / "ruleset.toml", 5, 6, "ruleset.id: id 'mini' must equal the folder name 'well'")


def test_missing_manifest(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "ruleset.toml", '[ruleset]\nid = "mini"\nname = "The village well"\nformat_version = 2\n'
         'description = "Rain fills a well; the village pumps from it."\n', "")
    assert str(ruleset_problem(folder)) == shown(
        folder / "ruleset.toml", 1, 1, "missing the manifest: a [ruleset] table with id, name and format_version",
    )


def test_missing_ruleset_toml(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    (folder / "ruleset.toml").unlink()
    append(folder / "model.toml", '\n[works.manual]\ntitle = "The manual"\nauthor = "A. Keeper"\n')
    assert str(ruleset_problem(folder)) == shown(
        folder / "ruleset.toml", 1, 1,
        "file not found: a rule set needs a ruleset.toml with the manifest, a [ruleset] table with id, name and format_version",
    )


def test_a_second_manifest(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", '\n[ruleset]\nid = "mini"\nname = "Again"\nformat_version = 2\n')
    assert str(ruleset_problem(folder)) == shown(
        folder / "outcomes.toml", line + 1, 1, f"ruleset: a second [ruleset] manifest; the first is at {display_name(folder / 'ruleset.toml')}:4:1",
    )


def test_the_manifest_belongs_in_ruleset_toml(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    manifest = '[ruleset]\nid = "mini"\nname = "The village well"\nformat_version = 2\ndescription = "Rain fills a well; the village pumps from it."\n'
    edit(folder / "ruleset.toml", manifest, "")
    line = append(folder / "model.toml", "\n" + manifest)
    assert str(ruleset_problem(folder)) == shown(folder / "model.toml", line + 1, 1, "ruleset: the [ruleset] manifest belongs in ruleset.toml, not in model.toml")


# --- the content hash ------------------------------------------------------------------------


def test_content_hash_follows_the_files(tmp_path: Path) -> None:
    original = load_mini().content_hash
    folder = copy_mini(tmp_path)
    assert load_ruleset(folder).content_hash == original  # the folder's place does not count
    edit(folder / "model.toml", "# The well:", "# The village well:")
    changed = load_ruleset(folder).content_hash
    assert changed != original
    edit(folder / "model.toml", "# The village well:", "# The well:")
    assert load_ruleset(folder).content_hash == original
    (folder / "outcomes.toml").rename(folder / "results.toml")  # a renamed file is a change
    assert load_ruleset(folder).content_hash != original
    shutil.copy(folder / "results.toml", folder / "zz-extra.toml")
    edit(folder / "zz-extra.toml", "[events.drought]", "[events.drought2]")
    with pytest.raises(LoadError):
        load_ruleset(folder)


def test_load_error_sorts_and_prints_every_problem() -> None:
    a = Problem("b.toml", 3, 1, "later file")
    b = Problem("a.toml", 9, 2, "second")
    c = Problem("a.toml", 9, 1, "first", "warning")
    err = LoadError([a, b, c])
    assert err.problems == [c, b, a]
    assert err.errors == [b, a]
    assert str(err) == "a.toml:9:1: warning: first\na.toml:9:2: error: second\nb.toml:3:1: error: later file"
