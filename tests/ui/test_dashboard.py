"""The season dashboard, rendered headless on real sessions (nep-1923-1930: 13 levers, the
densest; scissors-1923: most levers locked), and driven with synthetic keys and clicks."""

from __future__ import annotations

import time

import pygame
import pytest

from game.present.index import indicators
from game.present.levers import lever_text
from game.present.numbers import number, quantity
from game.present.seasons import season_label, season_title
from game.present.story import season_log, yearly_reading
from game.ui.games import new_game
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.scenes.dashboard import DashboardScene, class_panels
from game.ui.scenes.report import ReportScene
from game.ui.scenes.title import TitleScene
from tests.conftest import RULES
from tests.ui.conftest import SCALES, SIZES, click, key, save_png, settle


def start(app, scenario: str, seasons: int = 0, levers: dict[str, float] | None = None) -> DashboardScene:
    session = new_game(app, scenario)
    assert session is not None
    if levers is not None:
        session.set_levers(levers)
    for _ in range(seasons):
        session.end_season()
    app.rebuild()
    settle(app)
    assert isinstance(app.scene, DashboardScene)
    return app.scene


@pytest.mark.parametrize("scenario", ["nep-1923-1930", "scissors-1923"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scale", SCALES)
def test_dashboard_shows_this_sessions_numbers_without_overlap(make_app, scenario, size, scale) -> None:
    app = make_app(size, scale)
    scene = start(app, scenario, seasons=2)
    save_png(app, f"dashboard-{scenario}")
    s = app.session
    rs = s.scenario.ruleset
    texts = visible_texts(app)
    assert season_title(s.next_season) in texts and f"season {s.turn + 1} of {s.scenario.seasons}" in texts
    # Every lever on the page: its value in the entry, its bounds or its lock.
    assert scene.rows
    for name, row in scene.rows.items():
        assert row.entry.get_text() == lever_text(s, name, s.levers[name])
        lever = s.scenario.levers[name]
        if name in s.scenario.locked:
            assert "locked" in find(app, f"lock:{name}").texts[0][0]
            assert not row.slider.is_enabled
        else:
            assert f"{lever.min:g}" in row.bounds.text or "/" in row.bounds.text
    # The gauge, the classes and the indicator table show the session's values as formatted.
    headline = indicators(rs)[0].variable
    assert number(rs, headline, s.value(headline)) in visible_texts(app).split("\n")
    classes = "\n".join(t for t, _ in find(app, "classes").texts)
    for panel in class_panels(rs):
        assert number(rs, panel.lead, s.value(panel.lead)) in classes
    table = [t for t, _ in find(app, "indicators").texts]
    first = scene.listed[0]
    assert quantity(rs, first.variable, s.value(first.variable)) in table  # with its unit
    assert overlaps(app) == []
    assert cut_off(app) == []


def test_the_tutorial_shows_only_its_free_levers_and_marks_the_lesson_s_lever(make_app) -> None:
    app = make_app()
    scene = start(app, "scissors-1923")
    s = app.session
    free = [n for n in s.scenario.levers if n not in s.scenario.locked]
    assert list(scene.rows) == free  # a tutorial hides the levers it locks
    texts = visible_texts(app)
    assert "» Price of manufactures — try 200" in texts  # the first lesson points at its lever
    assert "Lesson: The blades of the scissors." in find(app, "log").html_text
    locked = sorted(s.scenario.locked)[0]
    assert not scene.apply(locked, s.scenario.levers[locked].max)
    assert "locked" in visible_texts(app)


def test_other_scenarios_show_locked_levers_after_the_free_ones_with_a_padlock(make_app) -> None:
    app = make_app()
    scene = start(app, "hammurabi-short")
    s = app.session
    free = [n for n in s.scenario.levers if n not in s.scenario.locked]
    assert list(scene.rows)[: len(free)] == free
    locked = sorted(s.scenario.locked)[0]
    scene.show_lever(locked)
    settle(app)
    assert "locked" in visible_texts(app)
    assert not scene.apply(locked, s.scenario.levers[locked].max)


def test_typing_a_number_sets_the_lever_and_an_out_of_bounds_one_is_refused_with_its_bounds(make_app) -> None:
    app = make_app((1024, 640), 1.5)
    scene = start(app, "nep-1923-1930")
    s = app.session
    entry = find(app, "entry:procurement_price")
    app.frame(click(entry.rect.center))
    app.frame(key(pygame.K_a, mod=pygame.KMOD_CTRL))
    for ch in "120":
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert s.levers["procurement_price"] == 120
    entry = find(app, "entry:procurement_price")
    app.frame(click(entry.rect.center))
    app.frame(key(pygame.K_a, mod=pygame.KMOD_CTRL))
    for ch in "999":
        app.frame(key(getattr(pygame, f"K_{ch}"), text=ch))
    app.frame(key(pygame.K_RETURN))
    settle(app)
    save_png(app, "dashboard-refused")
    texts = visible_texts(app)
    assert s.levers["procurement_price"] == 120  # unchanged
    assert "outside the bounds" in texts and "50 to 250" in texts
    assert find(app, "entry:procurement_price").get_text() == "120"  # the entry reverted
    assert overlaps(app) == [] and cut_off(app) == []
    # Off the steps, and not a number: refused too, the session's value kept.
    scene.commit_entry_text = None
    row = scene.rows["procurement_price"]
    row.entry.set_text("121")
    scene.commit_entry(row)
    assert "steps of 5" in scene.message and s.levers["procurement_price"] == 120
    row.entry.set_text("lots")
    scene.commit_entry(row)
    assert "not a value" in scene.message and s.levers["procurement_price"] == 120


def test_choice_levers_take_names_and_show_them(make_app) -> None:
    app = make_app()
    scene = start(app, "nep-1923-1930")
    s = app.session
    scene.show_lever("emergency_measures")
    settle(app)
    row = scene.rows["emergency_measures"]
    assert row.entry.get_text() == "none"
    row.entry.set_text("requisition")
    scene.commit_entry(row)
    assert s.levers["emergency_measures"] == 1 and row.entry.get_text() == "requisition"


def test_keyboard_nudges_the_focused_slider_and_mouse_clicks_move_it(make_app) -> None:
    app = make_app()
    scene = start(app, "nep-1923-1930")
    s = app.session
    app.frame(key(pygame.K_TAB))  # the first slider
    assert app.focus is scene.rows["procurement_price"].slider
    first = s.levers["procurement_price"]  # the first season offers history's autumn-1923 levers
    assert first == s.scenario.history[0]["procurement_price"]
    app.frame(key(pygame.K_RIGHT))
    assert s.levers["procurement_price"] == first + 5
    app.frame(key(pygame.K_LEFT, mod=pygame.KMOD_SHIFT))
    assert s.levers["procurement_price"] == max(first + 5 - 50, s.scenario.levers["procurement_price"].min)
    slider = find(app, "slider:goods_to_village")
    goods = s.levers["goods_to_village"]
    app.frame(click(slider.right_button.rect.center))
    settle(app, 3)
    assert s.levers["goods_to_village"] == pytest.approx(goods + 0.05)
    # A click on the track jumps there (the far right end: the lever's maximum).
    app.frame(click((slider.right_button.rect.left - 1, slider.rect.centery)))
    settle(app)
    assert s.levers["goods_to_village"] == pytest.approx(s.scenario.levers["goods_to_village"].max)
    assert find(app, "entry:goods_to_village").get_text() == lever_text(s, "goods_to_village", s.levers["goods_to_village"])


def test_pages_show_every_lever(make_app) -> None:
    app = make_app((1024, 640), 1.5)
    scene = start(app, "nep-1923-1930")
    seen: list[str] = []
    for _ in range(20):
        seen += [n for n in scene.rows if n not in seen]
        app.frame(key(pygame.K_PAGEDOWN))
        settle(app)
        assert overlaps(app) == [] and cut_off(app) == []
    assert seen == scene.lever_order() and len(seen) == 13


def test_end_season_undo_redo_and_escape(make_app, capsys) -> None:
    app = make_app()
    start(app, "nep-1923-1930")
    s = app.session
    started = time.perf_counter()
    app.frame(key(pygame.K_RETURN, mod=pygame.KMOD_CTRL))
    elapsed = (time.perf_counter() - started) * 1000
    assert isinstance(app.scene, ReportScene) and s.turn == 1
    with capsys.disabled():
        print(f"\nEnd season -> report drawn: {elapsed:.0f} ms (report scene: {app.scene.shown_after_ms:.0f} ms)")
    settle(app, 3)
    assert list((app.saves_dir / "autosave").glob("*.json")), "the season was autosaved"
    app.frame(key(pygame.K_RETURN))  # Continue
    assert isinstance(app.scene, DashboardScene)
    app.frame(key(pygame.K_z, mod=pygame.KMOD_CTRL))
    assert s.turn == 0 and "taken back" in visible_texts(app)
    app.frame(key(pygame.K_y, mod=pygame.KMOD_CTRL))
    assert s.turn == 1
    app.frame(key(pygame.K_ESCAPE))
    assert isinstance(app.scene, TitleScene) and app.session is s
    assert "Continue" in visible_texts(app)


def keys_open(app, scene: DashboardScene, opened: dict[int, str]) -> None:
    """Each key opens the view named (a scene class) over the dashboard; back to the dashboard."""
    for code, name in opened.items():
        app.frame(key(code, text=pygame.key.name(code)))
        settle(app)
        assert type(app.scene).__name__ == name
        app.pop()
        settle(app)
        assert app.scene is scene


def test_why_chart_and_other_views_open(make_app) -> None:
    app = make_app()
    scene = start(app, "nep-1923-1930", seasons=1)
    table = find(app, "indicators")
    hotspot, variable = table.hotspots[0]
    app.frame(click((table.rect.x + hotspot.centerx, table.rect.y + hotspot.centery)))
    settle(app)
    assert type(app.scene).__name__ == "WhyScene" and app.scene.subject == variable
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene
    keys_open(app, scene, {pygame.K_c: "ChartsScene", pygame.K_g: "WebScene", pygame.K_k: "EncyclopediaScene",
                           pygame.K_w: "WhyScene", pygame.K_f: "ForecastScene"})
    app.frame(key(pygame.K_s, mod=pygame.KMOD_CTRL))
    settle(app)
    assert type(app.scene).__name__ == "SavesScene" and app.scene.mode == "save"


def test_a_failing_season_is_shown_not_raised(make_app, monkeypatch) -> None:
    from game.engine import RuleError

    app = make_app()
    scene = start(app, "nep-1923-1930")

    def fail(*args: object, **kwargs: object) -> None:
        raise RuleError("harvest", "1923-autumn", "came out as nan")

    monkeypatch.setattr(app.session, "end_season", fail)
    scene.end_season()
    settle(app)
    assert isinstance(app.scene, DashboardScene)
    assert "came out as nan" in visible_texts(app)


def test_a_change_too_small_to_show_gets_no_arrow_and_no_colour() -> None:
    from game.rules.scenario import load_scenario
    from game.ui.palette import palette
    from game.ui.scenes.dashboard import moved
    from game.ui.widgets.gauge import trend_colour
    from tests.conftest import ROOT

    rs = load_scenario("nep-1923-1930", ROOT / "rules").ruleset
    trust = next(i for i in rs.indicators if i.better == "higher" and i.format.endswith("0f"))
    # 40.1 -> 40.3 shows as 40 -> 40: no change, no arrow, no colour.
    assert moved(rs, trust.variable, 40.1, 40.3) == (0.0, "no change")  # a change of nothing is not written as one
    assert trend_colour(palette("standard"), moved(rs, trust.variable, 40.1, 40.3)[0], "higher") == palette("standard").neutral
    # The change shown is the difference of the values shown: 40.4 -> 42.6 shows 40 -> 43, '+3'.
    assert moved(rs, trust.variable, 40.4, 42.6) == (3.0, "+3")
    assert moved(rs, trust.variable, 42.0, 40.0) == (-2.0, "−2")


def test_leaving_the_report_on_the_next_frame_still_autosaves_every_season(make_app) -> None:
    """E, then Enter on the very next frame (before the report's second frame): each season is
    autosaved all the same, once."""
    from game.saves import load_save
    from tests.conftest import ROOT

    app = make_app()
    start(app, "nep-1923-1930")
    s = app.session
    for n in range(1, 4):
        app.frame(key(pygame.K_e, text="e"))
        assert isinstance(app.scene, ReportScene) and s.turn == n
        app.frame(key(pygame.K_RETURN))
        assert isinstance(app.scene, DashboardScene)
    settle(app, 3)
    autosaves = sorted((app.saves_dir / "autosave").glob("*.json"))
    assert len(autosaves) == 3
    assert [load_save(p, ROOT / "rules").turn for p in autosaves] == [1, 2, 3]


# -- the compact layout of small windows (few logical pixels: a small window or a large scale) --

def footer_buttons(app) -> list:
    """The footer's buttons, as laid out on the dashboard."""
    names = ("end", "undo", "redo", "why", "charts", "web", "forecast", "encyclopedia", "save", "menu", "more")
    return [e for n, e in app.scene.placed if n in names]


def test_the_full_layout_stays_where_there_is_room(make_app) -> None:
    app = make_app((1280, 720), 1.0)
    scene = start(app, "nep-1923-1930", seasons=2)
    assert not scene.compact and not scene.folded and not scene.log_folded
    assert len(scene.rows) >= 6 and all(row.bounds is not None for row in scene.rows.values())
    assert [b.text for b in footer_buttons(app)][5:8] == ["Causal web", "Forecast", "Encyclopedia"]
    assert "What happened in" in visible_texts(app)


def test_compact_at_1024x640_150_shows_four_levers_four_indicators_and_one_button_row(make_app) -> None:
    app = make_app((1024, 640), 1.5)
    scene = start(app, "nep-1923-1930", seasons=2)
    save_png(app, "dashboard-compact")
    s = app.session
    assert scene.compact
    assert len(scene.rows) >= 4
    for name, row in scene.rows.items():  # each wholly visible, with its value
        for element in (row.label, row.slider, row.entry):
            assert element.visible and pygame.Rect((0, 0), app.size).contains(element.rect)
        assert row.entry.get_text() == lever_text(s, name, s.levers[name])
    table = find(app, "indicators")
    assert scene.table_rows >= 4 and len(table.hotspots) >= 4
    shown = [t for t, _ in table.texts]
    for ind in scene.listed[:4]:
        reading = yearly_reading(s, ind.variable)  # a harvest between harvests: this year's, never its zero
        label = reading.label[:1].upper() + reading.label[1:] if reading else ind.label
        value = reading.value if reading else s.value(ind.variable)
        assert label in shown and quantity(s.scenario.ruleset, ind.variable, value) in shown
        assert any(t.bottom <= table.rect.h for text, t in table.texts if text == label)
    # The buttons in one row; the three folded ones behind "More"; the log one line.
    buttons = footer_buttons(app)
    assert len({b.rect.y for b in buttons}) == 1
    assert [b.text for b in buttons] == ["End season", "Undo", "Redo", "Why", "Charts", "Save", "Menu", "More"]
    events, _ = season_log(s)
    line = find(app, "log-line").text
    assert "V to read" in line and season_label(s.state.season) in line
    assert (f"{len(events)} event" if events else "No events") in line
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size,scale", [((1024, 640), 1.5), ((1280, 720), 1.5), ((1280, 720), 2.0), ((1024, 640), 2.0)])
def test_compact_layouts_neither_overlap_nor_cut_off(make_app, size, scale) -> None:
    """At every small logical size: the dashboard, its "More" popup and its opened event log."""
    app = make_app(size, scale)
    scene = start(app, "nep-1923-1930", seasons=3)
    assert scene.compact and scene.folded and scene.log_folded
    assert len(scene.rows) >= 3 and scene.table_rows >= 2
    save_png(app, "dashboard-compact")
    assert overlaps(app) == [] and cut_off(app) == []
    assert len({b.rect.y for b in footer_buttons(app)}) == 1
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    save_png(app, "dashboard-compact-more")
    assert overlaps(app) == [] and cut_off(app) == []
    popup = scene.more_rect
    assert popup is not None and pygame.Rect((0, 0), app.size).contains(popup)
    app.frame(key(pygame.K_ESCAPE))
    app.frame(key(pygame.K_v, text="v"))
    settle(app)
    save_png(app, "dashboard-compact-log")
    assert overlaps(app) == [] and cut_off(app) == []


def test_the_more_button_opens_the_folded_views_by_click_and_by_key(make_app) -> None:
    app = make_app((1024, 640), 1.5)
    scene = start(app, "nep-1923-1930", seasons=1)
    # F1 lists the folded views' keys and the one of "More".
    listed = {sc.label: sc.what for sc in scene.shortcuts}
    assert {"G", "F", "K", "M"} <= set(listed)
    # A click on "More" opens the popup; a click on its "Causal web" opens the web.
    app.frame(click(find(app, "more").rect.center))
    settle(app)
    assert scene.more_open and "Causal web (G)" in visible_texts(app)
    assert app.focus is find(app, "more:web")  # the keyboard is in the popup
    app.frame(click(find(app, "more:web").rect.center))
    settle(app)
    assert type(app.scene).__name__ == "WebScene"
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene and not scene.more_open and "Causal web (G)" not in visible_texts(app)
    # M opens it, Enter presses the focused entry (Causal web), Tab moves on to Forecast.
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    assert scene.more_open
    app.frame(key(pygame.K_TAB))
    assert app.focus is find(app, "more:forecast")
    app.frame(key(pygame.K_RETURN))
    settle(app)
    assert type(app.scene).__name__ == "ForecastScene"
    app.pop()
    settle(app)
    # Esc closes the popup (and does not leave the dashboard); a click outside closes it too.
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    app.frame(key(pygame.K_ESCAPE))
    settle(app)
    assert app.scene is scene and not scene.more_open
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    app.frame(click(find(app, "title").rect.center))
    settle(app)
    assert app.scene is scene and not scene.more_open
    # The folded views' own keys work with the popup closed.
    keys_open(app, scene, {pygame.K_g: "WebScene", pygame.K_f: "ForecastScene", pygame.K_k: "EncyclopediaScene"})
    # A click on the popup's margin reaches neither the indicator table below it nor closes it.
    app.frame(key(pygame.K_m, text="m"))
    settle(app)
    margin = (scene.more_rect.x + 2, scene.more_rect.centery)
    assert find(app, "indicators").rect.collidepoint(margin)
    app.frame(click(margin))
    settle(app)
    assert app.scene is scene and scene.more_open


def test_the_folded_event_log_opens_by_click_and_by_key(make_app) -> None:
    app = make_app((1024, 640), 1.5)
    scene = start(app, "nep-1923-1930", seasons=2)
    assert scene.log_folded and "What happened in" not in visible_texts(app)
    app.frame(click(find(app, "log-line").rect.center))
    settle(app)
    texts = visible_texts(app)
    assert f"What happened in {season_label(app.session.state.season)}" in texts and "Back to the key indicators (V)" in texts
    assert overlaps(app) == [] and cut_off(app) == []
    # Up/Down and W still work on the hidden table's selection.
    app.frame(key(pygame.K_DOWN))
    assert scene.selected == 1
    app.frame(key(pygame.K_v, text="v"))
    settle(app)
    assert "What happened in" not in visible_texts(app) and find(app, "indicators").visible
    app.frame(key(pygame.K_v, text="v"))
    settle(app)
    assert "What happened in" in visible_texts(app)
    app.frame(key(pygame.K_w, text="w"))
    settle(app)
    assert type(app.scene).__name__ == "WhyScene" and app.scene.subject == scene.listed[1].variable


def test_warnings_come_before_the_loss_and_the_last_report_opens_with_the_ending(make_app) -> None:
    """nep-1923-1930 with most manufactures kept in the towns (goods to the village 0.3, the
    other levers at their defaults) heads for a bread crisis: the dashboard says so (from the
    forecast) with the loss meters past their warning point, and the report of the season that
    ends the game opens with the ending."""
    from game.present.warnings import meters
    from game.rules.scenario import load_scenario

    app = make_app()
    levers = {name: lever.default for name, lever in load_scenario("nep-1923-1930", RULES).levers.items()}
    start(app, "nep-1923-1930", seasons=3, levers={**levers, "goods_to_village": 0.3})
    s = app.session
    log = find(app, "log").html_text
    assert "Warning:</b> Bread crisis within 2 seasons in" in log
    for meter in meters(s):
        assert meter.label in log  # every loss meter, with its threshold
    assert any(m.warning for m in meters(s))
    while not s.is_over:
        s.end_season()
    app.push(ReportScene(app))
    settle(app)
    report = app.scene.report
    assert report.ending is not None and report.ending.title == "Bread crisis"
    assert app.scene.compose()[0].runs[0].text.startswith("The game is over: Bread crisis")
    assert "The game is over: Bread crisis" in visible_texts(app) or "The game is over" in " ".join(t for t, _ in find(app, "report").texts)


@pytest.mark.parametrize(("size", "scale"), [((1280, 800), 1.0), ((1024, 640), 1.0), ((1024, 640), 1.5)])
def test_class_panels_show_every_name_and_change_uncut(make_app, size, scale) -> None:
    """Each class's name (at least without its gloss: 'Kulaks'), its number and its change are
    drawn whole; a name is never cut to 'Middle peasa…'."""
    from game.ui.layout import without_gloss

    app = make_app(size, scale)
    scene = start(app, "procurement-crisis-1927", 5)
    texts = [text for text, _ in find(app, "classes").texts]
    assert texts and [t for t in texts if "…" in t] == []
    for panel in scene.panels:
        assert panel.title in texts or without_gloss(panel.title) in texts


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 1.0), ((1920, 1080), 1.0)])
def test_class_cards_show_each_number_with_its_unit_and_no_id_for_a_label(make_app, size, scale) -> None:
    """'Private traders' markup ×1.19', 'Kulaks' sales 0.27 Mt', 'Unemployment 1.28 M': never a
    bare '1.19' beside a label, nor a variable's id in words ('kulak grain share') for a label."""
    from game.present.numbers import display, short_quantities

    app = make_app(size, scale)
    scene = start(app, "nep-1923-1930", 2)
    s = app.session
    rs = s.scenario.ruleset
    texts = [text for text, _ in find(app, "classes").texts]
    shown = 0
    for panel in scene.panels:
        for name in panel.stocks:
            values = short_quantities(rs, name, s.value(name))
            drawn = [t for t in texts if t in values]
            if not drawn:
                continue  # no room for this stock at this size
            shown += 1
            if display(rs, name).unit:
                assert number(rs, name, s.value(name)) not in texts or number(rs, name, s.value(name)) in values, name
            assert name.replace("_", " ") not in texts, f"{name}: its id in words for a label"
    assert shown
    markup = short_quantities(rs, "private_markup", s.value("private_markup"))
    assert markup == ["×" + number(rs, "private_markup", s.value("private_markup"))] and markup[0] in texts


