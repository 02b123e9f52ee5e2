"""The encyclopedia, generated from a rule set: mechanisms, social classes, levers, indicators,
the glossary of the period's terms and the works cited, each an article with its sources and its
links to related entries (the rules that implement a mechanism, the mechanisms of a lever ...).

Entries are named ``"<kind>:<id>"`` (``"term:kulak"``, ``"mechanism:scissors"``, ``"lever:
procurement_price"``, ``"indicator:alliance"``, ``"variable:harvest"``, ``"class:poor"``,
``"work:bettelheim"``), the same names the rules' ``see_also`` links use. Nothing here is written
per entry: every sentence comes from the rules. Front ends format the :class:`Article`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from game.present.index import cite, label_of
from game.present.numbers import number
from game.present.seasons import season_label
from game.rules.models import Citation
from game.rules.ruleset import Ruleset

# The encyclopedia's categories: (kind, heading). Variables that are not indicators have articles
# too (links reach them) but no category of their own.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("mechanism", "Mechanisms"), ("class", "Classes"), ("lever", "Levers"),
    ("indicator", "Indicators"), ("term", "Terms"), ("work", "Sources"),
)
KIND_NAMES = {"mechanism": "Mechanism", "class": "Social class", "lever": "Lever", "indicator": "Indicator",
              "variable": "Variable", "term": "Term", "work": "Work cited"}


@dataclass(frozen=True)
class Link:
    key: str   # "<kind>:<id>"
    text: str


@dataclass(frozen=True)
class Related:
    """A group of related entries (links), or of plain names where there is no article."""

    heading: str
    links: tuple[Link, ...] = ()
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Article:
    key: str
    kind: str
    title: str
    original: str = ""     # the word in its own script, with its romanization
    lead: str = ""         # a one-line definition, or the facts of a lever or variable
    body: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    related: tuple[Related, ...] = field(default=())

    @property
    def links(self) -> tuple[Link, ...]:
        """Every link of the article's related groups, in order, each once."""
        seen: dict[str, Link] = {}
        for group in self.related:
            for link in group.links:
                seen.setdefault(link.key, link)
        return tuple(seen.values())


def indicator_names(rs: Ruleset) -> list[str]:
    return [i.variable for i in rs.indicators]


def variable_key(rs: Ruleset, name: str) -> str:
    """The entry of a variable: its indicator article when it is one."""
    return f"indicator:{name}" if name in indicator_names(rs) else f"variable:{name}"


def entries(rs: Ruleset, kind: str) -> list[tuple[str, str]]:
    """The (key, title) of every entry of a category, in the rules' order (terms and works by title)."""
    if kind == "mechanism":
        return [(f"mechanism:{k}", m.title) for k, m in rs.mechanisms.items()]
    if kind == "class":
        return [(f"class:{k}", c.title) for k, c in rs.classes.items()]
    if kind == "lever":
        return [(f"lever:{k}", lv.label) for k, lv in rs.levers.items()]
    if kind == "indicator":
        return [(f"indicator:{i.variable}", i.label) for i in rs.indicators]
    if kind == "term":
        return sorted(((f"term:{k}", t.title) for k, t in rs.terms.items()), key=lambda e: e[1].lower())
    if kind == "work":
        return sorted(((f"work:{k}", f"{w.author}: {w.title}") for k, w in rs.works.items()), key=lambda e: e[1].lower())
    return []


def search(rs: Ruleset, text: str) -> list[tuple[str, str]]:
    """Entries of every category whose title, id or Russian contains ``text`` (any case)."""
    needle = text.strip().lower()
    out = []
    for kind, _ in CATEGORIES:
        for key, title in entries(rs, kind):
            extra = ""
            ident = key.partition(":")[2]
            if kind == "term":
                t = rs.terms[ident]
                extra = f"{t.original} {t.romanized}"
            elif kind == "class":
                c = rs.classes[ident]
                extra = f"{c.original} {c.romanized}"
            if needle in f"{title} {ident} {extra}".lower():
                out.append((key, title))
    return out


def exists(rs: Ruleset, key: str) -> bool:
    kind, _, ident = key.partition(":")
    table = {"mechanism": rs.mechanisms, "class": rs.classes, "lever": rs.levers, "variable": rs.variables,
             "term": rs.terms, "work": rs.works}.get(kind)
    if kind == "indicator":
        return ident in indicator_names(rs)
    return table is not None and ident in table


