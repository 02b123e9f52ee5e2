"""Rule format 2: generic words (an ending's outcome, a term's original and romanized name), files
of format 1 still loading with a note, and ``main.py upgrade`` rewriting them safely."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from game.rules.reading import display_name
from game.rules.ruleset import load_ruleset, ruleset_warnings
from game.rules.scenario import load_scenario
from game.rules.upgrade import FORMAT_VERSION, upgrade_data
from tests.conftest import ROOT, run_main
from tests.rules.ruleskit import MINI_GAME, append, copy_mini, edit, only_problem, ruleset_problems

GLOSSARY_1 = '''
# The well's words.
[terms.kolodets]
title = "Well"
russian = "колодец"   # in Cyrillic
transliteration = "kolodets"
definition = "A hole that gives water."
explanation = "The village's only water."
sources = [{ work = "manual", section = "ch. 1" }]
'''


def format_1(tmp_path: Path, name: str = "mini") -> Path:
    """The mini rule set as format 1 wrote it: alliance = holds/breaks, russian/transliteration."""
    folder = copy_mini(tmp_path, name)
    edit(folder / "ruleset.toml", "format_version = 2", "format_version = 1")
    if name != "mini":
        edit(folder / "ruleset.toml", 'id = "mini"', f'id = "{name}"')
    edit(folder / "outcomes.toml", 'outcome = "bad"', 'alliance = "breaks"  # the well failed')
    edit(folder / "outcomes.toml", 'outcome = "good"', 'alliance = "holds"')
    append(folder / "outcomes.toml", GLOSSARY_1)
    return folder


def test_a_format_1_rule_set_loads_as_format_2_with_a_note(tmp_path: Path) -> None:
    folder = format_1(tmp_path)
    ruleset = load_ruleset(folder)
    assert ruleset.endings["dry"].outcome == "bad" and ruleset.endings["watered"].outcome == "good"
    assert (ruleset.terms["kolodets"].original, ruleset.terms["kolodets"].romanized) == ("колодец", "kolodets")
    note = only_problem(ruleset_warnings(ruleset))
    assert note.severity == "note" and (note.file, note.line) == (display_name(folder / "ruleset.toml"), 7)
    assert "written in rule format 1, read as format 2" in note.message and "main.py upgrade" in note.message
    status, out = run_main("check", str(folder))
    assert status == 0 and out.endswith("check ok: 1 item(s), 0 error(s), 0 warning(s), 1 note(s)\n")
    assert ": note: ruleset.format_version: this rule set is written in rule format 1" in out


def test_a_problem_in_a_renamed_key_is_placed_where_the_old_key_stands(tmp_path: Path) -> None:
    folder = format_1(tmp_path)
    edit(folder / "outcomes.toml", 'alliance = "holds"', 'alliance = "holds it"')
    text = (folder / "outcomes.toml").read_text(encoding="utf-8")
    line = text[: text.index('"holds it"')].count("\n") + 1
    problem = only_problem([p for p in ruleset_problems(folder) if p.severity == "error"])
    assert (problem.file, problem.line, problem.col) == (display_name(folder / "outcomes.toml"), line, 12)
    assert "expected 'good' or 'bad'" in problem.message


@pytest.mark.parametrize("old,new,message", [
    ('outcome = "good"', 'alliance = "good"', "unknown key 'alliance': since rule format 2 it is 'outcome'"),
    ('outcome = "good"', 'outcome = "holds"', "expected 'good' or 'bad', found text \"holds\": since rule format 2 it is 'good'"),
])
def test_a_format_2_file_with_an_old_word_is_told_the_new_one(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = copy_mini(tmp_path)
    edit(folder / "outcomes.toml", old, new)
    problems = ruleset_problems(folder)
    assert any(message in p.message for p in problems), "\n".join(map(str, problems))


def test_a_format_1_mod_over_the_format_2_base_loads(tmp_path: Path) -> None:
    copy_mini(tmp_path)
    mod = tmp_path / "dry-years"
    mod.mkdir()
    (mod / "ruleset.toml").write_text('[ruleset]\nid = "dry-years"\nname = "Dry years"\nversion = "1"\nextends = "mini"\n'
                                      'format_version = 1\n', encoding="utf-8")
    (mod / "endings.toml").write_text('[override.endings.watered]\nalliance = "breaks"\n', encoding="utf-8")
    ruleset = load_ruleset(mod)
    assert ruleset.endings["watered"].outcome == "bad" and load_ruleset(tmp_path / "mini").endings["watered"].outcome == "good"
    assert [p.severity for p in ruleset_warnings(ruleset)] == ["note"]


def test_a_scenario_with_format_1_words_loads_with_a_note(tmp_path: Path) -> None:
    copy_mini(tmp_path)
    (tmp_path / "scenarios").mkdir()
    scenario = tmp_path / "scenarios" / "mini-game.toml"
    shutil.copy(MINI_GAME, scenario)
    append(scenario, '\n[endings.early]\ntitle = "Early"\ncondition = "water > 1e9"\nalliance = "holds"\ndebrief = "Full."\n'
                     'mechanisms = ["thirst"]\nsource = { work = "manual", section = "ch. 5" }\n')
    loaded = load_scenario("mini-game", tmp_path)
    assert loaded.endings["early"].outcome == "good"
    assert [p.severity for p in loaded.warnings] == ["note"] and "this scenario is written in rule format 1" in loaded.warnings[0].message


def test_upgrade_rewrites_keeping_comments_and_the_rules(tmp_path: Path) -> None:
    folder = format_1(tmp_path)
    before = load_ruleset(folder)
    status, out = run_main("upgrade", str(folder))
    assert status == 0 and "rule format 1 -> 2; rewrote 2 file(s): outcomes.toml, ruleset.toml" in out
    outcomes = (folder / "outcomes.toml").read_text(encoding="utf-8")
    assert 'outcome = "bad"  # the well failed' in outcomes and 'original = "колодец"   # in Cyrillic' in outcomes
    assert "alliance" not in outcomes and "# The well's words." in outcomes
    assert "format_version = 2" in (folder / "ruleset.toml").read_text(encoding="utf-8")
    after = load_ruleset(folder)
    assert ruleset_warnings(after) == [] and after.endings == before.endings and after.terms == before.terms
    assert run_main("upgrade", str(folder)) == (0, f"rule set {display_name(folder)}: already in rule format {FORMAT_VERSION}; nothing to do\n")


def test_upgrade_writes_nothing_when_any_file_is_bad(tmp_path: Path) -> None:
    folder = format_1(tmp_path)
    append(folder / "model.toml", "[variables.broken\n")
    texts = {p.name: p.read_bytes() for p in folder.iterdir()}
    status, out = run_main("upgrade", str(folder))
    assert status == 1 and "TOML syntax error" in out and out.endswith("upgrade FAILED: nothing was written\n")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == texts


def test_upgrade_refuses_an_archive_and_what_is_not_rules(tmp_path: Path) -> None:
    (tmp_path / "mod.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    status, out = run_main("upgrade", str(tmp_path / "mod.zip"))
    assert status == 1 and "a mod archive (.zip) is not rewritten: unpack it" in out
    policy = tmp_path / "policy.toml"
    policy.write_text("[levers]\npump = 3\n", encoding="utf-8")
    status, out = run_main("upgrade", str(policy))
    assert status == 1 and "not a rule set folder or a scenario file" in out and policy.read_text(encoding="utf-8") == "[levers]\npump = 3\n"


def test_the_shipped_rules_are_format_2_and_use_no_format_1_word() -> None:
    for manifest in sorted((ROOT / "rules").glob("**/ruleset.toml")):
        assert "format_version = 2" in manifest.read_text(encoding="utf-8"), manifest
    for path in sorted((ROOT / "rules").glob("**/*.toml")):
        assert not upgrade_data(tomllib.loads(path.read_text(encoding="utf-8")), 1).changed, f"{path} still uses a format-1 key"


def test_upgrade_never_writes_through_a_link_and_writes_nothing_then(tmp_path: Path) -> None:
    folder = format_1(tmp_path)
    elsewhere = tmp_path / "elsewhere.toml"
    (folder / "outcomes.toml").rename(elsewhere)
    (folder / "outcomes.toml").symlink_to(elsewhere)
    texts = {p.name: p.read_bytes() for p in (*folder.iterdir(), elsewhere)}
    status, out = run_main("upgrade", str(folder))
    assert status == 1 and "outcomes.toml:1:1: error: cannot write it:" in out and "nothing was written" in out
    assert {p.name: p.read_bytes() for p in (*folder.iterdir(), elsewhere)} == texts
    assert (folder / "outcomes.toml").is_symlink()
