"""Class 6: lever values off their steps or out of their bounds in a policy file or a scenario's
history.

`check` passed them and then simulate, --branch-at and the window stopped in mid-game with
"internal error (LeverRejected ...)", exit 70. Now `check` refuses them, located at the value, and
so does every command that reads them; a value the session still refused would be a located
error too, never exit 70."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.hostile.harness import RULES, case

# (the policy's text, the line:col and words of the problem, or None: valid)
POLICIES = {
    "off-step every season": ("[levers]\nacres_to_buy = 15\n", "2:16: error: levers.acres_to_buy: 15 is not on a step of acres_to_buy: "
                              "it moves in steps of 10 from 0; try 10 or 20"),
    "off-step from a season": ('[[season]]\nseason = "1924-spring"\ngrain_to_feed = 5.25\n',
                               "3:17: error: season[0].grain_to_feed: 5.25 is not on a step of grain_to_feed"),
    "a hair off a step": ("[levers]\ngrain_to_feed = 5.50001\n", "2:17: error: levers.grain_to_feed: 5.50001 is not on a step"),
    "within a millionth of a step": ("[levers]\ngrain_to_feed = 5.5000001\n", None),  # as the session itself allows
    "above the bounds": ("[levers]\nacres_to_sow = 5010\n", "2:16: error: levers.acres_to_sow: 5010 is outside acres_to_sow's bounds 0..5000"),
    "below the bounds": ("[levers]\nacres_to_buy = -10\n", "2:16: error: levers.acres_to_buy: -10 is outside acres_to_buy's bounds 0..1000"),
    "huge": ("[levers]\nacres_to_buy = 1e308\n", "2:16: error: levers.acres_to_buy: 1e+308 is outside"),
    "not a number": ("[levers]\nacres_to_buy = nan\n", "2:16: error: levers.acres_to_buy: expected a finite number, found the number nan"),
    "infinite": ("[levers]\nacres_to_buy = -inf\n", "2:16: error: levers.acres_to_buy: expected a finite number, found the number -inf"),
    "a locked lever moved": ("[levers]\ngranary_care = 2\n", "2:16: error: levers.granary_care: lever granary_care is locked at 1"),
    "float noise on a step": ("[levers]\ngrain_to_feed = 5.500000000000001\n", None),
    "a locked lever at its value": ("[levers]\ngranary_care = 1\n", None),
    "negative zero": ("[levers]\nacres_to_buy = -0.0\n", None),
}


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_check_validates_a_policy_against_its_scenario(tmp_path: Path, name: str) -> None:
    text, problem = POLICIES[name]
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    case(["check", "--scenario", "hammurabi-short", str(policy)], roots=[tmp_path], refused=problem is not None,
         says=f"{policy}:{problem}" if problem else "check ok")


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_simulate_refuses_the_same_policy_located_not_in_mid_game(tmp_path: Path, name: str) -> None:
    text, problem = POLICIES[name]
    policy = tmp_path / "policy.toml"
    policy.write_text(text)
    result = case(["simulate", "--scenario", "hammurabi-short", "--policy", str(policy), "--out", str(tmp_path / "run.json")],
                  roots=[tmp_path], refused=problem is not None, says=f"{policy}:{problem}" if problem else (), may_change=[tmp_path / "run.json"])
    assert result.status != 70


def test_check_without_a_scenario_says_which_one_it_checked_against(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("[levers]\nacres_to_buy = 15\n")
    case(["check", str(policy)], roots=[tmp_path], refused=True, says=["this policy fits no scenario; checked against '",
                                                                          "15 is not on a step of acres_to_buy"])
    policy.write_text("[levers]\nacres_to_buy = 20\n")
    case(["check", str(policy)], roots=[tmp_path], refused=False, says="check ok")


def a_history(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES / "hammurabi", root / "hammurabi")
    (root / "scenarios").mkdir()
    text = (RULES / "scenarios" / "hammurabi-reign.toml").read_text()
    assert text.count(old) == 1
    (root / "scenarios" / "hammurabi-reign.toml").write_text(text.replace(old, new))
    return root


@pytest.mark.parametrize(("old", "new", "says"), [
    ("acres_to_buy = 40\n", "acres_to_buy = 45\n", "45 is not on a step of acres_to_buy"),
    ("grain_to_feed = 5\n", "grain_to_feed = 5.1\n", "5.1 is not on a step of grain_to_feed"),
    ("acres_to_buy = 40\n", "acres_to_buy = 4000\n", "4000 is outside acres_to_buy's bounds"),
])
@pytest.mark.parametrize("command", ["check", "branch", "simulate"])
def test_a_scenario_history_off_its_levers(tmp_path: Path, old: str, new: str, says: str, command: str) -> None:
    root = a_history(tmp_path, old, new)
    scenario = root / "scenarios" / "hammurabi-reign.toml"
    args = {"check": ["check", str(scenario)],
            "branch": ["play", "--text", "--scenario", "hammurabi-reign", "--branch-at", "1930-autumn", "--saves", str(tmp_path / "s")],
            "simulate": ["simulate", "--scenario", "hammurabi-reign", "--policy", "history"]}[command]
    result = case(["--rules", str(root), *args], roots=[tmp_path], refused=True, says=[says, f"{scenario}:"])
    assert result.status == 1


def test_a_lever_the_session_still_refuses_is_a_located_error_not_exit_70(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last line of defence: were a policy's check ever to miss a value, the run says where."""
    import game.rules.scenario as scenario_module

    original = scenario_module.on_step
    monkeypatch.setattr(scenario_module, "on_step", lambda value, start, step: True)  # the check misses the step
    policy = tmp_path / "policy.toml"
    policy.write_text("[levers]\nacres_to_buy = 15\n")
    result = case(["simulate", "--scenario", "hammurabi-short", "--policy", str(policy)], roots=[tmp_path], refused=True,
                  says=["the policy cannot be played in ", "moves in steps of 10", "nothing was written"])
    assert result.status == 1 and original(15, 0, 10) is False
