"""Helpers for the rule loader's tests: copy the mini rule set, edit one thing, collect problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.rules.problems import LoadError, Problem
from game.rules.reading import display_name
from game.rules.ruleset import Ruleset, load_ruleset
from game.rules.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "rules"
MINI = FIXTURES / "mini"
MINI_GAME = FIXTURES / "scenarios" / "mini-game.toml"


def copy_mini(tmp_path: Path, name: str = "mini") -> Path:
    """A private copy of the mini rule set, in ``tmp_path/<name>``."""
    dest = tmp_path / name
    shutil.copytree(MINI, dest)
    return dest


def copy_rules(tmp_path: Path) -> Path:
    """A rules root in ``tmp_path``: the mini rule set and ``scenarios/mini-game.toml``."""
    copy_mini(tmp_path)
    (tmp_path / "scenarios").mkdir()
    shutil.copy(MINI_GAME, tmp_path / "scenarios" / "mini-game.toml")
    return tmp_path


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``path``; ``old`` must occur exactly ``count`` times, so a
    test cannot silently edit nothing."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {path.name}, expected {count}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, text: str) -> int:
    """Add ``text`` at the end of ``path``; return the line number its first line gets."""
    before = path.read_text(encoding="utf-8")
    assert before.endswith("\n")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def ruleset_problems(folder: Path) -> list[Problem]:
    """Every problem of a rule set that must fail to load."""
    with pytest.raises(LoadError) as info:
        load_ruleset(folder)
    assert info.value.problems, "LoadError without problems"
    return info.value.problems


def only_problem(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return problems[0]


def ruleset_problem(folder: Path) -> Problem:
    """The one problem of a rule set that must fail to load."""
    return only_problem(ruleset_problems(folder))


def scenario_problems(root: Path, ref: str = "mini-game") -> list[Problem]:
    with pytest.raises(LoadError) as info:
        load_scenario(ref, root)
    assert info.value.problems, "LoadError without problems"
    return info.value.problems


def scenario_problem(root: Path, ref: str = "mini-game") -> Problem:
    return only_problem(scenario_problems(root, ref))


def at(problem: Problem) -> tuple[int, int, str]:
    """What a test compares: line, column and message."""
    return problem.line, problem.col, problem.message


def shown(path: Path, line: int, col: int, message: str, severity: str = "error") -> str:
    """The full ``FILE:LINE:COL: error: MESSAGE`` text of a problem in ``path``."""
    return f"{display_name(path)}:{line}:{col}: {severity}: {message}"


def load_mini() -> Ruleset:
    return load_ruleset(MINI)


def load_mini_game() -> Scenario:
    return load_scenario(str(MINI_GAME), FIXTURES)
