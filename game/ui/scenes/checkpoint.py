"""A class scenario's stops in the window: the player's name when the class requires it, and each
checkpoint before its season's decision — the prompt, a pause until the instructor's code is
typed, and a question whose written answer goes into the save (:mod:`game.controller`)."""

from __future__ import annotations

from html import escape

import pygame
import pygame_gui

from game.controller import Game
from game.rules.models import Checkpoint
from game.ui.app import App
from game.ui.layout import inset, rows
from game.ui.scene import Scene


class NameScene(Scene):
    """Asks the player's name before the first season, for a class scenario that requires it."""

    title = "Your name"

    def __init__(self, app: App, game: Game) -> None:
        super().__init__(app)
        self.game = game
        self.typed = ""
        self.problem = ""
        self.entry: pygame_gui.elements.UITextEntryLine | None = None

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        head, lead, entry, status, _, foot = rows(inset(rect, px(48)), [px(48), px(60), px(40), px(30), 1.0, px(44)], px(10))
        self.label("heading", head, "Your name", object_id="#heading")
        self.textbox("lead", lead, "Your teacher will read this game: type your name as they should see it in your save.")
        self.entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(entry.x, entry.y, min(entry.w, px(520)), entry.h),
                                                         manager=self.ui, container=self.root, initial_text=self.typed)
        self.entry.length_limit = 200
        self.place("name", self.entry, focus=True)
        self.label("status", status, self.problem, object_id="#bad" if self.problem else "#small")
        self.button("continue", pygame.Rect(foot.x, foot.y, px(240), foot.h), "Continue (Enter)", self.confirm, object_id="#primary")
        self.app.set_focus(self.entry)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.confirm()
            return True
        return False

    def confirm(self) -> None:
        self.typed = self.entry.get_text() if self.entry is not None else self.typed
        name = self.typed.strip()
        if not name or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in name):
            self.problem = "Type your name (letters, not control characters) to begin."
            self.app.rebuild()
            return
        self.game.player = name
        # The window writes the name of its settings into saves: this game's player is it now
        # (for this session; the settings screen keeps it for the next).
        self.app.settings = self.app.settings.model_copy(update={"player": name})
        self.app.pop()

    def back(self) -> None:
        self.confirm()  # Esc does not skip a name the class requires


class CheckpointScene(Scene):
    """One checkpoint: its prompt, the code (when it waits for the instructor), its question."""

    title = "Checkpoint"

    def __init__(self, app: App, game: Game, checkpoint: Checkpoint) -> None:
        super().__init__(app)
        self.game = game
        self.checkpoint = checkpoint
        self.code_text = ""
        self.answer_text = ""
        self.problem = ""
        self.code: pygame_gui.elements.UITextEntryLine | None = None
        self.answer: pygame_gui.elements.UITextEntryBox | None = None

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        c = self.checkpoint
        heights: list[float] = [px(48), 1.0]
        if c.code is not None:
            heights += [px(26), px(38)]
        if c.question is not None:
            heights += [px(60), 1.0]
        heights += [px(30), px(44)]
        parts = rows(inset(rect, px(40)), heights, px(10))
        head, prompt, *rest = parts
        self.label("heading", head, f"Checkpoint: {c.title}", object_id="#heading")
        self.textbox("prompt", prompt, escape(c.prompt))
        first: pygame_gui.core.UIElement | None = None
        if c.code is not None:
            code_label, code_rect, *rest = rest
            self.label("code-label", code_label, "Wait for your teacher, then type the code they give:", object_id="#small")
            self.code = pygame_gui.elements.UITextEntryLine(pygame.Rect(code_rect.x, code_rect.y, min(code_rect.w, px(260)), code_rect.h),
                                                            manager=self.ui, container=self.root, initial_text=self.code_text)
            self.place("code", self.code, focus=True)
            first = self.code
        if c.question is not None:
            question, answer, *rest = rest
            self.textbox("question", question, f"<b>Question:</b> {escape(c.question)}")
            self.answer = pygame_gui.elements.UITextEntryBox(answer, initial_text=self.answer_text, manager=self.ui, container=self.root)
            self.place("answer", self.answer, focus=True)
            first = first or self.answer
        status, foot = rest
        self.label("status", status, self.problem or ("Your answer is kept in your save for your teacher." if c.question else ""),
                   object_id="#bad" if self.problem else "#small")
        self.button("continue", pygame.Rect(foot.x, foot.y, px(260), foot.h), "Continue to the decision", self.confirm, object_id="#primary")
        if first is not None:
            self.app.set_focus(first)

    def confirm(self) -> None:
        if self.code is not None:
            self.code_text = self.code.get_text()
        if self.answer is not None:
            self.answer_text = self.answer.get_text()
        c = self.checkpoint
        if not self.game.code_matches(c, self.code_text):
            self.problem = "That is not the code. Ask your teacher." if self.code_text.strip() else "Wait for your teacher's code."
        elif c.question is not None and not self.answer_text.strip():
            self.problem = "Write a few words: your answer goes into your save for your teacher."
        else:
            self.game.pass_checkpoint(c, None if c.question is None else self.answer_text.strip())
            self.app.pop()
            return
        self.app.rebuild()

    def back(self) -> None:
        """Esc does not skip a checkpoint: it is said so."""
        self.problem = "The checkpoint comes before this decision: answer it, then continue."
        self.app.rebuild()


def class_stop(app: App, game: Game) -> Scene | None:
    """The stop the window must show before the game goes on (the name, then the checkpoint
    before this decision), or None."""
    if game.needs_player_name:
        return NameScene(app, game)
    checkpoint = game.checkpoint()
    return CheckpointScene(app, game, checkpoint) if checkpoint is not None else None
