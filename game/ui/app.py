"""The window: display, pygame_gui manager, scene stack, keyboard focus, settings, main loop.

Tests drive it headless (``SDL_VIDEODRIVER=dummy``): :meth:`App.frame` processes the given
events and draws one frame, and the surface can be saved as PNG.
"""

from __future__ import annotations

import gc
import os
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from pygame_gui.core import ObjectID, UIElement

from game.saves import default_saves_folder
from game.ui.assets import theme
from game.ui.fonts import font
from game.ui.layout import wrap
from game.ui.palette import INK, PAPER, Palette, palette, use_contrast
from game.ui.scene import Scene
from game.ui.settings import MIN_SIZE, PRESENTER_PALETTE, Settings, load_settings, save_settings

FPS = 60

GLOBAL_KEYS = (
    ("F1", "show or hide this help"),
    ("Tab / Shift+Tab", "move the keyboard focus"),
    ("Enter / Space", "press the focused button"),
    ("Left / Right", "move the focused slider (Shift: ten steps)"),
    ("Up / Down", "move in the focused list"),
    ("Esc", "back to the previous screen"),
    ("Ctrl+Q", "quit (the game in progress is autosaved)"),
)


class App:
    def __init__(self, rules_root: Path, settings_file: Path | None = None, size: tuple[int, int] | None = None,
                 saves_dir: Path | None = None, scale: float | None = None) -> None:
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.display.init()
        pygame.font.init()
        font.cache_clear()  # fonts of an earlier pygame.init() are dead
        pygame.key.set_repeat(400, 40)
        self.rules_root = rules_root
        self.saves_dir = saves_dir or default_saves_folder()
        self.settings_file = settings_file
        self.settings, self.settings_problem = load_settings(settings_file)
        if scale is not None:
            self.settings = self.settings.model_copy(update={"ui_scale": scale})
        if size is not None:
            self.settings = self.settings.model_copy(update={"window_width": size[0], "window_height": size[1]})
        self.screen = self._set_mode(self.settings.window_size, self.settings.fullscreen)
        use_contrast(self.settings.presenter)
        self.ui = self._manager()
        self.scenes: list[Scene] = []
        self.game: Any = None  # game.controller.Game: the game in progress (its session, saves, autosave record)
        self.focus: UIElement | None = None
        self.help_visible = False
        self.running = True
        self.clock = pygame.time.Clock()
        self.on_quit: list[Callable[[], None]] = []
        self.notice: str | None = self.settings_problem
        self.collect_garbage = False
        self._root: pygame_gui.elements.UIPanel | None = None
        # The notice bar wrapped and rendered, keyed on (text, width, scale): laid out once, not every frame.
        self._notice_key: tuple[str, int, float, bool] | None = None
        self._notice_lines: list[pygame.Surface] = []
        self._notice_h = 0
        self._help_shade: pygame.Surface | None = None  # the help overlay's shade, for the window's size

    # -- the game in progress ----------------------------------------------------------------
    @property
    def session(self) -> Any:
        """The session of the game in progress (None: no game)."""
        return self.game.session if self.game is not None else None

    @session.setter
    def session(self, session: Any) -> None:
        """Play ``session`` (a game made elsewhere, e.g. by a test): it gets a controller with this
        window's saves folder and player."""
        from game.controller import Game

        if session is None:
            self.game = None
        elif self.game is None or self.game.session is not session:
            self.game = Game(session, self.saves_dir, self.settings.player)
            self.game.played_in("window")

    # -- display -----------------------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    @property
    def palette(self) -> Palette:
        return palette(PRESENTER_PALETTE if self.settings.presenter else self.settings.palette)

    @property
    def scale(self) -> float:
        """The interface size in use (the presenter setting makes it at least 150 %)."""
        return self.settings.scale

    def px(self, n: float) -> int:
        """``n`` pixels at 100 % in the current UI scale."""
        return round(n * self.scale)

    def _set_mode(self, size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
        size = (max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1]))
        flags = pygame.FULLSCREEN if fullscreen else pygame.RESIZABLE
        screen = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("Smychka — the worker–peasant alliance, 1923–1930")
        try:
            with warnings.catch_warnings():  # the display-module bridge is deprecated, not gone
                warnings.simplefilter("ignore", DeprecationWarning)
                pygame.Window.from_display_module().minimum_size = MIN_SIZE
        except (pygame.error, AttributeError):  # some drivers have no window to constrain
            pass
        return screen

    def _manager(self) -> pygame_gui.UIManager:
        manager = pygame_gui.UIManager(self.size, theme(self.scale, self.settings.presenter), enable_live_theme_updates=False)
        # The sizes text boxes ask for (their HTML sizes 2-6 and bold/italic runs), loaded once now
        # rather than on first use mid-frame.
        sizes = sorted({self.px(n) for n in (10, 12, 13, 14, 15, 16, 18, 19, 22, 24)} | {10, 12, 14, 18, 24})
        with warnings.catch_warnings():  # "already loaded" for the theme's own sizes
            warnings.simplefilter("ignore", UserWarning)
            manager.preload_fonts([{"name": "noto_sans", "point_size": n, "style": style}
                                   for n in sizes for style in ("regular", "bold", "italic")])
        return manager

    def resize(self, size: tuple[int, int]) -> None:
        """The window was resized (or tests ask for a size): lay the top scene out again."""
        self.screen = self._set_mode(size, self.settings.fullscreen)
        self.ui.set_window_resolution(self.size)
        self.rebuild()

    def apply_settings(self, settings: Settings) -> str | None:
        """Use and remember new settings; returns a message if they could not be saved."""
        old = self.settings
        self.settings = settings
        if (settings.window_size, settings.fullscreen) != (old.window_size, old.fullscreen):
            self.screen = self._set_mode(settings.window_size, settings.fullscreen)
        if settings.presenter != old.presenter:
            use_contrast(settings.presenter)
        if (settings.scale, settings.presenter) != (old.scale, old.presenter) or self.size != self.ui.window_resolution:
            self._teardown()
            self.ui = self._manager()
        self.rebuild()
        return save_settings(settings, self.settings_file)

    # -- scenes ------------------------------------------------------------------------------
    @property
    def scene(self) -> Scene | None:
        return self.scenes[-1] if self.scenes else None

    def push(self, scene: Scene) -> Scene:
        if self.scene is not None:
            self.scene.leave()
        self.scenes.append(scene)
        self._enter(scene)
        return scene

    def pop(self) -> None:
        """Back to the previous screen (the title screen stays at the bottom)."""
        if len(self.scenes) <= 1:
            return
        self.scenes.pop().leave()
        self._enter(self.scenes[-1])

    def replace(self, scene: Scene) -> Scene:
        if self.scenes:
            self.scenes.pop().leave()
        self.scenes.append(scene)
        self._enter(scene)
        return scene

    def reset_to(self, *scenes: Scene) -> None:
        """A new stack (e.g. title screen then dashboard), the last one shown."""
        if self.scene is not None:
            self.scene.leave()
        self.scenes = list(scenes)
        self._enter(self.scenes[-1])

    def root_panel(self) -> pygame_gui.elements.UIPanel:
        """The window-sized panel every screen lays its widgets on, emptied when a screen is left
        and made again only for a new widget manager or window size: making it took 3-9 ms of
        every change of screen (End season to the report among them)."""
        panel = self._root
        if panel is None or not panel.alive() or panel.ui_manager is not self.ui or panel.rect.size != self.size:
            if panel is not None and panel.alive():
                panel.kill()
            panel = self._root = pygame_gui.elements.UIPanel(pygame.Rect((0, 0), self.size), manager=self.ui,
                                                             object_id=ObjectID("#root", "@root"), starting_height=0)
        return panel

    def _enter(self, scene: Scene) -> None:
        self.focus = None
        scene.enter()
        # The widgets just killed hold their surfaces in reference cycles, which only a full
        # collection frees (without it a 28-season game grew past 500 MB): collect on the next
        # frame without events, after the new screen is drawn.
        self.collect_garbage = True

    def _teardown(self) -> None:
        if self.scene is not None:
            self.scene.leave()

    def rebuild(self) -> None:
        """Lay the top scene out again (its state changed what it shows), keeping the keyboard
        focus on the widget of the same name."""
        scene = self.scene
        if scene is not None:
            focus_name = self._focus_name()
            scene.leave()
            self._enter(scene)
            self._refocus(focus_name)

    # -- keyboard focus ----------------------------------------------------------------------
    def focusables(self) -> list[UIElement]:
        scene = self.scene
        if scene is None:
            return []
        return [e for e in scene.focusables if e.alive() and e.visible and e.is_enabled]

    def move_focus(self, step: int) -> None:
        items = self.focusables()
        if not items:
            self.focus = None
            return
        index = items.index(self.focus) if self.focus in items else (-1 if step > 0 else 0)
        self.set_focus(items[(index + step) % len(items)])

    def set_focus(self, element: UIElement | None) -> None:
        if isinstance(self.focus, pygame_gui.elements.UITextEntryLine) and self.focus is not element:
            self.focus.unfocus()
        self.focus = element
        if isinstance(element, pygame_gui.elements.UITextEntryLine):
            self.ui.set_focus_set(element)
            element.focus()
        elif self.typing():  # the keyboard leaves the text entry: shortcuts work again
            self.ui.set_focus_set(None)

    def typing(self) -> bool:
        """A text entry has the keyboard: shortcuts stand aside."""
        focused = self.ui.get_focus_set()
        return any(isinstance(e, (pygame_gui.elements.UITextEntryLine, pygame_gui.elements.UITextEntryBox)) for e in focused or ())

    def _focus_name(self) -> str | None:
        scene = self.scene
        if scene is None or self.focus is None:
            return None
        return next((name for name, e in scene.placed if e is self.focus), None)

    def _refocus(self, name: str | None) -> None:
        scene = self.scene
        if scene is not None and name is not None:
            # The widget of the same name; else whatever the scene's build focused.
            self.focus = next((e for n, e in scene.placed if n == name and e in scene.focusables), self.focus)

    def _focus_key(self, event: pygame.event.Event) -> bool:
        element = self.focus
        scene = self.scene
        if element is None or scene is None or not element.alive():
            return False
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE) and not self.typing():
            return scene.activate(element)
        if isinstance(element, pygame_gui.elements.UIHorizontalSlider) and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            return scene.nudge(element, (1 if event.key == pygame.K_RIGHT else -1) * (10 if event.mod & pygame.KMOD_SHIFT else 1)) \
                if hasattr(scene, "nudge") else False
        if isinstance(element, pygame_gui.elements.UISelectionList) and event.key in (pygame.K_UP, pygame.K_DOWN):
            chosen = _step_selection(element, 1 if event.key == pygame.K_DOWN else -1)
            if chosen is not None:
                scene.dispatch(pygame.event.Event(pygame_gui.UI_SELECTION_LIST_NEW_SELECTION, {"text": chosen, "ui_element": element}))
            return True
        return False

    # -- events and frames -------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type == pygame.VIDEORESIZE:
            if event.size != self.size:
                self.resize(event.size)
            return
        if event.type == pygame.KEYDOWN and self._global_key(event):
            return
        if event.type == pygame.TEXTINPUT:
            text = printable(event.text)
            if not text:
                return
            event = pygame.event.Event(pygame.TEXTINPUT, text=text, window=getattr(event, "window", None))
        self.ui.process_events(event)
        scene = self.scene
        if scene is not None:
            if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
                self._focus_clicked(event.pos)
            scene.dispatch(event)

    def _global_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_F1:
            self.help_visible = not self.help_visible
            return True
        if self.help_visible and event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_SPACE):
            self.help_visible = False
            return True
        if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
            self.quit()
            return True
        if event.key == pygame.K_TAB:
            self.move_focus(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            return True
        if event.key == pygame.K_ESCAPE:
            if self.typing():
                for element in list(self.ui.get_focus_set() or ()):
                    if hasattr(element, "unfocus"):
                        element.unfocus()
                self.ui.set_focus_set(None)
                return True
            if self.scene is not None:
                self.scene.back()
            return True
        return self._focus_key(event)

    def _focus_clicked(self, pos: tuple[int, int]) -> None:
        for element in self.focusables():
            if element.rect.collidepoint(pos):
                self.focus = element
                return

    def frame(self, events: Iterable[pygame.event.Event] = (), dt: float = 1 / FPS) -> pygame.Surface:
        """Handle ``events``, advance the widgets by ``dt`` seconds and draw one frame."""
        had_events = False
        for event in events:
            had_events = True
            self.handle(event)
            if not self.running:
                break
        scene = self.scene
        if scene is not None:
            scene.update(dt)
        self.ui.update(dt)
        self.draw()
        if self.collect_garbage and not had_events:
            self.collect_garbage = False
            gc.collect()
        return self.screen

    def draw(self) -> None:
        self.screen.fill(PAPER)
        self.ui.draw_ui(self.screen)
        if self.focus is not None and self.focus.alive() and self.focus.visible:
            pygame.draw.rect(self.screen, self.palette.focus, self.focus.rect.inflate(self.px(6), self.px(6)), max(2, self.px(2)), border_radius=self.px(4))
        if self.notice:
            self._draw_notice(self.notice)
        if self.help_visible:
            self._draw_help()

    def notice_height(self) -> int:
        """The height of the notice bar along the bottom (0 without a notice): screens that put
        buttons at the bottom keep clear of it."""
        if not self.notice:
            return 0
        return self._laid_out_notice(self.notice)[1]

    def _laid_out_notice(self, text: str) -> tuple[list[pygame.Surface], int]:
        """The notice's rendered lines and the bar's height, wrapped again only when the text,
        the window's width or the scale changed."""
        key = (text, self.size[0], self.scale, self.settings.presenter)
        if key != self._notice_key:
            f = font(self.px(14))
            self._notice_lines = [f.render(line, True, INK) for line in wrap(text, f, self.size[0] - self.px(40))]
            self._notice_h = f.get_linesize() * len(self._notice_lines) + self.px(10)
            self._notice_key = key
        return self._notice_lines, self._notice_h

    def _draw_notice(self, text: str) -> None:
        lines, h = self._laid_out_notice(text)
        line_h = font(self.px(14)).get_linesize()
        box = pygame.Rect(0, self.size[1] - h, self.size[0], h)
        pygame.draw.rect(self.screen, (255, 244, 214), box)
        pygame.draw.line(self.screen, self.palette.bad, box.topleft, box.topright, 2)
        for i, line in enumerate(lines):
            self.screen.blit(line, (self.px(20), box.y + self.px(5) + i * line_h))

    def _draw_help(self) -> None:
        """The help overlay: this screen's shortcuts, then the ones that work everywhere."""
        scene = self.scene
        entries = [(s.label, s.what) for s in (scene.shortcuts if scene else [])]
        w, h = self.size
        if self._help_shade is None or self._help_shade.get_size() != (w, h):
            self._help_shade = pygame.Surface((w, h), pygame.SRCALPHA)
            self._help_shade.fill((20, 18, 16, 200))
        self.screen.blit(self._help_shade, (0, 0))
        title_font, body, bold = font(self.px(22), bold=True), font(self.px(15)), font(self.px(15), bold=True)
        line = body.get_linesize()
        key_w = max([bold.size(k)[0] for k, _ in entries + list(GLOBAL_KEYS)] + [0]) + self.px(24)
        box_w = min(w - self.px(40), key_w + self.px(520))
        rows_needed = len(entries) + len(GLOBAL_KEYS) + 4
        box_h = min(h - self.px(40), rows_needed * line + self.px(70))
        box = pygame.Rect(0, 0, box_w, box_h)
        box.center = (w // 2, h // 2)
        pygame.draw.rect(self.screen, (246, 241, 230), box, border_radius=self.px(6))
        y = box.y + self.px(16)
        self.screen.blit(title_font.render(f"Keys — {scene.title if scene else 'Smychka'}", True, INK), (box.x + self.px(20), y))
        y += title_font.get_linesize() + self.px(6)
        for heading, items in (("On this screen", entries), ("Everywhere", list(GLOBAL_KEYS))):
            if not items:
                continue
            self.screen.blit(bold.render(heading, True, self.palette.bad), (box.x + self.px(20), y))
            y += line
            for key, what in items:
                if y + line > box.bottom - self.px(8):
                    break
                self.screen.blit(bold.render(key, True, INK), (box.x + self.px(28), y))
                self.screen.blit(body.render(what, True, INK), (box.x + self.px(28) + key_w, y))
                y += line
            y += self.px(6)

    def run(self) -> int:
        """The main loop, until the player quits. A frame that fails unexpectedly does not end
        the game: :meth:`recover` autosaves it and shows what happened (``SMYCHKA_DEBUG=1``
        raises instead, for developers); a second failure in a row is left to ``main.py``."""
        failed = False
        while self.running:
            dt = self.clock.tick(FPS) / 1000
            try:
                self.frame(pygame.event.get(), dt)
            except Exception as err:
                if failed or os.environ.get("SMYCHKA_DEBUG"):
                    raise  # the recovery screen itself fails: main.py says so and stops
                failed = True
                self.recover(err)
                continue
            failed = False
            pygame.display.flip()
        pygame.quit()
        return 0

    def recover(self, err: Exception) -> None:
        """After an unexpected error in a frame: autosave the game in progress, drop the screens
        (their widgets too) and show the error over the title screen; the game goes on from there."""
        from game.ui.scenes.error import ErrorScene
        from game.ui.scenes.saves import autosave_after_failure
        from game.ui.scenes.title import TitleScene

        saved = autosave_after_failure(self)
        what = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        sys.stderr.write(f"smychka: internal error in the window ({what}); the game went on. {saved}\n")
        broken, self.scenes = self.scene, []
        if broken is not None:
            try:
                broken.leave()
            except Exception:  # noqa: BLE001 - the failed screen may fail to close too; its widgets go below
                pass
        self.ui.clear_and_reset()
        self.focus = None
        self.help_visible = False
        self.reset_to(TitleScene(self), ErrorScene(
            self, "Something went wrong", [f"Something went wrong: {what}.", f"{saved} Please report this."],
            lead="The game met an error it did not expect. Back goes to the title screen, where you can go on."))

    def quit(self) -> None:
        for hook in self.on_quit:
            hook()
        self.running = False

    # -- games -------------------------------------------------------------------------------
    def show_problems(self, title: str, problems: Sequence[Any]) -> None:
        """An error screen listing located problems; it returns to the title screen."""
        from game.ui.scenes.error import ErrorScene

        self.push(ErrorScene(self, title, [str(p) for p in problems]))


def printable(text: str) -> str:
    """What a text entry may receive of ``text`` typed or pasted: composed (NFC), without control,
    format or unassigned characters and without any the font draws zero pixels wide (pygame_gui
    fails on text of zero width, e.g. a lone zero-width space or direction mark)."""
    f = font(15)
    return "".join(c for c in unicodedata.normalize("NFC", text)
                   if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") and f.size(c)[0] > 0)


def _step_selection(element: pygame_gui.elements.UISelectionList, step: int) -> str | None:
    """Select the item ``step`` places from the selected one; its text, or None if none moved."""
    items = element.item_list
    if not items:
        return None
    current = next((i for i, item in enumerate(items) if item["selected"]), -1)
    index = max(0, min(len(items) - 1, current + step))
    if index == current:
        return None
    for i, item in enumerate(items):
        item["selected"] = i == index
        button = item.get("button_element")
        if button is not None:
            button.select() if i == index else button.unselect()
    return str(items[index]["text"])
