"""Why a number moved, as rows a player can read: each cause followed down the rules to what a
player can see (an indicator, a lever, chance, an event, the time of year, a stock carrying
over), with its part of the change written like the change itself, and an "other" row so that
the parts shown add up exactly to the change shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.engine.explain import Cause, Explanation, Flow
from game.present.index import indicators, label_back, label_of, rule_info, with_note
from game.present.numbers import Kind, ShownChange, figure, kind_of, number, shown_change, unit_for
from game.present.seasons import calendar_phrase
from game.rules.ruleset import Ruleset

# How many causes a change gets before the rest is "other", and how small a cause may be, beside
# the largest, and still get a row of its own.
MOST = 3
MINOR = 0.1
CALENDAR = "(calendar)"
CARRY = "(carry-over)"
TREND = "(trend) "  # + a stock's name: its pull in the season before the first


def in_sentence(label: str) -> str:
    """A label as it reads after "your": 'Goods to the village' -> 'goods to the village'
    (a name in capitals, such as 'GPU', keeps them)."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


@dataclass(frozen=True)
class CauseRow:
    """One cause of a change: its part (in whole units of the change's last digit), what moved
    in words, and the rule behind it (for the sources, shown on demand)."""

    units: int
    part: str          # '+1.0', '−0.3' (written like the change)
    phrase: str        # "your Goods to the village (0.55 to 0.45)"
    meaning: str       # what the move means to a reader ('little to buy in the village shops'), or ''
    name: str          # the root: a variable, lever, draw, event; CALENDAR, CARRY or 'other'
    kind: str          # lever, prev_lever, variable, prev, carry, trend, calendar, draw, event, other
    contribution: float  # the exact part, in the explained variable's units
    through: str       # the channel it worked through, when the root lies deeper ('' if none)
    description: str   # the rule's own description
    mechanisms: tuple[str, ...]
    source: str
    places: tuple[Kind, int] | None = None  # the kind of quantity its from-to is, and the places it is written with

    @property
    def text(self) -> str:
        """'+1.0  your Goods to the village (0.55 to 0.45): little to buy ...'"""
        return f"{self.part}  {self.phrase}{f': {self.meaning}' if self.meaning else ''}"


@dataclass
class _Root:
    share: float
    cause: Cause
    channel: Cause
    readers: dict[str, float] = field(default_factory=dict)  # for the time of year: the variables whose formulas read it, and its share through each


def root_causes(ruleset: Ruleset, explanation: Explanation, look_through: frozenset[str] = frozenset()) -> list[_Root]:
    """The explanation's tree followed through the model's inner steps to what a player can
    see; each root's share carried up in the explained variable's units, summed where a root is
    reached along several paths, largest first."""
    visible = {i.variable for i in indicators(ruleset)} - look_through
    owner = explanation.variable
    roots: dict[str, _Root] = {}

    def walk(cause: Cause, weight: float, channel: Cause, reader: str) -> None:
        share = cause.contribution * weight
        change = cause.after - cause.before
        if cause.kind != "variable" or cause.name in visible or not cause.causes or change == 0:
            if cause.kind == "fact":
                key = CALENDAR
            elif cause.kind == "trend":
                key = f"{TREND}{cause.name}"
            elif cause.kind == "prev" and cause.name == owner:
                key = CARRY
            else:
                key = cause.name  # a quantity now and as it stood last season are one cause to a reader
            entry = roots.get(key)
            if entry is None:
                entry = roots[key] = _Root(share, cause, channel)
            else:
                entry.share += share
                if entry.cause.kind in ("prev", "prev_lever") and cause.kind not in ("prev", "prev_lever"):
                    entry.cause = cause
            if cause.kind == "fact":
                entry.readers[reader] = entry.readers.get(reader, 0.0) + share
            return
        for child in cause.causes:
            walk(child, share / change, channel, cause.name)

    for cause in explanation.causes:
        walk(cause, 1.0, cause, owner)
    return sorted(roots.values(), key=lambda r: -abs(r.share))


Places = dict[Kind, int]  # the places each kind of quantity is written with in one report


def _move_shown(ruleset: Ruleset, name: str, before: float, after: float, places: Places | None) -> ShownChange:
    kind = kind_of(ruleset, name)
    return shown_change(ruleset, name, before, after, at_least=(places or {}).get(kind, 0) if kind else 0)


