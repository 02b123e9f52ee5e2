"""The command line as users meet it: check, simulate, play; exit codes; no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomli_w

from tests.conftest import ROOT, build_scenario, lever, run_main, variable


def python(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_check_of_everything_shipped_is_clean() -> None:
    status, out = run_main("check")
    assert status == 0, out
    assert out.strip().splitlines()[-1].startswith("check ok:") and "0 error(s), 0 warning(s)" in out


def test_check_reports_located_errors_and_fails(tmp_path: Path) -> None:
    build_scenario(tmp_path, {"a": variable("b + 1"), "b": variable(1)})
    model = tmp_path / "t" / "model.toml"
    model.write_text(model.read_text().replace('"b + 1"', '"bb + 1"'))
    status, out = run_main("check", str(tmp_path / "t"), str(tmp_path / "scenarios" / "t-game.toml"))
    assert status == 1
    lines = out.splitlines()
    assert any(line.endswith("error: variables.a.formula: unknown name 'bb'; did you mean 'b'?") for line in lines), out
    located = [line for line in lines if ": error: " in line]
    assert len(located) == 1, "the same problem found via the scenario is reported once"
    file, line, col = located[0].split(": error: ")[0].rsplit(":", 2)
    assert file.endswith("model.toml") and int(line) >= 1 and int(col) >= 1
    assert lines[-1].startswith("check FAILED")


def test_check_of_a_file_that_is_neither_rules_nor_scenario(tmp_path: Path) -> None:
    stray = tmp_path / "stray.toml"
    stray.write_text("x = 1\n")
    status, out = run_main("check", str(stray))
    assert status == 1 and "not a rule set file, a scenario or a policy" in out


def test_check_of_a_missing_path() -> None:
    status, out = run_main("check", "no/such/file.toml")
    assert status == 1 and "no/such/file.toml:1:1: error: file not found" in out


def test_simulate_writes_every_season_and_the_ending(tmp_path: Path) -> None:
    out_file = tmp_path / "run.json"
    status, _ = run_main("simulate", "--scenario", "hammurabi-reign", "--seed", "3", "--out", str(out_file))
    assert status == 0
    data = json.loads(out_file.read_text())
    assert data["scenario"] == "hammurabi-reign" and data["seed"] == 3
    first = data["seasons"][0]
    assert first["season"] == "1923-spring"
    assert set(first["levers"]) == {"acres_to_buy", "acres_to_sell", "grain_to_feed", "acres_to_sow", "granary_care"}
    assert "grain_store" in first["values"] and "harvest" in first["values"]
    summer = data["seasons"][1]
    assert summer["season"] == "1923-summer" and 0.25 <= summer["draws"]["weather"] <= 1.5
    assert "weather" not in first["draws"]  # drawn only in summer
    assert data["ending"] is None or set(data["ending"]) == {"id", "outcome", "season"}
    assert len(data["seasons"]) <= 40


def test_simulate_with_history_and_policy_file(tmp_path: Path) -> None:
    status, out = run_main("simulate", "--scenario", "hammurabi-reign", "--policy", "history")
    assert status == 0
    history = json.loads(out)
    policy = tmp_path / "policy.toml"
    policy.write_text(tomli_w.dumps({"levers": {"grain_to_feed": 0}}))
    status, out = run_main("simulate", "--scenario", "hammurabi-reign", "--policy", str(policy))
    assert status == 0
    starving = json.loads(out)
    assert starving["seasons"][0]["levers"]["grain_to_feed"] == 0
    assert starving["ending"]["outcome"] == "bad"
    assert history["seasons"][0]["levers"] != starving["seasons"][0]["levers"]


def test_simulate_rejects_a_bad_policy_with_its_location(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('[levers]\ngrain_to_fed = 3\n[[season]]\nseason = "1800-spring"\n')
    status, out = run_main("simulate", "--scenario", "hammurabi-reign", "--policy", str(policy))
    assert status == 1
    assert ":2:1: error: levers.grain_to_fed: unknown lever 'grain_to_fed'; did you mean 'grain_to_feed'?" in out
    assert "season 1800-spring is outside this scenario" in out


def test_simulate_unknown_scenario_suggests_a_name() -> None:
    status, out = run_main("simulate", "--scenario", "hammurabi-reig")
    assert status == 1 and "did you mean 'hammurabi-reign'?" in out


def test_simulate_does_not_overwrite_output_when_the_run_fails(tmp_path: Path) -> None:
    build_scenario(tmp_path, {"bad": variable("1 / (rate - 2)")}, levers={"rate": lever(default=1)})
    out_file = tmp_path / "run.json"
    out_file.write_text("precious")
    policy = tmp_path / "p.toml"
    policy.write_text(tomli_w.dumps({"levers": {"rate": 2}}))
    status, _ = run_main("--rules", str(tmp_path), "simulate", "--scenario", "t-game", "--policy", str(policy), "--out", str(out_file))
    assert status == 1 and out_file.read_text() == "precious"


@pytest.mark.slow
def test_same_seed_gives_identical_json_across_processes_and_hash_seeds() -> None:
    runs = [python("simulate", "--scenario", "hammurabi-reign", "--seed", "11", env={"PYTHONHASHSEED": seed}) for seed in ("0", "1", "12345")]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    other = python("simulate", "--scenario", "hammurabi-reign", "--seed", "12")
    assert other.stdout != runs[0].stdout


def test_play_without_a_display_says_so_and_plays_text(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "SDL_VIDEO_DRIVER")}
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, input="quit\n", capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert "No display found. Starting the text mode." in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_play_with_a_display_that_does_not_answer_falls_back_to_text(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "SDL_VIDEO_DRIVER")}
    env.update(DISPLAY=":97", SMYCHKA_CONFIG_DIR=str(tmp_path))  # no X server there
    result = subprocess.run([sys.executable, "main.py"], cwd=ROOT, input="quit\n", capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert "The window could not open" in result.stdout and "Starting the text mode." in result.stdout
    assert "pygame-ce" not in result.stdout  # no import banner in the player's terminal
    assert "Traceback" not in result.stdout + result.stderr


def test_play_with_a_dummy_video_driver_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    status, out = run_main("play", stdin="quit\n")
    assert status == 0 and "No display (SDL_VIDEODRIVER=dummy). Starting the text mode." in out


@pytest.mark.parametrize("args", [
    ["simulate"], ["simulate", "--scenario"], ["play", "--seed", "x"], ["frobnicate"],
])
def test_bad_command_lines_give_usage_not_tracebacks(args: list[str]) -> None:
    result = python(*args)
    assert result.returncode == 2 and "usage:" in result.stderr and "Traceback" not in result.stderr


def test_internal_errors_do_not_show_a_traceback(tmp_path: Path) -> None:
    # A scenario path that is a directory: reading fails inside the loader; still a clean message.
    result = python("play", "--scenario", str(tmp_path) + "/", "--text")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode != 0


def test_shipped_json_schemas_match_the_models() -> None:
    from game.rules.schema import SCHEMAS, schema_text

    for name in SCHEMAS:
        shipped = (ROOT / "docs" / "schema" / f"{name}.schema.json").read_text()
        assert shipped == schema_text(name), f"run `python main.py schema` to refresh docs/schema/{name}.schema.json"
    assert "formula" in schema_text("ruleset-file") and "debrief_questions" in schema_text("scenario")


def test_the_collector_is_on_again_once_the_game_has_started() -> None:
    """main.py turns the garbage collector off while the game starts; game.cli.started turns it
    on again (what starting made is kept out of later passes), and leaves it alone when on."""
    import gc

    from game.cli import started

    gc.disable()
    try:
        started()
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    started()
    assert gc.isenabled() and gc.get_freeze_count() == 0
