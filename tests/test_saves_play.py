"""Saves as players and instructors meet them: save, undo, redo and autosave in the text mode;
play --load and --branch-at; simulate --save; replay, across processes and hash seeds; check SAVE."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.present.seasons import season_label, season_title
from game.rules.scenario import load_scenario
from game.saves import AUTOSAVE_FOLDER, list_saves, load_save
from game.session import Session
from game.text.play import play_text
from tests.conftest import ROOT, RULES, build_scenario, lever, run_main, variable


def prompts(scenario) -> int:
    return sum(1 for name in scenario.levers if name not in scenario.locked)


def test_text_mode_saves_undoes_redoes_and_autosaves(tmp_path: Path) -> None:
    scenario = load_scenario("hammurabi-short", RULES)
    n = prompts(scenario)
    target = tmp_path / "mine.json"
    script = [""] * n * 2 + ["undo", "redo", f"save {target}", "help"] + [""] * n + ["quit"]
    out = io.StringIO()
    session = Session(scenario, 5)
    play_text(session, io.StringIO("\n".join(script) + "\n"), out, saves=tmp_path, player="Vera")
    text = out.getvalue()
    folded = " ".join(text.split())  # the text mode wraps lines to the terminal's width
    assert f"Season {season_label(scenario.season_at(1))} taken back; its levers are restored." in folded
    assert f"Season {season_label(scenario.season_at(1))} played again as it was." in folded
    assert f"Saved to {target}. Resume with: main.py play --load {target}" in folded
    assert "undo, redo take back the last season, or play it again" in folded and f"autosaves: {tmp_path / AUTOSAVE_FOLDER}" in folded
    assert session.turn == 3
    saved = load_save(target, RULES)
    assert saved.turn == 2 and saved.save.metadata.player == "Vera"
    autosaves = sorted((tmp_path / AUTOSAVE_FOLDER).glob("*.json"))
    # One after each of the three seasons (the redone one is the same state: not again); none on quit.
    assert len(autosaves) == 3 and folded.count("(Autosaved as ") == 3
    assert load_save(autosaves[-1], RULES).resume().history == session.history


def test_quitting_autosaves_a_game_changed_since_the_last_autosave(tmp_path: Path) -> None:
    scenario = load_scenario("hammurabi-short", RULES)
    out = io.StringIO()
    session = Session(scenario, 5)
    play_text(session, io.StringIO("\n" * prompts(scenario) + "undo\nquit\n"), out, saves=tmp_path)
    assert " ".join(out.getvalue().split()).count("(Autosaved as ") == 2  # after the season, and on quitting after the undo
    assert [e.turn for e in list_saves(tmp_path)] == [0, 1]


def test_a_failed_save_in_text_mode_is_said_and_the_game_goes_on(tmp_path: Path) -> None:
    scenario = load_scenario("hammurabi-short", RULES)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    out = io.StringIO()
    play_text(Session(scenario, 5), io.StringIO(f"save {blocker}/x.json\n" + "\n" * prompts(scenario) + "quit\n"), out)
    text = " ".join(out.getvalue().split())
    assert f"Not saved: cannot write {blocker}/x.json" in text and "Nothing was overwritten." in text
    assert "=== Season report:" in text and blocker.read_text() == "not a folder"


def test_text_mode_save_refuses_a_file_that_is_not_a_save_and_asks_before_replacing_one(tmp_path: Path) -> None:
    scenario = load_scenario("hammurabi-short", RULES)
    rules_file = tmp_path / "market.toml"
    rules_file.write_text((RULES / "base" / "market.toml").read_text())
    target = tmp_path / "mine.json"
    n = prompts(scenario)
    script = [f"save {rules_file}", f"save {tmp_path}", f"save {target}"] + [""] * n
    script += [f"save {target}", "n", f"save {target}", "yes", "quit"]
    out = io.StringIO()
    session = Session(scenario, 5)
    play_text(session, io.StringIO("\n".join(script) + "\n"), out, player="Vera")
    text = " ".join(out.getvalue().split())
    # Not a save (a rule file, a folder): refused, untouched, and the game goes on.
    assert f"Not saved: {rules_file} is not a Smychka save (not a Smychka save: not JSON" in text
    assert rules_file.read_text() == (RULES / "base" / "market.toml").read_text()
    assert f"Not saved: {tmp_path} is not a Smychka save (is a folder, expected a save file)" in text
    # A save: written when new; replaced only after a yes.
    assert text.count(f"Saved to {target}.") == 2
    question = f"{target} already holds a save ({scenario.title}, {season_label(scenario.season_at(0))}, played by Vera). Replace it? (y/n)"
    assert text.count(question) == 2
    assert "Not saved: the old save is kept." in text
    assert load_save(target, RULES).turn == 1  # the yes replaced the start with the season played


def test_play_load_resumes_the_game(tmp_path: Path, saves_folder: Path) -> None:
    save = tmp_path / "g.json"
    status, _ = run_main("simulate", "--scenario", "hammurabi-short", "--seed", "4", "--save", str(save), "--out", str(tmp_path / "g-sim.json"))
    assert status == 0
    data = json.loads(save.read_text())
    # Take back the last seasons by hand: the game is then in progress.
    data["states"] = data["states"][:4]
    data["lever_history"] = data["lever_history"][:3]
    data["metadata"].update(turn=3, ending=None, season=str(load_scenario("hammurabi-short", RULES).season_at(3)))
    data["record"].update(times=data["record"]["times"][:4], finished=False)
    save.write_text(json.dumps(data))
    status, out = run_main("play", "--text", "--load", str(save), stdin="quit\n")
    assert status == 0, out
    scenario = load_scenario("hammurabi-short", RULES)
    assert f"Loaded {save}: {scenario.title}, 3 season(s) played." in out
    assert f"=== {season_title(scenario.season_at(3))}: season 4 of {scenario.seasons} ===" in out


def test_play_branch_at_takes_over_from_history(saves_folder: Path) -> None:
    status, out = run_main("play", "--text", "--branch-at", "1927-autumn", stdin="quit\n")
    assert status == 0
    assert "The state's actual policy was played from 1923-autumn up to 1927-autumn; you take over now." in out
    assert "=== Autumn 1927: season 17 of 28 ===" in out
    status, out = run_main("play", "--text", "--branch-at", "1927-autumm", "--scenario", "nep-1923-1930")
    assert status == 1 and out.startswith("error: cannot branch: '1927-autumm' is not a season of nep-1923-1930; choose one of: 1923-autumn,")


def changing_rules(root: Path, factor: int):
    return build_scenario(root, {"n": variable(f"prev(n) + {factor} * price", initial=0)},
                          levers={"price": lever(default=5, lo=0, hi=10)}, scenario={"seasons": 6})


def test_play_load_after_the_rules_changed_asks_or_takes_the_flag(tmp_path: Path) -> None:
    session = Session(changing_rules(tmp_path, 1), 7)
    session.end_season()
    save = tmp_path / "g.json"
    from game.saves import save_game

    save_game(session, save)
    changing_rules(tmp_path, 3)
    rules = ["--rules", str(tmp_path)]
    status, out = run_main(*rules, "play", "--text", "--load", str(save), stdin="maybe\nreplay\nquit\n")
    assert status == 0
    assert "Note: the rule set changed since this game was saved; formulas changed: n." in out  # (its label: n has none)
    assert out.count("Type 'replay' to play its levers again under the new rules, or 'as-saved'") == 2
    assert "(replayed under the rules as they are now)" in out
    status, out = run_main(*rules, "play", "--text", "--load", str(save), "--on-changed", "as-saved", stdin="quit\n")
    assert status == 0 and "1 season(s) played (as saved)." in out and "Type 'replay'" not in out
    status, out = run_main(*rules, "play", "--text", "--load", str(save), stdin="")
    assert status == 1 and out.endswith("Not loaded: no choice was made.\n")
    status, out = run_main(*rules, "check", str(save))
    assert status == 0 and f"{save}:1:1: warning: the rule set changed since this game was saved" in out
    status, out = run_main(*rules, "replay", str(save))
    assert status == 1
    assert "replay FAILED after 0 season(s) reproduced: 1927-summer (season 1): values.n differs: saved 5.0, replayed 15.0" in out


def python(*args: str, hashseed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_replay_reproduces_a_game_in_other_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    save = tmp_path / "nep.json"
    made = python("simulate", "--scenario", "nep-1923-1930", "--policy", "history", "--seed", "11", "--save", str(save), "--out", str(tmp_path / "sim.json"), hashseed="1")
    assert made.returncode == 0, made.stderr
    turn = len(json.loads(save.read_text())["lever_history"])
    for hashseed in ("0", "2", "4242"):
        result = python("replay", str(save), hashseed=hashseed)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"replay ok: the lever history reproduces the start and all {turn} season(s) exactly" in result.stdout
    forged = json.loads(save.read_text())
    forged["lever_history"][2]["procurement_price"] += 5
    save.write_text(json.dumps(forged))
    result = python("replay", str(save), hashseed="3")
    assert result.returncode == 1 and "replay FAILED after 2 season(s) reproduced: " in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_accepts_a_good_save(tmp_path: Path) -> None:
    save = tmp_path / "g.json"
    assert run_main("simulate", "--scenario", "hammurabi-short", "--seed", "4", "--save", str(save), "--out", str(tmp_path / "s.json"))[0] == 0
    status, out = run_main("check", str(save))
    assert (status, out) == (0, "check ok: 1 item(s), 0 error(s), 0 warning(s)\n")
