"""``main.py check`` answers from what it printed before (game/rules/checked.py) only when that is
exactly what checking the files afresh prints: for the shipped rules, for broken ones, after an
edit, and whatever a damaged or hostile cache entry holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, RULES

# Runs main.py as a player does, then says on standard error whether the rule reader was imported
# (a check answered from the cache never imports it; pydantic is no sign of it: the rule models
# are plain records, and a check of files the rules cache knows reads them without pydantic).
PROBE = ("import runpy, sys\nsys.argv = ['main.py', *sys.argv[1:]]\ntry:\n"
         "    runpy.run_path('main.py', run_name='__main__')\nfinally:\n"
         "    sys.stderr.write('rule reader imported\\n' if 'game.rules.reading' in sys.modules else 'rule reader not imported\\n')\n")


def check(cache: Path | str, *args: str, named: tuple[str, ...] = (), cwd: Path = ROOT) -> tuple[int, str, bool]:
    """Exit status, output, and whether the rule reader was imported, of one `main.py check`."""
    env = dict(os.environ, SMYCHKA_CACHE=str(cache), PYTHONPATH=str(ROOT))
    probe = PROBE.replace("'main.py'", repr(str(ROOT / "main.py")))
    done = subprocess.run([sys.executable, "-c", probe, *args, "check", *named], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    return done.returncode, done.stdout, "rule reader imported" in done.stderr


def answers(cache: Path) -> list[Path]:
    """The entries of the cache folder that hold a check's answer."""
    found = []
    for entry in cache.glob("*.json"):
        head = entry.read_bytes().partition(b"\n")[0]
        if json.loads(head).get("format") == "smychka-check-answer":
            found.append(entry)
    return found


def test_a_warm_check_of_the_shipped_rules_prints_what_a_cold_one_does(tmp_path: Path) -> None:
    cold = check("off")
    assert cold[0] == 0 and cold[1].startswith("check ok: ") and cold[2]
    first = check(tmp_path)  # fills the cache
    assert first == cold and len(answers(tmp_path)) == 1
    warm = check(tmp_path)
    assert warm[:2] == cold[:2]
    assert not warm[2], "the warm check read the rules again instead of answering from the cache"


BROKEN_MOD = {
    "ruleset.toml": '[ruleset]\nid = "broken"\nname = "Broken"\nversion = "1.0.0"\nextends = "base"\nformat_version = 2\n',
    "syntax.toml": "[override.parameters.coercion_forgetting]\nvalue = = 0.03\n",
    "formula.toml": '[[indicators]]\nvariable = "no_such_variable"\nlabel = "Nothing"\nformat = ".0%"\n',
}


@pytest.fixture
def broken_rules(tmp_path: Path) -> Path:
    """A copy of the shipped rules with a broken mod (a file that does not parse, one naming no
    variable) and a scenario that names no rule set."""
    root = tmp_path / "rules"
    shutil.copytree(RULES, root, ignore=shutil.ignore_patterns("__pycache__"))
    mod = root / "mods" / "broken"
    mod.mkdir()
    for name, text in BROKEN_MOD.items():
        (mod / name).write_text(text)
    scenario = root / "scenarios" / "scissors-1923.toml"
    scenario.write_text(scenario.read_text().replace('ruleset = "base"', 'ruleset = "nowhere"', 1))
    return root


