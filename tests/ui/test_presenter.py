"""Projection: the presenter setting (large type, high contrast) chosen in Settings and drawn on
every screen, and H on the dashboard, which hides the levers while the class discusses."""

from __future__ import annotations

import pygame
import pytest

from game.ui.games import new_game
from game.ui.inspect import cut_off, find, overlaps, visible_texts
from game.ui.palette import CARD, INK, PAPER, use_contrast
from game.ui.scenes.dashboard import DashboardScene
from game.ui.settings import PRESENTER_SCALE
from tests.ui.conftest import SIZES, key, save_png, settle
from tests.ui.test_settings import open_settings


@pytest.fixture(autouse=True)
def standard_page_colours():  # noqa: ANN201
    yield
    use_contrast(False)  # the page colours are shared: leave them as the next test expects


def presenting(make_app, size=(1280, 720)):  # noqa: ANN001, ANN201
    """An app with the presenter setting chosen and applied in Settings (P, then A)."""
    app = make_app(size)
    scene = open_settings(app)
    app.frame(key(pygame.K_p, text="p"))
    settle(app)
    assert scene.presenter and "Cancel (Esc)" in visible_texts(app)
    app.frame(key(pygame.K_a, text="a"))
    settle(app)
    return app


def dashboard(app, scenario: str = "nep-1923-1930") -> DashboardScene:  # noqa: ANN001
    assert new_game(app, scenario) is not None
    app.rebuild()
    settle(app)
    assert isinstance(app.scene, DashboardScene)
    return app.scene


def test_presenter_is_chosen_in_settings_and_remembered(make_app) -> None:
    app = presenting(make_app)
    assert app.settings.presenter and app.settings.ui_scale == 1.0
    assert app.scale == PRESENTER_SCALE and app.palette.name == "presenter"
    texts = visible_texts(app)
    assert "Applied and remembered (150 %, presenter)." in texts and "150 %" in texts and "Preview: Presenter" in texts
    save_png(app, "settings-presenter")
    assert overlaps(app) == [] and cut_off(app) == []
    again = make_app()  # a new window reads the remembered settings
    assert again.settings.presenter and again.scale == PRESENTER_SCALE


def test_presenter_draws_large_black_type_on_white(make_app) -> None:
    plain = make_app()
    dashboard(plain)
    plain_height, plain_paper = find(plain, "title").font.size("Smychka")[1], tuple(plain.screen.get_at((2, 2)))[:3]
    pygame.quit()
    app = presenting(make_app)
    dashboard(app)
    save_png(app, "dashboard-presenter")
    # Larger type: the title's letters are half as tall again.
    assert find(app, "title").font.size("Smychka")[1] >= plain_height * 1.4
    # High contrast: white paper (the standard page is cream), black ink on the cards.
    assert tuple(app.screen.get_at((2, 2)))[:3] == (255, 255, 255) != plain_paper
    assert (INK.r, INK.g, INK.b) == (0, 0, 0) and (PAPER.r, PAPER.g, PAPER.b) == (CARD.r, CARD.g, CARD.b) == (255, 255, 255)
    classes = find(app, "classes")
    drawn = pygame.PixelArray(app.screen.subsurface(classes.rect).copy())
    colours = {app.screen.unmap_rgb(c)[:3] for row in drawn for c in row}
    assert (0, 0, 0) in colours and (255, 255, 255) in colours
    assert overlaps(app) == [] and cut_off(app) == []


@pytest.mark.parametrize("size", SIZES)
def test_presenter_fits_the_dashboard_in_the_smallest_window(make_app, size) -> None:
    app = presenting(make_app, size)
    dashboard(app)
    save_png(app, "dashboard-presenter")
    assert app.scene.rows and overlaps(app) == [] and cut_off(app) == []


def test_h_hides_the_levers_while_the_class_discusses(make_app) -> None:
    app = presenting(make_app)
    scene = dashboard(app)
    s = app.session
    first = next(iter(scene.rows))
    assert find(app, f"lever:{first}").visible
    app.frame(key(pygame.K_h, text="h"))
    settle(app)
    save_png(app, "dashboard-levers-hidden")
    texts = visible_texts(app)
    assert "Levers hidden" in texts and "Press H" in texts
    assert scene.rows == {}
    with pytest.raises(LookupError):
        find(app, f"lever:{first}")
    assert overlaps(app) == [] and cut_off(app) == []
    # The rest of the dashboard is still there to talk about, and the season can still be ended.
    assert s.scenario.title[:20] in texts
    app.frame(key(pygame.K_h, text="h"))
    settle(app)
    assert find(app, f"lever:{first}").visible and "Levers hidden" not in visible_texts(app)
