"""The base of every screen: builds its widgets from the window size and scale, maps buttons and
keys to actions, and lists its keyboard shortcuts for the help overlay (F1).

Only the scene on top of the stack has widgets; a scene keeps what it needs in plain attributes
and rebuilds its widgets when it is shown again, resized or rescaled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pygame
import pygame_gui
from pygame_gui.core import UIElement

from game.ui.canvas import Canvas, Painter

if TYPE_CHECKING:
    from game.rules.ruleset import Ruleset
    from game.session import Session
    from game.ui.app import App

Action = Callable[[], None]


@dataclass(frozen=True)
class Shortcut:
    key: int
    mod: int  # KMOD_CTRL, KMOD_SHIFT or 0
    label: str  # as shown in the help overlay, e.g. "Ctrl+S"
    what: str
    action: Action


def key_label(key: int, mod: int = 0) -> str:
    name = pygame.key.name(key).upper() if len(pygame.key.name(key)) == 1 else pygame.key.name(key).title()
    prefix = ("Ctrl+" if mod & pygame.KMOD_CTRL else "") + ("Shift+" if mod & pygame.KMOD_SHIFT else "")
    return prefix + name


class Scene:
    """A screen of the game. Subclasses set ``title`` and implement :meth:`build`."""

    title = ""

    def __init__(self, app: App) -> None:
        self.app = app
        self.ui = app.ui
        self.root: pygame_gui.elements.UIPanel | None = None
        self.actions: dict[UIElement, Action] = {}
        self.focusables: list[UIElement] = []
        self.placed: list[tuple[str, UIElement]] = []
        self.shortcuts: list[Shortcut] = []

    # -- life cycle --------------------------------------------------------------------------
    def enter(self) -> None:
        """Build the widgets (on first show, when shown again, after a resize or rescale)."""
        self.ui = self.app.ui
        self.actions.clear()
        self.focusables.clear()
        self.placed.clear()
        self.shortcuts.clear()
        self.root = self.app.root_panel()
        self.build(pygame.Rect((0, 0), self.app.size))

    def leave(self) -> None:
        """Destroy the widgets (the scene itself and its attributes live on; the panel they were
        on is the app's, kept for the next screen)."""
        if self.root is not None:
            self.root.get_container().clear()
            self.root = None
        self.actions.clear()
        self.focusables.clear()
        self.placed.clear()

    def build(self, rect: pygame.Rect) -> None:  # pragma: no cover - every scene overrides it
        raise NotImplementedError

    def update(self, dt: float) -> None:
        """Called every frame before drawing (``dt`` in seconds)."""

    def handle(self, event: pygame.event.Event) -> bool:
        """A pygame or pygame_gui event the scene may want; True if it used it."""
        return False

    def back(self) -> None:
        """Escape: the previous screen."""
        self.app.pop()

    # -- helpers for building ----------------------------------------------------------------
    def px(self, n: float) -> int:
        return self.app.px(n)

    def place(self, name: str, element: UIElement, focus: bool = False) -> UIElement:
        """Remember a widget the scene laid out (for keyboard focus and the layout tests)."""
        self.placed.append((name, element))
        if focus:
            self.focusables.append(element)
        return element

    def container(self) -> Any:
        return self.root

    def button(self, name: str, rect: pygame.Rect, text: str, action: Action, tooltip: str | None = None,
               object_id: str | None = None, container: Any = None, enabled: bool = True) -> pygame_gui.elements.UIButton:
        element = pygame_gui.elements.UIButton(rect, text, manager=self.ui, container=container or self.root,
                                               tool_tip_text=tooltip, object_id=object_id)
        if not enabled:
            element.disable()
        self.actions[element] = action
        self.place(name, element, focus=enabled)
        return element

    def label(self, name: str, rect: pygame.Rect, text: str, object_id: str | None = None,
              container: Any = None) -> pygame_gui.elements.UILabel:
        element = pygame_gui.elements.UILabel(rect, text, manager=self.ui, container=container or self.root,
                                              object_id=object_id)
        self.place(name, element)
        return element

    def textbox(self, name: str, rect: pygame.Rect, html: str, container: Any = None,
                object_id: str | None = None) -> pygame_gui.elements.UITextBox:
        element = pygame_gui.elements.UITextBox(html, rect, manager=self.ui, container=container or self.root,
                                                object_id=object_id)
        self.place(name, element)
        return element

    def canvas(self, name: str, rect: pygame.Rect, painter: Painter, container: Any = None) -> Canvas:
        element = Canvas(rect, self.ui, painter, self.app.scale, container=container or self.root)
        self.place(name, element)
        return element

    def bind(self, key: int, what: str, action: Action, mod: int = 0, label: str | None = None) -> None:
        """A keyboard shortcut, listed in the help overlay."""
        self.shortcuts.append(Shortcut(key, mod, label or key_label(key, mod), what, action))

    # -- dispatch (called by the app) --------------------------------------------------------
    def dispatch(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_BUTTON_PRESSED and event.ui_element in self.actions:
            self.actions[event.ui_element]()
            return True
        if event.type == pygame.KEYDOWN and not self.app.typing():
            mods = event.mod & (pygame.KMOD_CTRL | pygame.KMOD_SHIFT)
            for shortcut in self.shortcuts:
                if shortcut.key == event.key and _mods_match(shortcut.mod, mods):
                    shortcut.action()
                    return True
        return self.handle(event)

    def activate(self, element: UIElement) -> bool:
        """Enter or Space on the focused widget."""
        action = self.actions.get(element)
        if action is not None and element.is_enabled:
            action()
            return True
        return False


def _mods_match(wanted: int, got: int) -> bool:
    want_ctrl, want_shift = bool(wanted & pygame.KMOD_CTRL), bool(wanted & pygame.KMOD_SHIFT)
    return want_ctrl == bool(got & pygame.KMOD_CTRL) and want_shift == bool(got & pygame.KMOD_SHIFT)


class GameScene(Scene):
    """A screen of the game in progress: its ``session`` and the rule set ``rs`` it plays."""

    def __init__(self, app: App) -> None:
        super().__init__(app)
        if app.session is None:
            raise RuntimeError(f"{type(self).__name__} needs a game in progress")
        self.session: Session = app.session
        self.rs: Ruleset = self.session.scenario.ruleset
