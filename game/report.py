"""What a season did, in words a student can follow, built from the rules' own descriptions.

Nothing here is written by hand per rule: the biggest changes come from the state history, their
causes from :mod:`game.engine.explain`, and every sentence's content (what a rule means, which
mechanism it implements, which source says so) from the rule set. Front ends format the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.explain import Cause, Explanation
from game.history import Row, compare
from game.rules.models import Citation, Ending, Indicator
from game.rules.ruleset import Ruleset
from game.rules.season import Season
from game.session import GameOver, Session

_SEASON_FACT_TEXT = {
    "year": "the year", "season_of_year": "the time of year", "is_winter": "winter",
    "is_spring": "spring", "is_summer": "summer", "is_autumn": "autumn", "turn": "the season count",
}


# How far down the causal chain the season report looks for where a change came from, and how
# small a cause may be, beside the largest, and still get a sentence.
REPORT_DEPTH = 8
MINOR_CAUSE = 0.1


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


def rule_info(ruleset: Ruleset, name: str) -> RuleInfo:
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
    return RuleInfo(name, "unknown", name, "", (), "")


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
    """A value formatted as the rule set's indicator hints ask; else shares as percentages and
    other numbers to three significant digits."""
    for indicator in ruleset.indicators:
        if indicator.variable == name:
            try:
                return format(value, indicator.format)
            except (ValueError, TypeError):
                break
    variable = ruleset.variables.get(name)
    if variable is not None and variable.unit.startswith("share"):
        return f"{value:.0%}"
    if 1000 <= abs(value) < 1e15:  # whole numbers with separators, not '6.07e+03'
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def format_change(ruleset: Ruleset, name: str, delta: float) -> str:
    """A signed change formatted as ``name``'s values are: '+1.2', '−5%' (a true minus sign);
    a change too small for that format shows two significant digits rather than a zero."""
    text = format_value(ruleset, name, abs(delta))
    if delta and not any(ch in "123456789" for ch in text):
        text = f"{abs(delta) * 100:.2g}%" if text.endswith("%") else f"{abs(delta):.2g}"
    return f"+{text}" if delta >= 0 else f"−{text}"


def better_direction(ruleset: Ruleset, name: str) -> str:
    """'higher', 'lower' or 'neither': which way ``name`` is better, as its indicator says."""
    for indicator in ruleset.indicators:
        if indicator.variable == name:
            return indicator.better
    return "neither"


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
    since: str = ""  # the season compared with

    @property
    def relative(self) -> float:
        return abs(self.after - self.before) / max(abs(self.before), abs(self.after), 1e-9)


@dataclass(frozen=True)
class CauseLine:
    """One cause of a change, followed down to where it came from, with that rule's provenance."""

    phrase: str            # what moved, as a noun phrase ("Goods famine", "your setting of ...")
    name: str              # the variable (or lever, draw ...) at the root of the cause
    kind: str
    before: float
    after: float
    contribution: float    # in the units of the variable being explained
    through: str | None    # the channel it worked through, when the root lies deeper
    description: str
    mechanisms: tuple[str, ...]
    source: str


def cause_lines(ruleset: Ruleset, explanation: Explanation, most: int = 3, look_through: frozenset[str] = frozenset()) -> list[CauseLine]:
    """The root causes of a change, largest first: the explanation tree is followed through the
    model's internal steps down to what a player can see — an indicator, a lever, chance, an
    event, or a stock as it stood last season — and each root's share is carried up in the
    units of the explained variable (summed where a root is reached along several paths).
    Indicators named in ``look_through`` are followed further, to what moved them."""
    visible = {i.variable for i in indicators(ruleset)} - look_through
    roots: dict[str, list] = {}

    def walk(cause: Cause, weight: float, channel: Cause) -> None:
        share = cause.contribution * weight
        change = cause.after - cause.before
        if cause.kind != "variable" or cause.name in visible or not cause.causes or change == 0:
            # A quantity this season and as it stood last season are one cause to a reader, and
            # so are all the facts of the calendar: the time of year.
            key = "(calendar)" if cause.kind == "fact" else cause.name
            entry = roots.setdefault(key, [0.0, cause, channel])
            entry[0] += share
            if entry[1].kind in ("prev", "prev_lever") and cause.kind not in ("prev", "prev_lever"):
                entry[1] = cause
            return
        for child in cause.causes:
            walk(child, share / change, channel)

    for cause in explanation.causes:
        walk(cause, 1.0, cause)
    ranked = sorted(roots.values(), key=lambda entry: -abs(entry[0]))
    largest = abs(ranked[0][0]) if ranked else 0.0
    out = []
    for contribution, root, channel in ranked[:most]:
        if abs(contribution) < MINOR_CAUSE * largest:
            break  # too small beside the main cause to be worth a sentence
        through = cause_phrase(ruleset, channel) if channel is not root else None
        if root.kind == "fact":
            out.append(CauseLine(f"the time of year ({Season.parse(explanation.season).name})", root.name, "fact",
                                 root.before, root.after, contribution, through, "", (), ""))
            continue
        info = rule_info(ruleset, root.name)
        out.append(CauseLine(cause_phrase(ruleset, root), root.name, root.kind, root.before, root.after,
                             contribution, through, info.description, info.mechanisms, info.source))
    return out


