"""New game: the scenario picker, with each scenario's summary, learning objectives, length and
start season; the mod to play it under (each with its check status, as ``main.py mods`` lists
them), and the seed."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import pygame
import pygame_gui

from game.rules.catalog import ModEntry, mod_entries
from game.rules.problems import LoadError, Problem
from game.rules.ruleset import cached_rulesets
from game.rules.scenario import Scenario, available_scenarios, load_scenario
from game.rules.season import SEASONS_OF_YEAR
from game.ui.app import App
from game.ui.fonts import font
from game.ui.games import new_game
from game.ui.layout import columns, fit_text, fitting, inset, rows
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


NO_MOD = "No mod: the scenario's own rules"


def mod_fits(entry: ModEntry, choice: Choice | None) -> bool:
    """Whether the mod builds on the rules the chosen scenario is written for."""
    scenario = choice.scenario if choice is not None else None
    return scenario is None or not entry.ok or scenario.ruleset.id in entry.layers


def mod_item(entry: ModEntry, choice: Choice | None) -> str:
    """A mod's line in the list: its status first (it stays when the line is shortened)."""
    if not entry.ok:
        status = "FAILS check"
    elif not entry.used:
        status = "not used"
    elif not mod_fits(entry, choice):
        status = f"for {entry.layers[0]}"
    else:
        status = "ok"
    return f"{status} · {entry.title if entry.ok else entry.ident} {entry.version}"


def describe_mod(entry: ModEntry, choice: Choice | None, bad: str) -> str:
    """The chosen mod in the details, as pygame_gui HTML: who made it, what it changes, its check
    and whether it can be played with the chosen scenario."""
    by = f" by {escape(', '.join(entry.ruleset.stack[-1].authors))}" if entry.ruleset is not None and entry.ruleset.stack[-1].authors else ""
    over = f", over {escape(entry.extends)}" if entry.extends else ""
    parts = [f"<b>Mod</b> {escape(entry.title)} {escape(entry.version)} ({escape(entry.ident)}){by}{over}"]
    if entry.ruleset is not None and entry.ruleset.stack[-1].description:
        parts.append(f"<i>{escape(entry.ruleset.stack[-1].description)}</i>")
    if not entry.ok:
        parts.append(f"<font color='{bad}'><b>Check:</b> {escape(entry.status())}. It cannot be played: press Start to see "
                     "its problems, each with its file, line and column.</font>")
    else:
        parts.append(f"<b>Check:</b> {escape(entry.status())} ({' -> '.join(map(escape, entry.layers))})")
        if not entry.used and entry.note:
            parts.append(f"<font color='{bad}'>{escape(entry.note[:1].upper() + entry.note[1:])}.</font>")
        elif not mod_fits(entry, choice) and choice is not None and choice.scenario is not None:
            parts.append(f"<font color='{bad}'>It builds on {escape(entry.layers[0])}; this scenario is written for "
                         f"{escape(choice.scenario.ruleset.id)}: choose one of its scenarios, or no mod.</font>")
    return "<br>".join(parts)


def describe(choice: Choice, pixel_size: int = 22) -> str:
    """The picker's description of a scenario, as pygame_gui HTML."""
    s = choice.scenario
    if s is None:
        return f"<b>{escape(choice.ident)}</b><br><br>This scenario has problems and cannot be started; choose it and press Start to see them."
    years = s.seasons / len(SEASONS_OF_YEAR)
    length = f"{s.seasons} seasons (about {years:g} year{'s' if years != 1 else ''})"
    end = s.start.plus(s.seasons - 1)
    parts = [f"<font pixel_size={pixel_size}><b>{escape(s.title)}</b></font>", escape(s.summary), "",
             f"<b>Starts</b> {s.start} · <b>ends at the latest</b> {end} · <b>length</b> {length}",
             f"<b>Rules</b> {escape(s.ruleset.name)}"
             f" · <b>levers you set</b> {len(s.levers) - len(s.locked)} of {len(s.levers)}"
             f" · <b>seed</b> {'fixed (' + str(s.seed) + ')' if s.seed is not None else 'free'}"]
    if s.history is not None:
        parts.append("<b>History</b> the state's actual policy is in the scenario: compare your game with it, or let history "
                     "play and take over from any season (the slider below the list).")
    if s.objectives:
        parts += ["", "<b>What you will learn</b>"] + [f"• {escape(o)}" for o in s.objectives]
    return "<br>".join(parts)


def scroll_to(element: pygame_gui.elements.UISelectionList, index: int) -> None:
    """Scroll a list just built so that item ``index`` (its selection) shows."""
    bar = element.scroll_bar
    count = len(element.item_list)
    if bar is None or count < 2:
        return
    visible = bar.visible_percentage
    share = index / count
    if share + 1 / count > visible:
        bar.set_scroll_from_start_percentage(max(0.0, min(1.0 - visible, share + 1 / count - visible)))


