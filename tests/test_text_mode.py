"""The text mode as a full front end: scripted games from the first prompt to the ending through
piped input, every command, lines wrapped to the terminal's width, and an ASCII fallback."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest

from game.rules.scenario import load_scenario
from game.session import Session
from game.text.play import play_text
from game.text.terminal import Terminal, to_ascii
from tests.conftest import ROOT, RULES, run_main


def lever_prompts(scenario) -> int:
    return sum(1 for name in scenario.levers if name not in scenario.locked)


def folded(text: str) -> str:
    """The text with the line breaks of the wrapping undone."""
    return " ".join(text.split())


def play(scenario_id: str, script: str, seed: int = 1968, width: int = 80, ascii_only: bool = False) -> tuple[Session, str]:
    scenario = load_scenario(scenario_id, RULES)
    session = Session(scenario, seed)
    out = io.StringIO()
    from game.controller import Game
    from game.text.play import TextGame

    TextGame(Game(session), io.StringIO(script), out, Terminal(out, width, ascii_only)).run()
    return session, out.getvalue()


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
    assert "=== Spring 1923: season 1 of 40 ===" in text
    assert "Source:" in text                       # '?' explained the lever with its source
    assert "No season has been played yet." in text  # 'why' before the first season
    assert "Not set: 99999 is outside the bounds" in folded(text)
    assert "=== Season report: Spring 1923 (season 1 of 40) ===" in text
    # The report of the season that ends the game opens with the ending and says it is over.
    last = text[text.rindex("=== Season report:"):]
    assert folded(last).split("===")[2].strip().startswith("THE GAME IS OVER: Deposed")
    # Hammurabi's own words for a bad ending (from its manifest), and nothing of the NEP's alliance.
    debrief = text[text.index("=== Ending:"):]
    assert debrief.startswith("=== Ending: Deposed") and "The reign fails. The game is over." in debrief
    assert "alliance" not in debrief.lower()
    assert "Questions to discuss:" in text
    for question in scenario.debrief_questions:
        assert folded(question) in folded(text)


def test_a_rule_set_without_verdicts_ends_with_the_ending_s_title_alone() -> None:
    from dataclasses import replace

    from game.rules.scenario import Scenario

    scenario = load_scenario("hammurabi-short", RULES)
    bare: Scenario = replace(scenario, ruleset=replace(scenario.ruleset, verdicts=None))
    out = io.StringIO()
    play_text(Session(bare, 1968), io.StringIO("\n" * (lever_prompts(bare) * bare.seasons)), out)
    lines = out.getvalue().splitlines()
    ending = [i for i, line in enumerate(lines) if line.startswith("=== Ending:")]
    assert len(ending) == 1 and lines[ending[0]].endswith(") ===")
    assert lines[ending[0] + 1] == "The game is over."  # no verdict before it


def test_scripted_game_runs_to_the_last_season_with_enter_only() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    script = "\n" * (lever_prompts(scenario) * scenario.seasons)
    session, text = play("hammurabi-reign", script)
    assert session.is_over
    assert text.count("=== Season report:") == session.turn
    assert "=== Ending:" in text
    assert "Leaving the game" not in text
    # Enter kept every lever at its default.
    assert all(session.levers_played(t) == session.levers_played(1) for t in range(1, session.turn + 1))


def test_why_by_label_or_id_lists_causes_with_sources_and_the_rule() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    script = "\n" * lever_prompts(scenario) + "why grain in store\nquit\n"
    _, text = play("hammurabi-reign", script)
    why = text[text.index("=== Why: Grain in store ==="):]
    assert re.search(r"^Grain in store: [\d,]+ bushels, (up|down) ", why, re.M)  # the change, with its unit
    assert "What it is: " in why and "Rule: Grain in store = " in why and "Source: " in why
    assert "Leaving the game (you quit). 1 season(s) played." in text


def test_why_with_an_unknown_or_vague_name_answers_with_a_short_did_you_mean() -> None:
    _, text = play("procurement-crisis-1927", "why trust\nwhy harvst\nwhy zzzz\nquit\n", seed=1927)
    answers = [line for line in text.splitlines() if "Did you mean" in line or "No number called" in line]
    assert len(answers) >= 2
    assert "Did you mean" in folded(text) and "Workers' trust" in folded(text)
    assert "(worker_trust)" not in text and "worker_trust" not in text  # labels, never the rules' ids
    assert "harvest" in folded(text[text.index("why harvst"):]).lower()
    # Never a wall of ids: each answer is a few short lines.
    for block in re.split(r"\n(?=\S+ \[)", text[text.index("why trust"):]):
        assert len(block) < 600


def test_undo_in_text_mode_replays_the_season() -> None:
    scenario = load_scenario("hammurabi-reign", RULES)
    script = "\n" * lever_prompts(scenario) + "undo\n" + "quit\n"
    session, text = play("hammurabi-reign", script)
    assert "Season spring 1923 taken back" in text
    assert session.turn == 0
    assert text.count("=== Spring 1923: season 1 of 40 ===") == 2


def test_input_ending_leaves_cleanly() -> None:
    status, out = run_main("play", "--text", "--scenario", "hammurabi-reign", stdin="\n\n")
    assert status == 0 and "Leaving the game (input ended)" in out


def test_play_with_a_broken_scenario_lists_its_problems(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "bad"\ntitle = "B"\nsummary = "S"\nruleset = "hammurabi"\nstart = "1923-sprung"\nseasons = 4\n')
    status, out = run_main("play", "--text", "--scenario", str(bad))
    assert status == 1
    assert ":6:9: error: scenario.start: expected a season like '1927-autumn'" in out


def test_tutorial_teaches_before_the_first_decision_points_at_a_lever_and_reacts() -> None:
    lessons = "65\n0.65\n225\n65\n0.65\n200\n65\n0.65\n170\n" + "120\n0.65\n170\n" + "120\n0.5\n170\n" * 4
    status, out = run_main("play", "--text", "--scenario", "scissors-1923", stdin=lessons)
    assert status == 0 and "=== Ending: The blades are closing (summer 1925) ===" in out
    assert "The alliance holds. The game is over." in out
    # The first lesson comes before the first decision and points at the lever to move.
    first_prompt = out.index("Grain procurement price [65]:")
    assert out.index("Lesson: The blades of the scissors.") < first_prompt
    assert "> Price of manufactures [225] (the lesson's lever: try 200):" in out
    # Only the tutorial's three levers are asked for; the locked ones are hidden.
    assert "Grain exports [" not in out and "more locked in this scenario" in out
    # It reacts to what the player did: the price was kept in the first season, cut in the second.
    first, second = out.index("Season report: Autumn 1923"), out.index("Season report: Winter 1924")
    assert "The price of manufactures stayed at 225" in folded(out[first:second])
    assert "Cheaper goods move" in folded(out[second:])
    status, out = run_main("play", "--text", "--scenario", "scissors-1923", stdin="\n" * 24)
    assert "=== Ending: The scissors stay open (summer 1925) ===" in out and "The alliance breaks. The game is over." in out


def test_the_first_lesson_s_numbers_agree_with_its_words() -> None:
    """The lesson says the Scissors line stands where the dashboard shows it, and that grain sold
    to the state buys under a third of its pre-war goods: the state's grain price over the price
    of manufactures must be under a third (the 'scissors 53 against about a third' finding)."""
    scenario = load_scenario("scissors-1923", RULES)
    session, out = play("scissors-1923", "quit\n")
    text = folded(out[out.index("Lesson: The blades of the scissors."):out.index("Grain procurement price [65]:")])
    shown = re.search(r"Scissors \(farm . industrial prices\) +(\d+)", out)
    assert shown and f"it stands at {shown.group(1)}," in text
    assert f"buys {shown.group(1)} for every 100" in text
    levers = scenario.levers
    assert "under a third" in text
    assert levers["procurement_price"].default / levers["industrial_price"].default < 1 / 3
    assert f"charge {levers['industrial_price'].default:g}" in text and f"pays {levers['procurement_price'].default:g}" in text


def test_the_forecast_never_reads_the_harvest_as_zero_between_times() -> None:
    """Forecasting autumn, winter or spring shows this year's harvest as brought in, never 0.0."""
    session, out = play("procurement-crisis-1927", "forecast\nend\nforecast\nquit\n")
    forecasts = [part for part in out.split("=== Forecast for ")[1:]]
    assert len(forecasts) == 2
    for part in forecasts:
        table = part.split("===")[1]
        assert "0.0 Mt" not in table
        assert re.search(r"This year's harvest +[1-9][\d.]* Mt +brought in during summer", table), table


