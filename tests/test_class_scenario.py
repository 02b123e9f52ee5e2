"""Class scenarios (issue 15): checkpoints before the decision with a pause and a written answer
kept in the save; a fixed seed, no branching, undos recorded; the player's name asked; levers
relabelled, stepped, hidden and unlocked from a season; history compared as it was; and the
finished game saved under the player's name, never rotated out of the autosaves."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from game.controller import CheckpointFirst, Game, StartRefused
from game.rules.problems import LoadError
from game.rules.scenario import load_scenario
from game.saves import autosave, check_replay, load_save
from game.session import LeverRejected, Session
from tests.conftest import RULES, run_main

CLASS = "class-procurement-crisis"
SCENARIO = load_scenario(CLASS, RULES)


def test_the_class_scenario_declares_its_settings_and_checkpoints() -> None:
    assert SCENARIO.classroom is not None and SCENARIO.classroom.fixed_seed and not SCENARIO.classroom.branching
    assert [c.id for c in SCENARIO.checkpoints] == ["empty-shops", "no-article-107", "the-reckoning"]
    assert SCENARIO.teacher_notes and "1928" in SCENARIO.teacher_notes
    lever = SCENARIO.levers["procurement_price"]
    assert (lever.label, lever.step) == ("State grain price", 10)
    assert SCENARIO.hidden == {"coop_credit_advantage", "coop_credit_earmarked"} and "emergency_measures" in SCENARIO.locked
    assert SCENARIO.unlock_turn == {"grain_exports": SCENARIO.season_names().index("1928-winter")}


def test_a_lever_unlocked_from_a_season_and_a_coarser_step() -> None:
    session = Session(SCENARIO, 214)
    with pytest.raises(LeverRejected, match="Grain exports stays at 1 until 1928-winter"):
        session.set_lever("grain_exports", 2)
    with pytest.raises(LeverRejected, match="moves in steps of 10"):
        session.set_lever("procurement_price", 125)
    session.play(until=SCENARIO.unlock_turn["grain_exports"])
    assert session.set_lever("grain_exports", 2) == 2


def test_history_keeps_the_levers_the_class_locks() -> None:
    """Locking the emergency measures for the player does not change history's policy."""
    assert SCENARIO.history is not None
    assert max(levers["emergency_measures"] for levers in SCENARIO.history) == 2
    original = load_scenario("procurement-crisis-1927", RULES)
    assert SCENARIO.history == original.history
    history = Session(SCENARIO, 214)
    history.play(SCENARIO.history, as_history=True)
    assert any(history.levers_played(t)["emergency_measures"] > 0 for t in range(1, history.turn + 1))


def test_the_seed_is_fixed_and_branching_refused() -> None:
    with pytest.raises(StartRefused) as caught:
        Game.of_scenario(SCENARIO, 7)
    assert caught.value.problems == ["this class scenario fixes the seed 214: leave --seed out"]
    with pytest.raises(StartRefused, match="taken over"):
        Game.of_scenario(SCENARIO, None, "1928-winter")
    assert Game.of_scenario(SCENARIO).session.seed == 214
    status, out = run_main("play", "--text", "--scenario", CLASS, "--seed", "7", stdin="")
    assert status == 1 and "this class scenario fixes the seed 214" in out


def test_simulate_with_another_seed_says_why_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "game.json"
    status, out = run_main("simulate", "--scenario", CLASS, "--seed", "7", "--out", str(target))
    err = capsys.readouterr().err
    assert status == 1 and "this class scenario fixes the seed 214: leave --seed out; nothing was written" in err
    assert "internal error" not in err + out and not target.exists()


def play_text(tmp_path: Path, lines: list[str]) -> tuple[int, str]:
    return run_main("play", "--text", "--scenario", CLASS, "--saves", str(tmp_path), stdin="\n".join(lines) + "\n")


def test_text_mode_asks_the_name_shows_checkpoints_before_the_decision_and_keeps_answers(tmp_path: Path) -> None:
    to_first = ["end"] * 3  # 1926-autumn, 1927-winter, 1927-spring: then the checkpoint before 1927-summer
    lines = ["", "Anna Petrovna", *to_first, "Money outruns goods; he keeps it.", "end", "undo", "end", "end",
             "wrong", "1928", "Raise the price; send goods.", "quit"]
    status, out = play_text(tmp_path, lines)
    assert status == 0, out
    assert "Your name, as your teacher should see it in your save:" in out and "Thank you, Anna Petrovna." in out
    first = out.index("--- Checkpoint: The shops are emptying ---")
    assert out[out.rfind("=== ", 0, first):].startswith("=== Summer 1927")  # the season's heading, then the checkpoint,
    assert out.index("What will a middle peasant do", first) < out.index("Checkpoint passed.", first)  # then its question
    assert "That is not the code. Ask your teacher." in out
    assert "(Your teacher sees each undo in your save.)" in " ".join(out.split())
    autosaves = sorted((tmp_path / "autosave").glob("*.json"))
    data = json.loads(autosaves[-1].read_text())
    answers = {a["checkpoint"]: a["answer"] for a in data["record"]["answers"]}
    assert answers == {"empty-shops": "Money outruns goods; he keeps it.", "no-article-107": "Raise the price; send goods."}
    assert data["metadata"]["player"] == "Anna Petrovna" and data["record"]["made_by"] == ["text"]
    assert [u["action"] for u in data["record"]["undos"]] == ["undo"]
    assert check_replay(load_save(autosaves[-1], RULES)).reproduced


