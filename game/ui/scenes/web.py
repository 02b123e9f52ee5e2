"""The causal web: the rules graph around a number, with this season's strongest links.

Around a focus variable it shows its inputs two steps back (levers, chance, events and last
season's stocks too) and what it feeds one step on; an overview shows the whole graph in
dependency layers. A link's thickness and colour say how much it moved its consumer this season
(from :meth:`game.session.Session.explain`). The graph itself is the rule set's
(``Ruleset.depends_on`` and the compiled model's inputs); nothing is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape as _escape

import pygame
import pygame_gui

from game.engine.explain import Explanation
from game.present.graph import CausalGraph, GraphNode, Link
from game.present.index import label_of, rule_info
from game.present.numbers import number
from game.present.seasons import season_label
from game.session import Session
from game.ui.app import App
from game.ui.canvas import Canvas
from game.ui.fonts import font
from game.ui.layout import columns, fit_text, inset, rows
from game.ui.palette import CARD, INK, MUTED
from game.ui.scene import GameScene
from game.ui.scenes.why import effect_colour, kind_words, value_text

# A link carrying at least this share of its consumer's movement is drawn strong (thick, coloured).
STRONG = 0.2
WEAK_WIDTH = 1
MOST_WIDTH = 7
COLUMN_TITLES = ("Further back", "Its inputs", "This number", "What it feeds")


def escape(text: str) -> str:
    return _escape(text, quote=False)


@dataclass
class Node(GraphNode):
    """A box on the web, with where it is drawn."""

    rect: pygame.Rect = field(default_factory=pygame.Rect)


Edge = Link


class WebScene(GameScene):
    """The causal web around ``variable`` (None: the whole graph) in the season ``turn``."""

    title = "Causal web"

    def __init__(self, app: App, variable: str | None = None, turn: int | None = None) -> None:
        super().__init__(app)
        session: Session = app.session
        self.model = session.model
        self.focus: str | None = variable if variable in self.model.index else None
        self.last_focus = self.focus or next((i.variable for i in self.rs.indicators if i.variable in self.model.index),
                                             self.model.variables[0])
        self.turn = session.turn if turn is None else max(0, min(session.turn, turn))
        self.selected: str | None = self.focus
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.hidden: dict[int, int] = {}
        self.graph = CausalGraph(session, self.turn)
        self._base: pygame.Surface | None = None
        self._base_key: tuple | None = None
        self._tip: pygame_gui.core.UIElement | None = None
        self._tip_node: str | None = None
        self.paint_count = 0
        # How each link was drawn last (source, target) -> (width, colour): what the tests check.
        self.drawn: dict[tuple[str, str], tuple[int, pygame.Color]] = {}
        self._consumers = self.graph.consumers

    # -- the graph (from the presentation layer) --------------------------------------------
    def inputs_of(self, name: str) -> list[tuple[str, str, str]]:
        """(node id, name, kind) of each input of variable ``name`` the web shows."""
        return self.graph.inputs_of(name)

    def explanation(self, name: str) -> Explanation | None:
        self.graph.turn = self.turn
        return self.graph.explanation(name)

    def link(self, source_id: str, target: str) -> tuple[float, float]:
        """(contribution, share) of input ``source_id`` in ``target``'s move this season."""
        self.graph.turn = self.turn
        return self.graph.link(source_id, target)

    def focus_graph(self, focus: str) -> tuple[list[list[Node]], list[Edge]]:
        """The columns of nodes around ``focus`` (inputs of inputs, inputs, focus, consumers),
        strongest-ranked first in each column."""
        self.graph.turn = self.turn
        return [[Node(**vars(n)) for n in column] for column in self.graph.focus_columns(focus)], []

    def overview_graph(self) -> list[Node]:
        """Every lever and variable in dependency layers (levers first), in the order to lay out."""
        return [Node(**vars(n)) for n in self.graph.overview_nodes()]

    # -- building ----------------------------------------------------------------------------
    def build(self, rect: pygame.Rect) -> None:
        px = self.px
        self.turn = max(0, min(self.session.turn, self.turn))
        outer = inset(rect, px(14))
        head, body, foot = rows(outer, [px(38), 1.0, px(58)], px(8))
        f = font(px(15))

        def width(text: str) -> int:
            return f.size(text)[0] + px(26)

        texts = {"earlier": "‹ Earlier ([)", "later": "Later (]) ›", "mode": "Whole graph (O)", "why": "Why? (Enter)",
                 "back": "Back (Esc)"}
        season_w = width("1923-autumn")
        fixed = [width(texts["earlier"]), season_w, width(texts["later"]), width(texts["mode"]), width(texts["why"]), width(texts["back"])]
        if sum(fixed) + px(8) * 6 + px(200) > head.w:
            texts.update(earlier="‹ [", later="] ›", mode="All (O)", why="Why?", back="Back")
            fixed = [width(texts["earlier"]), season_w, width(texts["later"]), width(texts["mode"]), width(texts["why"]), width(texts["back"])]
        title, earlier, season, later, mode, why, back = columns(head, [1.0] + fixed, px(8))
        self.heading = self.label("heading", title, "", object_id="#heading")
        self.earlier = self.button("earlier", earlier, texts["earlier"], lambda: self.step_season(-1), tooltip="the season before")
        self.season = self.label("season", season, "")
        self.later = self.button("later", later, texts["later"], lambda: self.step_season(1), tooltip="the season after")
        self.mode_button = self.button("mode", mode, texts["mode"], self.toggle_overview,
                                       tooltip="switch between the whole graph and the web around one number")
        self.button("why", why, texts["why"], self.open_why, tooltip="why the selected number moved")
        self.button("back", back, texts["back"], self.back, tooltip="the previous screen")
        self.web = self.canvas("web", body, self._paint_web)
        legend, info = columns(foot, [0.55, 0.45], px(8))
        self.legend = self.canvas("legend", legend, self._paint_legend)
        self.info = self.textbox("info", info, "", object_id="#small")
        self.bind(pygame.K_UP, "select the node above", lambda: self.move_selection(0, -1))
        self.bind(pygame.K_DOWN, "select the node below", lambda: self.move_selection(0, 1))
        self.bind(pygame.K_LEFT, "select a node in the column to the left", lambda: self.move_selection(-1, 0))
        self.bind(pygame.K_RIGHT, "select a node in the column to the right", lambda: self.move_selection(1, 0))
        self.bind(pygame.K_RETURN, "why the selected number moved", self.open_why)
        self.bind(pygame.K_c, "centre the web on the selected node", self.recentre_selected)
        self.bind(pygame.K_o, "the whole graph / back to the focus", self.toggle_overview)
        self.bind(pygame.K_LEFTBRACKET, "the season before", lambda: self.step_season(-1))
        self.bind(pygame.K_RIGHTBRACKET, "the season after", lambda: self.step_season(1))
        self._tip = None
        self._tip_node = None
        self.refresh(repaint=False)

    def refresh(self, repaint: bool = True) -> None:
        """Show the focus, season and selection (the graph is painted again only if they changed)."""
        heading = f"Causal web: {label_of(self.rs, self.focus)}" if self.focus else "Causal web: every number"
        room = self.heading.rect.w - self.px(8)
        if self.heading.font.size(heading)[0] > room:
            heading = label_of(self.rs, self.focus) if self.focus else "Every number"
        self.heading.set_text(fit_text(heading, self.heading.font, room))
        season = season_label(self.session.history[self.turn].season)
        self.season.set_text(fit_text(season, self.season.font, self.season.rect.w - self.px(6)))
        for button, ok in ((self.earlier, self.turn > 1), (self.later, self.turn < self.session.turn)):
            button.enable() if ok else button.disable()
        if repaint:
            self.web.repaint()
            self.legend.repaint()
        self._show_info()

    def _show_info(self) -> None:
        node = self.nodes.get(self.selected or "")
        if node is None:
            self.info.set_text("Click a box to centre the web on it; arrows select, Enter asks why, C centres.")
            return
        self.info.set_text(self._describe(node))

    def _describe(self, node: Node) -> str:
        info = rule_info(self.rs, node.name)
        value = self._value(node)
        head = f"<b>{escape(node.label)}</b> ({escape(kind_words(self.rs, node.name, node.kind))}"
        head += f", {escape(value)})" if value else ")"
        description = " ".join(info.description.split())
        return f"{head} {escape(description)}"

    def _value(self, node: Node) -> str:
        s = self.session
        if node.kind == "variable":
            return number(self.rs, node.name, s.value(node.name, self.turn))
        if node.kind == "prev" and self.turn >= 1:
            return number(self.rs, node.name, s.value(node.name, self.turn - 1))
        if node.kind in ("lever", "prev_lever") and node.name in s.scenario.levers and self.turn >= 1:
            turn = self.turn if node.kind == "lever" else max(1, self.turn - 1)
            return value_text(s, node.name, "lever", s.levers_played(turn).get(node.name, 0.0))
        return ""

    # -- painting ----------------------------------------------------------------------------
    def _paint_web(self, canvas: Canvas, surface: pygame.Surface) -> None:
        key = (self.focus, self.turn, surface.get_size(), self.app.palette.name, self.app.scale)
        if self._base is None or key != self._base_key:
            self._base = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
            self._base_key = key
            self._layout_and_draw(canvas, self._base)
            self.paint_count += 1
            self._texts = list(canvas.texts)
            self._hotspots = list(canvas.hotspots)
        else:
            canvas.texts[:] = self._texts
            canvas.hotspots[:] = self._hotspots
        surface.blit(self._base, (0, 0))
        node = self.nodes.get(self.selected or "")
        if node is not None:
            pygame.draw.rect(surface, self.app.palette.focus, node.rect.inflate(canvas.px(6), canvas.px(6)),
                             max(2, canvas.px(3)), border_radius=canvas.px(6))

    def _layout_and_draw(self, canvas: Canvas, surface: pygame.Surface) -> None:
        surface.fill(pygame.Color("#fbf8f1"))
        pygame.draw.rect(surface, self.app.palette.grid, surface.get_rect(), 1)
        if self.focus is None:
            self._draw_overview(canvas, surface)
        else:
            self._draw_focus(canvas, surface)

    def _draw_focus(self, canvas: Canvas, surface: pygame.Surface) -> None:
        px = canvas.px
        w, h = surface.get_size()
        cols, _ = self.focus_graph(self.focus or "")
        pad, gap = px(12), px(44)
        left = px(34)  # room for links between inputs of the first column
        title_font = font(px(13), bold=True)
        top = pad + title_font.get_linesize() + px(6)
        col_w = (w - left - pad - 3 * gap) // 4
        label_font, small = font(px(13)), font(px(11))
        node_h = label_font.get_linesize() + small.get_linesize() + px(6)
        vgap = px(8)
        fits = max(1, (h - top - pad + vgap) // (node_h + vgap))
        self.nodes = {}
        self.hidden = {}
        for c in (1, 2, 3, 0):
            column = cols[c]
            x = left + c * (col_w + gap)
            canvas.text(surface, fit_text(COLUMN_TITLES[c], title_font, col_w), (x, pad), 13, MUTED, bold=True)
            shown = column[:fits] if len(column) <= fits else column[:fits - 1]
            if c == 0:  # inputs of inputs beside the inputs they feed
                shown = self._by_targets(shown)
            count = len(shown)
            block = count * node_h + (count - 1) * vgap
            y0 = top + max(0, (h - top - pad - block) // 2)
            for i, node in enumerate(shown):
                node.rect = pygame.Rect(x, y0 + i * (node_h + vgap), col_w, node_h)
                self.nodes[node.id] = node
            if len(column) > len(shown):
                self.hidden[c] = len(column) - len(shown)
                canvas.text(surface, f"+ {self.hidden[c]} more (press O for the whole graph)" if col_w > px(240) else f"+ {self.hidden[c]} more",
                            (x, y0 + count * (node_h + vgap)), 12, MUTED)
        self.edges = self._edges()
        self._draw_edges(surface, canvas, arrows=True)
        for node in self.nodes.values():
            self._draw_node(canvas, surface, node, 13, 11, two_lines=True)

    def _by_targets(self, nodes: list[Node]) -> list[Node]:
        """Order inputs of inputs by where the inputs they feed stand (fewer crossing links)."""
        ys = {n.id: n.rect.centery for n in self.nodes.values() if n.column == 1}

        def where(node: Node) -> float:
            targets = [ys[t] for t, _ in self._targets(node) if t in ys]
            return sum(targets) / len(targets) if targets else math.inf

        return sorted(nodes, key=lambda n: (where(n), -n.rank))

    def _targets(self, node: Node) -> list[tuple[str, str]]:
        return self.graph.targets(node)

    def _edges(self) -> list[Edge]:
        """Every link between the nodes shown, with its share of the consumer's move."""
        self.graph.turn = self.turn
        return self.graph.links_between(dict(self.nodes))

    def _draw_edges(self, surface: pygame.Surface, canvas: Canvas, arrows: bool, most: int = MOST_WIDTH,
                    bulge: int | None = None) -> None:
        """The links, weakest first; thickness by share of the consumer's move, colour by effect."""
        pal = self.app.palette
        px = canvas.px
        self.drawn = {}
        for edge in sorted(self.edges, key=lambda e: e.share):
            a, b = self.nodes[edge.source].rect, self.nodes[edge.target].rect
            strong = edge.share >= STRONG
            colour = effect_colour(pal, self.rs, edge.target, edge.contribution) if edge.share > 0 else pal.grid
            if not strong and edge.share > 0:
                colour = colour.lerp(pygame.Color("#fbf8f1"), 0.45)
            width = max(1, round(px(WEAK_WIDTH) + edge.share * px(most - WEAK_WIDTH))) if edge.share > 0 else 1
            if b.x > a.x:
                start, end = (a.right, a.centery), (b.left, b.centery)
                points = _curve(start, end)
            else:  # within a column: an arc on the left
                start, end = (a.left, a.centery), (b.left, b.centery)
                out = min(bulge, px(18) + abs(end[1] - start[1]) // 12) if bulge is not None else px(18) + abs(end[1] - start[1]) // 12
                points = [start, (start[0] - out, start[1]), (end[0] - out, end[1]), end]
            self.drawn[(edge.source, edge.target)] = (width, pygame.Color(colour))
            if edge.next_season:
                _dashed(surface, colour if edge.share else pal.neutral, points, max(1, px(1)), px(6))
            elif width <= 1:
                pygame.draw.aalines(surface, colour, False, points)
            else:
                pygame.draw.lines(surface, colour, False, points, width)
            if arrows:
                _arrow(surface, colour if edge.share else pal.neutral, points[-2], end, px(7) + width)

    def _draw_node(self, canvas: Canvas, surface: pygame.Surface, node: Node, label_size: float, small_size: float,
                   two_lines: bool) -> None:
        """A labelled box (sizes at 100 % scale); in the focus view, with its value and kind."""
        px = canvas.px
        label_font, small = font(px(label_size)), font(px(small_size))
        pal = self.app.palette
        rect = node.rect
        is_focus = node.id == self.focus
        indicator = any(i.variable == node.name for i in self.rs.indicators) and node.kind == "variable"
        fill = CARD if node.kind == "variable" else pygame.Color("#ede5d3")
        if is_focus:
            fill = pal.focus.lerp(pygame.Color("#ffffff"), 0.82)
        pygame.draw.rect(surface, fill, rect, border_radius=px(4))
        border = pal.focus if is_focus else INK if indicator else MUTED
        pygame.draw.rect(surface, border, rect, max(1, px(2) if (is_focus or indicator) else px(1)), border_radius=px(4))
        if node.kind in ("lever", "prev_lever"):  # the player's own: a mark on the left edge
            pygame.draw.rect(surface, pal.colour(0), (rect.x, rect.y, max(3, px(4)), rect.h), border_radius=px(2))
        inner = rect.w - px(12)
        label = fit_text(node.label, label_font, inner)
        if two_lines:
            canvas.text(surface, label, (rect.x + px(7), rect.y + px(2)), label_size, INK)
            value = self._value(node)
            sub = kind_words(self.rs, node.name, node.kind) if node.kind != "variable" else "this season"
            sub = f"{value} · {sub}" if value else sub
            canvas.text(surface, fit_text(sub, small, inner), (rect.x + px(7), rect.y + px(2) + label_font.get_linesize()),
                        small_size, MUTED)
        else:
            canvas.text(surface, label, (rect.x + px(5), rect.centery), label_size, INK, anchor="midleft")
        canvas.hotspot(rect, ("node", node.id))

    def _draw_overview(self, canvas: Canvas, surface: pygame.Surface) -> None:
        px = canvas.px
        w, h = surface.get_size()
        nodes = self.overview_graph()
        pad, col_gap = px(8), max(12, px(12))
        chosen = None
        for size in range(max(10, px(12)), 9, -1):  # the largest font at which the labels stay legible
            node_h = font(size).get_linesize() + px(2)
            places = _fill_columns(nodes, node_h, node_h + px(3), pad, h - pad)
            count = max(col for col, _ in places) + 1
            col_w = (w - 2 * pad - (count - 1) * col_gap) // count
            chosen = (places, node_h, col_w, size)
            if col_w >= 9 * size:
                break
        places, node_h, col_w, chosen_size = chosen
        self.nodes = {}
        for node, (col, y) in zip(nodes, places):
            node.rect = pygame.Rect(pad + col * (col_w + col_gap), y, col_w, node_h)
            node.column = col
            self.nodes[node.id] = node
        self.edges = self._overview_edges()
        self._draw_edges(surface, canvas, arrows=False, most=3, bulge=col_gap // 2 - px(2))
        size = chosen_size / canvas.scale
        for node in self.nodes.values():
            self._draw_node(canvas, surface, node, size, size, two_lines=False)

    def _overview_edges(self) -> list[Edge]:
        self.graph.turn = self.turn
        return self.graph.links_between(dict(self.nodes), overview=True)

    def _paint_legend(self, canvas: Canvas, surface: pygame.Surface) -> None:
        """What thickness and colour mean, flowed over as many lines as it takes."""
        px, pal = canvas.px, self.app.palette
        w, h = surface.get_size()
        f = font(px(12))
        line = f.get_linesize()
        items: list[tuple[str, object, str]] = [
            ("text", None, "Thickness: share of the move it caused —"),
            ("line", (pal.grid, px(1)), "none this season"), ("line", (INK, px(3)), "some"), ("line", (INK, px(MOST_WIDTH)), "most"),
            ("text", None, "Colour:"),
            ("swatch", pal.good, "helped"), ("swatch", pal.bad, "hurt"),
            ("swatch", effect_colour(pal, self.rs, "", 1.0), "raised"), ("swatch", effect_colour(pal, self.rs, "", -1.0), "lowered"),
            ("text", None, "(helped/hurt where the rules say which way is better)"),
        ]
        if self.focus is None:
            items.append(("text", None, "· inputs on the left, what they feed to the right"))
        x, y = 0, 0
        for kind, look, text in items:
            mark = px(26) if kind == "line" else f.get_height() - px(4) if kind == "swatch" else 0
            need = mark + (px(4) if mark else 0) + f.size(text)[0]
            if x and x + need > w:
                x, y = 0, y + line
            if y + line > h:
                break
            if kind == "line":
                colour, width = look  # type: ignore[misc]
                pygame.draw.line(surface, colour, (x, y + line // 2), (x + mark, y + line // 2), width)
            elif kind == "swatch":
                pygame.draw.rect(surface, look, (x, y + px(2), mark, mark))  # type: ignore[arg-type]
            x += mark + (px(4) if mark else 0)
            x = canvas.text(surface, fit_text(text, f, w - x), (x, y), 12, MUTED).right + px(10)

    # -- acting ------------------------------------------------------------------------------
    def recentre(self, ident: str) -> None:
        """Centre the web on the node ``ident`` (a lever or chance node only gets selected)."""
        node = self.nodes.get(ident)
        name = node.name if node else ident
        if name in self.model.index:
            self.focus = name
            self.last_focus = name
            self.selected = name
        else:
            self.selected = ident
        self.refresh()

    def recentre_selected(self) -> None:
        if self.selected:
            self.recentre(self.selected)

    def toggle_overview(self) -> None:
        if self.focus is None:
            self.focus = self.selected if self.selected in self.model.index else self.last_focus
        else:
            self.last_focus = self.focus
            self.focus = None
        self.selected = self.focus or self.last_focus
        self.refresh()

    def step_season(self, step: int) -> None:
        turn = self.turn + step
        if 1 <= turn <= self.session.turn:
            self.turn = turn
            self.refresh()

    def move_selection(self, dx: int, dy: int) -> None:
        """Arrow keys: up/down within a column, left/right to the nearest node of the next column."""
        if not self.nodes:
            return
        current = self.nodes.get(self.selected or "") or next(iter(self.nodes.values()))
        columns_of = sorted({n.column for n in self.nodes.values()})
        if dy:
            same = sorted((n for n in self.nodes.values() if n.column == current.column), key=lambda n: n.rect.y)
            index = same.index(current) + dy if current in same else 0
            chosen = same[max(0, min(len(same) - 1, index))]
        else:
            at = columns_of.index(current.column) + dx
            if not 0 <= at < len(columns_of):
                return
            others = [n for n in self.nodes.values() if n.column == columns_of[at]]
            chosen = min(others, key=lambda n: abs(n.rect.centery - current.rect.centery))
        self.selected = chosen.id
        self.web.repaint()
        self._show_info()

    def open_why(self) -> None:
        from game.ui.scenes.why import WhyScene

        node = self.nodes.get(self.selected or "")
        name, turn = (node.name, self.turn) if node else (self.focus or self.last_focus, self.turn)
        if node is not None and node.kind == "prev":
            turn = self.turn - 1
        if name not in self.model.index:
            self.info.set_text(f"{escape(node.label if node else name)} is {escape(kind_words(self.rs, name, node.kind if node else ''))}: "
                               "a root cause, not worked out from other numbers.")
            return
        self.app.push(WhyScene(self.app, name, max(0, turn)))

    # -- events ------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self.web.hit(event.pos)
            if hit is not None:
                self.recentre(hit[1])
                return True
            return False
        if event.type == pygame.MOUSEMOTION:
            self._hover(event.pos)
        return False

    def _hover(self, pos: tuple[int, int]) -> None:
        hit = self.web.hit(pos)
        ident = hit[1] if hit else None
        if ident == self._tip_node:
            return
        if self._tip is not None:
            self._tip.kill()
            self._tip = None
        self._tip_node = ident
        node = self.nodes.get(ident or "")
        if node is None:
            return
        tip = self.ui.create_tool_tip(self._describe(node), pos, (0, self.px(16)), self.web, None)
        tip.find_valid_position(pygame.math.Vector2(pos))
        self._tip = tip

    def leave(self) -> None:
        if self._tip is not None:
            self._tip.kill()
            self._tip = None
            self._tip_node = None
        super().leave()



def _fill_columns(nodes: list[Node], node_h: int, row: int, top: int, bottom: int) -> list[tuple[int, int]]:
    """(column, y) of each node filled top to bottom, column after column, with half a row
    between dependency layers."""
    out = []
    col, y = 0, top
    previous = None
    for node in nodes:
        if previous is not None and node.column != previous:
            y += row // 2
        if y + node_h > bottom:
            col, y = col + 1, top
        previous = node.column
        out.append((col, y))
        y += row
    return out


def _curve(start: tuple[int, int], end: tuple[int, int], steps: int = 12) -> list[tuple[float, float]]:
    """A smooth S from ``start`` to ``end`` (a cubic Bézier with horizontal ends)."""
    (x0, y0), (x3, y3) = start, end
    mid = (x3 - x0) / 2
    x1, x2 = x0 + mid, x3 - mid
    out = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u ** 3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t ** 3 * x3
        y = u ** 3 * y0 + 3 * u * u * t * y0 + 3 * u * t * t * y3 + t ** 3 * y3
        out.append((x, y))
    return out


def _arrow(surface: pygame.Surface, colour: pygame.Color, before: tuple[float, float], tip: tuple[float, float], size: int) -> None:
    angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
    left = (tip[0] - size * math.cos(angle - 0.45), tip[1] - size * math.sin(angle - 0.45))
    right = (tip[0] - size * math.cos(angle + 0.45), tip[1] - size * math.sin(angle + 0.45))
    pygame.draw.polygon(surface, colour, [tip, left, right])


def _dashed(surface: pygame.Surface, colour: pygame.Color, points: list, width: int, dash: int) -> None:
    on = True
    for a, b in zip(points, points[1:]):
        length = math.dist(a, b)
        steps = max(1, int(length // dash))
        for i in range(steps):
            if on:
                p = (a[0] + (b[0] - a[0]) * i / steps, a[1] + (b[1] - a[1]) * i / steps)
                q = (a[0] + (b[0] - a[0]) * (i + 1) / steps, a[1] + (b[1] - a[1]) * (i + 1) / steps)
                pygame.draw.line(surface, colour, p, q, width)
            on = not on
