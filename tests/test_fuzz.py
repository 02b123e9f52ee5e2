"""A fast slice of the mutation fuzzer (scripts/fuzz.py; the full run is 10,000 inputs): mutated
rule files, scenarios and saves either load or fail with located problems — no traceback, no hang."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.rules.problems import LoadError
from game.rules.ruleset import load_ruleset
from scripts import fuzz
from tests.conftest import RULES

pytestmark = pytest.mark.slow

# A fixed seed: the same few hundred inputs every run.
SEED = 20250501


def _failures(report: fuzz.Report) -> list[str]:
    return [f"{f.kind} / {f.mutator}: {f.detail}" for f in report.failures]


def test_fast_slice_of_rule_and_scenario_files() -> None:
    report = fuzz.run(cases=160, seed=SEED, kinds=("rules", "scenario"))
    assert report.total == 160
    assert _failures(report) == []
    for kind, outcomes in report.by(0).items():
        # The slice is worth running only if it reaches both outcomes.
        assert outcomes["loaded"] > 0 and outcomes["located error"] > 0, (kind, outcomes)


def test_fast_slice_of_saves() -> None:
    report = fuzz.run(cases=80, seed=SEED, kinds=("save",))
    assert report.total == 80
    assert _failures(report) == []
    outcomes = report.by(0)["save"]
    assert outcomes["loaded"] > 0 and outcomes["located error"] > 0, outcomes


def test_fast_slice_of_the_hostile_environment() -> None:
    """Non-regular files, odd names and locales (scripts/fuzz_hostile.py): each case answered —
    accepted or refused with a sentence — with nothing changed that was not asked."""
    report = fuzz.run(cases=90, seed=SEED, kinds=("files", "names", "locale"))
    assert report.total == 90
    assert _failures(report) == []
    for kind in ("files", "names", "locale"):
        outcomes = report.by(0)[kind]
        assert outcomes["loaded"] + outcomes["located error"] == 30, (kind, outcomes)
    assert report.by(0)["files"]["located error"] > 0 and report.by(0)["locale"]["loaded"] > 0


def test_a_save_with_a_huge_integer_gives_a_located_error(tmp_path: Path) -> None:
    """Found by the fuzzer: json refuses integers over 4,300 digits with a bare ValueError."""
    from game.saves import load_save

    path = tmp_path / "huge.json"
    path.write_text('{"format": "smychka-save", "version": 2, "seed": ' + "9" * 5000 + "}\n")
    with pytest.raises(LoadError) as info:
        load_save(path, RULES)
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (1, 50) and "more than 4,300 digits" in problem.message


def test_a_rule_file_with_a_huge_integer_gives_a_located_error(tmp_path: Path) -> None:
    """Found by the fuzzer: tomllib refuses integers over 4,300 digits with a bare ValueError."""
    shutil.copytree(RULES / "hammurabi", tmp_path / "hammurabi")
    model = tmp_path / "hammurabi" / "model.toml"
    text = model.read_text(encoding="utf-8")
    assert text.count("value = 21.5\n") == 1
    model.write_text(text.replace("value = 21.5\n", "value = " + "9" * 5000 + "\n"), encoding="utf-8")
    line = text[: text.index("value = 21.5")].count("\n") + 1
    with pytest.raises(LoadError) as info:
        load_ruleset(tmp_path / "hammurabi")
    [problem] = info.value.problems
    assert (problem.line, problem.col, problem.message) == (line, 9, "a number with more than 4,300 digits is too long to read")


@pytest.mark.parametrize("mutator", sorted(fuzz.MUTATORS))
def test_every_mutation_changes_its_input(mutator: str) -> None:
    """A mutator that returned its input unchanged would test nothing."""
    import random

    raw = (RULES / "hammurabi" / "model.toml").read_bytes()
    others = ((RULES / "hammurabi" / "outcomes.toml").read_bytes(),)
    changed = sum(fuzz.mutate(random.Random(i), raw, "rules", mutator, others) != raw for i in range(20))
    assert changed >= 18, changed


def test_a_scenario_naming_a_rule_set_too_long_for_the_file_system_gives_a_located_error(tmp_path: Path) -> None:
    """Found by the fuzzer: a 3,000-letter rule set id made the loader's file check raise OSError."""
    from game.rules.scenario import load_scenario

    (tmp_path / "scenarios").mkdir()
    text = (RULES / "scenarios" / "hammurabi-short.toml").read_text(encoding="utf-8")
    assert text.count('ruleset = "hammurabi"') == 1
    path = tmp_path / "scenarios" / "hammurabi-short.toml"
    path.write_text(text.replace('ruleset = "hammurabi"', 'ruleset = "' + "a" * 3000 + '"'), encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load_scenario(str(path), tmp_path)
    [problem] = info.value.problems
    assert problem.line == text[: text.index('ruleset = "hammurabi"')].count("\n") + 1 and problem.col == 11
    assert problem.message.startswith("scenario.ruleset: no rule set 'aaaa")
