"""The season report as a story: how the game ended (when it did), a headline — the alliance and
each class in a plain sentence, from the rules' story — then the few changes that matter, each
with the causes that pushed it up and down in the player's terms and an "other" row so the parts
add up to the change shown; the season's events and chance. Citations and formulas stay with
each cause (:class:`~game.present.causes.CauseRow`) for a front end to show on demand.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from game.lazydata import dataclass
from game.present.conditions import environment, fill, holds
from game.present.index import indicators, label_of, rule_info
from game.present.levers import lever_text
from game.present.numbers import Kind, ShownChange, figure, kind_of, quantity, shown_change, visibly_moved
from game.present.seasons import baseline_note, compared_phrase, season_label
from game.rules.models import Indicator
from game.rules.season import Season
from game.session import Session

if TYPE_CHECKING:  # (explanations are worked out after a season is played: not on the way to the first prompt)
    from game.engine.explain import Explanation, Memo
    from game.present.causes import CauseRow, Places

# How many changes a report tells (the headline indicator counts), and how deep it follows causes.
MOST_CHANGES = 3
DEPTH = 8


@dataclass(frozen=True)
class EndingNotice:
    """The game ended in this season: the ending's title and verdict."""

    title: str
    verdict: str
    season: str
    holds: bool

    @property
    def sentence(self) -> str:
        """'The game is over: Bread crisis (autumn 1925). The alliance breaks.'"""
        words = f" {self.verdict}." if self.verdict else ""
        return f"The game is over: {self.title} ({season_label(self.season)}).{words}"


@dataclass(frozen=True)
class ChangeStory:
    """One change that matters, as shown, and its causes."""

    name: str
    label: str
    change: ShownChange
    since: str           # what it is compared with: 'last season' or 'autumn 1926'
    since_season: str
    rows: tuple[CauseRow, ...]
    rest: int            # the other causes, in the change's units
    explanation: Explanation

    @property
    def sentence(self) -> str:
        """'Stock: 2.14 t, down 2.46 t on autumn 1926 (4.60 t).'"""
        c = self.change
        return f"{self.label}: {c.after_text}, {c.direction} {c.delta_text[1:]} on {self.since} ({c.before_text})."

    @property
    def all_rows(self) -> tuple[CauseRow, ...]:
        """The causes, with the other causes' row when there is a rest."""
        from game.present.causes import other_row

        return self.rows + ((other_row(self.change, self.rest),) if self.rest else ())


@dataclass(frozen=True)
class Reading:
    """A once-a-year quantity between times: 'This year's crop: 77.8 t (brought in during summer).'"""

    name: str
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class SeasonReport:
    season: str
    turn: int
    seasons: int
    ending: EndingNotice | None
    headline: tuple[str, ...]
    changes: tuple[ChangeStory, ...]
    events: tuple[tuple[str, str], ...]         # (title, message)
    draws: tuple[tuple[str, str, bool], ...]    # (label, value, scripted)
    readings: tuple[Reading, ...]               # once-a-year quantities between times
    levels: tuple[str, ...] = ()                # always-reported seasonal quantities with nothing to compare with yet


def compared_turn(session: Session, indicator: Indicator, turn: int) -> int | None:
    """The turn ``history[turn]``'s value of ``indicator`` is compared with: the season before,
    or for a seasonal quantity the same season a year before. None when there is nothing fair to
    compare with yet (nothing played, or a seasonal quantity's first year in the game)."""
    if turn < 1:
        return None
    told = session.scenario.ruleset.story.quantities.get(indicator.variable)
    seasonal = indicator.compare == "last-year" or (told is not None and told.kind == "seasonal")
    if seasonal:
        return turn - 4 if turn >= 4 else None
    return turn - 1


def yearly_reading(session: Session, name: str, turn: int | None = None) -> Reading | None:
    """A quantity brought in once a year, read between times: its last value and when it came
    in (None: it is not such a quantity, or this is its season)."""
    rs = session.scenario.ruleset
    told = rs.story.quantities.get(name)
    turn = session.turn if turn is None else turn
    if told is None or told.once_a_year is None:
        return None
    season = Season.parse(session.history[turn].season)
    if season.name == told.once_a_year:
        return None
    back = next((t for t in range(turn, max(-1, turn - 4), -1) if Season.parse(session.history[t].season).name == told.once_a_year), None)
    label = told.between or label_of(rs, name)
    if back is None:
        return Reading(name, label, float("nan"), f"{label[:1].upper()}{label[1:]}: not yet brought in (it comes in each {told.once_a_year}).")
    value = session.value(name, back)
    # The year said, so that between times "this year's crop" is not taken for the coming one.
    came = season_label(session.history[back].season)
    text = f"{label[:1].upper()}{label[1:]}: {quantity(rs, name, value)} (brought in during {came})."
    return Reading(name, label, value, text)


