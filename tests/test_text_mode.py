"""A scripted text-mode game from the first prompt to the ending, through piped input."""

from __future__ import annotations

import io

from game.rules.scenario import load_scenario
from game.session import Session
from game.text.play import play_text
from tests.conftest import RULES, run_main


def lever_prompts(scenario) -> int:
    return sum(1 for name in scenario.levers if name not in scenario.locked)


def test_scripted_game_to_the_deposed_ending() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    prompts = lever_prompts(scenario)
    # Season 1: explain a lever, ask why, try a bad value, then feed nobody; keep the rest.
    first = ["?", "why grain_store", "99999", "", "", "0"] + [""] * (prompts - 3)
    script = "\n".join(first + [""] * prompts * 3) + "\n"
    out = io.StringIO()
    status = play_text(Session(scenario, 1968), io.StringIO(script), out)
    text = out.getvalue()
    assert status == 0
    assert f"=== {scenario.title} ===" in text
    assert "--- 1923-spring (season 1 of 40) ---" in text
    assert "Source:" in text                       # '?' explained the lever with its source
    assert "No season has been played yet." in text  # 'why' before the first season
    assert "Not set: 99999 is outside the bounds" in text
    assert "=== Season report: 1923-spring ===" in text
    # Hammurabi's own words for a bad ending (from its manifest), and nothing of the NEP's alliance.
    debrief = text[text.index("=== Ending:"):]
    assert debrief.startswith("=== Ending: Deposed") and " - The reign fails. ===" in debrief
    assert "alliance" not in debrief.lower()
    assert "Questions to discuss:" in text
    folded = " ".join(text.split())  # prose is wrapped to the terminal's width
    for question in scenario.debrief_questions:
        assert " ".join(question.split()) in folded


def test_a_rule_set_without_verdicts_ends_with_the_ending_s_title_alone() -> None:
    from dataclasses import replace

    from game.rules.scenario import Scenario

    scenario = load_scenario("hammurabi-short", RULES)
    bare: Scenario = replace(scenario, ruleset=replace(scenario.ruleset, verdicts=None))
    out = io.StringIO()
    play_text(Session(bare, 1968), io.StringIO("\n" * (lever_prompts(bare) * bare.seasons)), out)
    ending = [line for line in out.getvalue().splitlines() if line.startswith("=== Ending:")]
    assert len(ending) == 1 and ending[0].endswith(") ===") and " - " not in ending[0]


def test_scripted_game_runs_to_the_last_season_with_enter_only() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    script = "\n" * (lever_prompts(scenario) * scenario.seasons)
    out = io.StringIO()
    session = Session(scenario, 1968)
    play_text(session, io.StringIO(script), out)
    text = out.getvalue()
    assert session.is_over
    assert text.count("=== Season report:") == session.turn
    assert "=== Ending:" in text or "no decisive outcome" in text
    assert "Leaving the game" not in text


def test_why_after_a_season_lists_causes_with_sources() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    prompts = lever_prompts(scenario)
    script = "\n" * prompts + "why grain_store\nquit\n"
    out = io.StringIO()
    play_text(Session(scenario, 1968), io.StringIO(script), out)
    text = out.getvalue()
    why = text[text.index("why grain_store"):]
    assert "What moved it, largest first:" in why
    assert "Rule: " in why and "Source: " in why
    assert "Leaving the game (you quit). 1 season(s) played." in text


def test_undo_in_text_mode_replays_the_season() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    prompts = lever_prompts(scenario)
    script = "\n" * prompts + "undo\n" + "quit\n"
    out = io.StringIO()
    session = Session(scenario, 1968)
    play_text(session, io.StringIO(script), out)
    assert "Season 1923-spring taken back" in out.getvalue()
    assert session.turn == 0
    assert out.getvalue().count("--- 1923-spring (season 1 of 40) ---") == 2


def test_input_ending_leaves_cleanly() -> None:
    status, out = run_main("play", "--text", "--scenario", "hammurabi-reign", stdin="\n\n")
    assert status == 0 and "Leaving the game (input ended)" in out


def test_play_with_a_broken_scenario_lists_its_problems(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "bad"\ntitle = "B"\nsummary = "S"\nruleset = "hammurabi"\nstart = "1923-sprung"\nseasons = 4\n')
    status, out = run_main("play", "--text", "--scenario", str(bad))
    assert status == 1
    assert ":6:9: error: scenario.start: expected a season like '1927-autumn'" in out


def test_tutorial_rewards_following_its_lessons() -> None:
    lessons = "65\n0.65\n225\n65\n0.65\n200\n65\n0.65\n170\n" + "120\n0.65\n170\n" + "120\n0.5\n170\n" * 4
    status, out = run_main("play", "--text", "--scenario", "scissors-1923", stdin=lessons)
    assert status == 0 and "=== Ending: The blades are closing (1925-summer) - The alliance holds. ===" in out
    status, out = run_main("play", "--text", "--scenario", "scissors-1923", stdin="\n" * 24)
    assert "=== Ending: The scissors stay open (1925-summer) - The alliance breaks. ===" in out
