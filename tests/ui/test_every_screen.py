"""Every screen of the window, rendered at two sizes and two scales from a real game: nothing
overlaps, nothing is cut off, no character falls outside the font (no boxes for glyphs), and
the PNG is saved under out/ui/ for a person to look at."""

from __future__ import annotations

import warnings

import pytest

from game.rules.scenario import load_scenario
from game.session import Session
from game.ui.games import start_session
from game.ui.inspect import cut_off, missing_glyphs, overlaps
from tests.conftest import ROOT
from tests.ui.conftest import SCALES, SIZES, save_png, settle


def played(ident: str, seasons: int | None = None, history: bool = False) -> Session:
    scenario = load_scenario(ident, ROOT / "rules")
    session = Session(scenario, 3)
    while not session.is_over and (seasons is None or session.turn < seasons):
        if history and scenario.history is not None and session.turn < len(scenario.history):
            session.set_levers(scenario.history[session.turn])
        session.end_season()
    return session


def screens(app):  # type: ignore[no-untyped-def]
    """(name, a function that shows the screen) for every screen."""
    from game.ui.scenes.charts import ChartsScene
    from game.ui.scenes.debrief import DebriefScene
    from game.ui.scenes.encyclopedia import EncyclopediaScene
    from game.ui.scenes.forecast import ForecastScene
    from game.ui.scenes.picker import PickerScene
    from game.ui.scenes.report import ReportScene
    from game.ui.scenes.saves import SavesScene
    from game.ui.scenes.settings import SettingsScene
    from game.ui.scenes.title import TitleScene
    from game.ui.scenes.web import WebScene
    from game.ui.scenes.why import WhyScene

    def game(ident: str, **kw):  # type: ignore[no-untyped-def]
        return lambda: start_session(app, played(ident, **kw))

    return [
        ("every-title", [lambda: app.reset_to(TitleScene(app))]),
        ("every-picker", [lambda: app.push(PickerScene(app))]),
        ("every-dashboard", [game("nep-1923-1930", seasons=6, history=True)]),
        ("every-report", [lambda: app.push(ReportScene(app))]),
        ("every-why", [lambda: app.push(WhyScene(app, app.session.scenario.ruleset.indicators[0].variable))]),
        ("every-web", [lambda: app.push(WebScene(app))]),
        ("every-charts", [lambda: app.push(ChartsScene(app))]),
        ("every-forecast", [lambda: app.push(ForecastScene(app))]),
        ("every-encyclopedia", [lambda: app.push(EncyclopediaScene(app, "term:kulak"))]),
        ("every-save", [lambda: app.push(SavesScene(app, mode="save"))]),
        ("every-settings", [lambda: app.push(SettingsScene(app))]),
        ("every-error", [lambda: app.show_problems("The save 'x.json' cannot be opened", ["x.json:3:7: error: expected a number, found \"many\""])]),
        ("every-debrief", [game("nep-1923-1930", history=True), lambda: app.push(DebriefScene(app))]),
        ("every-tutorial", [game("scissors-1923", seasons=2)]),
        ("every-load", [lambda: app.reset_to(TitleScene(app)), lambda: app.push(SavesScene(app, mode="load"))]),
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_every_screen_is_laid_out_whole_in_the_font(make_app, size, scale) -> None:
    app = make_app(size, scale)
    problems = []
    for name, steps in screens(app):
        for show in steps:
            show()
        settle(app)
        save_png(app, name)
        problems += [f"{name}: {p}" for p in overlaps(app) + cut_off(app)]
        problems += [f"{name}: no glyph for {p}" for p in missing_glyphs(app)]
    assert problems == []


@pytest.mark.parametrize("size", [(1024, 640), (1280, 720)])
def test_no_label_is_too_small_for_its_text_at_200_percent(make_app, size) -> None:
    """pygame_gui warns when a label's text does not fit its rectangle (the settings' rows at
    1024 × 640, the encyclopedia's heading and the error screen's count line did at 200 %)."""
    app = make_app(size, 2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _name, steps in screens(app):
            for show in steps:
                show()
            settle(app)
    assert [str(w.message) for w in caught if "too small" in str(w.message)] == []
