"""Class 7: the calendar's edges.

A scenario starting before the year 1000 or running past 9999 passed `check` and then crashed at
its first save (a season printed "999-spring" is no season a save may hold). Seasons now print
with four digits, as they are read; a scenario whose seasons (or its start state, dated the season
before the first) leave 0000..9999 is refused, located; every game inside those years plays,
saves, loads and replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.rules.problems import LoadError
from game.rules.season import Season
from game.saves import check_replay, load_save, save_game
from game.session import Session
from tests.conftest import build_scenario, lever, variable
from tests.hostile.harness import case

VARIABLES = {"stock": variable("prev(stock) + price", initial=0, min=0, max=100000)}
LEVERS = {"price": lever(default=5, lo=0, hi=10)}


@pytest.mark.parametrize(("start", "seasons"), [("0999-spring", 4), ("0000-spring", 3), ("0001-winter", 8), ("0099-autumn", 2),
                                                 ("9999-summer", 2), ("9999-autumn", 1), ("9990-winter", 40), ("1000-winter", 1), ("9900-winter", 400)])
def test_games_at_the_edges_play_save_load_and_replay(tmp_path: Path, start: str, seasons: int) -> None:
    scenario = build_scenario(tmp_path, VARIABLES, levers=LEVERS, scenario={"start": start, "seasons": seasons})
    session = Session(scenario, 1)
    session.play()
    assert session.state.season == str(Season.parse(start).plus(seasons - 1))
    path = save_game(session, tmp_path / "game.json")
    assert check_replay(load_save(path, tmp_path)).reproduced
    case(["--rules", str(tmp_path), "play", "--text", "--scenario", "t-game", "--saves", str(tmp_path / "saves")], roots=[tmp_path],
         refused=False, stdin=b"\n" * 3 + b"quit\n", may_change=[tmp_path / "saves"], says="(Autosaved as ")
    for autosaved in (tmp_path / "saves" / "autosave").glob("*.json"):
        load_save(autosaved, tmp_path)
    case(["--rules", str(tmp_path), "check", str(tmp_path / "scenarios" / "t-game.toml"), str(path)], roots=[tmp_path], refused=False, says="check ok")


@pytest.mark.parametrize(("start", "seasons", "where", "says"), [
    ("0000-winter", 4, "scenario.start", "0000-winter is too early: a scenario starts in 0000-spring at the earliest"),
    ("9999-summer", 3, "scenario.seasons", "the game would run to 10000-winter, past 9999-autumn"),
    ("9999-autumn", 2, "scenario.seasons", "the game would run to 10000-winter"),
    ("9901-winter", 400, "scenario.seasons", "the game would run to 10000-autumn, past 9999-autumn"),
])
def test_scenarios_that_leave_the_calendar_are_refused_located(tmp_path: Path, start: str, seasons: int, where: str, says: str) -> None:
    with pytest.raises(LoadError) as caught:
        build_scenario(tmp_path, VARIABLES, levers=LEVERS, scenario={"start": start, "seasons": seasons})
    [problem] = caught.value.problems
    assert problem.message.startswith(f"{where}: ") and says in problem.message and problem.line > 1
    case(["check", str(tmp_path / "scenarios" / "t-game.toml")], roots=[tmp_path], refused=True, says=says)
    case(["--rules", str(tmp_path), "play", "--text", "--scenario", "t-game"], roots=[tmp_path], refused=True, says=says)


def test_four_digit_years_read_back() -> None:
    for text in ("0000-spring", "0999-summer", "0042-winter", "9999-autumn"):
        assert str(Season.parse(text)) == text
