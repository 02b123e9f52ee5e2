"""The encyclopedia's data in the rules: glossary terms and social classes, their citations and
their see_also links, checked like every other rule and located FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.ruleset import load_ruleset
from tests.rules.ruleskit import ROOT, append, at, copy_mini, ruleset_problem, ruleset_problems

BASE = ROOT / "rules" / "base"
SOURCES = ROOT.parent / "shared" / "sources"

# The period's words the encyclopedia must explain (issue 4, item 7).
REQUIRED_TERMS = (
    "bednyak", "serednyak", "kulak", "batrak", "nepman", "kontraktatsiya", "smychka", "scissors",
    "razverstka", "prodnalog", "goods-famine", "chervonets", "trusts-and-syndicates", "kolkhoz",
    "sovkhoz", "co-operative", "mir", "procurement", "emergency-measures", "gosplan", "narkomfin",
)

TERM = '''
[terms.well]
title = "Well"
original = "колодец"
romanized = "kolodets"
definition = "A hole that holds water."
explanation = "Dug by the village, filled by the rain."
sources = [{ work = "manual", section = "ch. 1", lines = [1, 2] }]
see_also = ["mechanism:rain", "lever:pump"]
'''


def test_every_required_term_is_there_and_cites_a_source_that_exists() -> None:
    rs = load_ruleset(BASE)
    for ident in REQUIRED_TERMS:
        assert ident in rs.terms, f"glossary term '{ident}' is missing"
        term = rs.terms[ident]
        assert term.original and term.romanized and term.definition and term.explanation
        assert term.sources, ident
        for cite in term.sources:
            work = rs.works[cite.work]
            assert cite.lines is not None, f"{ident}: cite the lines"
            if work.file and (SOURCES / work.file).exists():
                length = len((SOURCES / work.file).read_text(encoding="utf-8").splitlines())
                assert cite.lines[1] <= length, f"{ident}: lines {cite.lines} beyond the {length} lines of {work.file}"


def test_classes_name_variables_of_the_rule_set() -> None:
    rs = load_ruleset(BASE)
    assert {"poor", "middle", "kulaks", "workers", "nepmen"} <= set(rs.classes)
    for ident, cls in rs.classes.items():
        assert cls.variables and all(v in rs.variables for v in cls.variables), ident


def test_a_term_loads_with_its_links(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    append(folder / "model.toml", TERM)
    rs = load_ruleset(folder)
    assert rs.terms["well"].see_also == ["mechanism:rain", "lever:pump"]


@pytest.mark.parametrize(
    ("link", "col", "message"),
    [
        ("term:wel", 13, "terms.well.see_also[0]: see_also: unknown term 'wel'; did you mean 'well'?"),
        ("mechanism:rains", 13, "terms.well.see_also[0]: see_also: unknown mechanism 'rains'; did you mean 'rain'?"),
        ("lever:pum", 13, "terms.well.see_also[0]: see_also: unknown lever 'pum'; did you mean 'pump'?"),
    ],
)
def test_unknown_see_also_targets_are_located(tmp_path: Path, link: str, col: int, message: str) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "model.toml", TERM.replace('"mechanism:rain"', f'"{link}"'))
    assert at(ruleset_problem(folder)) == (line + 8, col, message)


def test_a_see_also_of_no_known_kind_is_refused(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    append(folder / "model.toml", TERM.replace('"mechanism:rain"', '"place:well"'))
    problem = ruleset_problem(folder)
    assert "terms.well.see_also[0]" in problem.message and "expected text matching" in problem.message


def test_a_term_citing_an_unknown_work_is_located(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "model.toml", TERM.replace('work = "manual"', 'work = "manul"'))
    assert at(ruleset_problem(folder)) == (line + 7, 21, "terms.well.sources[0].work: unknown work 'manul'; did you mean 'manual'?")


def test_a_term_needs_a_source(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    append(folder / "model.toml", TERM.replace('[{ work = "manual", section = "ch. 1", lines = [1, 2] }]', "[]"))
    assert "terms.well.sources" in ruleset_problem(folder).message


def test_a_class_naming_an_unknown_variable_is_located(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    line = append(folder / "model.toml", '''
[classes.villagers]
title = "Villagers"
description = "Everyone who drinks."
variables = ["watr"]
sources = [{ work = "manual", section = "ch. 2" }]
''')
    problems = ruleset_problems(folder)
    assert [at(p) for p in problems] == [(line + 4, 14, "classes.villagers.variables[0]: unknown variable 'watr'; did you mean 'water'?")]
