"""The charts screen and the chart painter, rendered headless."""

from __future__ import annotations

import time

import pygame
import pytest

from game.present.index import label_of
from game.present.numbers import number
from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.canvas import Canvas
from game.ui.chart import ChartBand, ChartSeries, nearest_index, nice_ticks, paint_line_chart, percent_format, tick_format
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.charts import ChartsScene, presets
from tests.conftest import RULES
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def played(ref: str, seasons: int, historical: bool = True) -> Session:
    """``ref`` after ``seasons`` seasons (under history's policy where it has one, nudged so the
    player's path differs from it)."""
    scenario = load_scenario(ref, RULES)
    session = Session(scenario, scenario.seed if scenario.seed is not None else 1)
    for _ in range(seasons):
        if session.is_over:
            break
        if scenario.history is not None and historical:
            session.set_levers(scenario.history[session.turn])
            if "industrial_price" in scenario.levers:  # a little kinder to the village than history
                lever = session.lever("industrial_price")
                session.set_lever("industrial_price", max(lever.min, session.levers["industrial_price"] - 5 * lever.step))
        session.end_season()
    return session


def open_scene(make_app, session: Session, make_scene, size=(1280, 720), scale=1.0):
    """A headless app playing ``session`` with ``make_scene(app)`` on top, settled."""
    app = make_app(size, scale)
    app.session = session
    app.push(make_scene(app))
    settle(app)
    return app


def open_charts(make_app, session: Session, size=(1280, 720), scale=1.0, variables=None):
    return open_scene(make_app, session, lambda app: ChartsScene(app, variables), size, scale)


def canvas_texts(app, name: str = "chart") -> str:
    """What the canvas ``name`` of the current screen drew, one text a line."""
    return "\n".join(t for t, _ in find(app, name).texts)


chart_texts = canvas_texts


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_charts_show_the_chosen_variables_this_games_values_and_history(make_app, size, scale) -> None:
    session = played("nep-1923-1930", 14)
    rs = session.scenario.ruleset
    chosen = ["harvest", "grain_procured", "scissors"]
    app = open_charts(make_app, session, size, scale, chosen)
    app.frame(key(pygame.K_LEFT))  # read out the last season
    settle(app)
    save_png(app, "charts")
    texts = chart_texts(app)
    for name in chosen:
        assert label_of(rs, name) in texts
        assert f"{label_of(rs, name)}: {number(rs, name, session.value(name))}" in texts
    assert "dashed: history's policy, same seed" in texts
    assert "autumn 1926" in texts or "winter 1927" in texts  # the seasons on the x axis
    assert overlaps(app) == [] and cut_off(app) == []
    if app.scene.tight:  # a small screen shows one chart at a time: Y for the years
        app.frame(key(pygame.K_y, text="y"))
        settle(app)
        save_png(app, "charts-years")
    years = canvas_texts(app, "years")
    shown = [series for series in session.scenario.series if series.variable in chosen]  # (the others are not chosen)
    assert len(shown) == len(chosen)
    for series in shown:
        assert series.label in years
    assert "history's record" in years
    assert "Bettelheim" in visible_texts(app)  # the record's source
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_a_scenario_without_history_has_no_historical_path(make_app, size, scale) -> None:
    session = played("cooperative-plan", 6)
    app = open_charts(make_app, session, size, scale, ["harvest", "alliance"])
    save_png(app, "charts-cooperative")
    texts = chart_texts(app)
    assert "history's policy" not in texts
    assert "Harvest" in texts and "The alliance (smychka)" in texts
    with pytest.raises(KeyError):
        find(app, "years")
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_hammurabi_charts_with_its_own_indicators(make_app, size, scale) -> None:
    session = played("hammurabi-reign", 9)
    rs = session.scenario.ruleset
    app = open_charts(make_app, session, size, scale)
    save_png(app, "charts-hammurabi")
    first = rs.indicators[0]
    assert first.label in chart_texts(app)
    assert presets(session)[0].variables  # a preset even without chart hints
    app.scene.step_column(0)
    settle(app)
    assert number(rs, first.variable, session.value(first.variable)) in chart_texts(app)
    assert overlaps(app) == [] and cut_off(app) == []