def indicator_rows(session: Session) -> list[tuple[str, str, str]]:
    """The indicators as they stand now: (label, value with its unit, its change as shown: on
    last season, or on a year earlier for one compared with the same season); a once-a-year
    quantity between times is read as its last value, with no change."""
    rs = session.scenario.ruleset
    rows = []
    for ind in indicators(rs):
        reading = yearly_reading(session, ind.variable)
        if reading is not None:
            value = "—" if math.isnan(reading.value) else quantity(rs, ind.variable, reading.value)
            rows.append((reading.label[:1].upper() + reading.label[1:], value, ""))
            continue
        base = compared_turn(session, ind, session.turn)
        now = session.value(ind.variable)
        change = ""
        if base is not None:
            shown = shown_change(rs, ind.variable, session.value(ind.variable, base), now, extend=False)
            change = shown.delta_text if shown.visible else ""
            if change and base != session.turn - 1:
                change += " on a year earlier"
        rows.append((ind.label, quantity(rs, ind.variable, now), change))
    return rows


def coming_reading(session: Session, name: str, season: str) -> Reading | None:
    """A once-a-year quantity in a coming season (a forecast's) that is not its season: this
    year's value as it stands now, brought in already (None: it is not such a quantity, or the
    coming season brings it in). A forecast never reads such a quantity as zero between times."""
    told = session.scenario.ruleset.story.quantities.get(name)
    if told is None or told.once_a_year is None or Season.parse(season).name == told.once_a_year:
        return None
    if Season.parse(session.state.season).name == told.once_a_year:
        rs = session.scenario.ruleset
        label = told.between or label_of(rs, name)
        value = session.value(name)
        return Reading(name, label, value, f"{label[:1].upper()}{label[1:]}: {quantity(rs, name, value)} "
                                           f"(brought in during {season_label(session.state.season)}).")
    return yearly_reading(session, name)


def headline(session: Session, turn: int | None = None) -> tuple[str, ...]:
    """One sentence per subject of the rules' headlines: the first whose condition holds."""
    turn = session.turn if turn is None else turn
    rs = session.scenario.ruleset
    if not rs.story.headlines:
        return ()
    env = environment(session.model, session.history, turn)
    values = session.values(turn)
    levers = {name: lever_text(session, name, value) for name, value in session.levers_played(turn).items()} if turn >= 1 else None
    said: dict[str, str] = {}
    for index, line in enumerate(rs.story.headlines):
        if line.about in said or not holds(session.model, ("headlines", index), env):
            continue
        said[line.about] = fill(rs, line.text, values, levers)
    return tuple(said.values())


def ending_notice(session: Session, turn: int) -> EndingNotice | None:
    """The ending, when the game ended with the season that produced ``history[turn]``."""
    if turn != session.turn or not session.is_over:
        return None
    from game.present.debrief import verdict

    ending = session.ending
    if ending is None or ending.ending is None:
        return EndingNotice(f"the scenario's {session.scenario.seasons} seasons are played", "", session.state.season, True)
    return EndingNotice(ending.ending.title, verdict(session.scenario.ruleset, ending.ending), ending.season,
                        ending.ending.outcome == "good")


def change_story(session: Session, name: str, turn: int, base: int, label: str | None = None,
                 look_through: frozenset[str] = frozenset(), memo: Memo | None = None,
                 places: Places | None = None) -> ChangeStory | None:
    """``name``'s change from ``history[base]`` to ``history[turn]`` with its causes (None when
    nothing a reader could see moved); each cause's from-to is measured against the same
    ``base`` and says so when it is not last season, written with its kind's ``places`` (see
    :func:`same_places`). Stories of one season against one baseline may share a ``memo``
    (:func:`~game.engine.explain.new_memo`)."""
    from game.engine.explain import explain, flows
    from game.present.causes import cause_rows, flow_rows

    rs = session.scenario.ruleset
    kind = kind_of(rs, name)
    at_least = (places or {}).get(kind, 0) if kind else 0
    shown = shown_change(rs, name, session.value(name, base), session.value(name, turn), at_least=at_least)
    if not shown.visible:
        return None
    leaves = frozenset(i.variable for i in indicators(rs)) - look_through
    explanation = explain(session.model, session.history, turn, name, DEPTH, baseline=base, memo=memo, leaves=leaves)
    told = rs.story.quantities.get(name)
    account = None
    if told is not None and told.kind == "stock" and base == turn - 1 and not look_through:
        found = flows(session.model, session.history, turn, name)  # last season's stock, plus and minus this season's flows
        account = flow_rows(rs, found, shown, name) if found else None
    since_season = session.history[base].season
    when = baseline_note(session.history[turn].season, since_season)
    rows, rest = account if account is not None else cause_rows(rs, explanation, shown, look_through=look_through,
                                                                 when=when, places=places)
    return ChangeStory(name, label or label_of(rs, name), shown, compared_phrase(session.history[turn].season, since_season),
                       since_season, rows, rest, explanation)


