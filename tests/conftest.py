"""Shared test helpers: build small rule sets and scenarios on disk from Python dicts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from game.rules.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"

CITE = {"work": "test", "section": "the test suite"}


def variable(formula: str | float, **extra: Any) -> dict[str, Any]:
    """A variable definition with the boilerplate filled in."""
    return {"formula": formula, "description": "a test variable", "mechanisms": ["m"], "source": CITE, **extra}


def lever(default: float = 0, lo: float = 0, hi: float = 10, step: float = 1, **extra: Any) -> dict[str, Any]:
    return {"label": "A lever", "min": lo, "max": hi, "step": step, "default": default, "description": "a test lever", "source": CITE, **extra}


def event(message: str = "it happened", **extra: Any) -> dict[str, Any]:
    return {"title": "An event", "message": message, "mechanisms": ["m"], "source": CITE, **extra}


def ending(condition: str, outcome: str = "good", **extra: Any) -> dict[str, Any]:
    return {"title": "An ending", "condition": condition, "outcome": outcome, "debrief": "what happened", "mechanisms": ["m"], "source": CITE, **extra}


def build_scenario(
    root: Path,
    variables: dict[str, Any],
    *,
    levers: dict[str, Any] | None = None,
    parameters: dict[str, Any] | None = None,
    draws: dict[str, Any] | None = None,
    events: dict[str, Any] | None = None,
    endings: dict[str, Any] | None = None,
    scenario: dict[str, Any] | None = None,
    scenario_tables: dict[str, Any] | None = None,
) -> Scenario:
    """Write rule set ``t`` and scenario ``t-game`` under ``root`` and load the scenario."""
    folder = root / "t"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {
        "ruleset": {"id": "t", "name": "Test rules", "format_version": 2},
        "works": {"test": {"title": "The test suite", "author": "Us"}},
        "mechanisms": {"m": {"title": "A mechanism", "summary": "for tests", "sources": [CITE]}},
    }
    (folder / "ruleset.toml").write_text(tomli_w.dumps(manifest))
    model: dict[str, Any] = {"variables": variables}
    for key, value in (("levers", levers), ("parameters", parameters), ("draws", draws), ("events", events), ("endings", endings)):
        if value:
            model[key] = value
    (folder / "model.toml").write_text(tomli_w.dumps(model))
    meta = {"id": "t-game", "title": "Test game", "summary": "a test", "ruleset": "t", "start": "1927-summer", "seasons": 8, "seed": 7}
    meta.update(scenario or {})
    (root / "scenarios").mkdir(exist_ok=True)
    (root / "scenarios" / "t-game.toml").write_text(tomli_w.dumps({"scenario": meta, **(scenario_tables or {})}))
    return load_scenario("t-game", root)


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture(autouse=True)
def saves_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) saves and autosaves into a folder of its own,
    never into the project's saves/."""
    folder = tmp_path_factory.mktemp("saves")
    monkeypatch.setenv("SMYCHKA_SAVES", str(folder))
    return folder


@pytest.fixture(autouse=True)
def user_mods_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) sees an empty mod folder of its own as the player's
    (``SMYCHKA_MODS``), never the mods of whoever runs the tests."""
    folder = tmp_path_factory.mktemp("user-mods")
    monkeypatch.setenv("SMYCHKA_MODS", str(folder))
    return folder


@pytest.fixture(scope="session")
def _parse_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parse-cache")


@pytest.fixture(autouse=True)
def parse_cache_folder(_parse_cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) keeps parsed rule files in a cache folder of the
    test run's (``SMYCHKA_CACHE``; shared by the tests, so most reads go through the cache as a
    player's do), never in the user cache folder of whoever runs the tests."""
    monkeypatch.setenv("SMYCHKA_CACHE", str(_parse_cache_folder))
    return _parse_cache_folder


def run_main(*argv: str, stdin: str = "", cwd: Path = ROOT) -> tuple[int, str]:
    """Run ``game.cli.main`` in-process with ``argv``; returns (status, output)."""
    import io

    from game.cli import main

    out = io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        status = main(list(argv), stdin=io.StringIO(stdin), stdout=out)
    finally:
        os.chdir(old)
    return status, out.getvalue()


# The tests of what stands around the core (formula, rules, engine, session, saves, text mode)
# rather than in it: the hostile machine (tests/hostile), the command line, the presentation layer
# and forecast as the front ends use them, the instructors' and modders' commands, and the batch
# engine, tested against the season engine. ``make test-fast`` leaves them out; ``make test`` runs them.
OUTER = ("tests/hostile/", "tests/test_readings.py", "tests/test_reports", "tests/test_verify.py",
         "tests/test_class_scenario.py", "tests/test_cli", "tests/test_batch", "tests/test_impact",
         "tests/test_present.py", "tests/test_forecast.py", "tests/test_nep_report.py", "tests/test_scripts_output.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/ui is marked ``ui``, and the tests of :data:`OUTER` ``outer``, so
    the core's tests can be run alone (``make test-fast``: ``-m "not ui and not slow and not outer"``)."""
    ui = ROOT / "tests" / "ui"
    for item in items:
        path = Path(item.path)
        if ui in path.parents:
            item.add_marker(pytest.mark.ui)
        if path.relative_to(ROOT).as_posix().startswith(OUTER):
            item.add_marker(pytest.mark.outer)