def test_a_season_cannot_be_ended_before_its_checkpoint(tmp_path: Path) -> None:
    game = Game.of_scenario(SCENARIO)
    game.session.play(until=SCENARIO.season_names().index("1927-summer"))
    checkpoint = game.checkpoint()
    assert checkpoint is not None and checkpoint.id == "empty-shops"
    with pytest.raises(CheckpointFirst):
        game.end_season()
    game.pass_checkpoint(checkpoint, "an answer")
    assert game.checkpoint() is None
    game.end_season()


def test_a_finished_game_is_offered_for_submission_and_never_rotated_out(tmp_path: Path) -> None:
    lines = ["Boris", *(["end"] * 3), "a", *(["end"] * 2), "1928", "b", *(["end"] * 6), "c", *(["end"] * 5), "y"]
    status, out = play_text(tmp_path, lines)
    assert status == 0, out[-2000:]
    submitted = tmp_path / f"Boris-{CLASS}.json"
    assert f"Saved your finished game to {submitted}. Hand in this file." in " ".join(out.split())
    data = json.loads(submitted.read_text())
    assert data["record"]["finished"] is True and data["metadata"]["player"] == "Boris"
    finished = [p for p in (tmp_path / "autosave").glob("*.json") if p.stem.endswith("-end")]
    assert len(finished) == 1
    # Other games autosave many times after it: the finished game's autosave stays, and so do
    # the last five of each other game.
    when = datetime(2030, 1, 1, tzinfo=UTC)
    for game_id in ("0000000a", "0000000b"):
        session = Session(load_scenario("hammurabi-short", RULES), 5)
        session.record.game_id = game_id
        for minute in range(7):
            session.end_season()
            autosave(session, tmp_path, now=when + timedelta(minutes=minute))
        when += timedelta(hours=1)
    names = [p.name for p in (tmp_path / "autosave").glob("*.json")]
    assert finished[0].name in names
    assert sum(1 for n in names if "-g0000000a" in n) == 5 and sum(1 for n in names if "-g0000000b" in n) == 5


def test_checkpoint_problems_are_located(tmp_path: Path) -> None:
    text = (RULES / "scenarios" / f"{CLASS}.toml").read_text()
    bad = tmp_path / "scenarios" / f"{CLASS}.toml"
    bad.parent.mkdir()
    bad.write_text(text.replace('id = "the-reckoning"\nseason = "1929-summer"', 'id = "the-reckoning"\nseason = "1927-summer"').replace("seed = 214\n", ""))
    with pytest.raises(LoadError) as caught:
        load_scenario(str(bad), RULES)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.endswith("checkpoints[2].season: 1927-summer already has checkpoint 'empty-shops'; put both in one") for m in messages)
    assert any(m.endswith("classroom.fixed_seed: a fixed seed needs the scenario's seed: set [scenario] seed") for m in messages)


def test_check_shows_the_teacher_notes_of_a_scenario_it_is_given() -> None:
    status, out = run_main("check", str(RULES / "scenarios" / f"{CLASS}.toml"))
    assert status == 0 and out.startswith(f"Teacher notes ({CLASS}): Run it in two sessions")
    assert all(len(line) <= 80 for line in out.splitlines())
    status, out = run_main("check")  # everything shipped: no notes, only the verdict
    assert status == 0 and "Teacher notes" not in out


def test_policies_checked_up_front_see_history_and_unlocking_by_season() -> None:
    """compare and the impact report check a policy season by season without playing it: history's
    locked levers are history's, and a lever unlocked from a season may move from then on."""
    from game.impact import PolicyRefused, plans

    assert SCENARIO.history is not None
    played = plans(SCENARIO, {"history": SCENARIO.history})["history"]
    assert len(played) == SCENARIO.seasons
    unlock = SCENARIO.unlock_turn["grain_exports"]
    later = [dict(SCENARIO.history[0], emergency_measures=0.0, grain_exports=2.0 if t >= unlock else 1.0) for t in range(SCENARIO.seasons)]
    for levers in later:
        for name in SCENARIO.hidden:
            levers[name] = SCENARIO.levers[name].default
    assert len(plans(SCENARIO, {"later": later})["later"]) == SCENARIO.seasons
    early = [dict(levers, grain_exports=2.0) for levers in later]
    with pytest.raises(PolicyRefused, match="stays at 1 until 1928-winter"):
        plans(SCENARIO, {"early": early})
