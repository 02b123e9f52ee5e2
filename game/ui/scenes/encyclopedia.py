"""The encyclopedia: mechanisms, classes, levers, indicators, the period's terms and the works
cited, generated from the rules (:mod:`game.encyclopedia`). A category row, a searchable list and
the article, whose links (and the "related" list under it, for the keyboard) lead on; Esc or
Backspace step back through the entries visited.

It works with no game in progress (the rule set most scenarios play) and during a game (the game's rule set,
with the game's current values).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from functools import lru_cache
from html import escape
from pathlib import Path

import pygame
import pygame_gui

from game import encyclopedia as enc
from game.files import read_file
from game.rules.problems import LoadError
from game.rules.reading import MAX_FILE_BYTES, TOML_FILE
from game.rules.ruleset import MANIFEST_FILE, Ruleset, load_ruleset
from game.rules.scenario import available_scenarios, scenario_path
from game.ui.app import App
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.layout import fitting as first_fitting
from game.ui.scene import Scene

CATEGORY_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5, pygame.K_6)
# Keys the scene acts on even while the search entry has the keyboard.
WHILE_TYPING = (pygame.K_UP, pygame.K_DOWN, pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_RETURN, pygame.K_KP_ENTER)


def encyclopedia_ruleset(app: App) -> Ruleset:
    """The game's rule set; with no game in progress, the rule set most of the shipped scenarios
    play (raises LoadError)."""
    if app.session is not None:
        return app.session.scenario.ruleset
    folder = Path(app.rules_root) / most_played_ruleset(Path(app.rules_root))
    stamp = max((_mtime(f) for f in folder.glob("*.toml")), default=0)
    return _load(str(folder), stamp)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except (OSError, ValueError):  # a link to nowhere, a loop: loading the rule set says what is wrong
        return 0


@lru_cache(maxsize=4)
def _load(folder: str, stamp: int) -> Ruleset:
    """A rule set read once per version of its files (``stamp``: the newest file's time)."""
    return load_ruleset(Path(folder))


def most_played_ruleset(rules_root: Path) -> str:
    """The id of the rule set the most scenarios under ``rules_root`` name (ties: the first by
    name); the first rule set folder if no scenario names one."""
    counts: Counter[str] = Counter()
    for ident in available_scenarios(rules_root):
        try:
            raw = read_file(scenario_path(ident, rules_root), MAX_FILE_BYTES, TOML_FILE)  # only a regular file: never a pipe
            named = tomllib.loads(raw.decode("utf-8")).get("scenario", {}).get("ruleset")
        except (OSError, ValueError, AttributeError, RecursionError):  # a broken scenario: the picker says why
            continue
        if isinstance(named, str) and (rules_root / named / MANIFEST_FILE).exists():
            counts[named] += 1
    if counts:
        return min(counts, key=lambda name: (-counts[name], name))
    folders = sorted(p.name for p in rules_root.iterdir() if (p / MANIFEST_FILE).exists()) if rules_root.is_dir() else []
    return folders[0] if folders else ""


class EncyclopediaScene(Scene):
    title = "Encyclopedia"

    def __init__(self, app: App, entry: str | None = None) -> None:
        super().__init__(app)
        self.problems: list[str] = []
        try:
            self.rs: Ruleset | None = encyclopedia_ruleset(app)
        except LoadError as err:
            self.rs = None
            self.problems = [str(p) for p in err.problems]
        self.category = 0
        self.query = ""
        self.history: list[str] = []  # entries visited before the current one
        self.current: str | None = None
        self.listed: list[tuple[str, str]] = []
        self.key_down = False
        if self.rs is not None:
            start = entry if entry and enc.exists(self.rs, entry) else None
            if start is None:
                first = enc.entries(self.rs, enc.CATEGORIES[0][0])
                start = first[0][0] if first else None
            if start is not None:
                self.category = self.category_of(start)
                self.current = start

    # -- content -----------------------------------------------------------------------------
    def category_of(self, key: str) -> int:
        kind = key.partition(":")[0]
        kind = "indicator" if kind == "variable" else kind
        return next((i for i, (k, _) in enumerate(enc.CATEGORIES) if k == kind), 0)

    def entries(self) -> list[tuple[str, str]]:
        """What the list shows: the category's entries, or every match of the search."""
        assert self.rs is not None
        if self.query.strip():
            return [(key, f"{enc.KIND_NAMES[key.partition(':')[0]]} · {title}") for key, title in enc.search(self.rs, self.query)]
        return enc.entries(self.rs, enc.CATEGORIES[self.category][0])

    def article_html(self, key: str) -> str:
        """The article as pygame_gui HTML (links are ``<a href='kind:id'>``)."""
        assert self.rs is not None
        values = season = None
        session = self.app.session
        if session is not None:
            values, season = session.values(), str(session.state.season)
        a = enc.article(self.rs, key, values, season or "")
        px = self.px
        parts = [f"<font pixel_size={px(22) if px(22) < 30 else px(19)}><b>{escape(a.title)}</b></font>"]
        sub = enc.KIND_NAMES.get(a.kind, a.kind)
        if a.original:
            sub = f"{sub} · {a.original}"
        parts.append(f"<i>{escape(sub)}</i>")
        parts.append("")
        if a.lead:
            parts += [f"<b>{escape(a.lead)}</b>", ""]
        for paragraph in a.body:
            parts += [escape(" ".join(paragraph.split())), ""]
        if a.sources:
            parts.append(f"<font pixel_size={px(18)}><b>Sources</b></font>")
            for src in a.sources:
                parts.append(f"• {escape(src.who)}, <a href='{src.work}'>“{escape(src.title)}”</a>, {escape(src.where)}")
            parts.append("")
        for group in a.related:
            parts.append(f"<font pixel_size={px(18)}><b>{escape(group.heading)}</b></font>")
            items = [f"<a href='{escape(link.key)}'>{escape(link.text)}</a>" for link in group.links]
            items += [escape(name) for name in group.names]
            parts.append(" · ".join(items))
            parts.append("")
        while parts and not parts[-1]:
            parts.pop()
        return "<br>".join(parts)

    # -- layout ------------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        area = inset(pygame.Rect(rect.x, rect.y, rect.w, rect.h - self.app.notice_height()), px(20))
        head, tabs, body, foot = rows(area, [px(36), px(38), 1.0, px(40)], px(10))
        heading = ("Encyclopedia — the rules, the period's words and the sources", "Encyclopedia")
        self.label("heading", head, first_fitting(heading, font(px(19), bold=True), head.w), object_id="#heading")
        if self.rs is None:
            self.textbox("problems", body, "<b>The rules cannot be read:</b><br>" + "<br>".join(escape(p) for p in self.problems))
            self.button("back", columns(foot, [px(180), 1.0])[0], "Back (Esc)", self.app.pop)
            return
        self.build_tabs(tabs)
        left, right = columns(body, [0.38, 0.62], px(14))
        search_rect, list_rect = rows(left, [px(34), 1.0], px(8))
        self.search = pygame_gui.elements.UITextEntryLine(search_rect, manager=self.ui, container=self.root,
                                                          placeholder_text="Type to search every entry",
                                                          initial_text=self.query)
        self.place("search", self.search, focus=True)
        self.listed = self.entries()
        fitting = font(px(15))
        names = self.unique([fit_text(title, fitting, list_rect.w - px(40)) for _, title in self.listed])
        self.names = names
        selected = next((names[i] for i, (k, _) in enumerate(self.listed) if k == self.current), None)
        self.list = pygame_gui.elements.UISelectionList(list_rect, names, manager=self.ui, container=self.root,
                                                        default_selection=selected)
        self.place("entries", self.list, focus=True)
        self.actions[self.list] = self.open_selected
        article_rect, related_rect = rows(right, [1.0, max(px(64), right.h // 5)], px(8))
        html = self.article_html(self.current) if self.current else "No entries."
        self.article = self.textbox("article", article_rect, html)
        self.related_links = enc.article(self.rs, self.current).links if self.current else ()
        related_names = self.unique([fit_text(f"» {link.text}", fitting, related_rect.w - px(40)) for link in self.related_links])
        self.related_names = related_names
        self.related = pygame_gui.elements.UISelectionList(related_rect, related_names, manager=self.ui, container=self.root)
        self.place("related", self.related, focus=True)
        self.actions[self.related] = self.open_related
        back, hint = columns(foot, [px(170), 1.0], px(12))
        self.button("back", back, "Back (Esc)", self.back, tooltip="the entry you saw before, or the previous screen")
        hint_text = "Type to search · Up/Down choose · Enter opens · Tab reaches the related entries · Backspace back"
        self.label("hint", hint, fit_text(hint_text, font(px(13)), hint.w - px(8)), object_id="#small")
        for i, code in enumerate(CATEGORY_KEYS[: len(enc.CATEGORIES)]):
            self.bind(code, f"show {enc.CATEGORIES[i][1].lower()}", lambda i=i: self.choose_category(i))
        self.bind(pygame.K_UP, "previous entry in the list", lambda: self.step(-1))
        self.bind(pygame.K_DOWN, "next entry in the list", lambda: self.step(1))
        self.bind(pygame.K_RETURN, "open the chosen entry", self.open_selected)
        self.bind(pygame.K_PAGEUP, "scroll the article up", lambda: self.scroll(-1))
        self.bind(pygame.K_PAGEDOWN, "scroll the article down", lambda: self.scroll(1))
        self.bind(pygame.K_SLASH, "search", self.focus_search, label="/")
        self.bind(pygame.K_BACKSPACE, "back to the entry you saw before", self.back)

    def build_tabs(self, tabs: pygame.Rect) -> None:
        """One button per category, as wide as its text needs (with the entry count if all fit)."""
        px = self.px
        fitting = font(px(16), bold=True)  # the chosen tab's (#primary) font, the widest
        searching = bool(self.query.strip())
        gap = px(8)
        for with_counts in (True, False):
            texts = [f"{heading} ({len(enc.entries(self.rs, kind))})" if with_counts and self.rs else heading
                     for kind, heading in enc.CATEGORIES]
            widths = [fitting.size(t)[0] + px(20) for t in texts]
            if sum(widths) + gap * (len(widths) - 1) <= tabs.w:
                break
        cells = columns(tabs, [float(w) for w in widths], gap)
        for i, ((kind, heading), cell, text) in enumerate(zip(enc.CATEGORIES, cells, texts)):
            text = fit_text(text, fitting, cell.w - px(12))
            chosen = i == self.category and not searching
            self.button(f"tab-{kind}", cell, text, lambda i=i: self.choose_category(i),
                        tooltip=f"{heading}: key {i + 1}", object_id="#primary" if chosen else None)

    @staticmethod
    def unique(names: list[str]) -> list[str]:
        """List texts made distinct (the selection list tells items apart by their text)."""
        seen: dict[str, int] = {}
        out = []
        for name in names:
            seen[name] = seen.get(name, 0) + 1
            out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
        return out

    # -- actions -----------------------------------------------------------------------------
    def show(self, key: str, remember: bool = True) -> None:
        """Open the article ``key``; ``remember`` the one shown before for Back."""
        if self.rs is None or not enc.exists(self.rs, key) or key == self.current:
            return
        if remember and self.current is not None:
            self.history.append(self.current)
        self.current = key
        if not self.query.strip():
            self.category = self.category_of(key)
        self.app.rebuild()

    def back(self) -> None:
        """Esc / Backspace: the entry seen before, or the previous screen."""
        if self.history:
            key = self.history.pop()
            self.current = None
            self.show(key, remember=False)
            return
        self.app.pop()

    def choose_category(self, index: int) -> None:
        self.category = index
        self.query = ""
        first = enc.entries(self.rs, enc.CATEGORIES[index][0]) if self.rs else []
        if first and (self.current is None or self.category_of(self.current) != index):
            self.show(first[0][0])
        else:
            self.app.rebuild()

    def step(self, delta: int) -> None:
        """Up/Down: the next or previous entry of the list, shown at once."""
        if not self.listed:
            return
        keys = [k for k, _ in self.listed]
        index = keys.index(self.current) if self.current in keys else -1
        index = max(0, min(len(keys) - 1, index + delta))
        self.show(keys[index], remember=False)

    def open_selected(self) -> None:
        chosen = self.list.get_single_selection() if self.rs else None
        if chosen in self.names:
            self.show(self.listed[self.names.index(chosen)][0])
        elif self.listed and self.current not in [k for k, _ in self.listed]:
            self.show(self.listed[0][0])

    def open_related(self) -> None:
        chosen = self.related.get_single_selection()
        if chosen in self.related_names:
            self.show(self.related_links[self.related_names.index(chosen)].key)

    def scroll(self, direction: int) -> None:
        bar = self.article.scroll_bar
        if bar is not None:
            bar.set_scroll_from_start_percentage(min(1.0, max(0.0, bar.start_percentage + direction * bar.visible_percentage * 0.9)))

    def focus_search(self) -> None:
        self.app.set_focus(self.search)

    def set_query(self, text: str) -> None:
        """Filter the list by ``text`` (every category); the first match is shown."""
        self.query = text
        listed = self.entries()
        if listed and self.current not in [k for k, _ in listed]:
            self.current = listed[0][0]
        if not text.strip() and self.current is not None:
            self.category = self.category_of(self.current)
        self.app.rebuild()
        self.app.set_focus(self.search)
        self.search.edit_position = len(text)

    # -- events ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if self.rs is None:
            return False
        if event.type == pygame_gui.UI_TEXT_BOX_LINK_CLICKED:
            self.show(str(event.link_target))
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.list:
            if event.text in self.names:
                self.show(self.listed[self.names.index(event.text)][0], remember=False)
            return True
        if event.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and event.ui_element is self.related:
            return True  # chosen; Enter or a double click opens it
        if event.type == pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION and event.ui_element is self.related:
            self.open_related()
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_CHANGED and event.ui_element is self.search:
            self.set_query(self.search.get_text())
            return True
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is self.search:
            self.open_selected()
            return True
        if event.type == pygame.KEYDOWN and self.app.typing() and event.key in WHILE_TYPING:
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return False  # the entry reports it as finished
            for shortcut in self.shortcuts:
                if shortcut.key == event.key and not shortcut.mod:
                    shortcut.action()
                    return True
        if event.type == pygame.KEYDOWN and self.app.typing() and event.key == pygame.K_BACKSPACE and not self.query:
            self.back()
            return True
        if event.type == pygame.KEYDOWN:
            self.key_down = True  # the text that follows was typed here (not the key that opened the screen)
        if event.type == pygame.TEXTINPUT and self.key_down and not self.app.typing() and event.text.isprintable() \
                and not event.text.isdigit() and event.text not in "/ ":
            self.key_down = False
            self.set_query(self.query + event.text)  # typing anywhere searches
            return True
        return False