def test_several_levers_on_one_line_end_and_history_s_key() -> None:
    scenario = load_scenario("procurement-crisis-1927", RULES)
    script = "procurement_price=150, goods to the village 0.6; tax=80\nend\nh\nquit\n"
    session, text = play("procurement-crisis-1927", script, seed=1927)
    assert session.turn == 2
    first = session.levers_played(1)
    assert first["procurement_price"] == 150 and first["goods_to_village"] == 0.6 and first["agricultural_tax"] == 80
    assert "Set: Grain procurement price 150; Goods to the village 0.6;" in folded(text)
    # 'h' played the second season as the state did.
    assert session.levers_played(2) == {**session.levers_played(2), **scenario.history[1]}
    assert "As the state did in winter 1927:" in folded(text)


def test_every_command_fits_80_columns() -> None:
    script = ("help\nshow\nforecast\nencyclopedia\nencyclopedia kulak\nglossary nepmen\nglossary smychka\nh\n"
              "details\nreport\nwhy alliance\n?\nh\nh\nh\nchart\nchart grain procured, harvest\nquit\n")
    _, text = play("procurement-crisis-1927", script, seed=1927, width=80)
    # (A path longer than a line, such as a test's temporary folder, stands whole on a line of its own.)
    too_long = [line for line in text.splitlines() if len(line) > 80 and not (len(line.split()) == 1 and "/" in line)]
    assert not too_long, too_long[:3]
    for heading in ("=== Forecast for ", "=== Charts: ", "=== Why: The alliance", "=== Kulak (rich peasant)"):
        assert heading in text
    assert "NEPmen" in text and "Mechanisms:" in text
    assert re.search(r"[▁▂▃▄▅▆▇█]{4}", text)  # the sparklines
    chart = text[text.index("chart grain procured, harvest"):]
    assert "This year's harvest" in chart and " 0.0 Mt" not in chart  # the year's harvest, never its zero


