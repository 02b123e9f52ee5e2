"""The forecast screen, rendered headless."""

from __future__ import annotations

import pygame
import pytest

from game.forecast import forecast
from game.present.numbers import number
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.forecast import AHEAD, RUNS, ForecastScene, range_sentence
from tests.test_forecast import until_summer_next
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle
from tests.ui.test_charts import canvas_texts, open_scene, played


def until_summer(ref: str, seasons: int):
    return until_summer_next(played(ref, seasons))


def open_forecast(make_app, session, size=(1280, 720), scale=1.0):
    return open_scene(make_app, session, ForecastScene, size, scale)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_the_forecast_shows_this_sessions_ranges(make_app, size, scale) -> None:
    session = until_summer("nep-1923-1930", 8)
    rs = session.scenario.ruleset
    history, levers = list(session.history), dict(session.levers)
    app = open_forecast(make_app, session, size, scale)
    save_png(app, "forecast")
    assert session.history == history and session.levers == levers
    expected = forecast(session, runs=RUNS, seasons=AHEAD)
    texts = canvas_texts(app, "ranges")
    first = rs.indicators[0]
    r = expected.range(first.variable)
    assert first.label in texts or first.label[:8] in texts
    assert f"now {number(rs, first.variable, r.current)}" in texts
    harvest = expected.range("harvest")
    sentence = range_sentence(lambda v: number(rs, "harvest", v), harvest)
    assert sentence.startswith("between") and any(sentence in t for t in texts.splitlines())
    everything = visible_texts(app)
    assert "What makes the spread" in everything and "Weather" in everything
    assert f"played {RUNS} times" in everything
    assert "replays history's weather" in everything
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_hammurabi_forecast_names_its_own_draws(make_app, size, scale) -> None:
    session = played("hammurabi-reign", 5)
    app = open_forecast(make_app, session, size, scale)
    save_png(app, "forecast-hammurabi")
    texts = visible_texts(app)
    assert "Rat share" in texts or "Price shock" in texts
    assert session.scenario.ruleset.indicators[0].label in canvas_texts(app, "ranges")
    assert overlaps(app) == [] and cut_off(app) == []


def test_a_season_without_chance_says_so(make_app) -> None:
    session = played("nep-1923-1930", 1)  # next: spring 1924, no weather drawn
    assert session.next_season.name != "summer"
    app = open_forecast(make_app, session)
    texts = visible_texts(app)
    assert "Nothing in the rules is left to chance" in texts
    assert "drawn in summer only" in texts
    assert "whatever the weather" in canvas_texts(app, "ranges")


def test_keys_and_clicks_choose_the_indicator_of_the_chart_and_esc_goes_back(make_app) -> None:
    from game.ui.scenes.title import TitleScene

    session = until_summer("nep-1923-1930", 4)
    app = make_app()
    app.session = session
    app.push(TitleScene(app))
    app.push(ForecastScene(app))
    settle(app)
    scene = app.scene
    indicators = scene.shown
    app.frame(key(pygame.K_DOWN) + key(pygame.K_DOWN))
    settle(app)
    assert scene.cursor == 2
    assert f"{indicators[2].label}: the year ahead" in "\n".join(t for t, _ in find(app, "chart").texts)
    rows = find(app, "ranges")
    rect, index = next((r, i) for r, i in rows.hotspots if i == 0)
    app.frame(click((rows.rect.x + rect.centerx, rows.rect.y + rect.centery)))
    settle(app)
    assert scene.cursor == 0
    app.frame(key(pygame.K_c, text="c"))
    settle(app)
    from game.ui.scenes.charts import ChartsScene

    assert isinstance(app.scene, ChartsScene) and app.scene.chosen == [indicators[0].variable]
    app.frame(key(pygame.K_ESCAPE))
    assert app.scene is scene
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene)


def test_the_forecast_follows_the_levers(make_app) -> None:
    session = played("nep-1923-1930", 4)
    app = open_forecast(make_app, session)
    before = app.scene.result
    lever = session.lever("industrial_price")
    session.set_lever("industrial_price", min(lever.max, session.levers["industrial_price"] + 10 * lever.step))
    app.rebuild()  # as when the screen is shown again
    after = app.scene.result
    assert after is not before
    assert after.range("scissors").median < before.range("scissors").median
