"""What a season did, in words a student can follow, built from the rules' own descriptions.

Nothing here is written by hand per rule: the biggest changes come from the state history, their
causes from :mod:`game.engine.explain`, and every sentence's content (what a rule means, which
mechanism it implements, which source says so) from the rule set. Front ends format the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.explain import Cause, Explanation
from game.rules.models import Citation, Indicator
from game.rules.ruleset import Ruleset
from game.session import Session

_SEASON_FACT_TEXT = {
    "year": "the year", "season_of_year": "the time of year", "is_winter": "winter",
    "is_spring": "spring", "is_summer": "summer", "is_autumn": "autumn", "turn": "the season count",
}


# How far down the causal chain the season report looks for where a change came from.
REPORT_DEPTH = 8


@dataclass(frozen=True)
class RuleInfo:
    """What the rule set says about a name: its label, meaning, mechanisms and source."""

    name: str
    kind: str
    label: str
    description: str
    mechanisms: tuple[str, ...]  # mechanism titles
    source: str


def cite(ruleset: Ruleset, citation: Citation | None) -> str:
    """A citation as text: ``Bettelheim (1978), Part 2, ch. 2 (lines 4839–5104)``."""
    if citation is None:
        return ""
    work = ruleset.works.get(citation.work)
    who = f"{work.author}{f' ({work.year})' if work and work.year else ''}" if work else citation.work
    return f"{who}, {citation}"


def rule_info(ruleset: Ruleset, name: str, kind: str = "") -> RuleInfo:
    """Look ``name`` up among the rule set's variables, levers, draws, events and parameters."""
    rs = ruleset

    def titles(ids: list[str]) -> tuple[str, ...]:
        return tuple(rs.mechanisms[m].title for m in ids if m in rs.mechanisms)

    if name in rs.variables:
        v = rs.variables[name]
        return RuleInfo(name, "variable", label_of(rs, name), v.description, titles(v.mechanisms), cite(rs, v.source))
    if name in rs.levers:
        lv = rs.levers[name]
        return RuleInfo(name, "lever", lv.label, lv.description, titles(lv.mechanisms), cite(rs, lv.source))
    if name in rs.events:
        e = rs.events[name]
        return RuleInfo(name, "event", e.title, e.message, titles(e.mechanisms), cite(rs, e.source))
    unmechanised = {"draw": rs.draws, "parameter": rs.parameters}
    for kind_name, table in unmechanised.items():
        if name in table:
            d = table[name]
            return RuleInfo(name, kind_name, name.replace("_", " "), d.description, (), cite(rs, d.source))
    if name in _SEASON_FACT_TEXT:
        return RuleInfo(name, "fact", _SEASON_FACT_TEXT[name], "a fact of the calendar", (), "")
    return RuleInfo(name, kind or "unknown", name, "", (), "")


def label_of(ruleset: Ruleset, name: str) -> str:
    """A variable's display label: its indicator label, its own label, or its id in words."""
    for indicator in ruleset.indicators:
        if indicator.variable == name:
            return indicator.label
    variable = ruleset.variables.get(name)
    if variable is not None and variable.label:
        return variable.label
    lever = ruleset.levers.get(name)
    if lever is not None:
        return lever.label
    return name.replace("_", " ")


def indicators(ruleset: Ruleset) -> tuple[Indicator, ...]:
    """The indicators to show: the rule set's hints, or every variable when it gives none."""
    if ruleset.indicators:
        return ruleset.indicators
    return tuple(Indicator(variable=v, label=label_of(ruleset, v)) for v in ruleset.variables)


def format_value(ruleset: Ruleset, name: str, value: float) -> str:
    """A value formatted as the rule set's indicator hints ask (or with 4 significant digits)."""
    for indicator in ruleset.indicators:
        if indicator.variable == name:
            try:
                return format(value, indicator.format)
            except (ValueError, TypeError):
                break
    return f"{value:,.4g}"


def cause_phrase(ruleset: Ruleset, cause: Cause) -> str:
    """What moved, as a noun phrase: 'your Acres to sow', 'last season's Grain store'."""
    info = rule_info(ruleset, cause.name)
    if cause.kind == "lever":
        return f"your setting of {info.label}"
    if cause.kind == "prev_lever":
        return f"last season's setting of {info.label}"
    if cause.kind == "prev":
        return f"{info.label} as it stood last season"
    if cause.kind == "draw":
        return f"chance: {info.label}"
    if cause.kind == "event":
        return f"the event '{info.label}'"
    if cause.kind == "fact":
        return f"the season ({info.label})"
    return info.label


@dataclass(frozen=True)
class Change:
    """An indicator's move this season and why."""

    name: str
    label: str
    before: float
    after: float
    explanation: Explanation

    @property
    def relative(self) -> float:
        return abs(self.after - self.before) / max(abs(self.before), abs(self.after), 1e-9)


@dataclass(frozen=True)
class SeasonReport:
    season: str
    changes: tuple[Change, ...]
    events: tuple[tuple[str, str], ...]   # (title, message)
    draws: tuple[tuple[str, float, bool], ...]  # (name, value, scripted)


def season_report(session: Session, turn: int | None = None, most: int = 5) -> SeasonReport:
    """The season that produced ``history[turn]``: its biggest indicator moves, ranked by
    relative size, each with its explanation; and the events and draws of the season."""
    turn = session.turn if turn is None else turn
    rs = session.scenario.ruleset
    state = session.history[turn]
    changes: list[Change] = []
    if turn >= 1:
        for indicator in indicators(rs):
            before = session.value(indicator.variable, turn - 1)
            after = session.value(indicator.variable, turn)
            if before == after:
                continue
            explanation = session.explain(indicator.variable, turn, depth=REPORT_DEPTH)
            changes.append(Change(indicator.variable, indicator.label, before, after, explanation))
    changes.sort(key=lambda c: -c.relative)
    events = tuple(
        (rule_info(rs, e.name).label if e.name in rs.events else session.scenario.events[e.name].title, e.message)
        for e in state.log if e.kind == "event"
    )
    draws = tuple((e.name, e.value, e.scripted) for e in state.log if e.kind == "draw")
    return SeasonReport(state.season, tuple(changes[:most]), events, draws)