class PickerScene(Scene):
    title = "New game"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        with cached_rulesets():  # the rules the scenarios and the mods share are read once
            self.choices = scenario_choices(app.rules_root)
            self.mods = mod_entries(app.rules_root)
        self.selected = 0
        self.mod_selected = 0  # 0: no mod; k: self.mods[k - 1]
        self.seed_text = ""
        self.take_over = 0  # 0: play from the start; k: history plays k seasons, the player takes over

    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        area = inset(rect, px(28))
        area.h -= self.app.notice_height()
        head, body, branch, foot = rows(area, [px(44), 1.0, px(34), px(44)], px(12))
        self.label("heading", head, "New game — choose a scenario", object_id="#heading")
        left, right = columns(body, [0.4, 0.6], px(16))
        list_font = font(px(15))
        if self.mods:
            left, mods_head, mods_rect = rows(left, [0.6, px(26), 0.4], px(6))
        else:
            left, mods_head = rows(left, [1.0, px(26)], px(6))
        names = [fit_text(c.text, list_font, left.w - px(36)) for c in self.choices]
        self.names = names
        self.list = pygame_gui.elements.UISelectionList(left, names, manager=self.ui, container=self.root,
                                                        default_selection=names[self.selected] if names else None)
        self.place("scenarios", self.list, focus=True)
        scroll_to(self.list, self.selected)
        self._build_mods(mods_head, mods_rect if self.mods else None, list_font)
        self.details = self.textbox("details", right, self.details_html())
        widths: list[float] = [px(160), 1.0, px(150), px(200)]
        if sum(w for w in widths if isinstance(w, int)) + px(140) > foot.w:  # large scale, small window
            widths = [0.27, 0.13, 0.25, 0.35]
        back, seed_label, seed, start = columns(foot, widths, px(12))
        self.button("back", back, "Back (Esc)", self.back)
        self.label("seed-label", seed_label, fitting(("Seed (blank: the scenario's own)", "Seed:", ""), font(px(13)), seed_label.w), object_id="#small")
        self.seed = pygame_gui.elements.UITextEntryLine(seed, manager=self.ui, container=self.root, initial_text=self.seed_text)
        self.seed.set_allowed_characters("numbers")
        self.seed.length_limit = 9
        self.place("seed", self.seed, focus=True)
        self.button("start", start, "Start (Enter)", self.start, object_id="#primary")
        self._build_branch(branch)
        self.bind(pygame.K_RETURN, "start the chosen scenario", self.start)
        self.bind(pygame.K_UP, "previous scenario", lambda: self.choose(self.selected - 1))
        self.bind(pygame.K_DOWN, "next scenario", lambda: self.choose(self.selected + 1))
        if self.mods:
            self.bind(pygame.K_m, "next mod (none first)", lambda: self.choose_mod(self.mod_selected + 1))
            self.bind(pygame.K_m, "previous mod", lambda: self.choose_mod(self.mod_selected - 1), mod=pygame.KMOD_SHIFT)
        self.app.set_focus(self.list)

    # -- the mod -----------------------------------------------------------------------------
    @property
    def chosen(self) -> Choice | None:
        return self.choices[self.selected] if self.choices else None

    @property
    def mod(self) -> ModEntry | None:
        """The mod chosen (None: the scenario's own rules)."""
        return self.mods[self.mod_selected - 1] if 0 < self.mod_selected <= len(self.mods) else None

    def _build_mods(self, head: pygame.Rect, rect: pygame.Rect | None, list_font: pygame.font.Font) -> None:
        """The mods, each with its check status, the scenario's own rules first."""
        px = self.px
        texts = (("Play under a mod (M)", "Mod (M)", "Mod") if self.mods else
                 ("Mods: none installed (docs/MODDING.md shows how to make one)", "Mods: none installed", "No mods"))
        self.label("mods-heading", head, fitting(texts, font(px(13)), head.w), object_id="#small")
        self.mods_list = None
        if rect is None:
            return
        items = [fit_text(text, list_font, rect.w - px(36)) for text in [NO_MOD, *(mod_item(m, self.chosen) for m in self.mods)]]
        self.mods_list = pygame_gui.elements.UISelectionList(rect, items, manager=self.ui, container=self.root,
                                                             default_selection=items[self.mod_selected])
        self.place("mods", self.mods_list, focus=True)
        scroll_to(self.mods_list, self.mod_selected)

    def choose_mod(self, index: int) -> None:
        self.mod_selected = max(0, min(len(self.mods), index))
        self.app.rebuild()

    def details_html(self) -> str:
        choice = self.chosen
        if choice is None:
            return "No scenarios found."
        text = describe(choice, self.px(22))
        entry = self.mod
        if entry is None:
            return text
        bad = self.app.palette.bad
        head, _, rest = text.partition("<br>")
        return f"{head}<br>{describe_mod(entry, choice, f'#{bad.r:02x}{bad.g:02x}{bad.b:02x}')}<br><br>{rest}"

    # -- taking over from history ------------------------------------------------------------
    def seasons(self) -> list[str]:
        """The seasons of the chosen scenario (empty without a historical policy to branch from)."""
        s = self.choices[self.selected].scenario if self.choices else None
        if s is None or s.history is None:
            return []
        return s.season_names()

    def branch_at(self) -> str | None:
        """The season the player takes over at, or None to play from the start."""
        seasons = self.seasons()
        return seasons[self.take_over] if 0 < self.take_over < len(seasons) else None

    def _branch_texts(self) -> tuple[str, ...]:
        """What the take-over slider says, longest first (the first that fits is shown)."""
        seasons = self.seasons()
        at = self.branch_at()
        if not seasons:
            return ("This scenario has no historical policy: you play it from the start.", "No historical policy to take over from.", "No history")
        if at is None:
            return ("From the start: you set the levers every season.", "From the start", "Start")
        n = self.take_over
        return (f"History plays {n} season{'s' if n != 1 else ''}; you take over in {at}.", f"You take over in {at}", at)

    def _build_branch(self, row: pygame.Rect) -> None:
        """Take over from history: a slider over the scenario's seasons (0: from the start)."""
        px = self.px
        seasons = self.seasons()
        self.take_over = min(self.take_over, max(0, len(seasons) - 1))
        label_cell, slider_cell, value_cell = columns(row, [min(px(170), row.w // 5), 0.4, 0.6], px(12))
        self.label("branch-label", label_cell, fitting(("Take over from history", "Take over", ""), font(px(13)), label_cell.w), object_id="#small")
        self.branch_slider = pygame_gui.elements.UIHorizontalSlider(slider_cell, self.take_over, (0, max(1, len(seasons) - 1)),
                                                                    manager=self.ui, container=self.root)
        self.place("branch", self.branch_slider, focus=bool(seasons))
        if not seasons:
            self.branch_slider.disable()
        self.branch_value = self.label("branch-value", value_cell, fitting(self._branch_texts(), font(px(15)), value_cell.w))
        self.bind(pygame.K_COMMA, "take over from history one season earlier", lambda: self.nudge(self.branch_slider, -1), label=",")
        self.bind(pygame.K_PERIOD, "take over from history one season later", lambda: self.nudge(self.branch_slider, 1), label=".")

    def nudge(self, slider: pygame_gui.elements.UIHorizontalSlider, steps: int) -> bool:
        """Left/Right on the focused take-over slider (and , and .)."""
        if slider is not self.branch_slider or not self.seasons():
            return False
        self._set_take_over(self.take_over + steps)
        self.branch_slider.set_current_value(self.take_over)
        return True

    def _set_take_over(self, value: int) -> None:
        self.take_over = max(0, min(len(self.seasons()) - 1, value))
        self.branch_value.set_text(fitting(self._branch_texts(), font(self.px(15)), self.branch_value.rect.w))

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED and event.ui_element is self.branch_slider:
            if self.seasons():
                self._set_take_over(int(round(self.branch_slider.get_current_value())))
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            index = next((i for i, item in enumerate(self.list.item_list) if item["selected"]), -1)
            if index >= 0 and index != self.selected:
                self.selected = index
                self.app.rebuild()  # the details and the take-over slider are the new scenario's
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and self.mods_list is not None and event.ui_element is self.mods_list:
            index = next((i for i, item in enumerate(self.mods_list.item_list) if item["selected"]), -1)
            if index >= 0 and index != self.mod_selected:
                self.choose_mod(index)
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
        self.app.rebuild()

    def start(self) -> None:
        if not self.choices:
            return
        choice = self.choices[self.selected]
        if choice.scenario is None:
            self.app.show_problems(f"The scenario '{choice.ident}' cannot be opened", choice.problems)
            return
        entry = self.mod
        if entry is not None and not entry.ok:
            self.app.show_problems(f"The mod '{entry.ident}' fails its check and cannot be played", list(entry.problems))
            return
        if entry is not None and not entry.used:
            self.app.show_problems(f"The mod '{entry.ident}' is not used", [entry.note or "another mod has its id"])
            return
        text = self.seed.get_text().strip()
        try:
            seed = int(text) if text else None
        except ValueError:  # the entry allows digits only, but be sure
            seed = None
        new_game(self.app, choice.ident, seed, self.branch_at(), mod=entry.place if entry is not None else None)
