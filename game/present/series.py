"""Numbers season by season, for charts: a variable over the game (and under history's policy),
and the chart presets the rules suggest."""

from __future__ import annotations

from dataclasses import dataclass

from game.present.index import indicators, label_of
from game.present.seasons import season_label
from game.session import Session

# How many variables one chart shows at most.
MOST = 6


@dataclass(frozen=True)
class Preset:
    """A set of variables to chart together, with a title."""

    title: str
    variables: tuple[str, ...]
    why: str = ""


def presets(session: Session) -> list[Preset]:
    """The presets of this game: one per indicator whose rules give a ``chart`` list (the scissors
    ...), then history's yearly record when the scenario has one; with neither, the first
    indicators."""
    rs = session.scenario.ruleset
    out = [Preset(i.label, tuple(dict.fromkeys(i.chart))[:MOST], f"from the rules' hint on {i.label}") for i in rs.indicators if i.chart]
    recorded = tuple(dict.fromkeys(s.variable for s in session.scenario.series))[:MOST]
    if recorded:
        out.append(Preset("History's record", recorded, "the variables with a historical series"))
    if not out:
        out.append(Preset("Key indicators", tuple(i.variable for i in indicators(rs)[:3])))
    return out


@dataclass(frozen=True)
class Series:
    """One variable over the seasons of a game: the start, then each season played."""

    name: str
    label: str
    seasons: tuple[str, ...]   # 'autumn 1923', ...
    values: tuple[float, ...]


def series(session: Session, name: str, first: int = 0) -> Series:
    """``name`` in ``session`` from ``history[first]`` to now. A quantity that comes in once a
    year is charted as the year's figure, carried from its season to the next (never its zero
    between times; NaN before the first)."""
    from game.present.story import yearly_reading

    rs = session.scenario.ruleset
    turns = range(first, session.turn + 1)
    told = rs.story.quantities.get(name)
    label = label_of(rs, name)
    if told is not None and told.once_a_year:
        values = []
        for t in turns:
            reading = yearly_reading(session, name, t)
            values.append(session.value(name, t) if reading is None else reading.value)
        label = told.between[:1].upper() + told.between[1:] if told.between else label
    else:
        values = [session.value(name, t) for t in turns]
    return Series(name, label, tuple(season_label(session.history[t].season) for t in turns), tuple(values))