def _moved(ruleset: Ruleset, name: str, before: float, after: float, when: str = "", places: Places | None = None) -> str:
    """'(11% to 41%)', '(19.4 to 21.5 money units)', '(none to requisition)': both ends, written so
    that they differ when the number moved, the unit once; ``when`` says when the first was, if
    not last season, and the unit then goes with both ('(12% a year before to 38%)', '(12.8 Mt a
    year before to 11.8 Mt)'); ``places`` the places of its kind."""
    lever = ruleset.levers.get(name)
    was = f" {when}" if when else ""
    if lever is not None:
        def text(value: float) -> str:
            index = round((value - lever.min) / lever.step)
            if lever.choices and 0 <= index < len(lever.choices):
                return lever.choices[index]
            return figure(value)
        return f"({text(before)}{was} to {text(after)})"
    shown = _move_shown(ruleset, name, before, after, places)
    unit = shown.shape.unit
    if shown.shape.percent or not unit:
        return f"({shown.before_text}{was} to {shown.after_text})"
    b, a = number(ruleset, name, before, shown.decimals), number(ruleset, name, after, shown.decimals)
    if unit.startswith("/"):
        return f"({b}{was} to {a})"
    if was:  # the unit with both numbers: '(12.8 Mt a year before to 11.8 Mt)'
        return f"({b} {unit_for(b, unit)}{was} to {a} {unit_for(a, unit)})"
    return f"({b} to {a} {unit_for(a, unit)})"


def _meaning(ruleset: Ruleset, name: str, before: float, after: float) -> str:
    told = ruleset.story.quantities.get(name)
    if told is None or after == before:
        return ""
    return told.rising if after > before else told.falling


def phrase_of(ruleset: Ruleset, root: _Root, season: str, owner: str, when: str = "",
              places: Places | None = None) -> tuple[str, str, str]:
    """(phrase, meaning, kind) of a root cause, in the player's terms; its from-to starts
    ``when`` (if not last season) and is written with its kind's ``places``."""
    c = root.cause

    def moved(name: str, before: float, after: float) -> str:
        return _moved(ruleset, name, before, after, when, places)

    def beside(text: str, name: str, before: float, after: float, lag: str = "") -> str:
        """``text`` (ending in a label) and the from-to: in one pair of brackets with a label's own."""
        return with_note(text, moved(name, before, after)[1:-1], lag)

    label = label_of(ruleset, c.name)
    if c.kind == "fact":
        quantities = ruleset.story.quantities
        told = [(abs(share), quantities[r].in_season) for r, share in root.readers.items() if r in quantities and quantities[r].in_season]
        why = max(told)[1] if told else ""  # the reason of the variable it acted through most
        return f"the time of year ({calendar_phrase(season)})", why, "calendar"
    if c.kind == "prev" and c.name == owner:
        way = "rise" if c.after > c.before else "fall"
        return f"most of last season's {way} carries over {moved(c.name, c.before, c.after)}", "", "carry"
    if c.kind == "trend":  # a stock's own pull in the season before the first: the rules, not play
        way = "rising" if c.after > c.before else "falling"
        if c.name == owner:
            return f"it was already {way} when you took over", "", "trend"
        return f"{label_back(ruleset, c.name)[0]} was already {way} when you took over", "", "trend"
    if c.kind == "lever":
        return beside(f"your {in_sentence(label)}", c.name, c.before, c.after), "", "lever"
    if c.kind == "prev_lever":
        return beside(f"last season's {in_sentence(label)}", c.name, c.before, c.after), "", "prev_lever"
    if c.kind == "draw":
        return beside(f"chance: the {label}", c.name, c.before, c.after), "", "draw"
    if c.kind == "event":
        return f"the event “{label}”", "", "event"
    told = ruleset.story.quantities.get(c.name)
    if told is not None and told.once_a_year and told.between and (c.before == 0 or c.after == 0):
        if c.after:
            return f"{told.between} (brought in, as every {told.once_a_year})", "", "variable"
        return f"the end of the {told.once_a_year} ({calendar_phrase(season)})", "", "variable"
    named, back = label_back(ruleset, c.name, 1 if c.kind == "prev" else 0)  # ('Bread price', 'two seasons ago')
    return beside(named, c.name, c.before, c.after, f" {back}" if back else ""), _meaning(ruleset, c.name, c.before, c.after), c.kind


