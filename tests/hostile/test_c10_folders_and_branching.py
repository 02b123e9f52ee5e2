"""Class 10: the command line on folders, and --branch-at a season the scenario lacks.

`check rules` said "no .toml files in the rule set folder" and `check rules/scenarios` printed 261
bogus errors: a folder that is not a rule set is now checked whole (every rule set, scenario,
policy and save in it, folders within folders). `--branch-at SEASON` for a season the default
scenario lacks started Hammurabi instead; it now names the scenario's seasons (and the scenarios
that have that season) and starts nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.rules.scenario import load_scenario
from game.saves import save_game
from game.session import Session
from tests.hostile.harness import ROOT, RULES, case


@pytest.mark.parametrize("folder", ["rules", "rules/", "rules/scenarios", "./rules/scenarios/", "rules/hammurabi"])
def test_check_of_the_shipped_folders(folder: str) -> None:
    everything = case(["check"], roots=[], refused=False).out.splitlines()[-1]  # 'check ok: N item(s), ...': all that is shipped
    items = {"rules/hammurabi": 1, "rules/scenarios": len(list((RULES / "scenarios").glob("*.toml")))}.get(folder.strip("./"))
    result = case(["check", folder], roots=[], refused=False, says=", 0 error(s), 0 warning(s)")
    if items is None:
        assert result.out.splitlines()[-1] == everything  # the rules folder: everything shipped
    else:
        assert result.out.splitlines()[-1].startswith(f"check ok: {items} item(s)")


def a_folder(tmp_path: Path) -> Path:
    """A teacher's folder: a rule set of their own, scenarios, a policy, saves, notes, nested."""
    mine = tmp_path / "course"
    shutil.copytree(RULES / "hammurabi", mine / "rules" / "hammurabi")
    (mine / "rules" / "scenarios").mkdir()
    shutil.copy(RULES / "scenarios" / "hammurabi-short.toml", mine / "rules" / "scenarios")
    (mine / "policies").mkdir()
    (mine / "policies" / "steady.toml").write_text("[levers]\nacres_to_buy = 10\n")
    (mine / "students" / "week1").mkdir(parents=True)
    session = Session(load_scenario("hammurabi-short", RULES), 2)
    session.end_season()
    save_game(session, mine / "students" / "week1" / "anna.json", player="Anna")
    (mine / "README.txt").write_text("notes are not checked\n")
    (mine / ".hidden.toml").write_text("not checked either = \n")
    return mine


def test_check_of_a_folder_checks_everything_in_it(tmp_path: Path) -> None:
    mine = a_folder(tmp_path)
    case(["check", str(mine)], roots=[tmp_path], refused=False, says="check ok: 4 item(s), 0 error(s)")
    (mine / "policies" / "steady.toml").write_text("[levers]\nacres_to_buy = 15\n")
    (mine / "students" / "week1" / "bad.json").write_text('{"format": "smychka-save", "version": 2')
    case(["check", str(mine)], roots=[tmp_path], refused=True,
         says=["policies/steady.toml:2:16: error: levers.acres_to_buy: 15 is not on a step", "week1/bad.json:1:",
               "check FAILED: 5 item(s), 2 error(s)"])


@pytest.mark.parametrize("contents", ["nothing", "only notes", "only hidden", "only a link loop"])
def test_check_of_a_folder_with_nothing_to_check(tmp_path: Path, contents: str) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    if contents == "only notes":
        (folder / "notes.txt").write_text("hello\n")
    elif contents == "only hidden":
        (folder / ".git").mkdir()
        (folder / ".git" / "config.toml").write_text("x = 1\n")
    elif contents == "only a link loop":
        (folder / "sub").symlink_to(folder)  # a folder linking to itself: links to folders are not followed
    case(["check", str(folder)], roots=[tmp_path], refused=True, says="no rule sets, scenarios, policies or saves (.toml, .json) in this folder")


def test_check_of_folders_many_levels_deep(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    shutil.copy(RULES / "scenarios" / "hammurabi-short.toml", deep)
    case(["check", str(tmp_path / "a")], roots=[tmp_path], refused=False, says="check ok: 1 item(s)")


@pytest.mark.parametrize(("season", "says"), [
    ("1950-spring", "'1950-spring' is not a season of nep-1923-1930; choose one of: 1923-autumn, 1924-winter"),
    ("1923-summer", "'1923-summer' is not a season of nep-1923-1930"),
    ("1930-autumn", "hammurabi-reign has that season: add --scenario hammurabi-reign to branch from it"),
    ("0001-spring", "is not a season of nep-1923-1930"),
    ("autumn-1927", "is not a season of nep-1923-1930"),
    ("", "is not a season of nep-1923-1930"),
])
def test_branch_at_a_season_the_scenario_lacks_names_its_seasons(tmp_path: Path, season: str, says: str) -> None:
    result = case(["play", "--text", "--branch-at", season, "--saves", str(tmp_path)], roots=[tmp_path], refused=True, says=says)
    assert "Hammurabi" not in result.prose and "===" not in result.prose  # no game was started


def test_branch_at_a_season_of_another_scenario_named(tmp_path: Path) -> None:
    result = case(["play", "--text", "--branch-at", "1930-autumn", "--scenario", "hammurabi-reign", "--saves", str(tmp_path)], roots=[tmp_path],
                  refused=False, stdin=b"quit\n")
    assert "played from 1923-spring up to 1930-autumn" in result.prose
    case(["play", "--text", "--branch-at", "1924-spring", "--scenario", "hammurabi-short", "--saves", str(tmp_path)], roots=[tmp_path],
         refused=True, says="scenario 'hammurabi-short' has no historical policy to branch from")


def test_branch_at_a_season_the_default_scenario_has(tmp_path: Path) -> None:
    result = case(["play", "--text", "--branch-at", "1927-autumn", "--saves", str(tmp_path)], roots=[tmp_path], refused=False,
                  stdin=b"quit\n")
    assert "The state's actual policy was played from 1923-autumn up to 1927-autumn" in result.prose
    assert (ROOT / "rules" / "scenarios" / "nep-1923-1930.toml").exists()


@pytest.mark.parametrize("rules", ["nowhere", "rules/scenarios", "README.md"])
def test_check_of_a_rules_folder_with_nothing_in_it(tmp_path: Path, rules: str) -> None:
    case(["--rules", rules, "check"], roots=[tmp_path], refused=True, says="no rule sets or scenarios here")