def test_a_warm_check_of_broken_rules_prints_the_same_located_errors(tmp_path: Path, broken_rules: Path) -> None:
    cache = tmp_path / "cache"
    cold = check("off", "--rules", str(broken_rules))
    status, text, _ = cold
    assert status == 1 and text.splitlines()[-1].startswith("check FAILED: ")
    located = [line for line in text.splitlines() if ": error: " in line]
    assert any("broken/syntax.toml:2:" in line for line in located), text
    assert any("scissors-1923.toml:" in line for line in located), text
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in located), text
    assert check(cache, "--rules", str(broken_rules)) == cold
    warm = check(cache, "--rules", str(broken_rules))
    assert warm[:2] == cold[:2] and not warm[2]

    # Mend one file: the answer kept for the broken files is not the answer for these.
    (broken_rules / "mods" / "broken" / "syntax.toml").write_text("[override.parameters.coercion_forgetting]\nvalue = 0.03\n")
    mended = check("off", "--rules", str(broken_rules))
    assert mended[1] != cold[1] and "syntax.toml" not in mended[1] and "broken/formula.toml:2:" in mended[1]
    assert check(cache, "--rules", str(broken_rules)) == mended
    assert check(cache, "--rules", str(broken_rules))[:2] == mended[:2]

    # A formula of the base rules that names no variable (a did-you-mean, located).
    market = broken_rules / "base" / "market.toml"
    text = market.read_text()
    assert text.count("light_industry_share - heavy_bias *") == 1
    market.write_text(text.replace("light_industry_share - heavy_bias *", "light_industry_share - heavy_biass *"))
    based = check("off", "--rules", str(broken_rules))
    assert any("base/market.toml:" in line and ": error: " in line and "heavy_biass" in line for line in based[1].splitlines()), based[1]
    assert check(cache, "--rules", str(broken_rules)) == based
    assert check(cache, "--rules", str(broken_rules))[:2] == based[:2]
    market.write_text(text)

    # Remove the broken mod altogether, then the scenario's error: the cold answers each time.
    shutil.rmtree(broken_rules / "mods" / "broken")
    assert check(cache, "--rules", str(broken_rules))[:2] == check("off", "--rules", str(broken_rules))[:2]
    shutil.copy(RULES / "scenarios" / "scissors-1923.toml", broken_rules / "scenarios" / "scissors-1923.toml")
    clean = check(cache, "--rules", str(broken_rules))
    assert clean[0] == 0 and clean[:2] == check("off", "--rules", str(broken_rules))[:2]


def _forged(entry: Path, body: str) -> bytes:
    """``entry`` with ``body``, its head's digest of the body made to match."""
    import hashlib

    head = json.loads(entry.read_bytes().partition(b"\n")[0])
    head["body"] = hashlib.sha256(body.encode()).hexdigest()
    return (json.dumps(head) + "\n" + body).encode()


@pytest.fixture
def small_broken_rules(tmp_path: Path) -> Path:
    """Hammurabi's rules and one scenario (quick to check), with a mod whose file does not parse."""
    root = tmp_path / "small"
    shutil.copytree(RULES / "hammurabi", root / "hammurabi")
    (root / "scenarios").mkdir()
    shutil.copy(RULES / "scenarios" / "hammurabi-short.toml", root / "scenarios")
    mod = root / "mods" / "broken"
    mod.mkdir(parents=True)
    (mod / "ruleset.toml").write_text(BROKEN_MOD["ruleset.toml"].replace('"base"', '"hammurabi"'))
    (mod / "syntax.toml").write_text("[override.parameters.price_floor]\nvalue = = 1\n")
    return root