@pytest.mark.parametrize("size", SIZES)
def test_every_free_lever_s_label_fits_its_row_at_150_percent(make_app, size) -> None:
    """A lever's label is its name, whole: a long explanation belongs in its description (the
    tooltip), not in a label the row cuts off with an ellipsis."""
    app = make_app(size, 1.5)
    scene = start(app, "procurement-crisis-1927")
    s = app.session
    cut = []
    for name in s.scenario.levers:
        if s.is_locked(name):
            continue
        scene.show_lever(name)
        settle(app)
        shown = find(app, f"lever:{name}").text
        if shown != s.scenario.ruleset.levers[name].label:
            cut.append(shown)
    assert cut == []


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)])
def test_every_change_in_the_indicator_table_is_drawn_whole_and_nothing_is_no_change(make_app, size) -> None:
    """The change column is as wide as its widest change ('−0.02 M people' was cut to
    '±0.00 M p...' at 1920 × 1080); a change of nothing reads 'no change', never '±0.00 M people'."""
    from game.ui.scenes.dashboard import NO_CHANGE

    app = make_app(size, 1.0)
    scene = start(app, "nep-1923-1930", seasons=2)
    save_png(app, "dashboard-changes")
    drawn = [t for t, _ in find(app, "indicators").texts]
    every = [c for c in (scene.change_of(ind) for ind in scene.listed) if c is not None]
    assert any(c[0] == 0 for c in every) and any("M people" in c[1] or "Mt" in c[1] for c in every if c[0])
    shown = scene.listed[scene.table_top:scene.table_top + scene.table_rows]
    changes = [c for c in (scene.change_of(ind) for ind in shown) if c is not None]
    if size == (1920, 1080):
        assert len(shown) == len(scene.listed)  # the whole table, the long 'M people' change too
    for change, text, _ in changes:
        assert text in drawn, (text, drawn)  # whole, not shortened with '…'
        assert (text == NO_CHANGE) == (change == 0)
    assert not any("±" in t or t.endswith("…") for t in drawn if not t.startswith(("Scissors",)))
    # The classes: a number that did not move gets no change written beside it.
    classes = [t for t, _ in find(app, "classes").texts]
    assert not any(t.startswith("±") for t in classes)


def test_the_class_cards_show_every_label_whole_where_the_window_has_room(make_app) -> None:
    """At 1920 × 1080 the cards cut 'Dependence on kula…', 'Private traders' ma…'; a label that
    does not fit beside its value now takes two lines."""
    app = make_app((1920, 1080), 1.0)
    scene = start(app, "nep-1923-1930", seasons=2)
    save_png(app, "dashboard-class-cards")
    drawn = [t for t, _ in find(app, "classes").texts]
    assert not [t for t in drawn if t.endswith("…")], drawn
    lines = set(drawn)
    for panel in scene.panels:
        for name in panel.stocks:
            label = scene.stock_label(panel, name)
            # whole on one line, or its two halves on two
            assert label in lines or any(f"{a} {b}" == label for a in lines for b in lines), (label, drawn)
    assert overlaps(app) == [] and cut_off(app) == []
