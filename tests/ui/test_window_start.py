"""What the window opens on, as the command line asks: ``play --load``, ``--branch-at``,
``--scenario``; bad saves and changed rules on the way in."""

from __future__ import annotations

import shutil
from pathlib import Path

from game.present.seasons import season_label
from game.rules.scenario import load_scenario
from game.saves import save_game
from game.session import Session
from game.ui.inspect import visible_texts
from game.ui.window import open_start
from tests.conftest import ROOT
from tests.ui.conftest import settle


def saved_game(path: Path, rules: Path = ROOT / "rules", seasons: int = 3) -> Session:
    session = Session(load_scenario("hammurabi-short", rules), 5)
    for _ in range(seasons):
        session.end_season()
    save_game(session, path)
    return session


def test_load_opens_the_saved_game_on_its_dashboard(make_app, tmp_path) -> None:
    original = saved_game(tmp_path / "game.json")
    app = make_app()
    open_start(app, load=tmp_path / "game.json")
    settle(app)
    assert type(app.scene).__name__ == "DashboardScene"
    assert app.session.turn == 3 and app.session.history == original.history
    assert season_label(original.state.season) in visible_texts(app)


def test_a_bad_save_opens_the_error_screen_over_the_title(make_app, tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "smychka-save", "version": 2, "seed": ')
    app = make_app()
    open_start(app, load=bad)
    settle(app)
    assert type(app.scene).__name__ == "ErrorScene"
    assert "bad.json:1:" in visible_texts(app)
    app.scene.back()
    assert type(app.scene).__name__ == "TitleScene"
    assert bad.read_text().endswith('"seed": ')  # nothing was written over it


def test_changed_rules_ask_how_to_open_unless_told(make_app, tmp_path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    saved_game(tmp_path / "game.json", rules)
    params = rules / "hammurabi" / "ruleset.toml"
    params.write_text(params.read_text() + "\n# a modder's note\n")
    app = make_app(rules=rules)
    open_start(app, load=tmp_path / "game.json")
    settle(app)
    assert type(app.scene).__name__ == "SavesScene"
    assert "The rules changed" in visible_texts(app)
    told = make_app(rules=rules)
    open_start(told, load=tmp_path / "game.json", on_changed="replay")
    assert type(told.scene).__name__ == "DashboardScene" and told.session.turn == 3


def test_branch_at_plays_history_up_to_the_season_and_hands_over(make_app) -> None:
    app = make_app()
    open_start(app, scenario="nep-1923-1930", branch_at="1927-autumn")
    settle(app)
    assert type(app.scene).__name__ == "DashboardScene"
    assert app.session.branch_at == "1927-autumn" and str(app.session.next_season) == "1927-autumn"


def test_scenario_opens_straight_on_its_dashboard(make_app) -> None:
    app = make_app()
    open_start(app, scenario="scissors-1923", seed=4)
    assert type(app.scene).__name__ == "DashboardScene" and app.session.seed == 4
