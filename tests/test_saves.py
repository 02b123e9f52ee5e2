"""Saves: a game saved and loaded is the same game; every bad save is refused with a located
message and nothing is overwritten; older formats load through their upgrade; autosaves keep five."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from game.rules.scenario import Scenario, load_policy, load_scenario
from game.rules.season import Season
from game.saves import (
    AUTOSAVE_FOLDER,
    CURRENT_VERSION,
    SaveRefused,
    autosave,
    check_replay,
    list_saves,
    load_save,
    save_game,
)
from game.saves.locate_json import locate_json
from game.session import Session
from tests.conftest import RULES, build_scenario, lever, variable

FIXTURES = Path(__file__).parent / "fixtures" / "saves"
NEP = load_scenario("nep-1923-1930", RULES)
STEADY = load_policy(FIXTURES / "steady-nep.toml", NEP)
WHEN = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


def full_game(scenario: Scenario = NEP, seed: int = 1923) -> Session:
    """A whole 28-season game of the NEP, with a few levers changed along the way."""
    session = Session(scenario, seed)
    while not session.is_over:
        levers = dict(STEADY[session.turn])
        levers["procurement_price"] += 5 * (session.turn % 3)
        session.set_levers(levers)
        session.end_season()
    return session


@pytest.fixture(scope="module")
def nep_game() -> Session:
    return full_game()


def short_game(seasons: int = 3) -> Session:
    session = Session(load_scenario("hammurabi-short", RULES), 5)
    for _ in range(seasons):
        session.end_season()
    return session


# --- round trip ------------------------------------------------------------------------------


def test_a_full_game_saved_and_loaded_is_exactly_the_same_game(nep_game: Session, tmp_path: Path) -> None:
    assert nep_game.turn == 28
    path = save_game(nep_game, tmp_path / "game.json", player="Anna Petrovna", now=WHEN)
    loaded = load_save(path, RULES)
    assert not loaded.rules_changed
    session = loaded.resume()
    assert session.history == nep_game.history  # every value, draw, event, log entry, counter, ending
    assert session.levers == nep_game.levers and session.seed == nep_game.seed
    assert session.is_over and session.ending == nep_game.ending
    meta = loaded.save.metadata
    assert (meta.scenario_title, meta.player, meta.turn, meta.saved_at) == (NEP.title, "Anna Petrovna", 28, WHEN)
    assert meta.season == nep_game.state.season  # over: the last season played
    assert loaded.save.ruleset.hash == NEP.ruleset.content_hash and loaded.save.scenario.hash == NEP.content_hash


def test_the_save_is_documented_json_with_every_season_by_name(nep_game: Session, tmp_path: Path) -> None:
    data = json.loads(save_game(nep_game, tmp_path / "game.json").read_text())
    assert (data["format"], data["version"]) == ("smychka-save", CURRENT_VERSION)
    assert set(data) == {"format", "version", "metadata", "ruleset", "scenario", "seed", "branch_at", "lever_history", "levers", "states", "record", "seal", "rules_detail"}
    assert len(data["lever_history"]) == 28 and len(data["states"]) == 29
    assert data["lever_history"][4]["procurement_price"] == STEADY[4]["procurement_price"] + 5
    third = data["states"][3]
    assert third["season"] == str(NEP.season_at(2)) and third["turn"] == 3
    assert set(third["values"]) == set(NEP.ruleset.variables)
    assert data["metadata"]["saved_at"].endswith("Z")
    documented = (Path(__file__).parent.parent / "docs" / "SAVE_FORMAT.md").read_text()
    for key in data:
        assert f"`{key}`" in documented, key


def test_a_game_in_progress_resumes_where_it_was_with_the_levers_being_set(tmp_path: Path) -> None:
    session = short_game(2)
    name = next(n for n in session.scenario.levers if n not in session.scenario.locked)
    lever = session.scenario.levers[name]
    session.set_lever(name, lever.max)
    loaded = load_save(save_game(session, tmp_path / "s.json"), RULES)
    resumed = loaded.resume()
    assert resumed.levers[name] == lever.max and resumed.turn == 2
    assert loaded.save.metadata.season == str(session.next_season)
    resumed.end_season()
    session.end_season()
    assert resumed.history == session.history


def test_saves_go_anywhere_and_replace_the_old_file_whole(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "game.json"
    save_game(short_game(1), path)
    save_game(short_game(3), path)
    assert load_save(path, RULES).turn == 3
    assert [p.name for p in path.parent.iterdir()] == ["game.json"]  # no temporary file left


# --- undo, redo, branch ----------------------------------------------------------------------


def test_undo_back_to_the_start_and_redo_to_the_end() -> None:
    session = short_game(3)
    played = list(session.history)
    levers = dict(session.levers)
    for _ in range(3):
        assert session.undo()
    assert not session.undo() and session.turn == 0
    for _ in range(3):
        assert session.redo()
    assert not session.redo()
    assert session.history == played and session.levers == levers


def test_a_different_season_after_undo_clears_redo_and_the_same_one_keeps_it() -> None:
    session = short_game(3)
    session.undo()
    session.undo()
    session.end_season()  # the same levers: the same season, so the one after can still be redone
    assert session.can_redo and session.redo() and session.turn == 3
    session.undo()
    session.undo()
    name = next(n for n in session.scenario.levers if n not in session.scenario.locked)
    lever = session.scenario.levers[name]
    session.set_lever(name, lever.max if session.levers[name] != lever.max else lever.min)
    session.end_season()
    assert not session.can_redo and not session.redo()


def test_branch_plays_history_up_to_the_season_and_hands_over(tmp_path: Path) -> None:
    session = Session.branch(NEP, 1923, at="1927-autumn")
    assert str(session.next_season) == "1927-autumn" and session.branch_at == "1927-autumn"
    assert session.turn == Season.parse("1927-autumn").minus(NEP.start)
    for turn in range(1, session.turn + 1):
        assert session.levers_played(turn) == dict(NEP.history[turn - 1])
    assert session.levers == dict(NEP.history[session.turn])  # what history did next, to keep or change
    loaded = load_save(save_game(session, tmp_path / "b.json"), RULES)
    assert loaded.save.branch_at == "1927-autumn" and loaded.resume().branch_at == "1927-autumn"


def test_branching_at_a_season_the_scenario_lacks_lists_the_valid_ones(tmp_path: Path) -> None:
    from game.session import BranchRefused

    with pytest.raises(BranchRefused, match=r"'1931-autumn' is not a season of nep-1923-1930; choose one of: 1923-autumn, 1924-winter, .*, 1930-summer$"):
        Session.branch(NEP, 1, at="1931-autumn")
    with pytest.raises(BranchRefused, match="scenario 'cooperative-plan' has no historical policy"):
        Session.branch(load_scenario("cooperative-plan", RULES), 1, at="1927-autumn")
    # A variant whose collectivized households leave faster after the drive: history reaches the
    # great turn in spring 1930, so it cannot be followed into the summer.
    shutil.copytree(RULES / "base", tmp_path / "base")
    (tmp_path / "scenarios").mkdir()
    text = (RULES / "scenarios" / "nep-1923-1930.toml").read_text(encoding="utf-8")
    (tmp_path / "scenarios" / "nep-1923-1930.toml").write_text(text + "\n[parameters]\ncollectivization_retreat = 0.7\n", encoding="utf-8")
    fast_retreat = load_scenario("nep-1923-1930", tmp_path)
    with pytest.raises(BranchRefused, match=r"reaches the ending 'great-turn' in 1930-spring, before 1930-summer"):
        Session.branch(fast_retreat, 1923, at="1930-summer")


# --- replays ---------------------------------------------------------------------------------


def test_replay_reproduces_every_saved_state(nep_game: Session, tmp_path: Path) -> None:
    result = check_replay(load_save(save_game(nep_game, tmp_path / "g.json"), RULES))
    assert result.reproduced and result.seasons == 28
    assert result.numbers == 29 * (len(NEP.ruleset.variables) + len(NEP.ruleset.draws) + len(NEP.events))


def test_replay_names_the_first_season_and_number_that_differ(nep_game: Session, tmp_path: Path) -> None:
    path = save_game(nep_game, tmp_path / "g.json")
    data = json.loads(path.read_text())
    name = next(iter(data["states"][7]["values"]))
    data["states"][7]["values"][name] *= 1.000001  # a forged number, still within its bounds
    data["states"][9]["counter"] += 1
    path.write_text(json.dumps(data))
    result = check_replay(load_save(path, RULES))
    assert result.difference is not None and not result.reproduced
    assert result.difference.startswith(f"{data['states'][7]['season']} (season 7): values.{name} differs: saved ")
    assert result.seasons == 6


# --- rules changed since the save ------------------------------------------------------------


def changed_rules(tmp_path: Path, formula: str, extra: dict | None = None) -> Scenario:
    return build_scenario(
        tmp_path, {"n": variable(formula, initial=0), **(extra or {})},
        levers={"price": lever(default=5, lo=0, hi=10)}, scenario={"seasons": 6},
    )


def test_rules_changed_offers_replay_or_as_saved(tmp_path: Path) -> None:
    scenario = changed_rules(tmp_path, "prev(n) + price", {"gone": variable("n * 2")})
    session = Session(scenario, 7)
    session.set_lever("price", 3)
    session.end_season()
    session.end_season()
    path = save_game(session, tmp_path / "g.json")
    changed_rules(tmp_path, "prev(n) + 2 * price", {"fresh": variable("n + 1")})  # a modder edits the rules
    loaded = load_save(path, tmp_path)
    assert loaded.rules_changed and loaded.change is not None
    assert loaded.change.describe() == ("the rule set changed since this game was saved; variables no longer in the rules: gone; "
                                        "new variables: fresh; formulas changed: variables.n.formula, variables.fresh.formula (new), "
                                        "variables.gone.formula (gone)")
    with pytest.raises(SaveRefused, match="replay the lever history under the new rules, or open the game as saved"):
        loaded.resume()
    replayed = loaded.replay()
    assert [replayed.value("n", t) for t in range(3)] == [0, 6, 12]  # the new rule, the saved levers
    as_saved = loaded.as_saved()
    assert [as_saved.value("n", t) for t in range(3)] == [0, 3, 6]  # the states as they were played
    as_saved.end_season()
    assert as_saved.value("n") == 12  # and on under the new rules
    # 'fresh' is not in the save: the saved seasons show its starting value under the new rules.
    assert [as_saved.value("fresh", t) for t in range(4)] == [1, 1, 1, 13]
    # open(how) is the one way in for every front end, the player's choice by name.
    with pytest.raises(SaveRefused, match="replay the lever history"):
        loaded.open("resume")
    assert [loaded.open("replay").value("n", t) for t in range(3)] == [0, 6, 12]
    assert [loaded.open("as-saved").value("n", t) for t in range(3)] == [0, 3, 6]


def test_replay_says_the_game_ends_early_only_when_it_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = changed_rules(tmp_path, "prev(n) + price")
    session = Session(scenario, 7)
    session.play(None, until=4)
    path = save_game(session, tmp_path / "g.json")
    build_scenario(tmp_path, {"n": variable("prev(n) + price", initial=0)},
                   levers={"price": lever(default=5, lo=0, hi=10)}, scenario={"seasons": 2})  # the scenario is now shorter
    loaded = load_save(path, tmp_path)
    with pytest.raises(SaveRefused, match="the game ends in .*, before the saved game did"):
        loaded.replay()
    # Any other failure is not an early ending: it is not passed off as one.
    changed_rules(tmp_path, "prev(n) + 2 * price")
    loaded = load_save(path, tmp_path)

    def broken(self: Session) -> None:
        raise RecursionError("a bug, not an ending")

    monkeypatch.setattr(Session, "end_season", broken)
    with pytest.raises(RecursionError):
        loaded.replay()


# --- list and autosave -----------------------------------------------------------------------


def test_autosave_keeps_the_last_five_and_list_saves_shows_them(tmp_path: Path) -> None:
    session = Session(load_scenario("hammurabi-short", RULES), 5)
    written = []
    for turn in range(7):
        session.end_season()
        written.append(autosave(session, tmp_path, player="Ivan", now=WHEN + timedelta(minutes=turn)))
    kept = sorted(p.name for p in (tmp_path / AUTOSAVE_FOLDER).iterdir())
    assert kept == sorted(p.name for p in written[-5:])
    save_game(session, tmp_path / "mine.json", player="Ivan", now=WHEN + timedelta(hours=1))
    (tmp_path / "broken.json").write_text('{"format": "smychka-save", "version": 2')
    entries = list_saves(tmp_path)
    assert [e.path.name for e in entries] == ["mine.json", *reversed([p.name for p in written[-5:]]), "broken.json"]
    first = entries[0]
    assert (first.is_autosave, first.scenario_id, first.turn, first.player, first.problem) == (False, "hammurabi-short", 7, "Ivan", None)
    assert entries[1].is_autosave and entries[1].turn == 7 and entries[1].season == str(session.next_season)
    assert entries[-1].problem is not None and "broken.json:1:" in entries[-1].problem and "ends too early" in entries[-1].problem
    assert list_saves(tmp_path / "nowhere") == []


def test_a_failed_autosave_keeps_the_older_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    session = short_game(1)
    for minute in range(5):
        autosave(session, tmp_path, now=WHEN + timedelta(minutes=minute))
    before = sorted((tmp_path / AUTOSAVE_FOLDER).iterdir())

    def no_space(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(OSError, match="(?i)no space left"):
        autosave(session, tmp_path, now=WHEN + timedelta(hours=1))
    assert sorted((tmp_path / AUTOSAVE_FOLDER).iterdir()) == before


# --- the JSON position locator ---------------------------------------------------------------


def test_locate_json_finds_keys_and_values_at_any_depth() -> None:
    text = '{\n "a": 1,\n "b": [10, {"c": "x\\"y", "d": []}, [1, 2]],\n  "é": {"k": null}\n}'
    where = locate_json(text)
    assert where.find(("a",)) == (2, 2) and where.find(("a",), value=True) == (2, 7)
    assert where.find(("b", 1, "c"), value=True) == (3, 18)
    assert where.find(("b", 1, "d"), value=True) == (3, 31)
    assert where.find(("b", 2, 1), value=True) == (3, 40)
    assert where.find(("é", "k")) == (4, 9)
    assert where.find(("b", 7, "zz")) == (3, 2)  # not there: its nearest enclosing key


def test_locate_json_survives_deep_nesting() -> None:
    text = "[" * 5000 + "]" * 5000
    assert locate_json(text).find((0,) * 4000, value=True) == (1, 4001)


# --- the version-1 fixture -------------------------------------------------------------------


def test_a_version_2_save_loads_through_its_upgrade_without_rules_detail() -> None:
    path = FIXTURES / "hammurabi-short-v2.json"
    data = json.loads(path.read_text())
    assert data["version"] == 2 and "rules_detail" not in data
    loaded = load_save(path, RULES)
    save = loaded.save
    assert save.version == CURRENT_VERSION and save.rules_detail is None
    assert save.ruleset.id == "hammurabi" and save.metadata.player == "Ada" and len(save.lever_history) == 3
    assert loaded.replay().turn == 3
    if loaded.change is not None:  # the rules changed since the fixture was made: no digest to list details from
        assert not loaded.change.details and loaded.change.layers == ()


def test_a_version_1_save_loads_through_its_upgrade() -> None:
    path = FIXTURES / "hammurabi-short-v1.json"
    assert json.loads(path.read_text())["version"] == 1
    loaded = load_save(path, RULES)
    save = loaded.save
    assert save.version == CURRENT_VERSION and save.branch_at is None and save.metadata.player == ""
    assert save.scenario.id == "hammurabi-short" and len(save.lever_history) == 3
    assert all(isinstance(levers, dict) and levers for levers in save.lever_history)
    replayed = loaded.replay()
    assert replayed.turn == 3
    if not loaded.rules_changed:  # the hammurabi rules as they were when the fixture was made
        assert loaded.resume().history == replayed.history
        assert check_replay(loaded).reproduced
