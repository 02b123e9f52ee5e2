"""``main.py verify``: an honest, finished class game passes; every tampering the instructors met
is caught with a clear reason (one test each); output fits 80 columns; names from files are
escaped; the CSV goes only to a new file, an earlier verify CSV or standard output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from game.controller import Game
from game.rules.scenario import load_scenario
from game.saves import save_game
from game.saves.store import seal_of
from game.session import Session
from game.verify import verify
from tests.conftest import RULES, run_main

CLASS = "class-procurement-crisis"
SCENARIO = load_scenario(CLASS, RULES)


def play(game: Game, until: int | None = None) -> Game:
    """Play ``game`` as a student would (answering every checkpoint) to its end, or ``until`` seasons."""
    while not game.session.is_over and (until is None or game.session.turn < until):
        checkpoint = game.checkpoint()
        if checkpoint is not None:
            assert checkpoint.code is None or game.code_matches(checkpoint, checkpoint.code)
            game.pass_checkpoint(checkpoint, None if checkpoint.question is None else f"my answer to {checkpoint.id}")
        game.end_season()
    return game


@pytest.fixture(scope="module")
def honest_game() -> Game:
    game = Game.of_scenario(SCENARIO, player="Anna Petrovna")
    game.played_in("text")
    return play(game)


@pytest.fixture
def honest(honest_game: Game, tmp_path: Path) -> Path:
    return save_game(honest_game.session, tmp_path / "anna.json", "Anna Petrovna")


def verdict_of(path: Path, *more: Path):  # type: ignore[no-untyped-def]
    verdicts = verify([path, *more], RULES, SCENARIO)
    return verdicts[0]


def edit(path: Path, change, reseal: bool = False, source: Path | None = None) -> Path:  # type: ignore[no-untyped-def]
    """``path`` (a copy of ``source``, if given) edited by hand; with ``reseal``, its seal
    computed again, as someone who read the code would."""
    if source is not None:
        path.write_text(source.read_text())
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=1))
    if reseal:
        from game.saves import read_save

        data["seal"] = seal_of(read_save(path))
        path.write_text(json.dumps(data, indent=1))
    return path


def test_an_honest_finished_game_passes(honest: Path) -> None:
    v = verdict_of(honest)
    assert v.ok, v.problems
    assert (v.player, v.scenario, v.seed, v.finished, v.made_by, v.undos, v.answers, v.rules_unchanged, v.replay) == (
        "Anna Petrovna", CLASS, 214, True, "text", 0, 3, True, "ok")
    status, out = run_main("verify", str(honest), "--scenario", CLASS)
    assert status == 0 and out.startswith("pass anna.json: Anna Petrovna\n") and out.endswith("1 save(s): 1 pass, 0 fail\n")
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "finished in summer 1930" in " ".join(out.split()) and "-summer" not in out  # seasons as the game names them


def test_a_game_with_another_seed_than_the_scenario_fixes(tmp_path: Path) -> None:
    game = Game(Session(SCENARIO, 7), player="Anna")  # as `play --seed 7` made it before seeds were enforced
    game.played_in("text")
    v = verdict_of(save_game(play(game).session, tmp_path / "seed7.json", "Anna"))
    assert v.problems == ["seed 7: the scenario fixes the seed 214"]


def test_a_truncated_game(honest_game: Game, tmp_path: Path) -> None:
    game = Game.of_scenario(SCENARIO, player="Anna")
    game.played_in("text")
    v = verdict_of(save_game(play(game, until=5).session, tmp_path / "short.json", "Anna"))
    assert v.problems == ["not finished: stopped before winter 1928 (5 of 16 seasons played)"]  # a season as the game names it


def test_a_simulated_game(tmp_path: Path) -> None:
    save = tmp_path / "sim.json"
    status, _ = run_main("simulate", "--scenario", CLASS, "--policy", "history", "--save", str(save), "--out", str(tmp_path / "o.json"))
    assert status == 0
    v = verdict_of(save)
    assert v.problems[0] == "made by `simulate --save`, not played" and v.made_by == "simulated"


def test_a_classmates_save_with_the_name_changed(honest: Path, tmp_path: Path) -> None:
    copy = edit(tmp_path / "boris.json", lambda d: d["metadata"].update(player="Boris"), source=honest)
    original, changed = verify([honest, copy], RULES, SCENARIO)
    assert changed.problems == ["edited after the game wrote it: its seal does not match its contents",
                                "the same game as anna.json (Anna Petrovna): one game, handed in under another name"]
    assert original.ok and original.notes == ["a copy of this game, with another name, was handed in as boris.json (Boris)"]
    resealed = edit(tmp_path / "boris.json", lambda d: None, reseal=True)  # someone who read the code computes the seal again
    original, changed = verify([honest, resealed], RULES, SCENARIO)
    assert not original.ok and not changed.ok
    assert changed.problems == ["the same game as anna.json (Anna Petrovna): one game, handed in under another name"]


def test_a_removed_branch_point(tmp_path: Path) -> None:
    nep = load_scenario("nep-1923-1930", RULES)
    game = Game.of_scenario(nep, branch_at="1928-autumn", player="Anna")
    game.played_in("window")
    path = save_game(play(game).session, tmp_path / "b.json", "Anna")
    assert verify([path], RULES)[0].ok
    for reseal in (False, True):
        edited = edit(tmp_path / f"b{reseal}.json", lambda d: d.update(branch_at=None), reseal, source=path)
        v = verify([edited], RULES)[0]
        assert any("seasons without a time (played by history's policy) in a game that did not branch" in p for p in v.problems), v.problems


def test_a_fake_ending_in_the_metadata(honest: Path, tmp_path: Path) -> None:
    fake = edit(tmp_path / "fake.json", lambda d: d["metadata"].update(ending="coercion_spiral"), True, source=honest)
    v = verdict_of(fake)
    assert len(v.problems) == 1 and "metadata.ending: the game's last state has the ending" in v.problems[0]
    assert v.player == "Anna Petrovna"  # whose the file says it is
    assert v.problems[0].startswith("cannot be loaded: ")
    from game.saves import list_saves

    shown = [e for e in list_saves(tmp_path) if e.path == fake]
    assert shown and shown[0].ending != "coercion_spiral"  # the Load screen shows the game's own ending


def test_undos_are_counted_and_a_forbidden_undo_fails(tmp_path: Path) -> None:
    game = Game.of_scenario(SCENARIO, player="Anna")
    game.played_in("text")
    game.end_season()
    assert game.undo()
    v = verdict_of(save_game(play(game).session, tmp_path / "u.json", "Anna"))
    assert v.ok and v.undos == 1
    forbidding = tmp_path / "scenarios" / f"{CLASS}.toml"
    forbidding.parent.mkdir()
    forbidding.write_text((RULES / "scenarios" / f"{CLASS}.toml").read_text().replace('undo = "recorded"', 'undo = "forbidden"'))
    strict = load_scenario(str(forbidding), RULES)
    assert Game.of_scenario(strict).undo_refused() is not None
    v = verify([tmp_path / "u.json"], RULES, strict)[0]
    assert "1 undo(s): this class scenario forbids taking seasons back" in v.problems


@pytest.fixture
def own_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    return rules


def test_a_game_played_under_modified_rules(own_rules: Path, tmp_path: Path) -> None:
    levers = own_rules / "base" / "levers.toml"
    text = levers.read_text()
    levers.write_text(text.replace("max = 250\n", "max = 260\n", 1))  # a mod of the rules the student played under
    game = Game.of_scenario(load_scenario(CLASS, own_rules), player="Anna")
    game.played_in("text")
    path = save_game(play(game).session, tmp_path / "mod.json", "Anna")
    levers.write_text(text)
    status, out = run_main("check", str(path))
    assert status == 0  # check only warns
    v = verify([path], RULES, SCENARIO)[0]
    assert any(p.startswith("played under other rules: the rule set changed since this game was saved") for p in v.problems), v.problems


def test_a_typo_fixed_in_a_message_is_a_note(own_rules: Path, tmp_path: Path) -> None:
    file = own_rules / "scenarios" / "scissors-1923.toml"
    game = Game.of_scenario(load_scenario("scissors-1923", own_rules), player="Anna")
    game.played_in("text")
    history = game.session.scenario.history
    assert history is not None
    while not game.session.is_over:
        game.session.set_levers(history[game.session.turn])
        game.end_season()
    path = save_game(game.session, tmp_path / "s.json", "Anna")
    file.write_text(file.read_text().replace("From the end of 1923 the government", "From the end of 1923, the government"))
    v = verify([path], own_rules)[0]
    assert v.ok, v.problems
    assert "1925-summer: the message of event lesson_history changed since the game was played (its numbers did not)" in v.notes
    assert any("in words only: the replay reproduces every number" in n for n in v.notes)


def test_an_old_save_has_no_record(tmp_path: Path) -> None:
    old = Path(__file__).parent / "fixtures" / "saves" / "hammurabi-short-v3.json"
    v = verify([old], RULES)[0]
    assert "no seal: saved by an older version of the game (or rewritten by another program)" in v.problems
    assert "not played in the game's window or text mode (how it was made is not recorded)" in v.problems


def test_verify_output_escapes_names_and_the_csv_is_written_safely(honest: Path, tmp_path: Path) -> None:
    odd = save_game(Session(SCENARIO, 214), tmp_path / "odd.json", "Eve\x1b[31m red")
    csv = tmp_path / "out.csv"
    status, out = run_main("verify", str(tmp_path), "--scenario", CLASS, "--csv", str(csv))
    assert status == 1 and "\x1b" not in out and "Eve\\x1b[31m red" in out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert csv.read_text().startswith("verdict,file,player,scenario,") and "\x1b" not in csv.read_text()
    status, _ = run_main("verify", str(honest), "--csv", str(csv))  # an earlier verify CSV is replaced
    assert status == 0 and len(csv.read_text().splitlines()) == 2
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    status, out = run_main("verify", str(honest), "--csv", str(notes))
    assert status == 1 and notes.read_text() == "my notes\n"
    status, out = run_main("verify", str(honest), "--csv", "-")
    assert status == 0 and "verdict,file,player" in out
    assert odd.exists()


def test_a_missing_save_and_an_empty_folder(tmp_path: Path) -> None:
    status, out = run_main("verify", str(tmp_path / "nope.json"))
    assert status == 1 and "FAIL nope.json: (no name): cannot be loaded: 1:1: file not found" in out
    empty = tmp_path / "empty"
    empty.mkdir()
    status, out = run_main("verify", str(empty))
    assert status == 1 and "no saves" in out
