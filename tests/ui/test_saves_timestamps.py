"""The Load screen with saves whose times have no zone, other zones, and the calendar's edges
(issue 10, class 8): every save is listed, newest first, with its time in the player's zone."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.ui.inspect import visible_texts
from game.ui.scenes.saves import SavesScene
from game.ui.scenes.title import TitleScene
from tests.conftest import ROOT
from tests.hostile.test_c08_timestamps import STAMPS, folder_of_saves
from tests.ui.conftest import key, save_png, settle


def test_the_load_screen_lists_saves_of_every_kind_of_time(make_app, tmp_path: Path) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    folder_of_saves(saves)
    app = make_app((1280, 720), 1.0, rules=ROOT / "rules")
    app.push(TitleScene(app))
    app.frame(key(pygame.K_l, text="l"))
    assert isinstance(app.scene, SavesScene) and app.scene.mode == "load"
    settle(app)
    save_png(app, "load-timestamps")
    entries = app.scene.entries
    assert len(entries) == len(STAMPS)
    good = [e for e in entries if e.problem is None]
    assert [e.saved_at for e in good] == sorted((m for _, m in STAMPS.values() if m is not None), reverse=True)
    texts = visible_texts(app)
    assert "cannot be opened" in texts and "2025-03-05" in texts and "0001-01-01 00:00" in texts
