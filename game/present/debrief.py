"""The debrief of a finished game: the ending told from the numbers the player sees (the rules'
story may replace an ending's text and add paragraphs that are said only when they hold), a
scorecard setting this game beside history's policy on a few axes, the turning points, the game
beside history year by year, how history itself ended, and the questions to discuss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from game.history import Row, compare
from game.present.conditions import environment, evaluate, fill, holds
from game.present.index import cite, indicators
from game.present.levers import lever_text
from game.present.numbers import MINUS, figure, plain_number, quantity, unit_for
from game.present.story import ChangeStory, change_story
from game.rules.models import Ending, ScoreAxis
from game.rules.ruleset import Ruleset
from game.session import GameOver, Session


def verdict(ruleset: Ruleset, ending: Ending) -> str:
    """How ``ending`` turned out, in the rule set's words ('The alliance holds', 'The reign
    fails'); empty when the rule set's manifest gives no verdicts."""
    if ruleset.verdicts is None:
        return ""
    return ruleset.verdicts.good if ending.outcome == "good" else ruleset.verdicts.bad


def ending_text(session: Session) -> tuple[str, ...]:
    """The ending's debrief as paragraphs: the story's text for it (else the ending's own), then
    each of the story's paragraphs whose condition holds at the end of the game."""
    ending = session.ending
    if ending is None or ending.ending is None or ending.id is None:
        return ()
    rs = session.scenario.ruleset
    told = rs.story.debriefs.get(ending.id)
    values = session.values()
    levers = {name: lever_text(session, name, value) for name, value in session.levers_played(session.turn).items()} if session.turn else None
    first = told.text if told is not None and told.text is not None else ending.ending.debrief
    out = [fill(rs, first, values, levers)]
    if told is not None and told.paragraphs:
        env = environment(session.model, session.history, session.turn)
        for index, paragraph in enumerate(told.paragraphs):
            if holds(session.model, ("debriefs", ending.id, index), env):
                out.append(fill(rs, paragraph.text, values, levers))
    return tuple(p for p in out if p)


@dataclass(frozen=True)
class Score:
    """One axis of the scorecard: this game's figure beside history's."""

    label: str
    description: str
    yours: float
    history: float | None
    yours_text: str
    history_text: str      # '' when there is no history to compare with
    better: str            # higher, lower, neither
    judgement: str         # 'better than history', 'worse than history', 'as history', ''


def _aggregate(axis: ScoreAxis, values: list[float]) -> float:
    values = [v for v in values if math.isfinite(v)]
    if not values:
        return math.nan
    if axis.aggregate == "sum":
        return math.fsum(values)
    if axis.aggregate == "mean":
        return math.fsum(values) / len(values)
    if axis.aggregate == "max":
        return max(values)
    if axis.aggregate == "min":
        return min(values)
    return values[-1]


def _axis_value(session: Session, index: int, axis: ScoreAxis) -> float:
    values = [evaluate(session.model, ("scorecard", index), environment(session.model, session.history, turn))
              for turn in range(1, session.turn + 1)]
    return _aggregate(axis, values)


def _axis_text(axis: ScoreAxis, value: float) -> str:
    if not math.isfinite(value):
        return "—"
    text = format(value, axis.format).replace("-", "−")
    if text.lstrip("−").strip("0.,%") == "":
        text = text.lstrip("−")
    if axis.unit.startswith("/"):  # out of: '28/100'
        return f"{text}{axis.unit}"
    return f"{text} {unit_for(text, axis.unit)}" if axis.unit and not text.endswith("%") else text


def scorecard(session: Session, history: Session | None = None) -> tuple[Score, ...]:
    """The rules' scorecard for this game, beside ``history`` (the same scenario under the
    state's actual policy, from the same seed and for as many seasons; None: no comparison)."""
    rs = session.scenario.ruleset
    out: list[Score] = []
    for index, axis in enumerate(rs.story.scorecard):
        yours = _axis_value(session, index, axis)
        theirs = _axis_value(history, index, axis) if history is not None and history.turn >= 1 else None
        judgement = ""
        if theirs is not None and math.isfinite(yours) and math.isfinite(theirs) and axis.better != "neither":
            a, b = _axis_text(axis, yours), _axis_text(axis, theirs)
            if a == b:
                judgement = "as history"
            else:
                ahead = yours > theirs if axis.better == "higher" else yours < theirs
                judgement = "better than history" if ahead else "worse than history"
        out.append(Score(axis.label, axis.description, yours, theirs, _axis_text(axis, yours),
                         _axis_text(axis, theirs) if theirs is not None else "", axis.better, judgement))
    return tuple(out)


def history_rows(session: Session) -> list[Row]:
    """This game's years beside the scenario's historical series (empty if it has none)."""
    seasons = [(session.history[turn].season, session.values(turn)) for turn in range(1, session.turn + 1)]
    return compare(session.scenario.series, seasons)


def record_figures(ruleset: Ruleset, row: Row) -> tuple[str, str, str]:
    """A year of the game beside history as written everywhere: the game's figure and history's,
    each with its unit ('31%', '10.6 Mt'; '—' for a year the game did not reach), and how far
    apart they are as a signed percentage ('+4%', '−12%', '±0%'; '' when it cannot be said)."""
    def shown(value: float) -> str:
        return quantity(ruleset, row.variable, value) if row.variable in ruleset.variables else figure(value)

    model = "—" if row.model is None else shown(row.model)
    if row.deviation is None:
        return model, shown(row.history), ""
    points = round(row.deviation * 100)
    sign = "+" if points > 0 else MINUS if points < 0 else "±"
    return model, shown(row.history), f"{sign}{plain_number(abs(points), 0)}%"


def historical_ending(session: Session) -> tuple[str | None, str] | None:
    """How the scenario ends under the state's actual policy: (ending id, season), or None when
    the scenario has no historical policy."""
    scenario = session.scenario
    if scenario.history is None:
        return None
    replay = Session(scenario, session.seed, session.model)
    replay.play(scenario.history, as_history=True)
    return replay.state.ending, replay.state.season


def historical_path(session: Session, turns: int | None = None) -> Session | None:
    """The scenario played under the state's actual policy from this game's seed, for ``turns``
    seasons (default: as many as this game has played) or until it ends; None when the scenario
    has no historical policy."""
    scenario = session.scenario
    if scenario.history is None:
        return None
    replay = Session(scenario, session.seed, session.model)
    try:
        replay.play(scenario.history, until=session.turn if turns is None else turns, as_history=True)
    except GameOver:
        pass  # history ended the game sooner: its path stops there
    return replay


@dataclass(frozen=True)
class TurningPoint:
    """A season in which the headline indicator moved most, and why."""

    season: str
    turn: int
    story: ChangeStory
    events: tuple[str, ...]


def turning_points(session: Session, most: int = 3) -> list[TurningPoint]:
    """The seasons in which the first indicator (the headline, e.g. the alliance) moved most,
    in order of play, each with its causes (followed through the headline's own parts, e.g.
    each class's trust) and the events of the season."""
    rs = session.scenario.ruleset
    shown = indicators(rs)
    if not shown or session.turn < 1:
        return []
    name = shown[0].variable
    parts = frozenset(n for n in rs.depends_on.get(name, ()))
    stories: dict[int, ChangeStory | None] = {}

    def story_of(turn: int) -> ChangeStory | None:
        if turn not in stories:
            stories[turn] = change_story(session, name, turn, turn - 1, shown[0].label, look_through=parts)
        return stories[turn]

    def move(turn: int) -> float:
        moved = session.value(name, turn) - session.value(name, turn - 1)
        if turn == 1:  # what the stocks were already doing when the player took over is not a turning point
            story = story_of(1)
            moved -= sum(row.contribution for row in story.rows if row.kind == "trend") if story is not None else 0.0
        return abs(moved)

    moves = sorted(range(1, session.turn + 1), key=lambda t: -move(t))
    out = []
    for turn in sorted(moves[:most]):
        story = story_of(turn)
        if story is None:
            continue
        state = session.history[turn]
        titles = tuple(rs.events[e.name].title if e.name in rs.events else session.scenario.events[e.name].title
                       for e in state.log if e.kind == "event")
        out.append(TurningPoint(state.season, turn, story, titles))
    return out


@dataclass(frozen=True)
class Debrief:
    """Everything the debrief shows, for a front end to lay out."""

    title: str
    season: str
    verdict: str
    holds: bool | None        # None: the scenario ran out with no ending
    paragraphs: tuple[str, ...]
    mechanisms: tuple[tuple[str, str], ...]   # (id, title)
    source: str
    scorecard: tuple[Score, ...]
    turning_points: tuple[TurningPoint, ...]
    history_rows: tuple[Row, ...]
    historical: tuple[str, str] | None        # how history's policy ended: (title, season)
    questions: tuple[str, ...]


def debrief(session: Session) -> Debrief:
    """The debrief of ``session`` (a finished game; an unfinished one is told as it stands)."""
    rs = session.scenario.ruleset
    ending = session.ending
    path = historical_path(session)
    real = historical_ending(session)
    historical = None
    if real is not None:
        ident, season = real
        historical = (session.scenario.endings[ident].title if ident else "no decisive outcome", season)
    if ending is None or ending.ending is None:
        title, season, words, holds_, mechanisms, source = ("No decisive outcome", session.state.season, "", None, (), "")
    else:
        e = ending.ending
        title, season, words, holds_ = e.title, ending.season, verdict(rs, e), e.outcome == "good"
        mechanisms = tuple((m, rs.mechanisms[m].title) for m in e.mechanisms if m in rs.mechanisms)
        source = cite(rs, e.source)
    return Debrief(title, season, words, holds_, ending_text(session), mechanisms, source,
                   scorecard(session, path), tuple(turning_points(session)), tuple(history_rows(session)),
                   historical, tuple(session.scenario.debrief_questions))
