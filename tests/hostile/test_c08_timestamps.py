"""Class 8: save times with and without a time zone.

One save whose ``saved_at`` had no time zone broke the window's Load screen for every save (naive
and aware times do not compare). A time without a zone is now read as UTC; one with any zone is
turned into UTC; one that UTC cannot hold (year 1 at +14:00, 9999-12-31 at -12:00) is a located
problem of that save alone. The list, the replay and the window's screen (tests/ui/
test_saves_timestamps.py) take every mix."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from game.rules.scenario import load_scenario
from game.saves import list_saves, load_save, save_game
from game.session import Session
from tests.hostile.harness import RULES, case

STAMPS = {
    "naive": ("2025-03-01T12:00:00", datetime(2025, 3, 1, 12, tzinfo=UTC)),
    "naive, microseconds": ("2025-03-02T12:00:00.123456", datetime(2025, 3, 2, 12, 0, 0, 123456, tzinfo=UTC)),
    "UTC": ("2025-03-03T12:00:00Z", datetime(2025, 3, 3, 12, tzinfo=UTC)),
    "Moscow": ("2025-03-04T15:00:00+03:00", datetime(2025, 3, 4, 12, tzinfo=UTC)),
    "Honolulu": ("2025-03-05T02:00:00-10:00", datetime(2025, 3, 5, 12, tzinfo=UTC)),
    "year 1, naive": ("0001-01-01T00:00:00", datetime(1, 1, 1, tzinfo=UTC)),
    "year 9999, UTC": ("9999-12-31T23:59:59Z", datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
    "year 1 at +14:00": ("0001-01-01T00:00:00+14:00", None),
    "year 9999 at -12:00": ("9999-12-31T23:00:00-12:00", None),
}


def folder_of_saves(tmp_path: Path) -> dict[str, Path]:
    session = Session(load_scenario("hammurabi-short", RULES), 3)
    session.end_season()
    template = json.loads(save_game(session, tmp_path / "template.json").read_text())
    (tmp_path / "template.json").unlink()
    paths = {}
    for n, (name, (text, _)) in enumerate(STAMPS.items()):
        template["metadata"]["saved_at"] = text
        paths[name] = tmp_path / f"{n:02d}.json"
        paths[name].write_text(json.dumps(template, indent=1))
    return paths


def test_the_saves_list_takes_every_mix(tmp_path: Path) -> None:
    paths = folder_of_saves(tmp_path)
    entries = list_saves(tmp_path)
    good = [e for e in entries if e.problem is None]
    expected = sorted(((moment, paths[name]) for name, (_, moment) in STAMPS.items() if moment is not None), reverse=True)
    assert [(e.saved_at, e.path) for e in good] == expected  # newest first, all compared in UTC
    bad = {e.path: e.problem for e in entries if e.problem is not None}
    assert set(bad) == {paths["year 1 at +14:00"], paths["year 9999 at -12:00"]}
    for problem in bad.values():
        assert problem is not None and ":8:15: error: metadata.saved_at: " in problem and "outside the years 1 to 9999" in problem


@pytest.mark.parametrize("name", sorted(STAMPS))
def test_replay_and_check_of_each(tmp_path: Path, name: str) -> None:
    path = folder_of_saves(tmp_path)[name]
    moment = STAMPS[name][1]
    if moment is None:
        case(["replay", str(path)], roots=[tmp_path], refused=True, says=f"{path}:8:15: error: metadata.saved_at: ")
        case(["check", str(path)], roots=[tmp_path], refused=True, says="outside the years 1 to 9999")
    else:
        case(["replay", str(path)], roots=[tmp_path], refused=False, says=f"saved {moment.year:04d}-{moment:%m-%d %H:%M} UTC")
        assert load_save(path, RULES).save.metadata.saved_at == moment
