"""Reading files: missing, unreadable, not UTF-8, bad TOML, wrong types, unknown and missing keys."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from game.rules import reading
from game.rules.problems import Problem
from game.rules.reading import describe, display_name, key_path, read_document
from game.rules.ruleset import load_ruleset
from tests.rules.ruleskit import (
    MINI,
    append,
    at,
    copy_mini,
    edit,
    only_problem,
    ruleset_problem,
    ruleset_problems,
    shown,
)

# --- files that cannot be read ---------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert read_document(tmp_path / "nope.toml", problems) is None
    assert [str(p) for p in problems] == [shown(tmp_path / "nope.toml", 1, 1, "file not found")]


def test_missing_rule_set_folder(tmp_path: Path) -> None:
    problem = ruleset_problem(tmp_path / "nowhere")
    assert str(problem) == shown(tmp_path / "nowhere", 1, 1, "rule set folder not found")


def test_rule_set_folder_without_toml_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no rules here\n")
    problem = ruleset_problem(tmp_path / "empty")
    assert str(problem) == shown(tmp_path / "empty", 1, 1, "no .toml files in the rule set folder")


def test_a_folder_instead_of_a_file(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    (folder / "extra.toml").mkdir()
    problem = ruleset_problem(folder)
    assert str(problem) == shown(folder / "extra.toml", 1, 1, "is a folder, expected a .toml file")


def test_unreadable_file(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    target = folder / "outcomes.toml"
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running with rights that read any file (root)")
        problem = ruleset_problem(folder)
        assert str(problem) == shown(target, 1, 1, "cannot read the file: permission denied")
    finally:
        target.chmod(0o644)


def test_read_error_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same path as an unreadable file, whoever runs the tests: every read goes through game.files.
    import game.files

    def refuse(path: object, *args: object) -> bytes:
        raise game.files.FileProblem("permission denied", path, 13)

    monkeypatch.setattr(reading, "read_file", refuse)
    problems: list[Problem] = []
    assert read_document(MINI / "model.toml", problems) is None
    assert at(only_problem(problems)) == (1, 1, "cannot read the file: permission denied")


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    size = (MINI / "ruleset.toml").stat().st_size
    problems: list[Problem] = []
    assert read_document(MINI / "ruleset.toml", problems) is None
    assert at(only_problem(problems)) == (1, 1, f"file is {size:,} bytes; a rule, scenario or policy file is at most 100 bytes")


# --- encodings -------------------------------------------------------------------------------


def test_not_utf8_points_at_the_bad_byte(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    target = folder / "model.toml"
    raw = target.read_bytes().replace(b'title = "Rain fills the well"', 'title = "Rain fills the w\u00e9ll '.encode() + b'\xff"')
    target.write_bytes(raw)
    problem = ruleset_problem(folder)
    # Line 4; the column counts characters ("é" is one), not bytes.
    assert str(problem) == shown(target, 4, 30, "not UTF-8 text (byte 0xff): TOML files must be saved as UTF-8")


def test_latin1_file_on_a_later_line(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    target = folder / "outcomes.toml"
    target.write_bytes(target.read_bytes().replace(b'"Everyone drank."', "\"Tout le monde a bu \u00e0 sa soif.\"".encode("latin-1")))
    assert at(ruleset_problem(folder)) == (26, 31, "not UTF-8 text (byte 0xe0): TOML files must be saved as UTF-8")


def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    target = folder / "ruleset.toml"
    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
    assert load_ruleset(folder).id == "mini"
    # ...and columns on the first line do not count it.
    target.write_bytes(b"\xef\xbb\xbfcolour = 1\n" + (MINI / "ruleset.toml").read_bytes())
    problem = ruleset_problem(folder)
    assert problem.line == 1 and problem.col == 1
    assert problem.message.startswith("colour: unknown key 'colour' (expected one of: ruleset, works, ")


# --- TOML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "col", "message"),
    [
        ('value = 40', 'value = ', 14, 9, "invalid value"),
        ('season."\nunit = "buckets"', 'season."\nunit = "buckets', 16, 16,
         'unterminated string: the closing quote is missing on this line (use """ for text over several lines)'),
        ('seasons = ["spring", "autumn"]', 'seasons = ["spring", "autumn"', 48, 1, "unclosed array"),
        ("[levers.pump]", "[levers.pump", 20, 13, "expected ']' at the end of a table declaration"),
        ("once = true", "once = tru", 9, 8, "invalid value"),
        ("step = 10", "step = 10 20", 25, 11, "expected newline or end of document after a statement"),
        ('sources = [{ work = "manual", section = "ch. 2" }]', 'sources = [{ work = "manual", section = "ch. 2", }]', 11, 50,
         "invalid initial character for a key part"),
        ('effects = { water = "prev(water) * 0.5" }', 'effects = { water = "1", water = "2" }', 7, 37, "duplicate inline table key 'water'"),
        ("mean = 30", "mean = 30\nmean = 31", 44, 1, "draws.rain.mean is given twice; the first is at line 43, column 1"),
        ("[endings.watered]", "[endings.dry]", 21, 1, "the table [endings.dry] is declared twice; the first is at line 13, column 1"),
    ],
)
def test_toml_syntax_errors(tmp_path: Path, old: str, new: str, line: int, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    name = "outcomes.toml" if old in (MINI / "outcomes.toml").read_text() else "model.toml"
    edit(folder / name, old, new)
    problem = ruleset_problem(folder)
    assert str(problem) == shown(folder / name, line, col, f"TOML syntax error: {message}")


def test_duplicate_id_within_a_file_names_the_first(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "model.toml", '\n[variables.water]\nformula = "1"\n')
    problem = ruleset_problem(folder)
    assert at(problem) == (line + 1, 1, "TOML syntax error: the table [variables.water] is declared twice; the first is at line 69, column 1")


def test_duplicate_multi_line_key_is_placed_at_its_second_key(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", 'description = "Water the village went without."', 'formula = """\nneed"""')
    problem = ruleset_problem(folder)
    assert at(problem) == (86, 1, "TOML syntax error: variables.shortage.formula is given twice; the first is at line 80, column 1")


def test_syntax_error_at_end_of_document(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", "[[indicators]]\nvariable = ")
    problem = ruleset_problem(folder)
    assert at(problem) == (line + 1, 12, "TOML syntax error: invalid value")


def test_syntax_errors_in_two_files_are_both_reported(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", "max = 60", "max = ")
    edit(folder / "ruleset.toml", 'id = "mini"', 'id = mini"')
    assert [str(p) for p in ruleset_problems(folder)] == [
        shown(folder / "model.toml", 46, 7, "TOML syntax error: invalid value"),
        shown(folder / "ruleset.toml", 5, 6, "TOML syntax error: invalid value"),
    ]


# --- wrong types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "col", "message"),
    [
        # text where a number belongs
        ("model.toml", "value = 40", 'value = "40"', 14, 9, 'parameters.need.value: expected a number, found text "40"'),
        # a number where text belongs
        ("model.toml", 'title = "Rain fills the well"', "title = 5", 4, 9, "mechanisms.rain.title: expected text in quotes, found the number 5"),
        # a table where a list belongs
        ("model.toml", 'sources = [{ work = "manual", section = "ch. 2" }]', 'sources = { work = "manual", section = "ch. 2" }', 11, 11,
         "mechanisms.thirst.sources: expected a list [...], found a table"),
        ("ruleset.toml", 'file = "manual.txt"\n', 'file = "manual.txt"\n\n[indicators]\nvariable = "water"\n', 16, 1,
         "indicators: expected a list [...], found a table"),
        # true/false for a number
        ("model.toml", "mean = 30", "mean = true", 43, 8, "draws.rain.mean: expected a number, found true"),
        ("outcomes.toml", "once = true", 'once = "yes"', 9, 8, 'events.drought.once: expected true or false, found text "yes"'),
        ("model.toml", 'formula = "rain * (1 + 0.1 * guard)"', "formula = false", 52, 11,
         "variables.inflow.formula: expected text in quotes or a number, found false"),
        ("model.toml", "initial = 100", "initial = nan", 71, 11, "variables.water.initial: expected a finite number, found the number nan"),
        ("model.toml", "max = 10000", "max = nan", 74, 7, "variables.water.max: expected a number or ±inf, found nan"),
        ("ruleset.toml", "format_version = 2", "format_version = 2.0", 7, 18, "ruleset.format_version: expected a whole number, found the number 2.0"),
        ("ruleset.toml", "year = 1900", "year = 1900-01-01", 13, 8, "works.manual.year: expected a whole number, found the date/time 1900-01-01"),
        ("model.toml", 'mechanisms = ["thirst"]\n\n[draws', 'mechanisms = "thirst"\n\n[draws', 39, 14,
         'levers.guard.mechanisms: expected a list [...], found text "thirst"'),
        ("model.toml", "[10, 20]", "[10, true]", 6, 63, "mechanisms.rain.sources[0].lines[1]: expected a whole number, found true"),
        # values of the wrong kind
        ("model.toml", 'distribution = "normal"', 'distribution = "normall"', 42, 16,
         "draws.rain.distribution: expected 'normal', 'uniform' or 'triangular', found text \"normall\"; did you mean 'normal'?"),
        ("outcomes.toml", 'outcome = "good"', 'outcome = "unsure"', 24, 11, "endings.watered.outcome: expected 'good' or 'bad', found text \"unsure\""),
        ("model.toml", 'seasons = ["spring", "autumn"]', 'seasons = ["spring", "fall"]', 47, 22,
         "draws.rain.seasons[1]: expected 'winter', 'spring', 'summer' or 'autumn', found text \"fall\""),
        ("outcomes.toml", "once = true", 'once = true\nseason = "1925-sprung"', 10, 10,
         "events.drought.season: expected a season like '1927-autumn', found text \"1925-sprung\""),
        ("ruleset.toml", 'id = "mini"', 'id = "Mini"', 5, 6,
         "ruleset.id: expected an id of lower-case letters, digits, '-' and '_', starting with a letter, found text \"Mini\""),
        ("model.toml", 'title = "Rain fills the well"', 'title = ""', 4, 9, "mechanisms.rain.title: must not be empty"),
        ("model.toml", 'sources = [{ work = "manual", section = "ch. 2" }]', "sources = []", 11, 11, "mechanisms.thirst.sources: must not be empty"),
        ("model.toml", "step = 10", "step = 0", 25, 8, "levers.pump.step: expected a value > 0, found the number 0"),
        ("model.toml", "sd = 10", "sd = -1", 44, 6, "draws.rain.sd: expected a value >= 0, found the number -1"),
        ("model.toml", "[10, 20]", "[10]", 6, 58, "mechanisms.rain.sources[0].lines: expected two line numbers [first, last], found 1"),
        ("model.toml", "[10, 20]", "[0, 20]", 6, 59, "mechanisms.rain.sources[0].lines[0]: expected a value >= 1, found the number 0"),
        ("model.toml", "[10, 20]", "[20, 10]", 6, 58, "mechanisms.rain.sources[0].lines: line range 20-10 runs backwards"),
        ("model.toml", "[12, 14]", '"12-14"', 58, 56, 'variables.inflow.source.lines: expected a list [...], found text "12-14"'),
    ],
)
def test_wrong_types(tmp_path: Path, file: str, old: str, new: str, line: int, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / file, old, new)
    assert str(ruleset_problem(folder)) == shown(folder / file, line, col, message)


# --- unknown and missing keys ----------------------------------------------------------------


def test_misspelt_key_says_did_you_mean_and_the_real_key_is_missing(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", 'formula = "rain * (1 + 0.1 * guard)"', 'fromula = "rain * (1 + 0.1 * guard)"')
    assert [at(p) for p in ruleset_problems(folder)] == [
        (51, 1, "variables.inflow: missing required key 'formula'"),
        (52, 1, "variables.inflow.fromula: unknown key 'fromula'; did you mean 'formula'?"),
    ]


def test_unknown_key_without_a_close_match_lists_the_expected_keys(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "model.toml", "step = 10\n", 'step = 10\ncolour = "blue"\n')
    assert at(ruleset_problem(folder)) == (
        26, 1,
        "levers.pump.colour: unknown key 'colour' (expected one of: label, unit, min, max, step, default, "
        "description, source, choices, mechanisms)",
    )


def test_unknown_table_says_did_you_mean(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "outcomes.toml", '\n[varaibles.extra]\nformula = "1"\n')
    assert at(ruleset_problem(folder)) == (line + 1, 1, "varaibles: unknown key 'varaibles'; did you mean 'variables'?")


def test_unknown_key_inside_an_inline_table(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "outcomes.toml", 'source = { work = "manual", section = "ch. 4" }', 'source = { work = "manual", sektion = "ch. 4" }')
    assert [at(p) for p in ruleset_problems(folder)] == [
        (11, 1, "events.drought.source: missing required key 'section'"),
        (11, 29, "events.drought.source.sektion: unknown key 'sektion'; did you mean 'section'?"),
    ]


def test_unknown_key_in_an_array_of_tables(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "outcomes.toml", 'better = "lower"', 'beter = "lower"')
    assert at(ruleset_problem(folder)) == (39, 1, "indicators[1].beter: unknown key 'beter'; did you mean 'better'?")


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "col", "message"),
    [
        ("model.toml", 'description = "How much to pump this season."\n', "", 20, 1, "levers.pump: missing required key 'description'"),
        ("model.toml", 'source = { work = "manual", section = "ch. 2" }\n\n[variables.water]',
         'source = { work = "manual" }\n\n[variables.water]', 67, 1, "variables.pumped.source: missing required key 'section'"),
        ("outcomes.toml", 'label = "Went without"\n', "", 36, 1, "indicators[1]: missing required key 'label'"),
        ("ruleset.toml", "format_version = 2\n", "", 4, 1, "ruleset: missing required key 'format_version'"),
        ("model.toml", 'distribution = "normal"\n', "", 41, 1, "draws.rain: missing required key 'distribution'"),
    ],
)
def test_missing_required_keys_are_placed_at_the_enclosing_table(
    tmp_path: Path, file: str, old: str, new: str, line: int, col: int, message: str,
) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / file, old, new)
    assert str(ruleset_problem(folder)) == shown(folder / file, line, col, message)


def test_several_type_errors_in_one_file_are_all_reported(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    model = folder / "model.toml"
    edit(model, "value = 40", 'value = "forty"')
    edit(model, "step = 10", "step = -10")
    edit(model, 'distribution = "normal"', 'distribution = "gaussian"')
    edit(model, 'unit = "buckets"\nmin = 0\nmax = 1000\ndescription = "Water actually pumped."',
         'unit = "buckets"\nmin = 0\nmax = 1000\ndescription = "Water actually pumped."\ncolor = 1')
    edit(model, 'label = "Guard the well"\n', "")
    assert [str(p) for p in ruleset_problems(folder)] == [
        shown(model, 14, 9, 'parameters.need.value: expected a number, found text "forty"'),
        shown(model, 25, 8, "levers.pump.step: expected a value > 0, found the number -10"),
        shown(model, 30, 1, "levers.guard: missing required key 'label'"),
        shown(model, 41, 16, "draws.rain.distribution: expected 'normal', 'uniform' or 'triangular', found text \"gaussian\""),
        shown(model, 65, 1, "variables.pumped.color: unknown key 'color' (expected one of: formula, initial, unit, min, max, "
              "label, description, mechanisms, source)"),
    ]


# --- small pieces ----------------------------------------------------------------------------


def test_key_path_and_describe() -> None:
    assert key_path(("variables", "harvest", "formula")) == "variables.harvest.formula"
    assert key_path(("history", "season", 2, "season")) == "history.season[2].season"
    assert key_path(("initial", "a b")) == 'initial."a b"'
    assert describe(True) == "true"
    assert describe(2.5) == "the number 2.5"
    assert describe("x" * 50) == f'text "{"x" * 37}..."'
    assert describe([1]) == "a list"
    assert describe({}) == "a table"
    assert describe(None) == "nothing"


def test_display_name_is_relative_inside_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    assert display_name(tmp_path / "sub" / "a.toml") == os.path.join("sub", "a.toml")
    outside = tmp_path.parent / "elsewhere.toml"
    assert display_name(outside) == str(outside)