def title_of(rs: Ruleset, key: str) -> str:
    """The title an entry is listed and linked under."""
    kind, _, ident = key.partition(":")
    if kind == "mechanism":
        return rs.mechanisms[ident].title
    if kind == "class":
        return rs.classes[ident].title
    if kind == "lever":
        return rs.levers[ident].label
    if kind in ("indicator", "variable"):
        return label_of(rs, ident)
    if kind == "term":
        return rs.terms[ident].title
    if kind == "work":
        w = rs.works[ident]
        return f"{w.author}, {w.title}"
    raise KeyError(key)


def link(rs: Ruleset, key: str) -> Link:
    return Link(key, title_of(rs, key))


@dataclass(frozen=True)
class Source:
    """A citation, split for display: who, the work's title (its entry's link text), where."""

    who: str    # "Charles Bettelheim (1978)"
    title: str  # the work's title
    where: str  # part/chapter/section and lines
    work: str   # the work's entry, "work:<id>"


def sources(rs: Ruleset, citations: list[Citation] | tuple[Citation, ...]) -> tuple[Source, ...]:
    """Each citation with its work's title and the work's entry."""
    out = []
    for c in citations:
        work = rs.works.get(c.work)
        who, _, where = cite(rs, c).partition(", ")
        where = re.sub(r"lines (\d+)–\1\)", r"line \1)", where)  # a single line
        out.append(Source(who, work.title if work else c.work, where, f"work:{c.work}"))
    return tuple(out)


def implementers(rs: Ruleset, mechanism: str) -> dict[str, list[str]]:
    """The rules that name ``mechanism``: levers, variables, events and endings (ids)."""
    return {table: [k for k, d in getattr(rs, table).items() if mechanism in d.mechanisms]
            for table in ("levers", "variables", "events", "endings")}


def inputs(rs: Ruleset, name: str) -> tuple[list[str], list[str]]:
    """The variables and levers a variable's formula reads (this season's or last season's)."""
    formula = rs.formulas.get(("variables", name, "formula"))
    if formula is None:
        return [], []
    names = list(dict.fromkeys([*formula.names, *formula.prev_names]))
    return [n for n in names if n in rs.variables and n != name], [n for n in names if n in rs.levers]


def readers(rs: Ruleset, name: str) -> list[str]:
    """The variables whose formulas read ``name`` (a variable or a lever)."""
    out = []
    for variable in rs.variables:
        formula = rs.formulas.get(("variables", variable, "formula"))
        if formula is not None and variable != name and (name in formula.names or name in formula.prev_names):
            out.append(variable)
    return out


def mentioned_in(rs: Ruleset, key: str) -> list[str]:
    """Terms and classes whose see_also names ``key`` (the links that point here)."""
    out = [f"term:{k}" for k, t in rs.terms.items() if key in t.see_also]
    out += [f"class:{k}" for k, c in rs.classes.items() if key in c.see_also]
    return out


def classes_of(rs: Ruleset, variable: str) -> list[str]:
    return [f"class:{k}" for k, c in rs.classes.items() if variable in c.variables]


def _links(rs: Ruleset, keys: list[str]) -> tuple[Link, ...]:
    return tuple(link(rs, k) for k in dict.fromkeys(keys) if exists(rs, k))


def _groups(*groups: Related) -> tuple[Related, ...]:
    return tuple(g for g in groups if g.links or g.names)


def _number(value: float) -> str:
    return f"{value:,.6g}"


