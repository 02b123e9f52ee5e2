"""The session: lever values are checked before anything changes; undo restores a season."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.session import GameOver, LeverRejected, Session
from tests.conftest import build_scenario, lever, variable


@pytest.fixture
def session(tmp_path: Path) -> Session:
    sc = build_scenario(
        tmp_path,
        {"n": variable("prev(n) + price", initial=0)},
        levers={"price": lever(default=100, lo=50, hi=150, step=5, unit="index"), "fixed": lever(default=2), "policy": lever(default=0, hi=2, choices=["tolerate", "tax", "suppress"])},
        scenario={"seasons": 3},
        scenario_tables={"levers": {"fixed": {"locked": True}, "price": {"min": 80, "max": 120, "default": 90}}},
    )
    return Session(sc, 1)


@pytest.mark.parametrize("name, value, message", [
    ("price", 130, "130 is outside the bounds of A lever: 80 to 120 index"),
    ("price", 79, "outside the bounds"),
    ("price", 92, "moves in steps of 5; try 90 or 95"),
    ("price", float("nan"), "needs a number between 80 and 120"),
    ("price", float("inf"), "needs a number"),
    ("fixed", 3, "locked at 2 in this scenario"),
    ("prise", 90, "unknown lever 'prise'; did you mean 'price'?"),
])
def test_rejected_lever_values_change_nothing(session: Session, name: str, value: float, message: str) -> None:
    before = dict(session.levers)
    with pytest.raises(LeverRejected, match=message.replace("?", r"\?")):
        session.set_lever(name, value)
    assert session.levers == before


def test_scenario_bounds_and_default_apply(session: Session) -> None:
    assert session.levers["price"] == 90
    assert session.set_lever("price", 120) == 120.0


def test_set_levers_is_all_or_nothing(session: Session) -> None:
    with pytest.raises(LeverRejected):
        session.set_levers({"price": 100, "policy": 7})
    assert session.levers["price"] == 90


def test_undo_restores_state_and_levers(session: Session) -> None:
    assert session.undo() is False
    session.set_lever("price", 100)
    session.end_season()
    session.set_lever("price", 120)
    session.end_season()
    assert session.value("n") == 220
    assert session.undo() is True
    assert session.turn == 1 and session.value("n") == 100 and session.levers["price"] == 120
    assert session.undo() is True
    assert session.turn == 0 and session.levers["price"] == 100
    session.end_season()
    assert session.value("n") == 100


def test_game_ends_after_the_last_season(session: Session) -> None:
    for _ in range(3):
        session.end_season()
    assert session.is_over and session.ending is not None and session.ending.id is None
    with pytest.raises(GameOver):
        session.end_season()
    assert session.undo() and not session.is_over


def test_play_follows_a_policy_season_by_season_up_to_a_turn_or_the_end(session: Session) -> None:
    policy = [{"price": 80}, {"price": 120}, {"price": 100}]
    session.play(policy, until=2)
    assert session.turn == 2 and [session.value("n", t) for t in range(3)] == [0, 80, 200]
    session.play(policy)  # to the end
    assert session.is_over and session.value("n") == 300
    session.play(policy)  # over already: nothing to play
    assert session.turn == 3


def test_play_without_a_policy_keeps_the_levers_as_set(session: Session) -> None:
    session.set_lever("price", 115)
    session.play()
    assert session.is_over and session.value("n") == 345


def test_play_past_the_end_raises_game_over_with_the_seasons_played(session: Session) -> None:
    with pytest.raises(GameOver, match="after 3 of the 5 season"):
        session.play(None, until=5)
    assert session.turn == 3 and session.is_over


def test_play_stops_before_a_refused_season_with_the_earlier_ones_played(session: Session) -> None:
    with pytest.raises(LeverRejected, match="outside the bounds"):
        session.play([{"price": 80}, {"price": 130}, {"price": 100}])
    assert session.turn == 1 and str(session.next_season) == str(session.scenario.season_at(1))
    assert session.levers["price"] == 80  # the refused policy changed nothing of the season it was for
