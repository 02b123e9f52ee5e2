"""The why view: the ranked inputs of a number, drillable with keys and the mouse, season by season."""

from __future__ import annotations

import pygame
import pytest

from game.present.index import label_of
from game.present.numbers import signed
from game.present.seasons import season_label
from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.title import TitleScene
from game.ui.scenes.why import WhyScene
from tests.conftest import ROOT
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def played(app, scenario: str = "nep-1923-1930", seasons: int = 3) -> Session:
    """A real session of ``scenario`` after ``seasons`` seasons, as the window's game in progress."""
    session = Session(load_scenario(scenario, ROOT / "rules"), 1)
    for turn in range(seasons):
        if turn == seasons - 1:  # the last season with a lever moved, so a lever is among the causes
            name, lever = next((n, lv) for n, lv in session.scenario.levers.items()
                               if n not in session.scenario.locked and not lv.choices)
            session.set_lever(name, lever.default + lever.step if lever.default + lever.step <= lever.max else lever.default - lever.step)
        session.end_season()
    app.session = session
    return session


def open_why(app, variable: str, turn: int | None = None) -> WhyScene:
    app.reset_to(TitleScene(app), WhyScene(app, variable, turn))
    settle(app)
    return app.scene


def shown_rows(scene: WhyScene) -> list[tuple[str, str]]:
    return [(r.name, r.contribution_text) for r in scene.rows if r.name]


def expected_rows(session: Session, name: str, turn: int | None = None) -> list[tuple[str, str]]:
    rs = session.scenario.ruleset
    e = session.explain(name, turn)
    return [(c.name, signed(rs, name, c.contribution)) for c in e.causes]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("scenario,variable", [("nep-1923-1930", "alliance"), ("hammurabi-reign", "grain_store")])
def test_why_view_ranks_the_inputs_as_explain_does(make_app, size, scale, scenario, variable) -> None:
    app = make_app(size, scale)
    session = played(app, scenario, 3 if scenario.startswith("nep") else 2)
    scene = open_why(app, variable)
    save_png(app, f"why-{scenario}")
    rs = session.scenario.ruleset
    assert shown_rows(scene) == expected_rows(session, variable)
    texts = visible_texts(app)
    assert f"Why did {label_of(rs, variable)} move?" in texts or label_of(rs, variable) in texts
    for name, contribution in shown_rows(scene):
        assert contribution in texts
        assert label_of(rs, name)[:8] in texts
    assert season_label(session.state.season) in texts  # the season in words
    e = session.explain(variable)
    from game.present.numbers import number

    assert number(rs, variable, e.after) in texts
    assert "Source:" in texts and "Formula:" in texts
    assert overlaps(app) == []
    assert cut_off(app) == []


def test_keys_drill_down_and_back_up_the_chain(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_why(app, "alliance")
    first = scene.rows[0]
    assert first.drill is not None
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert scene.subject == first.name
    assert [n for n, _ in scene.trail] == ["alliance", first.name]
    assert shown_rows(scene) == expected_rows(session, first.name)
    crumbs = "\n".join(t for t, _ in find(app, "trail").texts)
    assert label_of(session.scenario.ruleset, "alliance") in crumbs and label_of(session.scenario.ruleset, first.name) in crumbs
    # Down then a number key: the second input of the new subject.
    drillable = [i for i, r in enumerate(scene.rows) if r.drill]
    if drillable:
        target = scene.rows[drillable[0]]
        app.frame(key(getattr(pygame, f"K_{drillable[0] + 1}"), text=str(drillable[0] + 1)))
        settle(app)
        assert scene.trail[-1] == target.drill
        app.frame(key(pygame.K_BACKSPACE))
        settle(app)
    assert scene.subject == first.name
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert scene.subject == "alliance" and len(scene.trail) == 1
    # The input we came up from stays selected.
    assert scene.rows[scene.selected].name == first.name
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene)


