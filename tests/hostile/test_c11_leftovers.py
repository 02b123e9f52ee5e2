"""Class 11: what a save killed mid-write leaves behind.

A hidden temporary file (``.NAME.XXXXXXXX.tmp``) stayed forever. The next write into its folder
now removes the game's own temporary files older than a minute — and nothing else: not a young
one (a save in progress), not a file of another pattern, not a folder, not a link, not a visible
file; and reading a folder removes nothing."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from game.files import clean_stale_temporaries
from game.rules.scenario import load_scenario
from game.saves import list_saves, load_save, save_game
from game.session import Session
from tests.hostile.harness import RULES, case, guarded

OLD = time.time() - 120


def litter(folder: Path) -> dict[str, bool]:
    """Left-overs and look-alikes in ``folder``: name -> whether a write there removes it."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {
        ".game.json.abcd1234.tmp": True,  # the game's own, two minutes old
        ".my save.json.k_9zq0xy.tmp": True,
        ".game.json.young123.tmp": False,  # the game's own, but a write in progress could own it
        ".notes.tmp": False,  # not the pattern
        ".x.json.ABCDEFGH.tmp": False,  # upper case: not what mkstemp makes
        "game.json.abcd1234.tmp": False,  # not hidden
        ".game.json.abcd1234.tmp.bak": False,
    }
    for name in made:
        (folder / name).write_text("half a save")
        if name != ".game.json.young123.tmp":
            os.utime(folder / name, (OLD, OLD))
    (folder / ".dir.json.abcdefgh.tmp").mkdir()  # a folder of that name
    os.utime(folder / ".dir.json.abcdefgh.tmp", (OLD, OLD))
    (folder / ".link.json.abcdefgh.tmp").symlink_to(folder / "game.json.abcd1234.tmp")  # a link of that name
    made[".dir.json.abcdefgh.tmp"] = made[".link.json.abcdefgh.tmp"] = False
    return made


def assert_cleaned(folder: Path, made: dict[str, bool]) -> None:
    left = {p.name for p in folder.iterdir()}
    assert {name for name, goes in made.items() if goes} & left == set()
    assert {name for name, goes in made.items() if not goes} <= left


def test_simulate_save_cleans_its_folder(tmp_path: Path) -> None:
    made = litter(tmp_path)
    target = tmp_path / "game.json"
    removed = [tmp_path / name for name, goes in made.items() if goes]
    case(["simulate", "--scenario", "hammurabi-short", "--save", str(target)], roots=[tmp_path], refused=False, may_change=[target, *removed])
    assert_cleaned(tmp_path, made)


def test_an_autosave_cleans_the_autosave_folder(tmp_path: Path) -> None:
    made = litter(tmp_path / "autosave")
    case(["play", "--text", "--scenario", "hammurabi-short", "--saves", str(tmp_path)], roots=[tmp_path], refused=False,
         stdin=b"\n" * 10 + b"quit\n", may_change=[tmp_path / "autosave"])
    assert_cleaned(tmp_path / "autosave", made)


def test_the_settings_and_schemas_clean_their_folders(tmp_path: Path) -> None:
    pytest.importorskip("pygame")
    from game.ui.settings import Settings, save_settings

    made = litter(tmp_path / "config")
    assert save_settings(Settings(), tmp_path / "config" / "settings.json") is None
    assert_cleaned(tmp_path / "config", made)
    made = litter(tmp_path / "schema")
    case(["schema", "--out", str(tmp_path / "schema")], roots=[tmp_path], refused=False, may_change=[tmp_path / "schema"])
    assert_cleaned(tmp_path / "schema", made)


def test_reading_a_folder_removes_nothing(tmp_path: Path) -> None:
    litter(tmp_path)
    save = save_game(Session(load_scenario("hammurabi-short", RULES), 1), tmp_path / "x" / "game.json")
    with guarded([tmp_path]):
        list_saves(tmp_path)
        load_save(save, RULES)
        case(["check", str(tmp_path)], roots=[tmp_path], refused=False, says="check ok: 1 item(s)")  # (the litter is neither .toml nor .json)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_save_killed_mid_write_leaves_a_file_the_next_save_removes_once_stale(tmp_path: Path) -> None:
    session = Session(load_scenario("nep-1923-1930", RULES), 1)
    session.play(session.scenario.history)
    path = tmp_path / "game.json"
    for _ in range(50):  # kill a child in the middle of saving until one leaves its temporary file
        pid = os.fork()
        if pid == 0:
            try:
                while True:
                    save_game(session, path)
            finally:
                os._exit(0)
        time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        left = [p for p in tmp_path.iterdir() if p.name.startswith(".game.json.")]
        if left:
            break
    else:
        pytest.skip("no kill landed mid-write in 50 tries")
    save_game(session, path)
    assert all(p.exists() for p in left)  # young: a write in progress could be its owner
    for p in left:
        os.utime(p, (OLD, OLD))
    save_game(session, path)
    assert not any(p.exists() for p in left) and load_save(path, RULES).turn == session.turn


def test_the_cleaner_itself(tmp_path: Path) -> None:
    made = litter(tmp_path)
    assert clean_stale_temporaries(tmp_path) == sum(made.values())
    assert_cleaned(tmp_path, made)
    assert clean_stale_temporaries(tmp_path / "no-such-folder") == 0
    assert clean_stale_temporaries(tmp_path, now=OLD + 30) == 0  # a minute has not passed for any