def cause_rows(ruleset: Ruleset, explanation: Explanation, change: ShownChange, most: int = MOST,
               look_through: frozenset[str] = frozenset(), when: str = "",
               places: Places | None = None) -> tuple[tuple[CauseRow, ...], int]:
    """The causes of ``change`` (as shown) from ``explanation``: the largest ``most`` — and one
    that pushed the other way, when the largest all pushed the same way — each a row; and the
    rest, in whole units of the change's last digit, so that the rows plus the rest equal the
    change shown exactly. A row's from-to starts ``when`` (what the change is measured against,
    if not last season: 'a year before') and is written with its kind's ``places``."""
    roots = root_causes(ruleset, explanation, look_through)
    largest = abs(roots[0].share) if roots else 0.0
    chosen: list[_Root] = []
    for root in roots:
        if len(chosen) >= most or abs(root.share) < MINOR * largest:
            break
        chosen.append(root)
    signs = {r.share > 0 for r in chosen}
    if len(signs) == 1:
        against = next((r for r in roots if r not in chosen and (r.share > 0) not in signs and abs(r.share) >= MINOR * largest), None)
        if against is not None:
            chosen.append(against)
    rows: list[CauseRow] = []
    for root in chosen:
        units = change.part(root.share)
        if units == 0:
            continue  # too small to show at this precision: part of the rest
        phrase, meaning, kind = phrase_of(ruleset, root, explanation.season, explanation.variable, when, places)
        info = rule_info(ruleset, root.cause.name) if kind not in ("calendar", "carry") else rule_info(ruleset, explanation.variable)
        through = label_of(ruleset, root.channel.name) if root.channel is not root.cause and root.channel.name != root.cause.name else ""
        c = root.cause
        of = kind_of(ruleset, c.name)
        written = of is not None and _moved(ruleset, c.name, c.before, c.after, when, places)[1:-1] in phrase
        kind_places = (of, _move_shown(ruleset, c.name, c.before, c.after, places).decimals) if written and of else None
        rows.append(CauseRow(units, change.part_text(units), phrase, meaning, c.name if kind != "calendar" else CALENDAR,
                             kind, root.share, through, info.description.strip(), info.mechanisms, info.source, kind_places))
    rest = change.units - sum(r.units for r in rows)
    return tuple(rows), rest


def other_row(change: ShownChange, units: int) -> CauseRow:
    """The row for what the rows shown leave: smaller causes, and their interplay."""
    return CauseRow(units, change.part_text(units), "other causes together", "", "other", "other",
                    0.0, "", "", (), "")


def flow_rows(ruleset: Ruleset, found: tuple[Flow, ...], change: ShownChange, owner: str,
              most: int = MOST) -> tuple[tuple[CauseRow, ...], int] | None:
    """A stock that keeps its last value whole, told as its account: what came in and went
    out this season (largest first, then the rest), adding up to the change shown. None when
    the flows leave most of the change unexplained (then the change is told the usual way)."""
    largest = abs(found[0].part) if found else 0.0
    rows: list[CauseRow] = []
    for flow in found:
        if len(rows) >= most or abs(flow.part) < MINOR * largest:
            break
        units = change.part(flow.part)
        if units == 0:
            continue
        label = label_of(ruleset, flow.name)
        if flow.kind == "lever":
            phrase = with_note(f"your {in_sentence(label)}", figure(flow.value))
        elif flow.kind == "draw":
            phrase = with_note(f"chance: the {label}", figure(flow.value))
        elif flow.kind == "bound":
            floor = number(ruleset, flow.name, flow.value, change.decimals)
            phrase = f"it ran out: what went out could take it no lower than {floor}"
        else:
            unit = change.shape.unit
            amount = number(ruleset, flow.name, flow.value, change.decimals)
            phrase = with_note(label, f"{amount}{'' if not unit or unit.startswith('/') else ' ' + unit}", " this season")
        info = rule_info(ruleset, flow.name)
        rows.append(CauseRow(units, change.part_text(units), phrase, "", flow.name, flow.kind, flow.part, "",
                             info.description.strip(), info.mechanisms, info.source))
    rest = change.units - sum(r.units for r in rows)
    if not rows or 2 * abs(rest) > abs(change.units):
        return None
    return tuple(rows), rest
