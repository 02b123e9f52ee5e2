"""pytest-benchmark: save and load of a whole 28-season nep-1923-1930 game (medians in the table)."""

from __future__ import annotations

from pathlib import Path

from bench.saves import RULES, whole_game
from game.saves import load_save, save_game


def test_save_a_28_season_game(benchmark, tmp_path: Path) -> None:
    _scenario, session = whole_game()
    path = tmp_path / "game.json"
    benchmark(save_game, session, path)
    benchmark.extra_info["bytes"] = path.stat().st_size


def test_load_a_28_season_game(benchmark, tmp_path: Path) -> None:
    scenario, session = whole_game()
    path = save_game(session, tmp_path / "game.json")
    loaded = benchmark(load_save, path, RULES, scenario)
    assert loaded.turn == 28
