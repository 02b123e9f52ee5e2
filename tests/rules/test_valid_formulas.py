"""The formulas an earlier check found valid (game.rules.valid_formulas): a check with them says
exactly what one without them says, for sound rules and broken ones, and an entry that is
damaged, hostile or simply wrong is ignored or caught, never an all-clear."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from game.formula import FormulaError, parser
from game.rules import cache, valid_formulas
from tests.conftest import RULES, run_main


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(where))
    parser._PARSED.clear()  # (formulas parsed by other tests in this process)
    return where


def entry(folder: Path) -> Path:
    key = valid_formulas._key()
    assert key is not None
    return folder / f"{key}.json"


def write(path: Path, body: bytes) -> None:
    head = {"format": valid_formulas.FORMAT, "version": cache.VERSION, "key": path.stem, "body": hashlib.sha256(body).hexdigest()}
    path.write_bytes(json.dumps(head).encode() + b"\n" + body)


def broken_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    market = rules / "base" / "market.toml"
    text = market.read_text(encoding="utf-8")
    market.write_text(re.sub(r'^formula = "(?!")', 'formula = "no_such_name + ', text, count=1, flags=re.M), encoding="utf-8")
    return rules


def test_a_check_with_the_formulas_kept_says_what_one_without_says(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = broken_rules(tmp_path)
    cold = run_main("check", str(rules), cwd=tmp_path)
    assert entry(folder).is_file() and cold[0] == 1 and "unknown name 'no_such_name'" in cold[1]
    assert len(valid_formulas.recall(entry(folder).stem)) > 200
    parser._PARSED.clear()
    asked: list[str] = []
    real = parser._parse
    monkeypatch.setattr(parser, "_parse", lambda text: asked.append(text) or real(text))
    warm = run_main("check", str(rules), cwd=tmp_path)
    assert warm == cold
    assert len(asked) < 30  # (the trees asked for: constant chances and conditions, the places of problems)
    monkeypatch.setenv(cache.ENV_VAR, "off")
    parser._PARSED.clear()
    assert run_main("check", str(rules), cwd=tmp_path) == cold


@pytest.mark.parametrize("body", [
    b"", b"[", b"{}", b'[["x", [], []]]', b'[["x", ["os.system"], [], []]]', b'[["x", ["__import__"], [], []]]',
    b'[["x", ["if"], [], []]]', b'[[1, [], [], []]]', b'[["", [], [], []]]', b'[["x", "abc", [], []]]', b'[["x", [1], [], []]]',
    b'[["' + b"1" * 5000 + b'", [], [], []]]', b"[" + b"[" * 100000 + b"]" * 100000 + b"]", b'[["x", [], [], [], []]]',
])
def test_a_damaged_or_hostile_entry_is_ignored(folder: Path, body: bytes) -> None:
    folder.mkdir(parents=True)
    write(entry(folder), body)
    assert valid_formulas.recall(entry(folder).stem) == {}


def test_an_entry_that_says_a_formula_reads_other_names_is_caught_and_an_invalid_one_still_fails(folder: Path, tmp_path: Path) -> None:
    folder.mkdir(parents=True)
    write(entry(folder), json.dumps([["a + b", ["a"], [], []], ["__import__('os')", [], [], []]]).encode())
    with valid_formulas.remembered():
        wrong = parser.parse("a + b")
        with pytest.raises(FormulaError, match="cache"):
            _ = wrong.tree  # (the tree is parsed from the text, never taken from the entry)
        evil = parser.parse("__import__('os')")
        assert evil.names == ()  # (the entry's word, as an edited rule file's would be) ...
        with pytest.raises(FormulaError):
            _ = evil.tree  # ... but no tree of it passes the whitelist
    parser._PARSED.clear()
    with pytest.raises(FormulaError):
        parser.parse("__import__('os')")  # after the block, the entry is not taken at all


def test_the_entry_follows_the_code_that_parses(folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    before = valid_formulas._key()
    fake = tmp_path / "formula"
    fake.mkdir()
    for name in valid_formulas._CODE:
        (fake / name).write_bytes((Path(parser.__file__).parent / name).read_bytes() + b"\n# changed\n")
    monkeypatch.setattr(parser, "__file__", str(fake / "parser.py"))
    assert valid_formulas._key() not in (None, before)