def test_a_damaged_or_hostile_entry_is_ignored_never_an_all_clear(tmp_path: Path, small_broken_rules: Path) -> None:
    cache = tmp_path / "cache"
    rules = ("--rules", str(small_broken_rules))
    cold = check("off", *rules)
    assert cold[0] == 1 and "broken/syntax.toml:2:" in cold[1]
    assert check(cache, *rules) == cold
    [entry] = answers(cache)
    whole = entry.read_bytes()
    damaged = [
        whole[: len(whole) // 2],  # torn
        whole.replace(b"check FAILED", b"check ok"),  # a body that does not match its digest
        whole.partition(b"\n")[0] + b"\n" + b"\xff\xfe not JSON",
        _forged(entry, json.dumps({"status": 0, "text": "check FAILED: 1 item(s), 1 error(s), 0 warning(s)\n"})),
        _forged(entry, json.dumps({"status": 1, "text": "check ok: 3 item(s), 0 error(s), 0 warning(s)\n"})),
        _forged(entry, json.dumps({"status": "0", "text": "check ok: 3 item(s)\n"})),
        _forged(entry, json.dumps({"status": 0, "text": ["check ok"]})),
        _forged(entry, json.dumps({"status": 0})),
        _forged(entry, json.dumps([0, "check ok"])),
        _forged(entry, "[" * 100_000),
        b"",
    ]
    for bad in damaged:
        entry.write_bytes(bad)
        assert check(cache, *rules)[:2] == cold[:2], bad[:200]
    # An entry that is not a regular file; an all-clear kept under another key is never asked for.
    key = json.loads(whole.partition(b"\n")[0])["key"]
    (cache / ("0" * 64 + ".json")).write_bytes(_forged(entry, json.dumps({"status": 0, "text": "check ok: 3 item(s), 0 error(s), 0 warning(s)\n"}))
                                              .replace(key.encode(), b"0" * 64))
    entry.unlink()
    entry.mkdir()
    assert check(cache, *rules)[:2] == cold[:2]


def test_rules_with_a_link_are_checked_afresh_and_not_kept(tmp_path: Path, small_broken_rules: Path) -> None:
    cache = tmp_path / "cache"
    rules = ("--rules", str(small_broken_rules))
    shutil.move(small_broken_rules / "mods" / "broken", tmp_path / "elsewhere")
    (small_broken_rules / "mods" / "broken").symlink_to(tmp_path / "elsewhere")
    cold = check("off", *rules)
    assert cold[0] == 1
    assert check(cache, *rules) == cold
    assert answers(cache) == []
    # Mended through the link: a kept answer would now be wrong.
    (tmp_path / "elsewhere" / "syntax.toml").write_text("[override.parameters.price_floor]\nvalue = 1\n")
    assert check(cache, *rules)[:2] == check("off", *rules)[:2]


def test_a_mod_named_by_id_or_path_is_answered_as_afresh_and_one_elsewhere_is_not_kept(tmp_path: Path, small_broken_rules: Path) -> None:
    cache = tmp_path / "cache"
    rules = ("--rules", str(small_broken_rules))
    for named in (("broken",), (str(small_broken_rules / "mods" / "broken"),), ("hammurabi", "broken")):
        cold = check("off", *rules, named=named)
        assert cold[0] == 1 and "Mod broken" not in cold[1] and "broken/syntax.toml:2:" in cold[1]
        assert check(cache, *rules, named=named) == cold
        warm = check(cache, *rules, named=named)
        assert warm[:2] == cold[:2] and not warm[2], named
    mended = small_broken_rules / "mods" / "broken" / "syntax.toml"
    mended.write_text("[override.parameters.price_floor]\nvalue = 1\n")
    cold = check("off", *rules, named=("broken",))
    assert cold[0] == 0 and "Mod broken 1.0.0" in cold[1]  # a mod that loads is listed with its changes
    assert check(cache, *rules, named=("broken",)) == cold
    assert check(cache, *rules, named=("broken",))[:2] == cold[:2]
    # The same id, now a folder of that name where the command runs: that folder is checked.
    here = tmp_path / "here"
    shutil.copytree(small_broken_rules / "mods" / "broken", here / "broken")
    (here / "broken" / "syntax.toml").write_text("value = = 2\n")
    before = len(answers(cache))
    elsewhere = check(cache, *rules, named=("broken",), cwd=here)
    assert elsewhere[0] == 1 and elsewhere[:2] == check("off", *rules, named=("broken",), cwd=here)[:2]
    assert len(answers(cache)) == before  # a folder outside the rules: not kept


def test_a_check_run_inside_another_program_neither_keeps_nor_reads_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests call the command line in their own process and may replace a part of the code:
    only a process started for the one command (main.py) answers from the cache."""
    import io

    from game.cli import main

    monkeypatch.setenv("SMYCHKA_CACHE", str(tmp_path))
    assert main(["check"], stdout=io.StringIO()) == 0
    assert answers(tmp_path) == []


@pytest.mark.parametrize("edit", ["appended", "same length", "removed", "added", "none"])
def test_an_answer_is_kept_only_when_no_file_changed_during_the_check(tmp_path: Path, small_broken_rules: Path,
                                                                      monkeypatch: pytest.MonkeyPatch, edit: str) -> None:
    """A rule file written to, removed or added while the check runs (after the key was found by
    the files' bytes) leaves the answer unkept: it may be of the files before or after."""
    import io

    import game.check
    from game.cli import cmd_check

    monkeypatch.setenv("SMYCHKA_CACHE", str(tmp_path / "cache"))
    target = small_broken_rules / "mods" / "broken" / "syntax.toml"
    real = game.check.check

    def checking(*args, **kwargs):  # type: ignore[no-untyped-def]
        status = real(*args, **kwargs)
        text = target.read_text()
        if edit == "appended":
            target.write_text(text + "# later\n")
        elif edit == "same length":
            target.write_text(text.replace("value = = 1", "value = = 2"))
        elif edit == "removed":
            target.unlink()
        elif edit == "added":
            (target.parent / "more.toml").write_text("# more\n")
        return status

    monkeypatch.setattr(game.check, "check", checking)
    assert cmd_check([], small_broken_rules, io.StringIO(), None, remember=True) == 1
    assert len(answers(tmp_path / "cache")) == (1 if edit == "none" else 0)
