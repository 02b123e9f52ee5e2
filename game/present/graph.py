"""The causal graph: the rules as a web of causes around a number, with how much each link moved
its consumer in a season. The graph is the rule set's (the compiled model's inputs); how strongly
each link worked comes from the season's explanations. Front ends lay it out and draw it."""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.explain import Explanation
from game.present.index import label_back, rule_info
from game.session import Session

# Inputs that never move within a game (parameters) or are the calendar are left out of the web.
HIDDEN_KINDS = ("parameter", "fact")


def node_id(name: str, kind: str) -> str:
    """A node's id: the name, or "prev:<name>" for last season's value."""
    return f"prev:{name}" if kind in ("prev", "prev_lever") else name


@dataclass
class GraphNode:
    """A box of the web: a variable (or lever, chance, event, last season's stock)."""

    id: str
    name: str
    kind: str
    label: str
    column: int
    rank: float = 0.0


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    contribution: float      # to the target, in its units (0: it did not move it this season)
    share: float             # of the target's movement this season, 0..1
    next_season: bool = False


class CausalGraph:
    """The rules' graph of ``session``, its links weighed in the season that produced
    ``history[turn]`` (change :attr:`turn` to weigh another season)."""

    def __init__(self, session: Session, turn: int) -> None:
        self.session = session
        self.model = session.model
        self.rs = session.scenario.ruleset
        self.turn = turn
        self._explained: dict[tuple[str, int], Explanation] = {}
        self.consumers: dict[str, list[tuple[str, str]]] = {}
        for v in self.model.variables:
            for inp in self.model.inputs[v]:
                if inp.kind in ("variable", "prev", "lever", "prev_lever", "draw", "event"):
                    self.consumers.setdefault(inp.name, []).append((v, inp.kind))

    def inputs_of(self, name: str) -> list[tuple[str, str, str]]:
        """(node id, name, kind) of each input of variable ``name`` the web shows."""
        if name not in self.model.inputs:
            return []
        out, seen = [], set()
        for inp in self.model.inputs[name]:
            ident = node_id(inp.name, inp.kind)
            if inp.kind not in HIDDEN_KINDS and ident not in seen:
                seen.add(ident)
                out.append((ident, inp.name, inp.kind))
        return out

    def explanation(self, name: str) -> Explanation | None:
        if self.turn < 1 or name not in self.model.index:
            return None
        key = (name, self.turn)
        if key not in self._explained:
            self._explained[key] = self.session.explain(name, self.turn, depth=1)
        return self._explained[key]

    def link(self, source_id: str, target: str) -> tuple[float, float]:
        """(contribution, share) of input ``source_id`` in ``target``'s move this season."""
        e = self.explanation(target)
        if e is None or not e.causes:
            return 0.0, 0.0
        total = sum(abs(c.contribution) for c in e.causes) + abs(e.other)
        for c in e.causes:
            if node_id(c.name, c.kind) == source_id:
                return c.contribution, abs(c.contribution) / total if total else 0.0
        return 0.0, 0.0

    def node(self, ident: str, name: str, kind: str, column: int) -> GraphNode:
        if kind in ("variable", "prev"):  # 'Bread price (two seasons ago)', never '... a season before (last season)'
            named, back = label_back(self.rs, name, 1 if kind == "prev" else 0)
            label = f"{named} ({back})" if back else named
        else:
            label = rule_info(self.rs, name).label + (" (last season)" if kind == "prev_lever" else "")
        return GraphNode(ident, name, kind, label, column)

    def targets(self, node: GraphNode) -> list[tuple[str, str]]:
        """The variables a node feeds (last season's value feeds those that read it with prev())."""
        if node.kind in ("prev", "prev_lever"):
            return [(v, k) for v, k in self.consumers.get(node.name, []) if k in ("prev", "prev_lever")]
        return [(v, k) for v, k in self.consumers.get(node.name, []) if k not in ("prev", "prev_lever")]

    def focus_columns(self, focus: str) -> list[list[GraphNode]]:
        """The columns of nodes around ``focus``: inputs of inputs, inputs, the focus, what it
        feeds — each column strongest-ranked first."""
        cols: list[list[GraphNode]] = [[], [], [self.node(focus, focus, "variable", 2)], []]
        placed = {focus}
        for ident, name, kind in self.inputs_of(focus):
            node = self.node(ident, name, kind, 1)
            node.rank = self.link(ident, focus)[1]
            cols[1].append(node)
            placed.add(ident)
        cols[1].sort(key=lambda n: (-n.rank, n.label))
        for consumer, kind in self.consumers.get(focus, []):
            if consumer in placed:
                continue
            node = self.node(consumer, consumer, "variable", 3)
            node.rank = self.link(node_id(focus, kind), consumer)[1]
            cols[3].append(node)
            placed.add(consumer)
        cols[3].sort(key=lambda n: (-n.rank, n.label))
        second: dict[str, GraphNode] = {}
        for parent in cols[1]:
            if parent.kind != "variable":
                continue
            for ident, name, kind in self.inputs_of(parent.name):
                if ident in placed:
                    continue
                node = second.setdefault(ident, self.node(ident, name, kind, 0))
                node.rank = max(node.rank, self.link(ident, parent.name)[1] * max(parent.rank, 0.01))
        cols[0] = sorted(second.values(), key=lambda n: (-n.rank, n.label))
        return cols

    def overview_nodes(self) -> list[GraphNode]:
        """Every lever and variable in dependency layers (levers first), in the order to lay out."""
        rs = self.rs
        layer: dict[str, int] = {}
        for v in rs.order:
            layer[v] = 1 + max((layer[d] for d in rs.depends_on.get(v, ()) if d in layer), default=0)
        nodes = [self.node(lv, lv, "lever", 0) for lv in self.model.levers]
        for v in sorted(rs.order, key=lambda v: layer[v]):
            nodes.append(self.node(v, v, "variable", layer[v]))
        return nodes

    def links_between(self, nodes: dict[str, GraphNode], overview: bool = False) -> list[Link]:
        """Every link between the nodes shown, with its share of the consumer's move; in the
        focus view, the focus read as last season's value next season by what it feeds."""
        out = []
        for target in nodes.values():
            if target.kind != "variable":
                continue
            for ident, name, kind in self.inputs_of(target.name):
                if overview:
                    if kind in ("variable", "lever") and ident in nodes:
                        contribution, share = self.link(ident, target.name)
                        out.append(Link(ident, target.id, contribution, share))
                    continue
                source, next_season = ident, False
                if ident not in nodes and kind == "prev" and name in nodes and target.column == 3:
                    source, next_season = name, True
                if source not in nodes or source == target.id:
                    continue
                contribution, share = self.link(ident, target.name) if not next_season else (0.0, 0.0)
                out.append(Link(source, target.id, contribution, share, next_season))
        return out
