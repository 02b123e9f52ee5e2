"""Every file shipped under rules/ loads with no errors and no warnings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from game.rules.ruleset import MANIFEST_FILE, load_ruleset, ruleset_warnings
from game.rules.scenario import load_scenario
from tests.rules.ruleskit import ROOT

RULES = ROOT / "rules"
RULE_SETS = sorted(p for p in RULES.iterdir() if p.is_dir() and (p / MANIFEST_FILE).exists())
MODS = sorted(p for p in (RULES / "mods").iterdir() if p.is_dir() or p.suffix == ".zip")
SCENARIOS = sorted((RULES / "scenarios").glob("*.toml"))


def test_there_is_something_to_check() -> None:
    assert RULE_SETS and SCENARIOS


@pytest.mark.parametrize("folder", RULE_SETS, ids=lambda p: p.name)
def test_shipped_rule_set_loads_without_warnings(folder: Path) -> None:
    ruleset = load_ruleset(folder)
    assert ruleset.id == folder.name
    assert [str(w) for w in ruleset_warnings(ruleset)] == []


@pytest.mark.parametrize("folder", MODS, ids=lambda p: p.name)
def test_shipped_mod_loads_without_warnings_and_changes_something(folder: Path) -> None:
    ruleset = load_ruleset(folder)
    assert ruleset.is_mod and ruleset.id == folder.name and ruleset.version and ruleset.changes
    assert [str(w) for w in ruleset_warnings(ruleset)] == []


def test_there_is_an_example_mod() -> None:
    assert MODS


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_loads(path: Path) -> None:
    scenario = load_scenario(str(path), RULES)
    assert scenario.id == path.stem  # a scenario's id is its file name
    assert load_scenario(path.stem, RULES).content_hash == scenario.content_hash


def test_check_command_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    cli = pytest.importorskip("game.cli")
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    assert cli.cmd_check([], Path("rules"), out) == 0, out.getvalue()
    assert out.getvalue() == f"check ok: {len(RULE_SETS) + len(MODS) + len(SCENARIOS)} item(s), 0 error(s), 0 warning(s)\n"
