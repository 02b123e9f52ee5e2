"""The error screen: a scenario or save that failed validation, every located problem listed."""

from __future__ import annotations

from html import escape

import pygame

from game.ui.app import App
from game.ui.fonts import font
from game.ui.layout import fitting, inset, rows
from game.ui.scene import Scene


class ErrorScene(Scene):
    title = "Cannot open"

    def __init__(self, app: App, heading: str, problems: list[str], lead: str | None = None, to_game: bool = False) -> None:
        super().__init__(app)
        self.heading = heading
        self.problems = problems
        self.lead = lead  # the line under the heading; by default it counts the problems of a file
        self.to_game = to_game  # Back returns to the game in progress (the screen below), not to the title screen

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        head, lead, body, foot = rows(inset(rect, px(32)), [px(48), px(30), 1.0, px(44)], px(10))
        self.label("heading", head, self.heading, object_id="#heading")
        count = len(self.problems)
        problems = f"{count} problem{'s' if count != 1 else ''}"
        self.label("count", lead, fitting((self.lead,) if self.lead is not None else
                                          (f"{problems} — nothing was changed or overwritten. Fix the file and try again.",
                                           f"{problems} — nothing was changed. Fix the file and try again.",
                                           f"{problems}; nothing was changed."), font(px(15)), lead.w))
        listing = "<br>".join(f"• {escape(p)}" for p in self.problems) or "(no details)"
        self.textbox("problems", body, listing)
        where = "the game" if self.to_game else "the title screen"
        self.button("back", pygame.Rect(foot.x, foot.y, px(260), foot.h), f"Back to {where}", self.back, object_id="#primary")
        self.bind(pygame.K_b, f"back to {where}", self.back)

    def back(self) -> None:
        if self.to_game:
            self.app.pop()
            return
        from game.ui.scenes.title import TitleScene

        self.app.reset_to(TitleScene(self.app))
