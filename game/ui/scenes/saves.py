"""Save and load: a dialog listing the saves and autosaves with scenario, season, date and player.

Loading resumes the game; a bad save opens the error screen with its located problems (nothing
is written); a save whose rules changed since it was saved asks how to open it. Saving asks for
a name, refuses names that are not plain file names, and asks before overwriting a save.
"""

from __future__ import annotations

import sys
import unicodedata
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Literal

import pygame
import pygame_gui

from game.present.index import rule_words
from game.present.seasons import season_label
from game.saves import AUTOSAVE_FOLDER, LoadedSave, SaveEntry, default_save_path, list_saves
from game.session import Session
from game.textsafe import escape_controls
from game.ui.app import App
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.scene import Scene

Mode = Literal["load", "save"]
MAX_NAME = 80
FORBIDDEN = set('/\\:*?"<>|')


def check_name(text: str) -> tuple[str | None, str]:
    """The file name for a save the player named ``text`` (``NAME.json``), or None and why not."""
    name = unicodedata.normalize("NFC", text.strip())
    if name.lower().endswith(".json"):
        name = name[:-5].rstrip()
    if not name:
        return None, "Type a name for the save."
    if len(name) > MAX_NAME:
        return None, f"That name is {len(name)} characters long; {MAX_NAME} at most."
    bad = sorted({c for c in name if c in FORBIDDEN or unicodedata.category(c)[0] == "C"})
    if bad:
        shown = " ".join(repr(c)[1:-1] if unicodedata.category(c)[0] == "C" else c for c in bad)
        return None, f"A save's name cannot contain {shown}: use letters, digits, spaces, - and _."
    if name.startswith(".") or name in (AUTOSAVE_FOLDER,):
        return None, "A save's name cannot start with a dot or be the autosave folder's name."
    return f"{name}.json", ""


def default_name(session: Session) -> str:
    """The name a save is offered under: the same as the text mode's ``save`` without a name."""
    return default_save_path(session, Path()).stem


def entry_row(entry: SaveEntry) -> str:
    """One line of the list: the save's name (or "autosave"), season, when, scenario and player —
    or why the file cannot be opened."""
    if entry.problem is not None:
        return f"{entry.path.name} — cannot be opened"
    name = "autosave" if entry.is_autosave else entry.path.stem
    season = f"ended {season_label(entry.season)}" if entry.ending else season_label(entry.season)
    who = f" · {entry.player}" if entry.player else ""
    return f"{name} · {_when(entry.saved_at)} · {season} · {entry.scenario_title}{who}"


def describe(entry: SaveEntry, small: int = 12) -> str:
    """The details of a save, as pygame_gui HTML (``small``: the pixel size of the file line)."""
    if entry.problem is not None:
        return (f"<b>{escape(entry.path.name)}</b><br><br>This file cannot be opened:<br>{escape(entry.problem)}<br><br>"
                "Choose it and press Load to see every problem. Nothing will be changed.")
    kind = "autosave, made after a season" if entry.is_autosave else "save"
    parts = [f"<b>{escape(entry.scenario_title)}</b>", "",
             f"<b>{'Ended in' if entry.ending else 'Next season'}</b> {escape(season_label(entry.season))}",
             f"<b>Seasons played</b> {entry.turn}",
             f"<b>Saved</b> {_when(entry.saved_at)} ({kind})",
             f"<b>Player</b> {escape(entry.player) if entry.player else '(no name)'}"]
    if entry.ending:
        parts.append(f"<b>Ending</b> {escape(entry.ending)}")
    parts += ["", f"<font pixel_size={small}>{escape(entry.scenario_id)} · {escape(entry.path.name)}</font>"]
    return "<br>".join(parts)


def _when(moment: datetime | None) -> str:
    """A save's time in the player's time zone (a time without one is taken as UTC, as the save
    format reads it); in UTC where the local calendar cannot hold it (around the years 1 and 9999)."""
    if moment is None:
        return "unknown time"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return _stamp(moment.astimezone())
    except (OverflowError, ValueError, OSError):
        return _stamp(moment.astimezone(UTC)) + " UTC"


def _stamp(m: datetime) -> str:
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d} {m.hour:02d}:{m.minute:02d}"  # (strftime's %Y drops the zeros of year 1)


