"""The checked-in bad files and their exact problems, as `python main.py check` prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.problems import LoadError
from game.rules.problems import Problem
from game.rules.reading import read_document
from game.rules.ruleset import load_ruleset
from game.rules.scenario import load_policy, load_scenario
from tests.rules.ruleskit import ROOT


@pytest.fixture(autouse=True)
def in_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # File names are shown relative to the working directory.
    monkeypatch.chdir(ROOT)


def problems_of(action) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(LoadError) as info:
        action()
    return str(info.value).split("\n")


def test_broken_rule_set_reports_every_problem() -> None:
    assert problems_of(lambda: load_ruleset(Path("tests/fixtures/rules/broken"))) == [
        "tests/fixtures/rules/broken/model.toml:4:21: error: mechanisms.rain.sources[0].work: unknown work 'manul'; did you mean 'manual'?",
        "tests/fixtures/rules/broken/model.toml:16:11: error: levers.pump.default: default 45 is not min plus a whole number of steps of 10",
        "tests/fixtures/rules/broken/model.toml:21:12: error: variables.inflow.formula: unknown name 'rian'",
        "tests/fixtures/rules/broken/model.toml:21:28: error: variables.inflow.formula: prev(pumped) needs an initial value: "
        "add 'initial = ...' to variables.pumped",
        "tests/fixtures/rules/broken/model.toml:23:15: error: variables.inflow.mechanisms[0]: unknown mechanism 'rains'; did you mean 'rain'?",
        "tests/fixtures/rules/broken/model.toml:27:22: error: variables.pumped.formula: same-season cycle: pumped -> level -> pumped; "
        "break it with prev()",
        "tests/fixtures/rules/broken/model.toml:43:14: error: events.drought.condition: 'level' is this season's value, "
        "not yet known when events fire: write prev(level)",
        "tests/fixtures/rules/broken/model.toml:49:12: error: indicators[0].variable: unknown variable 'levl'; did you mean 'level'?",
        "tests/fixtures/rules/broken/model.toml:51:10: error: indicators[0].format: '%d' is not a number format (try '.1f', ',.0f' or '.0%')",
    ]


def test_bad_policy_reports_every_problem() -> None:
    scenario = load_scenario("mini-game", Path("tests/fixtures/rules"))
    assert problems_of(lambda: load_policy(Path("tests/fixtures/rules/policies/bad.toml"), scenario)) == [
        "tests/fixtures/rules/policies/bad.toml:3:8: error: levers.pump: 85 is outside pump's bounds 0..80",
        "tests/fixtures/rules/policies/bad.toml:4:1: error: levers.gaurd: unknown lever 'gaurd'; did you mean 'guard'?",
        "tests/fixtures/rules/policies/bad.toml:8:8: error: season[0].pump: 105 is outside pump's bounds 0..80",
        "tests/fixtures/rules/policies/bad.toml:11:10: error: season[1].season: seasons must come in order; 1925-autumn does not follow the one before",
        "tests/fixtures/rules/policies/bad.toml:12:9: error: season[1].guard: lever guard is locked at 1 in this scenario",
        "tests/fixtures/rules/policies/bad.toml:15:10: error: season[2].season: season 1931-spring is outside this scenario (1925-spring to 1927-winter)",
    ]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("latin1.toml", "tests/fixtures/rules/files/latin1.toml:3:14: error: not UTF-8 text (byte 0xe9): TOML files must be saved as UTF-8"),
        ("syntax.toml", "tests/fixtures/rules/files/syntax.toml:4:1: error: TOML syntax error: unclosed array"),
    ],
)
def test_bad_files(name: str, shown: str) -> None:
    problems: list[Problem] = []
    assert read_document(Path("tests/fixtures/rules/files") / name, problems) is None
    assert [str(p) for p in problems] == [shown]


def test_the_mini_fixtures_are_valid() -> None:
    scenario = load_scenario("tests/fixtures/rules/scenarios/mini-game.toml", Path("tests/fixtures/rules"))
    assert scenario.file == "tests/fixtures/rules/scenarios/mini-game.toml"
    assert scenario.ruleset.folder == "tests/fixtures/rules/mini"
