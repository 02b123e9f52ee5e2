"""The encyclopedia screen: categories, search, articles with sources and links, Back through
the entries visited; from the title screen (no game) and during a game."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest

from game.present.seasons import season_label
from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.encyclopedia import EncyclopediaScene
from game.ui.scenes.title import TitleScene
from tests.conftest import ROOT
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def open_encyclopedia(app, entry=None) -> EncyclopediaScene:
    app.push(TitleScene(app))
    scene = app.push(EncyclopediaScene(app, entry))
    settle(app)
    return scene


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_a_term_article_shows_russian_text_sources_and_links(make_app, size, scale) -> None:
    app = make_app(size, scale)
    scene = open_encyclopedia(app, "term:kulak")
    save_png(app, "encyclopedia-term")
    rs = scene.rs
    term = rs.terms["kulak"]
    article = find(app, "article").html_text
    assert term.title in article and term.original in article and term.definition in article
    assert "Bettelheim" in article and "lines 2743–2764" in article
    assert "href='class:kulaks'" in article and "href='mechanism:kulak-leverage'" in article
    texts = visible_texts(app)
    for heading in ("Mechanisms", "Classes", "Levers", "Indicators", "Terms", "Sources"):
        assert heading in texts
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_a_mechanism_article_lists_the_rules_that_implement_it(make_app, size, scale) -> None:
    app = make_app(size, scale)
    scene = open_encyclopedia(app, "mechanism:scissors")
    save_png(app, "encyclopedia-mechanism")
    mech = scene.rs.mechanisms["scissors"]
    article = find(app, "article").html_text
    assert mech.title in article and "Levers that work through it" in article
    assert "href='indicator:scissors'" in article  # the variable that implements it
    assert mech.title in visible_texts(app)  # selected in the list too
    assert overlaps(app) == [] and cut_off(app) == []


def test_following_links_and_stepping_back(make_app) -> None:
    app = make_app()
    scene = open_encyclopedia(app, "term:kulak")
    app.frame([pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, {"link_target": "class:kulaks", "ui_element": find(app, "article")})])
    assert scene.current == "class:kulaks"
    assert "Its numbers in the game" in find(app, "article").html_text
    app.frame([pygame.event.Event(pygame_gui.UI_TEXT_BOX_LINK_CLICKED, {"link_target": "indicator:kulak_leverage", "ui_element": find(app, "article")})])
    assert scene.current == "indicator:kulak_leverage"
    app.frame(key(pygame.K_BACKSPACE))
    assert scene.current == "class:kulaks"
    app.frame(key(pygame.K_ESCAPE))
    assert scene.current == "term:kulak"
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene)


def test_typing_searches_every_category_and_enter_opens(make_app) -> None:
    app = make_app()
    scene = open_encyclopedia(app)
    for ch in "chervon":
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))
        settle(app)
    assert scene.query == "chervon"
    assert "Term · Chervonets" in visible_texts(app)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert scene.current == "term:chervonets"
    assert "червонец" in find(app, "article").html_text


def test_category_keys_arrows_and_the_related_list_by_keyboard(make_app) -> None:
    app = make_app()
    scene = open_encyclopedia(app)
    app.frame(key(pygame.K_3, text="3"))
    settle(app)
    assert scene.current.startswith("lever:")
    first = scene.current
    app.frame(key(pygame.K_DOWN))
    settle(app)
    assert scene.current != first and scene.current.startswith("lever:")
    # Tab to the related list, choose its first entry, Enter opens it.
    lever = scene.current
    target = scene.related_links[0].key
    app.set_focus(find(app, "related"))
    app.frame(key(pygame.K_DOWN))
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert scene.current == target and scene.history[-1] == lever


def test_clicking_a_category_and_an_entry(make_app) -> None:
    app = make_app()
    scene = open_encyclopedia(app)
    app.frame(click(find(app, "tab-work").rect.center))
    settle(app)
    assert scene.current.startswith("work:")
    assert "Cited by" in find(app, "article").html_text
    app.frame(click(find(app, "tab-class").rect.center))
    settle(app)
    assert scene.current == "class:poor"
    assert "бедняки" in find(app, "article").html_text


def test_during_a_game_an_indicator_shows_this_game_s_value(make_app) -> None:
    from game.present.numbers import number

    app = make_app()
    scenario = load_scenario("scissors-1923", ROOT / "rules")
    app.session = Session(scenario, 1)
    app.session.end_season()
    scene = open_encyclopedia(app, "indicator:alliance")
    value = number(scenario.ruleset, "alliance", app.session.value("alliance"))
    assert f"In your game ({season_label(app.session.state.season)}): {value}" in find(app, "article").html_text
    assert scene.rs is scenario.ruleset


def test_the_title_screen_opens_it(make_app) -> None:
    app = make_app()
    app.push(TitleScene(app))
    settle(app)
    app.frame(key(pygame.K_e, text="e"))
    settle(app)
    assert isinstance(app.scene, EncyclopediaScene)
    assert overlaps(app) == [] and cut_off(app) == []


def test_with_no_game_it_shows_the_rule_set_most_scenarios_play_and_reads_it_once(make_app, tmp_path) -> None:
    import shutil

    from game.ui.scenes.encyclopedia import _load, most_played_ruleset

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    assert most_played_ruleset(rules) == "base"  # four NEP scenarios, two of Hammurabi
    for scenario in (rules / "scenarios").glob("*.toml"):
        if "hammurabi" not in scenario.name:
            scenario.unlink()
    assert most_played_ruleset(rules) == "hammurabi"
    app = make_app(rules=rules)
    app.push(TitleScene(app))
    app.push(EncyclopediaScene(app))
    assert app.scene.rs.id == "hammurabi"
    before = _load.cache_info().hits
    app.pop()
    app.push(EncyclopediaScene(app))
    assert _load.cache_info().hits == before + 1
