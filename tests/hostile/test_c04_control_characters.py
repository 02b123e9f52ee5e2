"""Class 4: text from files reaches the terminal with every control character escaped.

A save's player name that would draw a fake "replay ok" over a real "replay FAILED", a scenario's
title that sets the terminal's window title, a lever label that colours the screen red, a
right-to-left override, a C1 CSI, a carriage return, file names on disk with escapes or bytes that
are not UTF-8, keys and values quoted back in problems: the output holds none of them raw — each
shows as an escape (``\\x1b``, ``\\u202e``, ``\\xff``) — and nothing else changes."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from game.rules.scenario import load_scenario
from game.saves import save_game
from game.session import Session
from game.textsafe import escape_controls
from tests.hostile.harness import RULES, case

HOSTILE = {
    "erase line": "\x1b[1A\x1b[2K\rreplay ok",
    "window title": "\x1b]0;owned\x07",
    "C1 CSI": "\x9b2J",
    "bidi override": "\u202eko yalper",
    "carriage return": "fine\rFAKE",
    "newline": "one\nreplay ok: two",
    "NUL and DEL": "a\x00b\x7f",
    "line separator": "a\u2028b",
}


def a_save(tmp_path: Path, **metadata: str) -> Path:
    session = Session(load_scenario("hammurabi-short", RULES), 3)
    session.end_season()
    path = save_game(session, tmp_path / "game.json")
    data = json.loads(path.read_text())
    data["metadata"].update(metadata)
    path.write_text(json.dumps(data, indent=1))
    return path


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_player_name_in_a_save_cannot_fake_the_replay_verdict(tmp_path: Path, name: str) -> None:
    path = a_save(tmp_path, player=HOSTILE[name])
    result = case(["replay", str(path)], roots=[tmp_path], refused=False, says=f"by {escape_controls(HOSTILE[name])}")
    assert result.out.count("\n") == 2  # the summary and the verdict: no line of the file's own


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_player_name_in_the_text_mode_s_question_before_replacing(tmp_path: Path, name: str) -> None:
    path = a_save(tmp_path, player=HOSTILE[name])
    result = case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(tmp_path / "saves")], roots=[tmp_path], refused=False,
                  stdin=f"save {path}\nn\nquit\n".encode())
    assert escape_controls(HOSTILE[name]) in result.out and "Not saved: the old save is kept." in result.prose


def a_scenario(tmp_path: Path, text: str) -> Path:
    """hammurabi-short under ``tmp_path`` with ``text`` in its title, summary and an objective."""
    root = tmp_path / "rules"
    shutil.copytree(RULES / "hammurabi", root / "hammurabi")
    (root / "scenarios").mkdir()
    source = (RULES / "scenarios" / "hammurabi-short.toml").read_text()
    encoded = json.dumps(text)  # a TOML basic string accepts JSON's escapes
    lines = []
    for line in source.splitlines():
        if line.startswith("title = "):
            line = f"title = {encoded}"
        lines.append(line)
    target = root / "scenarios" / "hammurabi-short.toml"
    target.write_text("\n".join(lines) + "\n")
    return target


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_scenario_title_in_the_text_mode(tmp_path: Path, name: str) -> None:
    if "\x00" in HOSTILE[name] or "\x7f" in HOSTILE[name]:
        pytest.skip("TOML itself refuses a NUL or DEL in a string (a located error, tested below)")
    target = a_scenario(tmp_path, HOSTILE[name])
    result = case(["--rules", str(target.parent.parent), "play", "--text", "--scenario", "hammurabi-short", "--saves", str(tmp_path / "s")],
                  roots=[tmp_path], refused=False, stdin=b"quit\n")
    assert escape_controls(HOSTILE[name], keep_lines=True) in result.out


@pytest.mark.parametrize("key", ["\x1b[2J", "\u202eevil", "a\nb", "\x9b31m", "tab\there"])
def test_keys_quoted_back_in_problems(tmp_path: Path, key: str) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(f"[levers]\n{json.dumps(key)} = 1\n")
    result = case(["check", "--scenario", "hammurabi-short", str(policy)], roots=[tmp_path], refused=True, says="unknown lever")
    assert escape_controls(key) in result.out


@pytest.mark.parametrize("name", ["\x1b[2Jevil.toml", "cr\rhere.toml", "\u202eexe.toml", "bell\x07.json"])
def test_file_names_with_controls_on_disk(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / name).write_text("x = 1\n" if name.endswith(".toml") else "{}\n")
    result = case(["check", str(folder)], roots=[tmp_path], refused=True)
    assert escape_controls(name) in result.out


def test_file_names_that_are_not_utf8_on_disk(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9-\xff.toml"), "wb") as handle:  # latin-1 bytes, as an old system names files
        handle.write(b"x = 1\n")
    result = case(["check", str(folder)], roots=[tmp_path], refused=True, says="caf\\xe9-\\xff.toml:1:1: error: ")
    assert "\ufffd" not in result.out


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_that_cannot_show_the_game_s_characters(tmp_path: Path, encoding: str) -> None:
    """LANG=C or an ASCII-only terminal: shown as escapes, never an error."""
    result = case(["simulate", "--scenario", "nep-1923-1930", "--policy", "history", "--compare"], roots=[tmp_path], refused=False,
                  encoding=encoding)
    assert "Scissors" in result.prose
    result = case(["play", "--text", "--scenario", "scissors-1923", "--saves", str(tmp_path / "s")], roots=[tmp_path], refused=False,
                  encoding=encoding, stdin=b"\n" * 3 + b"why x\nquit\n", may_change=[tmp_path / "s"])
    assert "Leaving the game" in result.prose


def test_the_escaping_itself() -> None:
    assert escape_controls("\x1b[2K\r\n\t\x00\x7f\x9b\u202e\u2028\udcff ok é 日本") == "\\x1b[2K\\r\\n\\t\\x00\\x7f\\x9b\\u202e\\u2028\\xff ok é 日本"
    assert escape_controls("a\nb\tc\x1b", keep_lines=True) == "a\nb\tc\\x1b"
    assert escape_controls(escape_controls("\x1b")) == "\\x1b"  # twice is once