def test_a_mouse_click_on_an_input_makes_it_the_subject_and_a_crumb_leads_back(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_why(app, "alliance")
    bars = find(app, "inputs")
    index = next(i for i, r in enumerate(scene.rows) if r.drill)
    spot = next(rect for rect, payload in bars.hotspots if payload == ("row", index))
    app.frame(click((bars.rect.x + spot.centerx, bars.rect.y + spot.centery)))
    settle(app)
    assert scene.subject == session.explain("alliance").causes[index].name
    assert len(scene.trail) == 2
    trail = find(app, "trail")
    spot = next(rect for rect, payload in trail.hotspots if payload == ("crumb", 0))
    app.frame(click((trail.rect.x + spot.centerx, trail.rect.y + spot.centery)))
    settle(app)
    assert scene.trail == [("alliance", session.turn)]


def test_seasons_step_back_and_forth_within_the_history(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_why(app, "grain_procured")
    app.frame(key(pygame.K_LEFT))
    settle(app)
    assert scene.turn == session.turn - 1
    assert shown_rows(scene) == expected_rows(session, "grain_procured", session.turn - 1)
    assert season_label(session.history[session.turn - 1].season) in visible_texts(app)
    for _ in range(5):
        app.frame(key(pygame.K_LEFTBRACKET))
    assert scene.turn == 1  # not before the first season played
    app.frame(key(pygame.K_RIGHTBRACKET))
    app.frame(key(pygame.K_RIGHT))
    app.frame(key(pygame.K_RIGHT))
    settle(app)
    assert scene.turn == session.turn


def test_inputs_say_what_kind_of_thing_they_are(make_app) -> None:
    app = make_app()
    session = played(app)
    kinds = {}
    for name in session.model.variables:
        for c in session.explain(name, depth=1).causes:
            kinds.setdefault(c.kind, name)
    scene = open_why(app, kinds["lever"])
    assert "your lever" in visible_texts(app)
    scene.pick(kinds["prev"])
    settle(app)
    assert "last season's stock" in visible_texts(app)
    lever_row = next(i for i, r in enumerate(scene.rows) if r.kind == "prev")
    scene.select(lever_row)
    assert "last season's stock" in find(app, "input").html_text


def test_the_list_and_the_search_pick_another_number(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_why(app, "alliance")
    rs = session.scenario.ruleset
    search = find(app, "search")
    app.frame(click(search.rect.center))
    for ch in "harvest":
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))
    settle(app)
    listed = find(app, "variables").item_list
    assert listed and all("harvest" in str(i["text"]).lower() or "harvest" in dict((t, v) for t, v in scene._choices).get(i["text"], "") for i in listed)
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert "harvest" in scene.subject
    assert scene.trail == [(scene.subject, session.turn)]
    assert label_of(rs, scene.subject) in visible_texts(app)


def test_a_stock_s_first_season_pull_is_a_trend_not_the_scenario_s_start(make_app) -> None:
    """After the first season a declared stock's own pull reads as a row of its own, never as
    'the scenario's starting value', and its hint says the rules moved it, not the levers."""
    app = make_app()
    played(app, seasons=1)
    scene = open_why(app, "middle_peasant_trust")
    trend = next(i for i, r in enumerate(scene.rows) if r.kind == "trend")
    assert scene.rows[trend].tag == "already moving when you took over"
    scene.select(trend)
    html = find(app, "input").html_text
    assert "the rules, not your levers" in html
    assert "scenario" not in visible_texts(app).lower() and "scenario" not in html.lower()
    assert overlaps(app) == [] and cut_off(app) == []
    save_png(app, "why-trend")


def test_the_start_of_a_game_says_no_season_was_played(make_app) -> None:
    app = make_app()
    played(app, seasons=0)
    scene = open_why(app, "alliance")
    assert scene.rows == []
    assert "no season has been played yet" in visible_texts(app).lower()
    assert overlaps(app) == [] and cut_off(app) == []


def test_the_web_button_opens_the_causal_web_on_this_number(make_app) -> None:
    app = make_app()
    played(app)
    open_why(app, "alliance")
    app.frame(key(pygame.K_g, text="g"))
    settle(app)
    from game.ui.scenes.web import WebScene

    assert isinstance(app.scene, WebScene) and app.scene.focus == "alliance"
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert isinstance(app.scene, WhyScene)


def test_m_opens_the_encyclopedia_on_the_mechanism_of_the_subject(make_app) -> None:
    app = make_app()
    session = played(app)
    open_why(app, "alliance")
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    from game.ui.scenes.encyclopedia import EncyclopediaScene

    mechanism = session.scenario.ruleset.variables["alliance"].mechanisms[0]
    assert isinstance(app.scene, EncyclopediaScene) and app.scene.current == f"mechanism:{mechanism}"
    assert session.scenario.ruleset.mechanisms[mechanism].title in visible_texts(app)
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert isinstance(app.scene, WhyScene)


def test_an_inputs_value_reads_as_the_player_set_it() -> None:
    """A lever with choices is named by its choice, as the report and the text mode name it."""
    from game.present.levers import lever_text
    from game.ui.scenes.why import value_text

    session = Session(load_scenario("nep-1923-1930", ROOT / "rules"), 1)
    rs = session.scenario.ruleset
    name, lever = next((n, lv) for n, lv in session.scenario.levers.items() if lv.choices)
    for i, choice in enumerate(lever.choices):
        value = rs.levers[name].min + i * lever.step
        assert value_text(session, name, "lever", value) == choice == lever_text(session, name, value)
        assert value_text(session, name, "prev_lever", value) == choice
    assert value_text(session, name, "lever", rs.levers[name].min + len(lever.choices) * lever.step) == \
        lever_text(session, name, rs.levers[name].min + len(lever.choices) * lever.step)
    assert value_text(session, "harvest", "event", 1.0) == "happened"
