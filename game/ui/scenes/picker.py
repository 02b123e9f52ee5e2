"""New game: the scenario picker, with each scenario's summary, learning objectives, length and
start season, and the seed."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pygame
import pygame_gui

from game.rules.problems import LoadError, Problem
from game.rules.ruleset import cached_rulesets
from game.rules.scenario import Scenario, available_scenarios, load_scenario
from game.ui.app import App
from game.ui.games import new_game
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.scene import Scene


@dataclass(frozen=True)
class Choice:
    ident: str
    scenario: Scenario | None
    problems: tuple[Problem, ...] = ()

    @property
    def text(self) -> str:
        return self.scenario.title if self.scenario else f"{self.ident} (cannot be opened)"


def scenario_choices(root: Path) -> list[Choice]:
    """Every scenario under ``root``, loaded (or with the problems that stop it loading)."""
    out = []
    with cached_rulesets():
        for ident in available_scenarios(root):  # sorted below: by rule set, shortest first
            try:
                out.append(Choice(ident, load_scenario(ident, root)))
            except LoadError as err:
                out.append(Choice(ident, None, tuple(err.problems)))
    return sorted(out, key=lambda c: (c.scenario is None, c.scenario.ruleset.id if c.scenario else "", c.scenario.seasons if c.scenario else 0, c.ident))


def describe(choice: Choice, pixel_size: int = 22) -> str:
    """The picker's description of a scenario, as pygame_gui HTML."""
    s = choice.scenario
    if s is None:
        return f"<b>{escape(choice.ident)}</b><br><br>This scenario has problems and cannot be started; choose it and press Start to see them."
    years = s.seasons / 4
    length = f"{s.seasons} seasons (about {years:g} year{'s' if years != 1 else ''})"
    end = s.start.plus(s.seasons - 1)
    parts = [f"<font pixel_size={pixel_size}><b>{escape(s.title)}</b></font>", escape(s.summary), "",
             f"<b>Starts</b> {s.start} · <b>ends at the latest</b> {end} · <b>length</b> {length}",
             f"<b>Rules</b> {escape(s.ruleset.name)}"
             f" · <b>levers you set</b> {len(s.levers) - len(s.locked)} of {len(s.levers)}"
             f" · <b>seed</b> {'fixed (' + str(s.seed) + ')' if s.seed is not None else 'free'}"]
    if s.history is not None:
        parts.append("<b>History</b> the state's actual policy is in the scenario: compare your game with it, or take over from any season.")
    if s.objectives:
        parts += ["", "<b>What you will learn</b>"] + [f"• {escape(o)}" for o in s.objectives]
    return "<br>".join(parts)


class PickerScene(Scene):
    title = "New game"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.choices = scenario_choices(app.rules_root)
        self.selected = 0
        self.seed_text = ""

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        head, body, foot = rows(inset(rect, px(28)), [px(44), 1.0, px(44)], px(12))
        self.label("heading", head, "New game — choose a scenario", object_id="#heading")
        left, right = columns(body, [0.4, 0.6], px(16))
        fitting = font(px(15))
        names = [fit_text(c.text, fitting, left.w - px(36)) for c in self.choices]
        self.names = names
        self.list = pygame_gui.elements.UISelectionList(left, names, manager=self.ui, container=self.root,
                                                        default_selection=names[self.selected] if names else None)
        self.place("scenarios", self.list, focus=True)
        self.details = self.textbox("details", right, describe(self.choices[self.selected], self.px(22)) if self.choices else "No scenarios found.")
        back, seed_label, seed, start = columns(foot, [px(160), 1.0, px(150), px(200)], px(12))
        self.button("back", back, "Back (Esc)", self.back)
        self.label("seed-label", seed_label, "Seed (blank: the scenario's own)" if self.px(300) < seed_label.w else "Seed:", object_id="#small")
        self.seed = pygame_gui.elements.UITextEntryLine(seed, manager=self.ui, container=self.root, initial_text=self.seed_text)
        self.seed.set_allowed_characters("numbers")
        self.seed.length_limit = 9
        self.place("seed", self.seed, focus=True)
        self.button("start", start, "Start (Enter)", self.start, object_id="#primary")
        self.bind(pygame.K_RETURN, "start the chosen scenario", self.start)
        self.bind(pygame.K_UP, "previous scenario", lambda: self.choose(self.selected - 1))
        self.bind(pygame.K_DOWN, "next scenario", lambda: self.choose(self.selected + 1))
        self.app.set_focus(self.list)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            if event.text in self.names:
                self.selected = self.names.index(event.text)
                self.details.set_text(describe(self.choices[self.selected], self.px(22)))
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.seed:
            self.seed_text = self.seed.get_text()
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.seed:
            self.start()
            return True
        return False

    def choose(self, index: int) -> None:
        if not self.choices:
            return
        self.selected = max(0, min(len(self.choices) - 1, index))
        self.app._rebuild()

    def start(self) -> None:
        if not self.choices:
            return
        choice = self.choices[self.selected]
        if choice.scenario is None:
            self.app.show_problems(f"The scenario '{choice.ident}' cannot be opened", choice.problems)
            return
        text = self.seed.get_text().strip()
        new_game(self.app, choice.ident, int(text) if text else None)
