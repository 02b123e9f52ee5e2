"""A class scenario in the window, rendered headless: the player's name asked before the first
season, each checkpoint over the dashboard before its decision (the code, the written answer), an
undo that says the teacher sees it, and the finished game handed in from the debrief."""

from __future__ import annotations

import json

import pytest

from game.ui.games import new_game
from game.ui.inspect import cut_off, overlaps, visible_texts
from game.ui.scenes.checkpoint import CheckpointScene, NameScene
from game.ui.scenes.dashboard import DashboardScene
from tests.ui.conftest import SCALES, SIZES, save_png, settle

pytestmark = pytest.mark.ui
CLASS = "class-procurement-crisis"


def to_dashboard(app) -> None:  # type: ignore[no-untyped-def]
    """Leave whatever report is over the dashboard."""
    while not isinstance(app.scene, (DashboardScene, NameScene, CheckpointScene)):
        app.pop()
        settle(app)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_name_and_a_checkpoint_come_before_the_decision(make_app, size, scale) -> None:
    app = make_app(size, scale)
    assert new_game(app, CLASS) is not None
    settle(app, 3)
    assert isinstance(app.scene, NameScene)
    save_png(app, "class-name")
    assert "Your name" in visible_texts(app) and overlaps(app) == [] and cut_off(app) == []
    app.scene.confirm()  # nothing typed: asked again
    settle(app)
    assert isinstance(app.scene, NameScene) and "Type your name" in visible_texts(app)
    app.scene.entry.set_text("Anna Petrovna")
    app.scene.confirm()
    settle(app, 3)
    assert isinstance(app.scene, DashboardScene) and app.game.player == "Anna Petrovna"
    for _ in range(3):
        app.scene.end_season()
        settle(app)
        to_dashboard(app)
    settle(app, 3)
    scene = app.scene
    assert isinstance(scene, CheckpointScene) and scene.checkpoint.id == "empty-shops"
    assert app.session.turn == 3  # before the decision of 1927-summer
    save_png(app, "class-checkpoint")
    texts = visible_texts(app)
    assert "Checkpoint: The shops are emptying" in texts and "What will a middle peasant do" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    scene.confirm()  # no answer yet
    settle(app)
    assert isinstance(app.scene, CheckpointScene) and "Write a few words" in visible_texts(app)
    app.scene.answer.set_text("Money outruns goods.")
    app.scene.confirm()
    settle(app, 3)
    assert isinstance(app.scene, DashboardScene)
    assert app.session.record.answers["empty-shops"].answer == "Money outruns goods."
    app.scene.end_season()
    settle(app)
    to_dashboard(app)
    app.scene.undo()
    settle(app)
    assert "Your teacher sees each undo in your save." in visible_texts(app)


def test_the_code_is_waited_for_and_the_finished_game_handed_in(make_app, tmp_path) -> None:
    app = make_app()
    assert new_game(app, CLASS) is not None
    settle(app, 3)
    app.scene.entry.set_text("Boris")
    app.scene.confirm()
    settle(app)
    while not app.session.is_over:
        scene = app.scene
        if isinstance(scene, CheckpointScene):
            if scene.code is not None:
                scene.code.set_text("0000")
                scene.confirm()
                settle(app)
                assert "That is not the code. Ask your teacher." in visible_texts(app)
                app.scene.code.set_text(" 1928 ")
            if app.scene.answer is not None:
                app.scene.answer.set_text(f"answer to {scene.checkpoint.id}")
            app.scene.confirm()
        else:
            to_dashboard(app)
            if isinstance(app.scene, DashboardScene):
                app.scene.end_season()
        settle(app)
    to_dashboard(app)
    app.scene.end_season()  # the game is over: the debrief
    settle(app, 3)
    assert "Hand in (H)" in visible_texts(app)
    app.scene.submit()
    settle(app)
    submitted = tmp_path / "saves" / f"Boris-{CLASS}.json"
    assert submitted.is_file() and "Hand in this file." in (app.notice or "")
    record = json.loads(submitted.read_text())["record"]
    assert record["made_by"] == ["window"] and record["finished"] is True
    assert {a["checkpoint"] for a in record["answers"]} == {"empty-shops", "no-article-107", "the-reckoning"}
