"""The causal web: the rules graph around a number, its strongest links this season, the overview."""

from __future__ import annotations

import pygame
import pytest

from game.present.graph import node_id
from game.present.index import label_of
from game.present.seasons import season_label
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.title import TitleScene
from game.ui.scenes.web import STRONG, WebScene
from game.ui.scenes.why import WhyScene, effect_colour
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle
from tests.ui.test_why import played


def open_web(app, variable: str | None, turn: int | None = None) -> WebScene:
    app.reset_to(TitleScene(app), WebScene(app, variable, turn))
    settle(app)
    return app.scene


def assert_strongest_link_highlighted(app, scene: WebScene, focus: str) -> None:
    session = app.session
    e = session.explain(focus, depth=1)
    strongest = node_id(e.causes[0].name, e.causes[0].kind)
    into_focus = {src: drawn for (src, dst), drawn in scene.drawn.items() if dst == focus}
    assert strongest in into_focus, f"{strongest} not drawn into {focus}: {sorted(into_focus)}"
    width, colour = into_focus[strongest]
    assert width == max(w for w, _ in into_focus.values())
    assert width > 1
    assert colour == effect_colour(app.palette, session.scenario.ruleset, focus, e.causes[0].contribution)
    edge = next(x for x in scene.edges if x.source == strongest and x.target == focus)
    assert edge.share == max(x.share for x in scene.edges if x.target == focus)
    if edge.share >= STRONG:
        assert colour != app.palette.grid


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("scenario,variable", [("nep-1923-1930", "alliance"), ("nep-1923-1930", "grain_procured"),
                                               ("hammurabi-reign", "grain_store")])
def test_web_around_a_number_highlights_its_strongest_link(make_app, size, scale, scenario, variable) -> None:
    app = make_app(size, scale)
    session = played(app, scenario, 3 if scenario.startswith("nep") else 2)
    scene = open_web(app, variable)
    save_png(app, f"web-{scenario}-{variable}")
    rs = session.scenario.ruleset
    assert scene.focus == variable and variable in scene.nodes
    assert_strongest_link_highlighted(app, scene, variable)
    texts = visible_texts(app)
    assert label_of(rs, variable)[:10] in texts
    assert season_label(session.state.season) in texts
    assert "Thickness" in texts and "helped" in texts and "hurt" in texts  # the legend
    # Every input the rules give it (but parameters) is on the web, or counted as more.
    shown_inputs = [n for n in scene.nodes.values() if n.column == 1]
    assert len(shown_inputs) + scene.hidden.get(1, 0) == len(scene.inputs_of(variable))
    # No two boxes overlap, and every box is inside the canvas.
    canvas = find(app, "web")
    boxes = [n.rect for n in scene.nodes.values()]
    assert all(pygame.Rect((0, 0), canvas.rect.size).contains(b) for b in boxes)
    assert not any(a.colliderect(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert overlaps(app) == []
    assert cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_overview_shows_the_whole_graph_legibly(make_app, size, scale) -> None:
    app = make_app(size, scale)
    session = played(app)
    scene = open_web(app, None)
    save_png(app, "web-overview")
    model = session.model
    assert set(model.variables) <= set(scene.nodes)
    assert set(model.levers) <= set(scene.nodes)
    boxes = [n.rect for n in scene.nodes.values()]
    canvas = find(app, "web")
    assert all(pygame.Rect((0, 0), canvas.rect.size).contains(b) for b in boxes)
    assert not any(a.colliderect(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    # Legible: boxes wide enough for a dozen characters at a font of at least 10 px.
    assert min(b.w for b in boxes) >= 90 and min(b.h for b in boxes) >= 14
    # Dependency order: a variable never stands left of a same-season input.
    for v, deps in session.scenario.ruleset.depends_on.items():
        for d in deps:
            assert scene.nodes[d].column <= scene.nodes[v].column
    assert overlaps(app) == [] and cut_off(app) == []


def test_clicking_a_node_recentres_and_enter_opens_its_why_view(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_web(app, "alliance")
    e = session.explain("alliance", depth=1)
    target = e.causes[0].name
    canvas = find(app, "web")
    rect = scene.nodes[target].rect
    app.frame(click((canvas.rect.x + rect.centerx, canvas.rect.y + rect.centery)))
    settle(app)
    assert scene.focus == target and scene.selected == target
    assert "alliance" in scene.nodes and scene.nodes["alliance"].column == 3  # it feeds the alliance
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert isinstance(app.scene, WhyScene) and app.scene.subject == target
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene and scene.focus == target


def test_arrow_keys_move_the_selection_and_c_recentres(make_app) -> None:
    app = make_app()
    played(app)
    scene = open_web(app, "alliance")
    app.frame(key(pygame.K_LEFT))
    first = scene.selected
    assert first in scene.nodes and scene.nodes[first].column == 1
    app.frame(key(pygame.K_DOWN))
    assert scene.selected != first and scene.nodes[scene.selected].column == 1
    app.frame(key(pygame.K_LEFT))
    assert scene.nodes[scene.selected].column == 0
    chosen = scene.nodes[scene.selected]
    assert chosen.label[:10] in visible_texts(app)  # the info box describes the selection
    app.frame(key(pygame.K_c, text="c"))
    settle(app)
    if chosen.name in app.session.model.index:
        assert scene.focus == chosen.name
    app.frame(key(pygame.K_o, text="o"))
    settle(app)
    assert scene.focus is None and len(scene.nodes) > 100
    app.frame(key(pygame.K_o, text="o"))
    settle(app)
    assert scene.focus is not None


def test_paints_only_when_focus_season_or_size_changes(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_web(app, "alliance")
    painted = scene.paint_count
    for _ in range(5):
        app.frame()
    app.frame(key(pygame.K_DOWN))
    canvas = find(app, "web")
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=canvas.rect.center, rel=(0, 0), buttons=(0, 0, 0))])
    assert scene.paint_count == painted  # selection and hover do not lay the graph out again
    app.frame(key(pygame.K_LEFTBRACKET))
    assert scene.turn == session.turn - 1 and scene.paint_count == painted + 1


def test_hover_shows_the_node_description_and_value(make_app) -> None:
    app = make_app()
    session = played(app)
    scene = open_web(app, "alliance")
    canvas = find(app, "web")
    rect = scene.nodes["alliance"].rect
    pos = (canvas.rect.x + rect.centerx, canvas.rect.y + rect.centery)
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))])
    settle(app)
    assert scene._tip is not None
    from game.present.numbers import number

    html = scene._tip.text_block.html_text
    assert number(session.scenario.ruleset, "alliance", session.value("alliance")) in html
    description = session.scenario.ruleset.variables["alliance"].description.split()
    assert " ".join(description[:4]) in html
    save_png(app, "web-hover")
