"""The checked-in bad files and their exact problems, as `python main.py check` prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.problems import LoadError, Problem
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


def test_type_errors_do_not_hide_reference_errors(tmp_path) -> None:
    """All problems at once: a wrongly typed entry is reported together with an unknown name in
    another entry, and references to the broken entry are not reported again as unknown."""
    import pytest

    from game.rules.problems import LoadError
    from tests.conftest import build_scenario, variable

    with pytest.raises(LoadError) as caught:
        build_scenario(tmp_path, {
            "typed": variable("1", min="zero"),          # wrong type: reported
            "uses_typed": variable("typed + 1"),          # refers to the broken entry: not reported
            "typo": variable("uses_typd * 2"),            # unknown name: reported with a suggestion
            "mech": variable("1", mechanisms=["nope"]),   # unknown mechanism: reported
        })
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3, messages
    assert messages[0].startswith("variables.typed.min: expected a number, found text")
    assert "unknown name 'uses_typd'; did you mean 'uses_typed'?" in messages[1]
    assert "unknown mechanism 'nope'" in messages[2]


def test_scenario_type_errors_and_reference_errors_come_together(tmp_path) -> None:
    import pytest

    from game.rules.problems import LoadError
    from tests.conftest import build_scenario, variable

    with pytest.raises(LoadError) as caught:
        build_scenario(tmp_path, {"stock": variable("prev(stock)", initial=1)}, scenario_tables={
            "initial": {"stock": "one", "stok": 2},
            "parameters": {"nothing": 1},
        })
    messages = sorted(p.message for p in caught.value.problems)
    assert len(messages) == 3, messages
    assert any("initial.stock: expected a number" in m for m in messages)
    assert any("unknown variable 'stok'; did you mean 'stock'?" in m for m in messages)
    assert any("unknown parameter 'nothing'" in m for m in messages)


def test_lever_max_off_its_steps_is_an_error(tmp_path) -> None:
    import pytest

    from game.rules.problems import LoadError
    from tests.conftest import build_scenario, lever, variable

    with pytest.raises(LoadError, match=r"levers.l.max: max 95 is not min plus a whole number of steps of 10"):
        build_scenario(tmp_path, {"x": variable("l")}, levers={"l": lever(default=0, hi=95, step=10)})


def test_scenario_id_must_match_its_file_name(tmp_path) -> None:
    import pytest

    from game.rules.problems import LoadError
    from tests.conftest import build_scenario, variable

    with pytest.raises(LoadError, match=r"scenario.id: id 'other' must equal the file name 't-game'"):
        build_scenario(tmp_path, {"x": variable(1)}, scenario={"id": "other"})