def autosave_game(app: App) -> str | None:
    """Autosave the game in progress into ``app.saves_dir``/autosave (the last five are kept),
    unless this very state was autosaved or loaded already (the controller keeps the record);
    returns a message when it could not be written (the game goes on). The season's end calls
    it; so does quitting."""
    game = app.game
    if game is None:
        return None
    game.player = app.settings.player
    try:
        game.autosave()
    except OSError as err:
        return f"The autosave could not be written ({err.strerror or err}); the game goes on — save it yourself."
    return None


def autosave_after_failure(app: App) -> str:
    """Autosave the game in progress after something went wrong in the window, even if this
    state was autosaved already: a sentence saying where it went, or that it could not be."""
    game = app.game
    if game is None:
        return "No game was in progress."
    try:
        path = game.autosave_now()
    except Exception as err:  # noqa: BLE001 - the game may be what went wrong: say so, do not fail again
        return f"The game could not be autosaved ({type(err).__name__}: {err}); the last autosave is in {app.saves_dir / AUTOSAVE_FOLDER}."
    return f"Your game was autosaved to {path}."


class AutosaveOnQuit:
    """The quit hook that autosaves ``app``'s game in progress (one per app)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(self) -> None:
        message = autosave_game(self.app)
        if message:  # the window is closing: the terminal is the one place left to say it
            print(f"smychka: {escape_controls(message)}", file=sys.stderr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AutosaveOnQuit) and other.app is self.app

    def __hash__(self) -> int:
        return id(self.app)


def open_loaded(app: App, loaded: LoadedSave, how: Literal["resume", "replay", "as-saved"]) -> bool:
    """Start the game of ``loaded`` (as saved, replayed, or exactly resumed); False after showing
    the error screen when it cannot."""
    from game.controller import Game, StartRefused
    from game.ui.games import start_game

    try:
        game = Game.open(loaded, how, app.saves_dir, app.settings.player)
    except StartRefused as err:
        app.show_problems(err.what, err.problems)
        return False
    start_game(app, game)
    return True


def load_path(app: App, path: Path) -> LoadedSave | None:
    """Read the save at ``path`` against the rules; None after showing the error screen."""
    from game.controller import StartRefused, read_saved_game

    try:
        return read_saved_game(app.rules_root, path)
    except StartRefused as err:
        app.show_problems(f"The save '{path.name}' cannot be opened", err.problems)
        return None


class SavesScene(Scene):
    title = "Load a game"

    def __init__(self, app: App, mode: Mode = "load") -> None:
        super().__init__(app)
        self.mode: Mode = "save" if mode == "save" and app.session is not None else "load"
        self.title = "Save the game" if self.mode == "save" else "Load a game"
        self.entries = list_saves(app.saves_dir)
        self.selected = 0 if self.entries and self.mode == "load" else -1
        self.name_text = default_name(app.session) if self.mode == "save" else ""
        self.message = ""
        self.message_bad = False
        # A question on top of the list: the rules changed since the save, or overwrite a save.
        self.changed: LoadedSave | None = None
        self.overwrite: Path | None = None
        # The widgets of the list layout (None until it is first built).
        self.list: pygame_gui.elements.UISelectionList | None = None
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None

    # -- layout ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        area = inset(rect, px(24))
        area.h -= self.app.notice_height()
        foot_h = px(36)
        entry_h = px(34) if self.mode == "save" else 0
        head, body, message, entry, foot = rows(area, [px(34), 1.0, px(22), entry_h, foot_h], px(10))
        folder = str(self.app.saves_dir)
        heading = "Save the game" if self.mode == "save" else "Load a game"
        head_l, head_r = columns(head, [1.0, min(px(420), head.w // 2)], px(12))
        self.label("heading", head_l, heading, object_id="#heading")
        self.label("folder", head_r, fit_text(f"in {folder}", font(px(13)), head_r.w - px(6)), object_id="#small")
        if self.changed is not None or self.overwrite is not None:
            self._build_question(body, foot)
            return
        left, right = columns(body, [0.55, 0.45], px(16))
        list_font = font(px(15))
        rows_text = [fit_text(entry_row(e), list_font, left.w - px(40)) for e in self.entries]
        self.list = pygame_gui.elements.UISelectionList(left, rows_text or [], manager=self.ui, container=self.root)
        if 0 <= self.selected < len(self.entries):
            self._mark(self.selected)
        self.place("saves", self.list, focus=bool(self.entries))
        self.details = self.textbox("details", right, self._details())
        text = self.message or self._hint()
        self.label("message", message, fit_text(text, font(px(14)), message.w - px(6)), object_id="#bad" if self.message_bad else "#small")
        if self.mode == "save":
            label_cell, entry_cell = columns(entry, [px(130), 1.0], px(10))
            self.label("name-label", label_cell, "Save as")
            self.name_entry = pygame_gui.elements.UITextEntryLine(entry_cell, manager=self.ui, container=self.root, initial_text=self.name_text)
            self.name_entry.length_limit = MAX_NAME + 5
            self.place("name", self.name_entry, focus=True)
        back, _, act = columns(foot, [px(190), 1.0, px(210)], px(12))
        self.button("back", back, "Back (Esc)", self.back)
        if self.mode == "save":
            self.button("save", act, "Save (Enter)", self.save, object_id="#primary", tooltip="write the game into the saves folder")
            self.bind(pygame.K_RETURN, "save under the name typed", self.save)
        else:
            self.button("load", act, "Load (Enter)", self.load, object_id="#primary", enabled=bool(self.entries),
                        tooltip="go on with the chosen game")
            self.bind(pygame.K_RETURN, "load the chosen save", self.load)
        self.bind(pygame.K_UP, "previous save", lambda: self.choose(self.selected - 1))
        self.bind(pygame.K_DOWN, "next save", lambda: self.choose(self.selected + 1))
        if self.mode == "save":
            self.app.set_focus(self.name_entry)
        elif self.entries:
            self.app.set_focus(self.list)

    def _hint(self) -> str:
        if not self.entries:
            return "No saves yet." if self.mode == "load" else "No saves yet: type a name and press Enter."
        if self.mode == "save":
            return "Type a name, or choose a save to replace it. Autosaves are kept apart, the last five."
        return "Up/Down choose, Enter loads. Autosaves are made after every season, the last five kept."

    def _details(self) -> str:
        if not (0 <= self.selected < len(self.entries)):
            return "No saves in this folder yet." if self.mode == "load" else "The game will be saved into this folder."
        return describe(self.entries[self.selected], self.px(12))

    def _build_question(self, body: pygame.Rect, foot: pygame.Rect) -> None:
        """Ask: open a save whose rules changed (replay or as saved), or overwrite a save."""
        px = self.px
        self.ui.set_focus_set(None)  # the name entry is gone: keys go to the question's buttons
        if self.changed is not None:
            change = self.changed.change
            what = change.describe(rule_words(self.changed.scenario.ruleset)) if change is not None else ""
            html = (f"<b>The rules changed since '{escape(self.changed.path.name)}' was saved.</b><br><br>{escape(what[:1].upper() + what[1:])}.<br><br>"
                    "<b>Replay</b> (R): play the saved levers again, season by season, under the rules as they are now — "
                    "the numbers may come out differently.<br>"
                    "<b>As saved</b> (O): open the saved seasons exactly as they were, and go on under the new rules.")
            self.textbox("question", pygame.Rect(body.x, body.y, body.w, min(body.h, px(300))), html)
            cancel, _, replay, as_saved = columns(foot, [px(150), 1.0, px(220), px(220)], px(12))
            self.button("cancel", cancel, "Cancel (Esc)", self.cancel_question)
            self.button("replay", replay, "Replay (R)", lambda: self.open_changed("replay"), object_id="#primary")
            self.button("as-saved", as_saved, "As saved (O)", lambda: self.open_changed("as-saved"))
            self.bind(pygame.K_r, "replay the levers under the new rules", lambda: self.open_changed("replay"))
            self.bind(pygame.K_o, "open the saved state as it was", lambda: self.open_changed("as-saved"))
            self.app.set_focus(self._placed("replay"))
        else:
            assert self.overwrite is not None
            existing = next((e for e in self.entries if e.path == self.overwrite), None)
            about = f" ({escape(entry_row(existing))})" if existing is not None else ""
            html = (f"<b>A save named '{escape(self.overwrite.name)}' already exists</b>{about}.<br><br>"
                    "Replace it with the game in progress? The old save will be gone.")
            self.textbox("question", pygame.Rect(body.x, body.y, body.w, min(body.h, px(300))), html)
            cancel, _, yes = columns(foot, [px(150), 1.0, px(220)], px(12))
            self.button("cancel", cancel, "Keep it (Esc)", self.cancel_question)
            self.button("overwrite", yes, "Replace it (Y)", self.confirm_overwrite, object_id="#primary")
            self.bind(pygame.K_y, "replace the old save", self.confirm_overwrite)
            self.bind(pygame.K_n, "keep the old save", self.cancel_question)
            self.app.set_focus(self._placed("cancel"))  # Enter keeps the old save

    def _placed(self, name: str) -> pygame_gui.core.UIElement:
        return next(e for n, e in self.placed if n == name)

    # -- choosing ----------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and self.list is not None and self.list is event.ui_element:
            index = next((i for i, item in enumerate(self.list.item_list) if item["selected"]), -1)
            if index >= 0:
                self._select(index)
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION and self.list is not None and self.list is event.ui_element:
            self.save() if self.mode == "save" else self.load()
            return True
        if self.mode == "save" and event.type in (pygame_gui.UI_TEXT_ENTRY_CHANGED, pygame_gui.UI_TEXT_ENTRY_FINISHED) \
                and self.name_entry is not None and event.ui_element is self.name_entry:
            self.name_text = self.name_entry.get_text()
            if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED:
                self.save()
            return True
        return False

    def choose(self, index: int) -> None:
        """Select the ``index``-th save (Up/Down)."""
        if not self.entries:
            return
        self._select(max(0, min(len(self.entries) - 1, index)))
        self._mark(self.selected)

    def _select(self, index: int) -> None:
        self.selected = index
        entry = self.entries[index]
        if self.mode == "save" and entry.problem is None and not entry.is_autosave:
            self.name_text = entry.path.stem
            if self.name_entry is not None:
                self.name_entry.set_text(self.name_text)
        self.details.set_text(self._details())

    def _mark(self, index: int) -> None:
        """Show ``index`` selected in the list, scrolled into view."""
        if self.list is None:
            return
        for i, item in enumerate(self.list.item_list):
            item["selected"] = i == index
            button = item.get("button_element")
            if button is not None:
                button.select() if i == index else button.unselect()
        bar = self.list.scroll_bar
        if bar is not None and len(self.list.item_list) > 1:
            visible = bar.visible_percentage
            share = index / len(self.list.item_list)
            start = bar.start_percentage
            if share < start or share + 1 / len(self.list.item_list) > start + visible:
                bar.set_scroll_from_start_percentage(max(0.0, min(1.0 - visible, share - visible / 2)))

    def _say(self, text: str, bad: bool = False) -> None:
        self.message, self.message_bad = text, bad
        self.app.rebuild()

    # -- loading -----------------------------------------------------------------------------
    def load(self) -> None:
        """Open the chosen save: resume it, or ask how when its rules changed; a bad save opens
        the error screen (and from there the title screen)."""
        if self.mode != "load" or not (0 <= self.selected < len(self.entries)):
            return
        loaded = load_path(self.app, self.entries[self.selected].path)
        if loaded is None:
            return
        if loaded.rules_changed:
            self.changed = loaded
            self.app.rebuild()
            return
        open_loaded(self.app, loaded, "resume")

    def open_changed(self, how: Literal["replay", "as-saved"]) -> None:
        loaded, self.changed = self.changed, None
        if loaded is not None:
            open_loaded(self.app, loaded, how)

    def cancel_question(self) -> None:
        self.changed = None
        self.overwrite = None
        self.app.rebuild()

    def back(self) -> None:
        if self.changed is not None or self.overwrite is not None:
            self.cancel_question()
        else:
            self.app.pop()

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        """Save under the name typed; a bad name is refused, an existing save asked about."""
        if self.mode != "save" or self.app.session is None:
            return
        if self.name_entry is not None and self.name_entry.alive():
            self.name_text = self.name_entry.get_text()
        file_name, why = check_name(self.name_text)
        if file_name is None:
            self._say(why, bad=True)
            return
        path = self.app.saves_dir / file_name
        if path.exists() or path.is_symlink():
            self.overwrite = path
            self.app.rebuild()
            return
        self._write(path)

    def confirm_overwrite(self) -> None:
        path, self.overwrite = self.overwrite, None
        if path is not None:
            if path.is_dir():
                self._say(f"'{path.name}' is a folder, not a save: choose another name.", bad=True)
                return
            self._write(path)

    def _write(self, path: Path) -> None:
        try:
            self.app.game.player = self.app.settings.player
            self.app.game.save(path)
        except OSError as err:
            self._say(f"Not saved: {err.strerror or err}. Nothing was overwritten.", bad=True)
            return
        self.entries = list_saves(self.app.saves_dir)
        self.selected = next((i for i, e in enumerate(self.entries) if e.path == path), self.selected)
        self._say(f"Saved as {path.name}. Esc goes back to the game.")