@dataclass(frozen=True)
class CauseSentence:
    """A cause of a change in words: what moved and by how much, what the rule means, and its
    mechanisms and source — the parts a front end may style differently."""

    head: str         # "Goods famine, up from 12% to 35%, took away 1.20 (through ...)."
    description: str  # the rule's own description
    provenance: str   # "Mechanism; Mechanism — Author (year), section"

    @property
    def text(self) -> str:
        """The whole sentence as plain text, provenance in brackets."""
        out = self.head + (f" {self.description}" if self.description else "")
        return out + (f" [{self.provenance}]" if self.provenance else "")


def cause_sentence(ruleset: Ruleset, owner: str, line: CauseLine) -> CauseSentence:
    """'Goods famine, up from 12% to 35%, took away 1.20 (through poor and middle peasants'
    sales): peasants sell grain above all to buy goods... [Mechanism — Source]'; amounts in the
    units of ``owner``, the variable whose change ``line`` explains."""
    if line.kind == "event":
        moved = "happened"
    elif line.kind == "fact":
        moved = "as every year"
    else:
        way = "up" if line.after > line.before else "down"
        moved = f"{way} from {format_value(ruleset, line.name, line.before)} to {format_value(ruleset, line.name, line.after)}"
    # (an amount too small for the owner's format shows two significant digits, never 'added 0')
    effect = f"{'added' if line.contribution >= 0 else 'took away'} {format_change(ruleset, owner, abs(line.contribution))[1:]}"
    through = f" (through {line.through})" if line.through else ""
    head = f"{line.phrase[:1].upper()}{line.phrase[1:]}, {moved}, {effect}{through}."
    mechanisms = "; ".join(line.mechanisms)
    provenance = f"{mechanisms + ' — ' if mechanisms else ''}{line.source}" if (mechanisms or line.source) else ""
    return CauseSentence(head, line.description.strip(), provenance)


@dataclass(frozen=True)
class SeasonReport:
    season: str
    changes: tuple[Change, ...]
    events: tuple[tuple[str, str], ...]   # (title, message)
    draws: tuple[tuple[str, float, bool], ...]  # (name, value, scripted)


def compared_turn(indicator: Indicator, turn: int) -> int | None:
    """The turn ``history[turn]``'s value of ``indicator`` is compared with: the season before,
    or for a seasonal flow (``compare = "last-year"``) the same season a year earlier. None when
    there is nothing fair to compare with yet (no season played, or a flow's first year — unless
    the indicator is always reported, when the season before serves)."""
    if turn < 1:
        return None
    if indicator.compare == "last-year":
        if turn >= 4:
            return turn - 4
        if not indicator.always_in_report:
            return None
    return turn - 1


def season_report(session: Session, turn: int | None = None, most: int = 5) -> SeasonReport:
    """The season that produced ``history[turn]``: its biggest indicator moves, ranked by
    relative size, each with its explanation; and the events and draws of the season."""
    turn = session.turn if turn is None else turn
    rs = session.scenario.ruleset
    state = session.history[turn]
    changes: list[Change] = []
    if turn >= 1:
        for indicator in indicators(rs):
            base = compared_turn(indicator, turn)
            if base is None:
                continue  # a seasonal flow against another season of the year says nothing
            before = session.value(indicator.variable, base)
            after = session.value(indicator.variable, turn)
            if format_value(rs, indicator.variable, before) == format_value(rs, indicator.variable, after):
                continue  # no change a reader could see
            explanation = session.explain(indicator.variable, turn, depth=REPORT_DEPTH, baseline=base)
            changes.append(Change(indicator.variable, indicator.label, before, after, explanation, session.history[base].season))
    always = {i.variable for i in indicators(rs) if i.always_in_report}
    changes.sort(key=lambda c: (c.name not in always, -c.relative))
    kept = [c for c in changes if c.name in always]
    kept += [c for c in changes if c.name not in always][: max(0, most - len(kept)) or 2]
    events, draws = season_log(session, turn)
    return SeasonReport(state.season, tuple(kept), events, draws)