def article(rs: Ruleset, key: str, values: Mapping[str, float] | None = None, season: str = "") -> Article:
    """The article of entry ``key``; ``values`` (this game's, at ``season``) add the current value
    to indicators and levers. Raises KeyError for an entry the rule set does not have."""
    season = season_label(season) if season else ""  # 'winter 1925', never the season's id
    if not exists(rs, key):
        raise KeyError(key)
    kind, _, ident = key.partition(":")
    pointing = Related("Mentioned in", _links(rs, mentioned_in(rs, key)))
    if kind == "mechanism":
        m = rs.mechanisms[ident]
        rules = implementers(rs, ident)
        return Article(key, kind, m.title, body=(m.summary,), sources=sources(rs, m.sources), related=_groups(
            Related("Levers that work through it", _links(rs, [f"lever:{k}" for k in rules["levers"]])),
            Related("Variables that implement it", _links(rs, [variable_key(rs, k) for k in rules["variables"]])),
            Related("Events", names=tuple(rs.events[k].title for k in rules["events"])),
            Related("Endings", names=tuple(rs.endings[k].title for k in rules["endings"])),
            pointing))
    if kind == "class":
        c = rs.classes[ident]
        return Article(key, kind, c.title, _original(c.original, c.romanized), body=(c.description,),
                       sources=sources(rs, c.sources), related=_groups(
                           Related("Its numbers in the game", _links(rs, [variable_key(rs, v) for v in c.variables])),
                           Related("See also", _links(rs, list(c.see_also))), pointing))
    if kind == "term":
        t = rs.terms[ident]
        return Article(key, kind, t.title, _original(t.original, t.romanized), lead=t.definition,
                       body=tuple(p for p in t.explanation.split("\n\n") if p.strip()),
                       sources=sources(rs, t.sources),
                       related=_groups(Related("See also", _links(rs, list(t.see_also))), pointing))
    if kind == "lever":
        lv = rs.levers[ident]
        unit = f" {lv.unit}" if lv.unit else ""
        facts = f"From {_number(lv.min)} to {_number(lv.max)}{unit} in steps of {_number(lv.step)}; {_number(lv.default)} unless the scenario says otherwise."
        if lv.choices:
            facts = "Choices: " + "; ".join(f"{_number(lv.min + i * lv.step)} = {text}" for i, text in enumerate(lv.choices)) + "."
        if values is not None and ident in values:
            facts += f" Set to {_number(values[ident])}{unit} in your game{f' ({season})' if season else ''}."
        return Article(key, kind, lv.label, lead=facts, body=(lv.description,), sources=sources(rs, [lv.source]),
                       related=_groups(
                           Related("Mechanisms", _links(rs, [f"mechanism:{m}" for m in lv.mechanisms])),
                           Related("Read by", _links(rs, [variable_key(rs, v) for v in readers(rs, ident)])), pointing))
    if kind in ("indicator", "variable"):
        v = rs.variables[ident]
        lead = f"Unit: {v.unit}." if v.unit else ""
        if values is not None and ident in values:
            lead += f" In your game{f' ({season})' if season else ''}: {number(rs, ident, values[ident])}."
        read_vars, read_levers = inputs(rs, ident)
        return Article(key, kind, label_of(rs, ident), lead=lead.strip(), body=(v.description,),
                       sources=sources(rs, [v.source]), related=_groups(
                           Related("Mechanisms", _links(rs, [f"mechanism:{m}" for m in v.mechanisms])),
                           Related("Classes", _links(rs, classes_of(rs, ident))),
                           Related("Depends on", _links(rs, [f"lever:{n}" for n in read_levers] + [variable_key(rs, n) for n in read_vars])),
                           Related("Feeds into", _links(rs, [variable_key(rs, n) for n in readers(rs, ident)])), pointing))
    # a work
    w = rs.works[ident]
    citing = [(f"mechanism:{k}", m.sources) for k, m in rs.mechanisms.items()]
    citing += [(f"term:{k}", t.sources) for k, t in rs.terms.items()]
    citing += [(f"class:{k}", c.sources) for k, c in rs.classes.items()]
    keys = [k for k, cites in citing if any(c.work == ident for c in cites)]
    citing_rules = sum(1 for table in ("levers", "variables", "events", "endings", "parameters", "draws")
                       for d in getattr(rs, table).values() if getattr(d, "source", None) is not None and d.source.work == ident)
    lead = f"{w.author}{f', {w.year}' if w.year else ''}."
    if w.file:
        lead += f" Line numbers refer to the file {w.file} of the project's sources."
    body = (f"Cited by {len(keys)} entries of this encyclopedia and by {citing_rules} rules of “{rs.name}”.",)
    return Article(key, kind, w.title, lead=lead, body=body, related=_groups(Related("Cited by", _links(rs, keys))))


def _original(original: str, romanized: str) -> str:
    return " · ".join(p for p in (original, romanized) if p)
