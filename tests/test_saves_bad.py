"""Bad saves: each kind is refused with its exact, located message; a refused load writes nothing
and a failed save leaves the old one whole."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from game.rules.problems import LoadError
from game.saves import load_save, save_game
from game.session import Session
from tests.conftest import build_scenario, lever, run_main, variable

WHEN = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


@pytest.fixture
def good(tmp_path: Path) -> Path:
    """A two-season game of a tiny rule set (so that the lines below stay where they are)."""
    scenario = build_scenario(
        tmp_path, {"stock": variable("prev(stock) + price", initial=0, min=0, max=1000), "twice": variable("stock * 2")},
        levers={"price": lever(default=5, lo=0, hi=10)}, scenario={"seasons": 6},
    )
    session = Session(scenario, 7)
    session.end_season()
    session.end_season()
    return save_game(session, tmp_path / "good.json", player="Ann", now=WHEN)


def edited(good: Path, change) -> str:
    data = json.loads(good.read_text())
    change(data)
    return json.dumps(data, indent=1)


def replace(good: Path, old: str, new: str) -> str:
    text = good.read_text()
    assert old in text
    return text.replace(old, new, 1)


CASES = {
    "truncated": (lambda g: g.read_text()[:400], "19:11: error: the save ends too early (truncated?): unterminated string starting at"),
    "truncated at the end": (lambda g: g.read_text()[:-4], "115:10: error: the save ends too early (truncated?): unterminated string starting at"),
    "empty": (lambda g: "", "1:1: error: empty file: not a Smychka save"),
    "damaged bytes": (lambda g: g.read_bytes()[:90] + b"\xff\xfe" + g.read_bytes()[92:], "5:32: error: damaged save: byte 0xff is not UTF-8 text (a save is UTF-8 JSON)"),
    "damaged JSON": (lambda g: replace(g, '"turn": 2,\n  "saved_at"', '"turn": 2\n  "saved_at"'), "8:3: error: damaged save: JSON syntax error: expecting ',' delimiter"),
    "not JSON": (lambda g: "[ruleset]\nid = 'x'\n", "1:2: error: not a Smychka save: not JSON (expecting value)"),
    "JSON but not a save": (lambda g: '{"scenario": "t-game", "seasons": []}', '1:1: error: not a Smychka save: expected "format": "smychka-save" at the top'),
    "a list": (lambda g: "[1, 2]", '1:1: error: not a Smychka save: expected "format": "smychka-save" at the top'),
    "another format": (lambda g: replace(g, '"smychka-save"', '"chess-pgn"'), '2:12: error: format: not a Smychka save: expected "format": "smychka-save" at the top'),
    "future version": (lambda g: replace(g, '"version": 4', '"version": 7'), "3:13: error: version: saved by a newer Smychka: format 7, this version reads up to 4"),
    "unknown version": (lambda g: replace(g, '"version": 4', '"version": 0'), "3:13: error: version: unknown save format version 0 (this version reads 1 to 4)"),
    "version as text": (lambda g: replace(g, '"version": 4', '"version": "4"'), '3:13: error: version: expected a whole number, found text "4"'),
    "no version": (lambda g: replace(g, ' "version": 4,\n', ""), "1:1: error: missing required key 'version'"),
    "seed as text": (lambda g: replace(g, '"seed": 7', '"seed": "seven"'), '22:10: error: seed: expected a whole number, found text "seven"'),
    "a number as text": (lambda g: replace(g, '"stock": 5.0', '"stock": "many"'), '55:14: error: states[1].values.stock: expected a number, found text "many"'),
    "NaN": (lambda g: replace(g, '"stock": 5.0', '"stock": NaN'), "55:14: error: states[1].values.stock: expected a finite number, found the number nan"),
    "an unknown key": (lambda g: replace(g, '"player": "Ann"', '"player": "Ann", "colour": "red"'), "9:20: error: metadata.colour: unknown key 'colour' (expected one of: scenario_title, season, turn, saved_at, player, game_version, ending)"),
    "a missing key": (lambda g: replace(g, '   "counter": 0,\n', ""), "36:3: error: states[0]: missing required key 'counter'"),
    "a bad season": (lambda g: replace(g, '"1927-summer"', '"1927-monsoon"'), "53:14: error: states[1].season: expected a season like '1927-autumn', found text \"1927-monsoon\""),
    "a negative turn": (lambda g: replace(g, '"turn": 1,', '"turn": -1,'), "52:12: error: states[1].turn: expected a value >= 0, found the number -1"),
    "turns out of order": (lambda g: replace(g, '"turn": 1,', '"turn": 5,'), "52:12: error: states[1].turn: expected turn 1, found 5"),
    "a state missing": (lambda g: edited(g, lambda d: d["states"].pop()),
                        "7:11: error: metadata.turn: the game has 1 season(s) played, not 2\n"
                        "35:12: error: states: 2 state(s) for 2 season(s) of levers in lever_history: expected one state more (the start)\n"
                        "92:12: error: record.times: 3 time(s) for 2 state(s): expected one per state"),
    "a value out of its bounds": (lambda g: replace(g, '"stock": 5.0', '"stock": -5.0'), "55:14: error: states[1].values.stock: -5 is outside the bounds of stock (0..1000)"),
    "an unknown variable": (lambda g: replace(g, '"stock": 5.0', '"stok": 5.0'), "54:4: error: states[1].values: missing variable(s): stock\n55:5: error: states[1].values.stok: unknown variable 'stok'; did you mean 'stock'?"),
    "a lever out of its bounds": (lambda g: replace(g, '"price": 5.0', '"price": 50.0'), "26:13: error: lever_history[0].price: 50 is outside the bounds of price (0..10)"),
    "a lever off its steps": (lambda g: replace(g, '"price": 5.0', '"price": 5.5'), "26:13: error: lever_history[0].price: 5.5 is not on a step of price (1)"),
    "a season not the scenario's": (lambda g: replace(g, '"1927-summer"', '"1927-winter"'), "53:14: error: states[1].season: expected season '1927-summer', found '1927-winter'"),
    "a branch outside the scenario": (lambda g: replace(g, '"branch_at": null', '"branch_at": "1931-spring"'), "23:15: error: branch_at: '1931-spring' is not a season of t-game (1927-summer to 1928-autumn)"),
    "a scenario that no longer exists": (lambda g: replace(replace_file(g), '"id": "t-game"', '"id": "t-gaem"'), "18:9: error: scenario.id: the game's scenario 't-gaem' no longer exists; did you mean 't-game'? (scenarios: t-game)"),
    "nested too deeply": (lambda g: "[" * 100_000 + "]" * 100_000, "1:1: error: not a Smychka save: the JSON is nested too deeply"),
}


def replace_file(good: Path) -> Path:
    """The save without the scenario file's path, so that only the id can find it."""
    data = json.loads(good.read_text())
    data["scenario"]["file"] = ""
    good.write_text(json.dumps(data, indent=1))
    return good


