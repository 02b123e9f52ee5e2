"""The title screen: new game, load game, encyclopedia, settings, quit."""

from __future__ import annotations

import pygame

from game.ui.fonts import font
from game.ui.layout import fit_text, inset, rows
from game.ui.scene import Scene


class TitleScene(Scene):
    title = "Title screen"

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        area = inset(rect, px(40))
        column = pygame.Rect(0, 0, min(area.w, px(520)), area.h)
        column.midtop = area.midtop
        title, subtitle, russian, gap, menu, foot = rows(column, [px(64), px(34), px(28), px(20), 1.0, px(24)])
        self.label("title", title, "Smychka", object_id="#title")
        self.label("subtitle", subtitle, fit_text("The worker–peasant alliance under the NEP, 1923–1930", font(px(18), italic=True), subtitle.w - px(8)),
                   object_id="#subtitle")
        self.label("russian", russian, fit_text("Смычка — союз рабочих и крестьян", font(px(13)), russian.w - px(8)), object_id="#small")
        entries = [
            ("new", "New game", "N", pygame.K_n, "choose a scenario and start", self.new_game),
            ("continue", "Continue", "C", pygame.K_c, "go back to the game in progress", self.resume),
            ("load", "Load game", "L", pygame.K_l, "open a saved game", self.load_game),
            ("encyclopedia", "Encyclopedia", "E", pygame.K_e, "mechanisms, classes, levers, terms and sources", self.encyclopedia),
            ("settings", "Settings", "S", pygame.K_s, "UI scale, colours, window", self.settings),
            ("quit", "Quit", "Q", pygame.K_q, "leave the game", self.app.quit),
        ]
        playing = self.app.session is not None
        shown = [e for e in entries if e[0] != "continue" or playing]
        height = min(px(46), (menu.h - px(10) * (len(shown) - 1)) // len(shown))
        y = menu.y
        for ident, text, key, code, what, action in shown:
            self.button(ident, pygame.Rect(menu.x, y, menu.w, height), f"{text}   ({key})", action, tooltip=what,
                        object_id="#primary" if ident in ("new", "continue") else None)
            self.bind(code, what, action)
            y += height + px(10)
        self.label("hint", foot, "F1: keys on every screen · Tab moves the focus, Enter presses", object_id="#small")

    def back(self) -> None:
        """Escape on the title screen goes back to the game in progress, if there is one."""
        self.resume()

    def resume(self) -> None:
        if self.app.session is not None:
            from game.ui.scenes.dashboard import DashboardScene

            self.app.push(DashboardScene(self.app))

    def new_game(self) -> None:
        from game.ui.scenes.picker import PickerScene

        self.app.push(PickerScene(self.app))

    def load_game(self) -> None:
        from game.ui.scenes.saves import SavesScene

        self.app.push(SavesScene(self.app, mode="load"))

    def encyclopedia(self) -> None:
        from game.ui.scenes.encyclopedia import EncyclopediaScene

        self.app.push(EncyclopediaScene(self.app))

    def settings(self) -> None:
        from game.ui.scenes.settings import SettingsScene

        self.app.push(SettingsScene(self.app))
