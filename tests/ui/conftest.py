"""Headless window tests: SDL's dummy video and audio drivers, a throwaway settings folder, and
helpers to send keys and clicks and to save what is drawn as PNG (under ``out/ui/``)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_VIDEO_DRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

PNG_DIR = ROOT / "out" / "ui"
# The sizes and scales every screen is rendered at.
SIZES = [(1280, 720), (1024, 640)]
SCALES = [1.0, 1.5]


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[App]]:
    """A factory of headless apps: ``make_app(size=(w, h), scale=1.0)``."""
    monkeypatch.setenv("SMYCHKA_CONFIG_DIR", str(tmp_path / "config"))
    apps: list[App] = []

    def factory(size: tuple[int, int] = (1280, 720), scale: float = 1.0, rules: Path | None = None) -> App:
        app = App(rules or ROOT / "rules", size=size, scale=scale, saves_dir=tmp_path / "saves")
        apps.append(app)
        return app

    yield factory  # type: ignore[misc]
    pygame.quit()


def key(k: int, mod: int = 0, text: str = "") -> list[pygame.event.Event]:
    """A key press and release (with the text it types, if any)."""
    events = [pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=text, scancode=0)]
    if text:
        events.append(pygame.event.Event(pygame.TEXTINPUT, text=text))
    events.append(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=text, scancode=0))
    return events


def click(pos: tuple[int, int], button: int = 1) -> list[pygame.event.Event]:
    """A mouse click at ``pos``."""
    return [pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button)]


def settle(app: App, frames: int = 2) -> pygame.Surface:
    """Draw a few frames so pygame_gui has processed everything (posted events included)."""
    surface = app.frame(pygame.event.get())
    for _ in range(frames - 1):
        surface = app.frame(pygame.event.get())
    return surface


def save_png(app: App, name: str) -> Path:
    PNG_DIR.mkdir(parents=True, exist_ok=True)
    w, h = app.size
    path = PNG_DIR / f"{name}-{w}x{h}@{round(app.scale * 100)}.png"
    pygame.image.save(app.screen, str(path))
    return path
