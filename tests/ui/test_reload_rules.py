"""F5 on the dashboard: the rules read again from disk and the player's levers replayed on them
(a modder's loop), or, when that cannot be done, why — and the game left as it was."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pygame
import pytest

from game.ui.games import new_game
from game.ui.inspect import cut_off, overlaps, visible_texts
from game.ui.scenes.dashboard import DashboardScene
from game.ui.scenes.error import ErrorScene
from tests.conftest import ROOT
from tests.rules.ruleskit import edit
from tests.ui.conftest import key, save_png, settle


def copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("mods"))
    (rules / "mods").mkdir()
    return rules


def play(app, seasons: int, scenario: str = "nep-1923-1930") -> DashboardScene:
    """A game (seed 5): the procurement price raised, then ``seasons`` seasons played."""
    session = new_game(app, scenario, seed=5)
    assert session is not None
    session.set_lever("procurement_price", 130)
    for _ in range(seasons):
        session.end_season()
    session.set_lever("procurement_price", 150)  # being set for the coming season
    app.rebuild()
    scene = app.scene
    assert isinstance(scene, DashboardScene)
    scene.select(2)
    settle(app)
    return scene


def test_f5_replays_the_levers_on_the_edited_rules_and_says_what_moved(make_app, tmp_path) -> None:
    rules = copy_rules(tmp_path)
    app = make_app(rules=rules)
    scene = play(app, 3)
    old = app.session
    assert any(s.label == "F5" and "reload the rules" in s.what for s in scene.shortcuts)  # listed in the F1 help
    app.frame(key(pygame.K_F1))
    assert "reload the rules from disk" in "\n".join(s.what for s in app.scene.shortcuts) and app.help_visible
    app.frame(key(pygame.K_F1))
    # Unchanged rules: nothing to reload, the game is the same.
    app.frame(key(pygame.K_F5))
    settle(app)
    assert app.session is old and "nothing to reload" in visible_texts(app)
    # A modder makes trust fall faster.
    edit(rules / "base" / "society.toml", "[parameters.trust_fall]\nvalue = 0.45", "[parameters.trust_fall]\nvalue = 0.9")
    app.frame(key(pygame.K_F5))
    settle(app)
    new = app.session
    assert new is not old and isinstance(app.scene, DashboardScene)
    assert new.scenario.parameters["trust_fall"] == 0.9 and old.scenario.parameters["trust_fall"] == 0.45
    # The same game at the same place: seed, seasons, every lever played, the levers being set.
    assert (new.seed, new.turn) == (old.seed, old.turn) == (5, 3)
    assert [new.levers_played(t) for t in range(1, 4)] == [old.levers_played(t) for t in range(1, 4)]
    assert new.levers == old.levers and new.levers["procurement_price"] == 150
    assert app.scene.selected == 2
    # ... and the numbers moved, and the screen says so.
    trust = "middle_peasant_trust"
    assert new.value(trust) != old.value(trust)
    texts = html.unescape(visible_texts(app))
    assert "Rules reloaded from disk, your 3 seasons replayed on them." in texts
    assert "Changed: parameters changed: trust_fall 0.45 -> 0.9." in texts
    labels = {i.variable: i.label for i in new.scenario.ruleset.indicators}
    assert f"{labels[trust]} {new.value(trust):.0f}/100 (was {old.value(trust):.0f}/100)" in texts
    save_png(app, "dashboard-reloaded")
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("breakage", ["syntax", "lever"])
def test_f5_on_rules_that_cannot_be_played_says_why_and_keeps_the_game(make_app, tmp_path, breakage) -> None:
    rules = copy_rules(tmp_path)
    app = make_app(rules=rules)
    play(app, 2, "nep-1923-1930" if breakage == "syntax" else "cooperative-plan")  # (one without a historical policy)
    game, state, levers = app.game, app.session.state, dict(app.session.levers)
    if breakage == "syntax":  # a file that does not parse
        edit(rules / "base" / "society.toml", "[parameters.trust_rise]\nvalue = 0.12", "[parameters.trust_rise]\nvalue = = 0.12")
    else:  # the procurement price can no longer be set where the player set it
        edit(rules / "base" / "levers.toml", "min = 50\nmax = 250\nstep = 5\ndefault = 110", "min = 50\nmax = 120\nstep = 5\ndefault = 110")
    app.frame(key(pygame.K_F5))
    settle(app)
    assert isinstance(app.scene, ErrorScene)
    texts = html.unescape(visible_texts(app))
    save_png(app, f"reload-refused-{breakage}")
    assert "The rules cannot be reloaded" in texts and "your game goes on as it was" in texts
    if breakage == "syntax":
        assert "society.toml:6:9: error:" in texts
    else:
        assert "1924-winter: the levers you played are refused: 130 is outside the bounds of Grain procurement price: 50 to 120" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    # Nothing changed: the same game, state and levers; Back returns to it.
    assert app.game is game and app.session.state is state and app.session.levers == levers
    app.frame(key(pygame.K_b, text="b"))
    settle(app)
    assert isinstance(app.scene, DashboardScene) and app.scene.session is game.session


def test_reload_under_a_mod_reads_the_mod_again_and_names_what_changed(tmp_path) -> None:
    """The controller's reload, without the window: a game under a mod replays under the mod as
    it is now on disk (the same stack, the edited value)."""
    from game.controller import Game, StartRefused

    rules = copy_rules(tmp_path)
    shutil.copytree(ROOT / "rules" / "mods" / "long-memory", rules / "mods" / "long-memory")
    game = Game.start(rules, "nep-1923-1930", seed=2, mod="long-memory")
    game.session.play(game.session.scenario.history, until=6)
    memory = rules / "mods" / "long-memory" / "memory.toml"
    edit(memory, "value = 0.03", "value = 0.01")
    reloaded = game.reload(rules)
    new = reloaded.game.session
    assert [layer.id for layer in new.scenario.ruleset.stack] == ["base", "long-memory"] and new.turn == 6
    assert reloaded.changes.parameters == ("coercion_forgetting 0.03 -> 0.01",)
    assert new.value("coercion_memory") != game.session.value("coercion_memory")
    assert reloaded.game.saves == game.saves and reloaded.game.player == game.player
    # A mod that no longer loads: located in the mod's file; the game is untouched.
    edit(memory, "value = 0.01", "value = 3")
    with pytest.raises(StartRefused) as refused:
        game.reload(rules)
    assert refused.value.kind == "scenario" and any("memory.toml:" in str(p) and "outside the declared bounds" in str(p) for p in refused.value.problems)
    assert game.session.turn == 6 and game.session.scenario.parameters["coercion_forgetting"] == 0.03