def season_report(session: Session, turn: int | None = None, most: int = MOST_CHANGES) -> SeasonReport:
    """The season that produced ``history[turn]`` (default: the last played) as a story."""
    from game.engine.explain import new_memo

    turn = session.turn if turn is None else turn
    rs = session.scenario.ruleset
    state = session.history[turn]
    candidates: list[tuple[float, Indicator, int]] = []
    levels: list[str] = []
    shown = indicators(rs)
    yearly = [name for name, told in rs.story.quantities.items() if told.once_a_year]
    readings = tuple(r for r in (yearly_reading(session, name, turn) for name in yearly) if r is not None)
    between = {r.name for r in readings}
    for position, ind in enumerate(shown):
        if ind.variable in between:
            continue
        base = compared_turn(session, ind, turn)
        if base is None:
            if ind.always_in_report and turn >= 1:
                here = Season.parse(state.season).name
                levels.append(f"{ind.label} this season: {quantity(rs, ind.variable, session.value(ind.variable, turn))} "
                              f"(there is no {here} before this one in the game to compare with).")
            continue
        before, after = session.value(ind.variable, base), session.value(ind.variable, turn)
        if not visibly_moved(rs, ind.variable, before, after):
            continue  # nothing a reader of the dashboard could see
        relative = abs(after - before) / max(abs(before), abs(after), 1e-9)
        weight = 1e9 if position == 0 else 1.5 if ind.always_in_report else 1.0
        candidates.append((relative * weight, ind, base))
    candidates.sort(key=lambda c: -c[0])
    changes: list[ChangeStory] = []
    memos: dict[int, Memo] = {}
    for _, ind, base in candidates:
        if len(changes) >= most:
            break
        story = change_story(session, ind.variable, turn, base, ind.label, memo=memos.setdefault(base, new_memo()))
        if story is None:
            continue
        if base == 0 and ind is not shown[0] and 2 * abs(story.rest) > abs(story.change.units):
            continue  # against the start, a change mostly left unexplained comes from the starting figures, not from play
        changes.append(story)
    changes = same_places(session, turn, changes, memos)
    events, draws = season_log(session, turn)
    return SeasonReport(state.season, turn, session.scenario.seasons, ending_notice(session, turn),
                        headline(session, turn) if turn >= 1 else (), tuple(changes), events, draws, readings, tuple(levels))


def same_places(session: Session, turn: int, changes: list[ChangeStory], memos: dict[int, Memo]) -> list[ChangeStory]:
    """The report's stories with every number of one kind of quantity (trusts on 0-100, indexes
    of 1913 prices ...), in a change or in a cause's from-to, written with the same places: the
    most any of them needs, so that '42 to 25' never stands beside '37.3 to 27.7'."""
    from game.engine.explain import new_memo

    rs = session.scenario.ruleset

    def written(story: ChangeStory) -> list[tuple[Kind, int]]:
        kind = kind_of(rs, story.name)
        own = [(kind, story.change.decimals)] if kind is not None else []
        return own + [row.places for row in story.rows if row.places is not None]

    places: Places = {}
    out = changes
    for _ in range(4):  # writing a story again with more places can need more places elsewhere
        for story in out:
            for kind, d in written(story):
                places[kind] = max(places.get(kind, 0), d)
        if not any(d < places[kind] for story in out for kind, d in written(story)):
            return out
        again_stories = []
        for story in out:
            if any(d < places[kind] for kind, d in written(story)):
                base = session.history.index(next(s for s in session.history if s.season == story.since_season))
                again = change_story(session, story.name, turn, base, story.label, memo=memos.setdefault(base, new_memo()), places=places)
                story = again if again is not None else story
            again_stories.append(story)
        out = again_stories
    return out


def season_log(session: Session, turn: int | None = None) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, bool], ...]]:
    """What chance and the rules did in the season that produced ``history[turn]``: its events
    as (title, message) and its draws as (label, value as text, scripted)."""
    rs = session.scenario.ruleset
    state = session.history[session.turn if turn is None else turn]
    events = tuple(
        (rule_info(rs, e.name).label if e.name in rs.events else session.scenario.events[e.name].title, e.message)
        for e in state.log if e.kind == "event"
    )
    def drawn(name: str, value: float) -> str:
        """'1.06, where 1 is average': a bare draw read against its usual value."""
        draw = rs.draws.get(name)
        mean = draw.mean if draw is not None else None
        if mean is None:
            return figure(value)
        return f"{figure(value)}, the average" if figure(value) == figure(mean) else f"{figure(value)}, where {figure(mean)} is average"

    draws = tuple((rule_info(rs, e.name).label, drawn(e.name, e.value), e.scripted) for e in state.log if e.kind == "draw")
    return events, draws