def test_ascii_fallback_prints_only_ascii() -> None:
    script = "glossary kulak\nh\nh\nh\nh\nh\ndetails\nchart grain procured\nquit\n"
    _, text = play("procurement-crisis-1927", script, seed=1927, ascii_only=True)
    assert text.isascii()
    assert "->" in text and "kulaki" in text.lower()  # arrows spelled out, Cyrillic transliterated
    assert to_ascii("−1.5 → 2 “a” ÷ кулак") == '-1.5 -> 2 "a" / kulak'


def test_the_text_mode_with_an_ascii_terminal_runs_in_a_real_process() -> None:
    import shutil
    import tempfile

    saves = tempfile.mkdtemp(prefix="smy")  # a short path: the help names the saves folder
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "80", "SMYCHKA_SAVES": saves, "SDL_VIDEODRIVER": "dummy"}
    result = subprocess.run([sys.executable, "main.py", "play", "--text", "--scenario", "scissors-1923"], input=b"glossary kulak\n\n\n\nquit\n",
                            capture_output=True, cwd=ROOT, env=env, timeout=120)
    shutil.rmtree(saves, ignore_errors=True)
    assert result.returncode == 0, result.stderr.decode("ascii", "replace")
    text = result.stdout.decode("ascii")  # raises if anything else came out
    assert "Lesson: The blades of the scissors." in text and "kulaki" in text.lower()
    assert max(len(line) for line in text.splitlines()) <= 80


def test_a_terminal_that_cannot_print_the_game_s_characters_gets_ascii() -> None:
    class Latin1(io.StringIO):
        encoding = "latin-1"

    assert Terminal(Latin1()).ascii and not Terminal(io.StringIO()).ascii


@pytest.mark.parametrize("text, escaped", [("a\x1b[31mred", "a\\x1b[31mred"), ("bell\x07", "bell\\x07"), ("ok\ttab", "ok\ttab")])
def test_text_from_files_is_printed_with_control_characters_escaped(text: str, escaped: str) -> None:
    out = io.StringIO()
    Terminal(out, 80).line(text)
    assert out.getvalue() == escaped + "\n"


def test_an_ascii_terminal_names_a_russian_word_once() -> None:
    """Spelt in ASCII, the word's own script is its romanization: the heading gives it once."""
    _, out = play("procurement-crisis-1927", "glossary NEPmen\nquit\n", ascii_only=True)
    heading = next(line for line in out.splitlines() if line.startswith("=== NEPmen"))
    assert heading == "=== NEPmen (private traders) (nepmany) ===", heading
    _, out = play("procurement-crisis-1927", "glossary NEPmen\nquit\n")
    assert "(нэпманы · nepmany)" in out


def test_a_question_longer_than_the_line_wraps_with_the_answer_on_its_last_line() -> None:
    out = io.StringIO()
    terminal = Terminal(out, width=80)
    path = "/tmp/a-class-folder/" + "saves/" * 3 + "player-scissors-1923.json"  # fits a line; the question does not
    terminal.prompt(f"Save your finished game as {path} to hand in? (y/n) ")
    rows = out.getvalue().split("\n")
    assert len(rows) > 1 and all(len(row) <= 80 for row in rows), rows
    assert rows[-1].endswith("(y/n) ") and path in " ".join(rows)
    # A question that fits its line only just leaves no room for the answer typed after it: it
    # wraps too, so that an answer of a few letters stays within the 80 columns.
    out = io.StringIO()
    question = "Save your finished game as /tmp/sv6/player-nep-1923-1930.json to hand in? (y/n) "
    assert len(question) <= 80
    Terminal(out, width=80).prompt(question)
    rows = out.getvalue().split("\n")
    assert len(rows) == 2 and len(rows[-1] + "quit") <= 80, rows
    out = io.StringIO()
    Terminal(out, width=80).prompt("  Acres to buy [0]: ")
    assert out.getvalue() == "  Acres to buy [0]: "  # a short question is left as it is
    out = io.StringIO()
    Terminal(out, width=40).prompt("  A name from a file \x1b[2J that is long enough to wrap here? ")
    assert "\x1b" not in out.getvalue() and out.getvalue().split("\n")[1].startswith("  ")
