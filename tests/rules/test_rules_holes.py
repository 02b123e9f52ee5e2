"""Holes closed in the rule format: a constant chance outside 0..1, endings' priority and the
endings a catch-all hides, the rule set beside a scenario file."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.problems import LoadError
from game.rules.ruleset import load_ruleset, ruleset_warnings
from tests.conftest import build_scenario, ending, event, variable
from tests.rules.ruleskit import append, copy_mini, copy_rules, edit, ruleset_problem, shown


@pytest.mark.parametrize(("chance", "value"), [("1.5", "1.5"), ("-0.1", "-0.1"), ("3 / 2", "1.5")])
def test_a_constant_chance_outside_0_to_1_is_a_located_error(tmp_path: Path, chance: str, value: str) -> None:
    mini = copy_mini(tmp_path)
    edit(mini / "outcomes.toml", 'chance = "0.5"', f'chance = "{chance}"')
    assert str(ruleset_problem(mini)) == shown(mini / "outcomes.toml", 6, 10, f"events.drought.chance: a chance is a probability from 0 to 1, found {value}")


def test_a_chance_given_as_a_number_is_checked_too(tmp_path: Path) -> None:
    mini = copy_mini(tmp_path)
    edit(mini / "outcomes.toml", 'chance = "0.5"', "chance = 2")
    assert ruleset_problem(mini).message == "events.drought.chance: a chance is a probability from 0 to 1, found 2"


def test_endings_are_checked_by_priority_then_in_order(tmp_path: Path) -> None:
    scenario = build_scenario(tmp_path, {"x": variable("turn")}, endings={
        "late": ending("x >= 2"),
        "early": ending("x >= 1", priority=5),
        "last": ending("1", when="end", priority=-1),
        "end": ending("x > 100", when="end"),
    })
    assert list(scenario.endings) == ["early", "late", "end", "last"]
    from game.session import Session

    session = Session(scenario, 1)
    session.play()
    assert session.ending is not None and session.ending.id == "early"


def test_an_ending_after_a_catch_all_is_warned_about(tmp_path: Path) -> None:
    mini = copy_mini(tmp_path)
    line = append(mini / "outcomes.toml", '''
[endings.anyway]
title = "Whatever happens"
condition = "1"
outcome = "good"
when = "end"
debrief = "The seasons pass."
mechanisms = ["thirst"]
source = { work = "manual", section = "ch. 5" }

[endings.never]
title = "Never reached"
condition = "water > 10"
outcome = "good"
when = "end"
debrief = "Unreachable."
mechanisms = ["thirst"]
source = { work = "manual", section = "ch. 5" }
''')
    ruleset = load_ruleset(mini)
    warning = shown(mini / "outcomes.toml", line + 10, 1,
        f"endings.never: ending 'never' can never fire: 'anyway' (at {shown(mini / 'outcomes.toml', line + 1, 1, '')[:-len(': error: ')]}) "
        "is checked before it and always holds after the last season; give 'never' a higher priority than 0", "warning")
    assert [str(w) for w in ruleset_warnings(ruleset)] == [warning]
    edit(mini / "outcomes.toml", 'title = "Never reached"', 'title = "Never reached"\npriority = 1')
    assert ruleset_warnings(load_ruleset(mini)) == []


def test_a_catch_all_any_ending_hides_every_later_ending(tmp_path: Path) -> None:
    scenario = build_scenario(tmp_path, {"x": variable("turn")}, endings={"at-once": ending("2 > 1"), "later": ending("x > 3", when="end")})
    assert [w.message for w in ruleset_warnings(scenario.ruleset)] == [
        f"endings.later: ending 'later' can never fire: 'at-once' (at {scenario.ruleset.origins[('endings', 'at-once')].where}) is checked "
        "before it and always holds after every season; give 'later' a higher priority than 0"]


def test_a_scenario_ending_after_the_rule_sets_catch_all_is_warned_about(tmp_path: Path) -> None:
    scenario = build_scenario(tmp_path, {"x": variable("turn")}, endings={"anyway": ending("1", when="end")},
                              scenario_tables={"endings": {"mine": ending("x > 3", when="end", priority=-1)}})
    assert [w.message for w in scenario.warnings] == [
        f"endings.mine: ending 'mine' can never fire: 'anyway' (at {scenario.ruleset.origins[('endings', 'anyway')].where}) is checked "
        "before it and always holds after the last season; give 'mine' a higher priority than 0"]


def test_a_rule_set_beside_a_scenario_file_is_found(tmp_path: Path) -> None:
    from game.rules.scenario import load_scenario

    root = copy_rules(tmp_path / "elsewhere")
    (root / "scenarios" / "mini-game.toml").rename(root / "mini-game.toml")  # the scenario beside its rule set
    empty = tmp_path / "rules"
    empty.mkdir()
    assert load_scenario(str(root / "mini-game.toml"), empty).ruleset.id == "mini"
    with pytest.raises(LoadError):
        load_scenario(str(root / "mini-game.toml"), empty, mod="nothing")


def test_build_scenario_helpers_still_make_events(tmp_path: Path) -> None:
    # An event with a scripted chance of 1 (the default) loads: the bound is on constants only.
    scenario = build_scenario(tmp_path, {"x": variable("1")}, events={"e": event(chance="0.25 * 4")})
    assert "e" in scenario.events
