"""Mods in the window: the New game screen lists them with their check status and plays the
scenario under the one chosen; a mod that fails its check shows its located problems."""

from __future__ import annotations

import html
import shutil
import zipfile
from pathlib import Path

import pygame
import pytest

from game.ui.inspect import cut_off, overlaps, visible_texts
from game.ui.scenes.dashboard import DashboardScene
from game.ui.scenes.error import ErrorScene
from game.ui.scenes.picker import NO_MOD, PickerScene
from game.ui.scenes.title import TitleScene
from tests.conftest import ROOT
from tests.rules.ruleskit import edit
from tests.ui.conftest import SCALES, SIZES, key, save_png, settle

EXAMPLE = ROOT / "rules" / "mods" / "long-memory"


def install_mods(folder: Path) -> Path:
    """In the player's mod folder: the example packed as a zip under another id, and a copy
    broken as the guide breaks it (a parameter's value outside its bounds). Returns the broken one."""
    with zipfile.ZipFile(folder / "zipped-memory.zip", "w") as archive:
        for path in sorted(EXAMPLE.iterdir()):
            text = path.read_text(encoding="utf-8").replace('id = "long-memory"', 'id = "zipped-memory"')
            archive.writestr(f"zipped-memory/{path.name}", text.replace('name = "Long memories"', 'name = "Zipped memories"'))
    broken = folder / "broken"
    shutil.copytree(EXAMPLE, broken)
    edit(broken / "ruleset.toml", 'id = "long-memory"', 'id = "broken"')
    edit(broken / "memory.toml", "value = 0.03", "value = 3")
    return broken


def open_picker(app) -> PickerScene:
    app.push(TitleScene(app))
    app.frame(key(pygame.K_n, text="n"))
    scene = app.scene
    assert isinstance(scene, PickerScene)
    return scene


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_new_game_screen_lists_the_mods_with_their_check(make_app, user_mods_folder, size, scale) -> None:
    install_mods(user_mods_folder)
    app = make_app(size, scale)
    scene = open_picker(app)
    settle(app)
    shipped = ["long-memory", "reading-left", "reading-right", "reading-turn"]  # rules/mods, then the player's folder
    assert [m.ident for m in scene.mods] == [*shipped, "broken", "zipped-memory"]
    drawn = scene.mods_list.item_list
    assert drawn[0]["text"] == NO_MOD or drawn[0]["text"].startswith("No mod")
    texts = [str(item["text"]) for item in drawn]
    assert texts[1].startswith("ok · Long memor") and texts[2].startswith("ok · The Left")
    assert texts[5].startswith("FAILS check · bro") and texts[6].startswith("ok · Zipped")
    save_png(app, "picker-mods")
    assert overlaps(app) == [] and cut_off(app) == []
    # Choosing the broken mod says so in the details, in words.
    for _ in range(len(shipped) + 1):
        app.frame(key(pygame.K_m, text="m"))
    settle(app)
    assert scene.mod is not None and scene.mod.ident == "broken"
    texts_now = visible_texts(app)
    assert "FAILS check: 1 error(s). It cannot be played" in texts_now and "Mod Long memories 1.0.0 (broken), over base" in texts_now
    save_png(app, "picker-mods-broken")
    assert overlaps(app) == [] and cut_off(app) == []


def test_a_mod_that_fails_its_check_shows_its_located_problems_and_does_not_start(make_app, user_mods_folder) -> None:
    broken = install_mods(user_mods_folder)
    app = make_app()
    scene = open_picker(app)
    scene.choose_mod(next(i for i, m in enumerate(scene.mods, 1) if m.ident == "broken"))
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, ErrorScene) and app.session is None
    texts = visible_texts(app)
    assert "The mod 'broken' fails its check and cannot be played" in texts
    assert f"{broken / 'memory.toml'}:" in texts or "broken/memory.toml:" in texts
    assert "override.parameters.coercion_forgetting.value: 3 is outside the declared bounds 0..1" in texts
    save_png(app, "picker-mods-error")


def test_the_scenario_starts_under_the_chosen_mod_through_the_controller(make_app, user_mods_folder) -> None:
    install_mods(user_mods_folder)
    app = make_app()
    scene = open_picker(app)
    scene.choose(next(i for i, c in enumerate(scene.choices) if c.ident == "nep-1923-1930"))
    scene.choose_mod(1)  # the example, long-memory
    settle(app)
    assert "Check: ok: adds 1, overrides 1, removes 0 (base -> long-memory)" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, DashboardScene)
    ruleset = app.session.scenario.ruleset
    assert [layer.id for layer in ruleset.stack] == ["base", "long-memory"] and ruleset.parameters["coercion_forgetting"].value == 0.03
    assert "Memory of requisition" in [i.label for i in app.scene.listed]  # the indicator the mod adds


def test_a_mod_for_other_rules_is_marked_and_refused_with_the_scenario_s_line(make_app, user_mods_folder) -> None:
    other = user_mods_folder / "farmer-king"
    other.mkdir()
    (other / "ruleset.toml").write_text('[ruleset]\nid = "farmer-king"\nname = "Farmer king"\nversion = "0.1"\nextends = "hammurabi"\n'
                                        'format_version = 2\n', encoding="utf-8")
    app = make_app()
    scene = open_picker(app)
    scene.choose(next(i for i, c in enumerate(scene.choices) if c.ident == "scissors-1923"))
    scene.choose_mod(next(i for i, m in enumerate(scene.mods, 1) if m.ident == "farmer-king"))
    settle(app)
    assert any(str(item["text"]).startswith("for hammurabi · Farmer king") for item in scene.mods_list.item_list)
    assert "It builds on hammurabi; this scenario is written for base" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, ErrorScene)
    texts = html.unescape(visible_texts(app))
    assert "scissors-1923.toml:" in texts and "mod 'farmer-king' does not build on it (its layers: hammurabi -> farmer-king)" in texts


def test_play_mod_opens_the_window_on_that_mod(make_app, monkeypatch) -> None:
    """`play --mod ID` without a scenario: the window opens on the default scenario the mod builds
    on, under the mod (as the text mode does); no fallback to the text mode any more."""
    import argparse

    from game import cli
    from game.ui import window

    opened: dict = {}

    def fake_run_window(rules_root, scenario=None, seed=None, load=None, branch_at=None, on_changed=None, saves_dir=None, mod=None):
        app = make_app()
        window.open_start(app, scenario, seed, load, branch_at, on_changed, mod)
        opened["app"] = app
        return 0

    monkeypatch.setattr(cli, "_no_window_reason", lambda: None)
    monkeypatch.setattr(window, "run_window", fake_run_window)
    args = argparse.Namespace(rules=ROOT / "rules", mod="long-memory", scenario=None, seed=3, load=None, branch_at=None, on_changed=None,
                              saves=None, text=False)
    assert cli.cmd_play(args, None, None) == 0  # type: ignore[arg-type]
    app = opened["app"]
    assert isinstance(app.scene, DashboardScene) and app.session.scenario.id == cli._default_scenario(ROOT / "rules", "long-memory")
    assert app.session.seed == 3
    assert app.session.scenario.ruleset.id == "long-memory"