def test_presets_come_from_the_rules_and_the_keys_drive_the_list(make_app) -> None:
    session = played("nep-1923-1930", 8)
    rs = session.scenario.ruleset
    app = open_charts(make_app, session)
    scene = app.scene
    hinted = [i for i in rs.indicators if i.chart]
    scissors = next(i for i in hinted if i.variable == "scissors")
    app.frame(key(pygame.K_1 + hinted.index(scissors), text=str(1 + hinted.index(scissors))))
    settle(app)
    assert scene.chosen == scissors.chart
    assert {"farm_price_index", "retail_goods_price", "village_goods_supply"} <= set(scene.chosen)
    for name in scissors.chart:
        assert label_of(rs, name) in chart_texts(app)
    # Down twice then Enter: the third entry of the list joins the chart; Enter again takes it off.
    app.frame(key(pygame.K_DOWN) + key(pygame.K_DOWN))
    third = scene.picks.visible()[2][1]
    app.frame(key(pygame.K_RETURN))
    assert scene.chosen[-1] == third
    app.frame(key(pygame.K_RETURN))
    assert third not in scene.chosen
    # Delete clears; the chart says how to start.
    app.frame(key(pygame.K_DELETE))
    settle(app)
    assert scene.chosen == [] and "Choose a variable" in chart_texts(app)
    # No more than six at once: the seventh is refused with a message.
    for _ in range(7):
        app.frame(key(pygame.K_RETURN) + key(pygame.K_DOWN))
    settle(app)
    assert len(scene.chosen) == 6 and "Up to 6" in visible_texts(app)


def test_the_filter_narrows_the_list_and_enter_adds_the_first_match(make_app) -> None:
    session = played("nep-1923-1930", 4)
    app = open_charts(make_app, session, variables=["alliance"])
    scene = app.scene
    app.frame(key(pygame.K_SLASH, text="/"))
    settle(app)
    for ch in "kulak":
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))
    settle(app)
    assert scene.picks.filter == "kulak"
    listed = "\n".join(t for t, _ in find(app, "variables").texts)
    assert "Kulak leverage" in listed and "Harvest" not in listed
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert scene.chosen[-1] == scene.picks.visible()[0][1]


def test_clicking_the_list_toggles_and_hovering_reads_a_season(make_app) -> None:
    session = played("nep-1923-1930", 6)
    rs = session.scenario.ruleset
    app = open_charts(make_app, session, variables=["alliance"])
    scene = app.scene
    listing = find(app, "variables")
    rect, name = next((r, n) for r, n in listing.hotspots if n == "harvest")
    app.frame(click((listing.rect.x + rect.centerx, listing.rect.y + rect.centery)))
    settle(app)
    assert "harvest" in scene.chosen
    chart = find(app, "chart")
    layout = scene.layout
    x = chart.rect.x + layout.xs[3]
    app.frame([pygame.event.Event(pygame.MOUSEMOTION, pos=(x, chart.rect.y + layout.plot.centery), rel=(0, 0), buttons=(0, 0, 0))])
    settle(app)
    assert scene.column == 3
    season = session.history[3].season.split("-")
    assert f"{season[1]} {season[0]}" in chart_texts(app)
    assert f"The alliance (smychka): {number(rs, 'alliance', session.value('alliance', 3))}" in chart_texts(app)


def test_the_okabe_ito_palette_colours_the_lines(make_app) -> None:
    from game.ui.palette import palette

    session = played("nep-1923-1930", 4)
    app = make_app()
    app.settings = app.settings.model_copy(update={"palette": "okabe-ito"})
    app.session = session
    app.push(ChartsScene(app, ["alliance"]))
    settle(app)
    chart = find(app, "chart")
    colour = palette("okabe-ito").colour(0)
    image = chart.image
    found = any(image.get_at((x, y))[:3] == tuple(colour)[:3] for x in range(image.get_width()) for y in range(0, image.get_height(), 2))
    assert found


