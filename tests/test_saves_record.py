"""The save records how the game was made (format 4): front end or simulation, a time per state,
every undo and redo, checkpoint answers, the finished flag and a seal — and replay checks the
record against the game. Older saves load through the upgrade 3 -> 4."""

from __future__ import annotations

import json
from pathlib import Path

from game.controller import Game
from game.rules.scenario import load_scenario
from game.saves import CURRENT_VERSION, check_replay, load_save, save_game
from game.saves.store import seal_of
from tests.conftest import RULES, run_main

FIXTURES = Path(__file__).parent / "fixtures" / "saves"


def played_game(tmp_path: Path) -> Game:
    """Three seasons of hammurabi-short through the controller, as a front end plays them, with an
    undo and a redo on the way."""
    game = Game.of_scenario(load_scenario("hammurabi-short", RULES), 5, saves=tmp_path)
    game.played_in("text")
    game.end_season()
    game.end_season()
    assert game.undo() and game.redo()
    game.end_season()
    return game


def test_a_played_game_records_front_end_times_undos_and_finished(tmp_path: Path) -> None:
    path = save_game(played_game(tmp_path).session, tmp_path / "g.json", player="Ann")
    data = json.loads(path.read_text())
    record = data["record"]
    assert data["version"] == CURRENT_VERSION == 4
    assert record["made_by"] == ["text"] and record["finished"] is False
    assert len(record["times"]) == 4 and all(t is not None and t.endswith("Z") for t in record["times"])
    assert record["times"] == sorted(record["times"])
    assert [(u["action"], u["season"]) for u in record["undos"]] == [("undo", data["states"][2]["season"]), ("redo", data["states"][2]["season"])]
    loaded = load_save(path, RULES)
    assert loaded.save.seal == seal_of(loaded.save) and len(loaded.save.seal) == 64
    assert check_replay(loaded).reproduced
    # Opened again, the record goes on where it was.
    again = Game.open(loaded)
    assert [u.action for u in again.session.record.undos] == ["undo", "redo"] and again.session.record.made_by == ["text"]
    again.end_season()
    assert len(again.session.record.times) == 5


def test_a_simulated_game_says_so(tmp_path: Path) -> None:
    save = tmp_path / "sim.json"
    status, _ = run_main("simulate", "--scenario", "hammurabi-short", "--seed", "4", "--save", str(save), "--out", str(tmp_path / "o.json"))
    assert status == 0
    record = json.loads(save.read_text())["record"]
    assert record["made_by"] == ["simulated"] and record["finished"] is True and set(record["times"]) == {None}


def test_a_branched_game_has_no_times_for_historys_seasons_and_cannot_undo_them(tmp_path: Path) -> None:
    scenario = load_scenario("nep-1923-1930", RULES)
    game = Game.of_scenario(scenario, 1923, "1924-spring", saves=tmp_path)
    game.played_in("window")
    game.end_season()
    assert game.undo() and not game.undo()  # history's seasons are not the player's to take back
    game.end_season()
    loaded = load_save(save_game(game.session, tmp_path / "b.json"), RULES)
    times = loaded.save.record.times
    turn = scenario.season_names().index("1924-spring")
    assert times[0] is not None and times[1:turn + 1] == [None] * turn and times[turn + 1] is not None
    assert check_replay(loaded).reproduced


def edited(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=1))
    return path


def test_replay_fails_a_record_that_disagrees_with_the_game(tmp_path: Path) -> None:
    good = save_game(played_game(tmp_path).session, tmp_path / "g.json")
    cases = {
        "times backwards": (lambda d: d["record"]["times"].reverse(), "the record's times go backwards"),
        "a season without a time": (lambda d: d["record"]["times"].__setitem__(2, None), "seasons without a time (played by history's policy)"),
        "undo of no season": (lambda d: d["record"]["undos"][0].__setitem__("season", "1999-spring"), "is not a season of hammurabi-short"),
        "an answer to no checkpoint": (lambda d: d["record"]["answers"].append({"checkpoint": "x", "season": "1923-winter", "answer": "a"}),
                                       "hammurabi-short has no such checkpoint"),
    }
    for name, (change, expected) in cases.items():
        bad = tmp_path / f"{name}.json"
        bad.write_text(good.read_text())
        edited(bad, change)
        result = check_replay(load_save(bad, RULES))
        assert not result.reproduced and expected in (result.difference or ""), (name, result.difference)


def test_loading_refuses_metadata_that_disagrees_with_the_game(tmp_path: Path) -> None:
    good = save_game(played_game(tmp_path).session, tmp_path / "g.json")
    status, out = run_main("check", str(edited(good, lambda d: d["metadata"].update(ending="prosperous_reign"))))
    assert status == 1 and "metadata.ending: the game's last state has the ending none, not 'prosperous_reign'" in out
    status, out = run_main("check", str(edited(good, lambda d: (d["metadata"].update(ending=None), d["record"].update(finished=True)))))
    assert status == 1 and "record.finished: the game is not over (3 of 12 seasons played), but the record says it is finished" in out


def test_a_fixed_message_is_a_note_not_a_failure(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    import shutil

    shutil.copytree(RULES, rules)
    save = tmp_path / "s.json"
    status, _ = run_main("--rules", str(rules), "simulate", "--scenario", "scissors-1923", "--policy", "history", "--save", str(save), "--out", str(tmp_path / "o.json"))
    assert status == 0
    file = rules / "scenarios" / "scissors-1923.toml"
    text = file.read_text()
    assert "From the end of 1923 the government" in text
    file.write_text(text.replace("From the end of 1923 the government", "From the end of 1923, the government"))
    status, out = run_main("--rules", str(rules), "replay", str(save))
    assert status == 0, out
    assert "Note: 1925-summer: the message of event lesson_history changed since the game was played (its numbers did not)" in out


def test_a_version_3_save_loads_with_an_unknown_record() -> None:
    path = FIXTURES / "hammurabi-short-v3.json"
    assert json.loads(path.read_text())["version"] == 3
    loaded = load_save(path, RULES)
    record = loaded.save.record
    assert loaded.save.version == CURRENT_VERSION and loaded.save.seal == ""
    assert (record.made_by, record.finished, record.times, record.undos, record.answers) == ([], None, [], [], [])
    assert loaded.save.metadata.player == "Old Player"
    if not loaded.rules_changed:
        assert check_replay(loaded).reproduced