def season_log(session: Session, turn: int | None = None) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, float, bool], ...]]:
    """What chance and the rules did in the season that produced ``history[turn]``: its events
    as (title, message) and its draws as (name, value, scripted)."""
    rs = session.scenario.ruleset
    state = session.history[session.turn if turn is None else turn]
    events = tuple(
        (rule_info(rs, e.name).label if e.name in rs.events else session.scenario.events[e.name].title, e.message)
        for e in state.log if e.kind == "event"
    )
    draws = tuple((e.name, e.value, e.scripted) for e in state.log if e.kind == "draw")
    return events, draws


def lever_text(session: Session, name: str, value: float) -> str:
    """A lever's value as a player reads it: a choice's name ('requisition'), else the number."""
    lever = session.scenario.levers[name]
    if lever.choices:
        index = round((value - session.scenario.ruleset.levers[name].min) / lever.step)
        if 0 <= index < len(lever.choices):
            return lever.choices[index]
    return f"{value:g}"


def lever_range(session: Session, name: str) -> str:
    """What a lever allows in this scenario: 'none / requisition' or '50 to 250 index, step 5'."""
    lever = session.scenario.levers[name]
    if lever.choices:
        base = session.scenario.ruleset.levers[name].min
        return " / ".join(c for i, c in enumerate(lever.choices) if lever.min <= base + i * lever.step <= lever.max)
    unit = f" {lever.unit}" if lever.unit else ""
    return f"{lever.min:g} to {lever.max:g}{unit}, step {lever.step:g}"


def parse_lever_value(session: Session, name: str, text: str) -> float:
    """What a player typed for a lever: a number (commas and underscores allowed) or a choice's
    name. Raises ValueError for anything else; bounds and steps are the session's to check."""
    lever = session.scenario.levers[name]
    answer = text.strip()
    if lever.choices:
        base = session.scenario.ruleset.levers[name].min
        for i, choice in enumerate(lever.choices):
            if answer.lower() == choice.lower():
                return base + i * lever.step
    return float(answer.replace(",", "").replace("_", ""))


@dataclass(frozen=True)
class TurningPoint:
    """A season in which the headline indicator moved most, and why."""

    season: str
    label: str
    before: float
    after: float
    causes: tuple[CauseLine, ...]
    events: tuple[str, ...]


def turning_points(session: Session, most: int = 3) -> list[TurningPoint]:
    """The seasons of this game in which the first indicator (the headline, e.g. the alliance)
    moved most, in order of play, each with its root causes and the events of the season."""
    rs = session.scenario.ruleset
    shown = indicators(rs)
    if not shown or session.turn < 1:
        return []
    headline = shown[0]
    moves = sorted(range(1, session.turn + 1),
                   key=lambda t: -abs(session.value(headline.variable, t) - session.value(headline.variable, t - 1)))
    out = []
    for turn in sorted(moves[:most]):
        explanation = session.explain(headline.variable, turn, depth=REPORT_DEPTH)
        if explanation.change == 0:
            continue
        # What moved the headline's own parts (for the alliance: each class's trust).
        parts = frozenset(c.name for c in explanation.causes if c.kind == "variable")
        events = tuple(e.name for e in session.history[turn].log if e.kind == "event")
        titles = tuple(rs.events[e].title if e in rs.events else session.scenario.events[e].title for e in events)
        out.append(TurningPoint(session.history[turn].season, headline.label, explanation.before, explanation.after,
                                tuple(cause_lines(rs, explanation, look_through=parts)), titles))
    return out


def verdict(ruleset: Ruleset, ending: Ending) -> str:
    """How ``ending`` turned out, in the rule set's words ('The alliance holds', 'The reign
    fails'); empty when the rule set's manifest gives no verdicts."""
    if ruleset.verdicts is None:
        return ""
    return ruleset.verdicts.holds if ending.alliance == "holds" else ruleset.verdicts.breaks


def history_rows(session: Session) -> list[Row]:
    """This game's years beside the scenario's historical series (empty if it has none)."""
    seasons = [(session.history[turn].season, session.values(turn)) for turn in range(1, session.turn + 1)]
    return compare(session.scenario.series, seasons)


def historical_ending(session: Session) -> tuple[str | None, str] | None:
    """How the scenario ends under the state's actual policy: (ending id, season), or None when
    the scenario has no historical policy."""
    scenario = session.scenario
    if scenario.history is None:
        return None
    replay = Session(scenario, session.seed, session.model)
    replay.play(scenario.history)
    return replay.state.ending, replay.state.season


def historical_path(session: Session, turns: int | None = None) -> Session | None:
    """The scenario played under the state's actual policy from this game's seed, for ``turns``
    seasons (default: as many as this game has played) or until it ends; None when the scenario
    has no historical policy. Charts draw it beside the player's path."""
    scenario = session.scenario
    if scenario.history is None:
        return None
    replay = Session(scenario, session.seed, session.model)
    try:
        replay.play(scenario.history, until=session.turn if turns is None else turns)
    except GameOver:
        pass  # history ended the game sooner: its path stops there
    return replay
