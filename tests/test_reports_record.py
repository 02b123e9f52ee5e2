"""The reports of class games: the checkpoint answers under their questions, how each game was
made (front end, undos) and the scenario's teacher notes, from real games of the shipped class
scenario played through the controller as a front end plays them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from game.controller import Game
from game.reports import class_csv, class_html, game_html, open_for_report, read_class
from game.reports.page import esc
from game.saves import load_save
from tests.conftest import RULES

CLASS = "class-procurement-crisis"


def play_class_game(folder: Path, player: str, answer: str, undo: bool) -> Path:
    """A whole game of the class scenario in the 'window', answering every checkpoint."""
    game = Game.start(RULES, CLASS, player=player)
    game.played_in("window")
    took_back = False
    while not game.session.is_over:
        checkpoint = game.checkpoint()
        if checkpoint is not None:
            game.pass_checkpoint(checkpoint, f"{answer} ({checkpoint.id})" if checkpoint.question else None)
        game.end_season()
        if undo and not took_back and game.session.turn == 3:
            assert game.undo()
            took_back = True
    return game.save(folder / f"{player.split()[0].lower()}.json")


@pytest.fixture(scope="module")
def klass(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    play_class_game(folder, "Anna", "Fewer goods, so they keep the grain", undo=False)
    play_class_game(folder, "Boris <b>", "They sell to the private trader & wait", undo=True)
    return folder


def test_the_game_report_shows_the_answers_and_how_it_was_played(klass: Path) -> None:
    opened = open_for_report(load_save(klass / "boris.json", RULES))
    page = game_html(opened)
    questions = [c for c in opened.session.scenario.checkpoints if c.question]
    assert questions
    for checkpoint in questions:
        assert esc(checkpoint.question) in page
        assert esc(f"They sell to the private trader & wait ({checkpoint.id})") in page
    assert "Boris &lt;b&gt;" in page and "Boris <b>" not in page
    record = re.search(r'<section id="play-record">(.*?)</section>', page, re.S)
    assert record is not None
    assert "Played in the window." in record.group(1) and "The game was played to its end." in record.group(1)
    assert re.search(r"The first season was played at \d{4}-\d\d-\d\d \d\d:\d\d UTC, the last \d+ minute\(s\) later\.", record.group(1))
    assert re.search(r"Seasons taken back or played again: 1 \(undo in \w+ \d{4} at \d{4}-", record.group(1))


def test_the_class_report_sets_the_answers_under_each_question(klass: Path) -> None:
    entries = read_class(klass, RULES)
    page = class_html(klass, entries)
    scenario = entries[0].opened.session.scenario
    assert esc(scenario.teacher_notes) in page  # the instructor's notes, in the instructor's report
    for checkpoint in (c for c in scenario.checkpoints if c.question):
        block = page.split(esc(checkpoint.question), 1)[1].split("</dl>", 1)[0]
        assert "Anna" in block and "Boris &lt;b&gt;" in block
        assert esc(f"Fewer goods, so they keep the grain ({checkpoint.id})") in block
    rows = {r["player"]: r for r in csv.DictReader(io.StringIO(class_csv(entries)))}
    assert rows["Anna"]["played"] == "in the window" and rows["Anna"]["undos"] == "0"
    assert rows["Boris <b>"]["undos"] == "1"
    answers = [k for k in rows["Anna"] if k.startswith(("summer 1927: ", "winter 1928: ", "summer 1929: "))]
    assert len(answers) == 3 and all(rows["Anna"][k].startswith("Fewer goods") for k in answers)
