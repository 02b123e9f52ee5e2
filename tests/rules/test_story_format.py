"""The story tables and tutorial lessons: checked at load like the rules, every problem located
with a did-you-mean; a rule set or scenario without them loads as before."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import RULES, run_main


def copy_rules(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


def test_a_broken_story_is_refused_with_located_messages(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    story = root / "base" / "story.toml"
    text = story.read_text()
    text = text.replace('when = "alliance < alliance_low_line"', 'when = "aliance < alliance_low_line"', 1)
    text = text.replace("(trust {worker_trust}).", "(trust {worker_trst}).", 1)
    text = text.replace('ending = "great-turn"', 'ending = "great-trn"', 1)
    text = text.replace("[quantities.livestock]", "[quantities.livestok]", 1)
    text = text.replace("[debriefs.great-turn.paragraphs]]", "[debriefs.great-tun.paragraphs]]")
    text = text.replace('aggregate = "sum"', 'aggregate = "total"', 1)
    story.write_text(text)
    status, out = run_main("check", str(root / "base"))
    assert status == 1
    lines = out.splitlines()
    expected = ["headlines[0].when: unknown name 'aliance'; did you mean 'alliance'?",
                "'{worker_trst}' names no variable or lever (a story text shows numbers as {variable}); did you mean 'worker_trust'?",
                "meters[4].ending: unknown ending 'great-trn'; did you mean 'great-turn'?",
                "unknown variable 'livestok'; did you mean 'livestock'?",
                "unknown ending 'great-tun'; did you mean 'great-turn'?",
                "scorecard[0].aggregate"]
    for message in expected:
        assert any(line.startswith(f"{story}:") and message in line for line in lines), (message, out)


def test_a_lesson_must_point_at_a_lever_the_player_can_move(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    scenario = root / "scenarios" / "scissors-1923.toml"
    text = scenario.read_text()
    text = text.replace('lever = "industrial_price"\nsuggest = 200', 'lever = "grain_exports"\nsuggest = 200', 1)
    text = text.replace('when = "industrial_price < prev(industrial_price)"', 'when = "industrial_prise < 1"', 1)
    text = text.replace('season = "1924-winter"\ntitle', 'season = "1931-winter"\ntitle', 1)
    scenario.write_text(text)
    status, out = run_main("check", str(scenario))
    assert status == 1
    assert "tutorial[0].lever: 'grain_exports' is locked in this scenario" in out
    assert "unknown name 'industrial_prise'; did you mean 'industrial_price'?" in out
    assert "tutorial[1].season: season 1931-winter is outside this scenario" in out
    assert all(line.startswith(str(scenario)) for line in out.splitlines()[:-1])


def test_a_rule_set_without_a_story_still_loads_and_reports(tmp_path: Path) -> None:
    root = copy_rules(tmp_path)
    (root / "hammurabi" / "story.toml").unlink()
    status, out = run_main("check", str(root / "hammurabi"))
    assert status == 0, out
    status, out = run_main("--rules", str(root), "play", "--text", "--scenario", "hammurabi-short", stdin="\n" * 80)
    assert status == 0 and "=== Season report:" in out and "=== Ending:" in out