def test_the_chart_painter_ticks_bands_gaps_and_readouts(make_app) -> None:
    assert nice_ticks(0, 97) == [0, 20, 40, 60, 80, 100]
    assert tick_format([0, 0.25, 0.5])(0.25) == "0.25"
    assert tick_format([-2, 0, 2])(-2) == "−2" and tick_format([-2000, 0, 2000])(-2000) == "−2,000"  # a true minus, as everywhere
    assert percent_format([-0.1, 0, 0.1])(-0.1) == "−10%" and tick_format([1.87])(-1.87) == "−1.87"
    app = make_app()
    from game.ui.palette import palette

    holder: dict = {}

    def paint(canvas, surface):
        holder["layout"] = paint_line_chart(
            canvas, surface, [ChartSeries("A", [1.0, None, 3.0, 4.0], 0), ChartSeries("B", [2.0, 2.5, None, 1.0], 1, dashed=True)],
            palette=palette("okabe-ito"), title="T", y_label="units", x_labels=["w", "x", "y", "z"],
            band=ChartBand([None, None, 2.0, 3.0], [None, None, 4.0, 6.0], 2, "range"))

    canvas = Canvas(pygame.Rect(0, 0, 400, 300), app.ui, paint, 1.0)
    texts = [t for t, _ in canvas.texts]
    assert {"T", "A", "B", "range", "units", "w", "z"} <= set(texts)
    layout = holder["layout"]
    assert layout.points[0][1] is None and layout.points[1][2] is None  # gaps stay gaps
    assert nearest_index(layout, layout.points[0][3]) == 3
    assert nearest_index(layout, (0, 0)) is None


def test_an_unknown_chart_variable_is_a_located_problem(tmp_path) -> None:
    import shutil

    from game.rules.problems import LoadError

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    outcomes = rules / "base" / "outcomes.toml"
    outcomes.write_text(outcomes.read_text().replace('"village_goods_supply"]', '"village_goods_suply"]', 1))
    with pytest.raises(LoadError) as err:
        load_scenario("nep-1923-1930", rules)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "outcomes.toml" in text and "village_goods_suply" in text and "village_goods_supply" in text


def test_charts_frame_time(make_app) -> None:
    session = played("nep-1923-1930", 27)
    app = open_charts(make_app, session, variables=["harvest", "grain_procured", "scissors", "alliance"])
    chart = find(app, "chart")
    times = []
    for i in range(120):
        x = chart.rect.x + 40 + (i * 7) % (chart.rect.w - 80)
        events = [pygame.event.Event(pygame.MOUSEMOTION, pos=(x, chart.rect.centery), rel=(1, 0), buttons=(0, 0, 0))]
        start = time.perf_counter()
        app.frame(events)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    start = time.perf_counter()
    app.scene.use_preset(app.scene.presets[0])
    app.frame()
    switch = (time.perf_counter() - start) * 1000
    print(f"\ncharts screen at 1280x720, {session.turn}-season game, pointer moving over the chart: frame p50 {times[60]:.1f} ms, "
          f"p95 {times[113]:.1f} ms, max {times[-1]:.1f} ms; switching preset {switch:.1f} ms")


def test_history_that_cannot_be_replayed_drops_its_line_but_a_bug_is_not_hidden(make_app, monkeypatch) -> None:
    import game.ui.scenes.charts as charts_module
    from game.engine import RuleError
    from game.session import LeverRejected

    app = open_charts(make_app, played("nep-1923-1930", 3))
    scene = app.scene
    for failure in (RuleError("harvest", "1923-autumn", "came out as nan"), LeverRejected("tax: out of range")):
        def fail(session, turns=None, failure=failure):  # type: ignore[no-untyped-def]
            raise failure

        monkeypatch.setattr(charts_module, "historical_path", fail)
        scene._replay_key = None
        assert scene.replay() is None

    def broken(session, turns=None):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug, not a rule")

    monkeypatch.setattr(charts_module, "historical_path", broken)
    scene._replay_key = None
    with pytest.raises(ZeroDivisionError):
        scene.replay()