@pytest.mark.parametrize("kind", CASES)
def test_each_bad_save_gives_its_located_message_and_writes_nothing(kind: str, good: Path) -> None:
    make, expected = CASES[kind]
    content = make(good)
    bad = good.with_name("bad.json")
    bad.write_bytes(content if isinstance(content, bytes) else content.encode())
    folder = sorted(good.parent.rglob("*"))
    before = bad.read_bytes()
    with pytest.raises(LoadError) as caught:
        load_save(bad, good.parent)
    assert "\n".join(str(p) for p in caught.value.problems) == "\n".join(f"{bad}:{line}" for line in expected.split("\n"))
    assert bad.read_bytes() == before and sorted(good.parent.rglob("*")) == folder  # nothing written


def test_the_good_save_itself_loads(good: Path) -> None:
    assert load_save(good, good.parent).turn == 2


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    for target, message in ((tmp_path / "nope.json", "file not found"), (tmp_path, "is a folder, expected a save file")):
        with pytest.raises(LoadError) as caught:
            load_save(target, tmp_path)
        assert [str(p) for p in caught.value.problems] == [f"{target}:1:1: error: {message}"]


def test_a_version_1_save_with_levers_of_the_wrong_length(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "saves" / "hammurabi-short-v1.json"
    data = json.loads(fixture.read_text())
    data["lever_history"][1].pop()
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps(data, indent=1))
    with pytest.raises(LoadError) as caught:
        load_save(bad, Path(__file__).parent.parent / "rules")
    assert [str(p) for p in caught.value.problems] == [f"{bad}:1:1: error: cannot upgrade this format 1 save: 4 lever value(s) for 5 lever name(s)"]


def test_a_failed_save_leaves_the_old_save_whole(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = good.read_bytes()
    session = load_save(good, good.parent).resume()
    session.end_season()

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="no space left on the device"):
        save_game(session, good)
    assert good.read_bytes() == before
    assert sorted(p.name for p in good.parent.iterdir() if p.is_file()) == ["good.json"]  # no temporary file left


@pytest.mark.parametrize("kind", ["a lever out of its bounds", "a scenario that no longer exists"])
def test_a_bad_save_is_read_once_and_its_problems_placed_in_that_text(kind: str, good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make, expected = CASES[kind]
    bad = good.with_name("bad.json")
    bad.write_text(make(good))
    reads: list[Path] = []
    import game.files
    from game.saves import store

    def counted(path: Path, *args, **kwargs):  # every file the game reads goes through game.files.read_file
        reads.append(Path(path))
        return game.files.read_file(path, *args, **kwargs)

    monkeypatch.setattr(store, "read_file", counted)
    with pytest.raises(LoadError) as caught:
        load_save(bad, good.parent)
    assert str(caught.value.problems[0]) == f"{bad}:{expected}"
    assert reads.count(bad) == 1


def test_a_save_into_an_impossible_place_says_so(good: Path) -> None:
    session = load_save(good, good.parent).resume()
    with pytest.raises(OSError):
        save_game(session, good / "inside-a-file.json")  # good.json is a file, not a folder
    assert load_save(good, good.parent).turn == 2


def test_check_and_play_refuse_a_bad_save_with_located_messages_and_change_nothing(good: Path, saves_folder: Path) -> None:
    bad = good.with_name("bad.json")
    bad.write_text(replace(good, '"version": 4', '"version": 7'))
    status, out = run_main("--rules", str(good.parent), "check", str(bad))
    assert status == 1
    assert out.splitlines() == [f"{bad}:3:13: error: version: saved by a newer Smychka: format 7, this version reads up to 4",
                                "check FAILED: 1 item(s), 1 error(s), 0 warning(s)"]
    status, out = run_main("--rules", str(good.parent), "play", "--text", "--load", str(bad), stdin="quit\n")
    assert status == 1
    assert out.splitlines()[-1] == f"cannot load {bad}: 1 error(s); nothing was changed"
    status, out = run_main("--rules", str(good.parent), "replay", str(bad))
    assert status == 1
    assert out.splitlines() == [f"{bad}:3:13: error: version: saved by a newer Smychka: format 7, this version reads up to 4",
                                f"cannot replay {bad}: 1 error(s)"]
    assert "Traceback" not in out and not any(saves_folder.rglob("*.json"))
