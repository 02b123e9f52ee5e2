"""One student's game as a page: the ending and its debrief, the scorecard beside history's
policy, the key charts, the levers season by season, the turning points with their causes, the
checkpoint answers, how the game was played, and the sources every claim rests on.

Every word and number comes from the presentation layer (:mod:`game.present`), as the window and
the text mode show them; this module only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from game.present.debrief import Debrief, debrief, historical_path, record_figures
from game.present.index import indicators, label_of, rule_info, rule_words, with_note
from game.present.levers import lever_text, unlocked
from game.present.numbers import display, figure
from game.present.seasons import season_label, season_title
from game.present.series import presets, series
from game.reports.page import Sources, document, esc, section, table
from game.reports.record import Answer, answers, play_record
from game.reports.svg import Line, line_chart
from game.saves import LoadedSave
from game.session import Session

# How many charts a game's report draws at most (the dashboard's first key indicators).
MOST_CHARTS = 10


@dataclass(frozen=True)
class Opened:
    """A save opened for a report: the session as saved and a note when the rules changed."""

    loaded: LoadedSave
    session: Session
    note: str


def open_for_report(loaded: LoadedSave) -> Opened:
    """The game exactly as saved; under rules that changed since, the saved states read under the
    rules as they are now (with a note saying so). Raises SaveRefused, RuleError."""
    if loaded.change is None:
        return Opened(loaded, loaded.resume(), "")
    what = loaded.change.describe(rule_words(loaded.scenario.ruleset))
    return Opened(loaded, loaded.as_saved(), f"{what[:1].upper()}{what[1:]}; this report reads the saved seasons under the rules as they are now.")


def who(loaded: LoadedSave) -> str:
    """The player's name, else that the save gives none, and its file's name."""
    return loaded.save.metadata.player.strip() or f"No player's name given (save {loaded.path.name})"


def stamp(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {moment.hour:02d}:{moment.minute:02d} UTC"


def chart_variables(session: Session) -> list[str]:
    """The variables a game's report charts: the key indicators, in the rules' order (else the
    variables of the rules' chart presets)."""
    names = [i.variable for i in indicators(session.scenario.ruleset)]
    for preset in presets(session):
        names += preset.variables
    known = session.model.index
    return [n for n in dict.fromkeys(names) if n in known][:MOST_CHARTS]


def unit_title(session: Session, name: str) -> str:
    """A chart's title: the label, with the unit the numbers are in."""
    rs = session.scenario.ruleset
    shape = display(rs, name)
    unit = "%" if shape.percent else f"out of {shape.unit[1:]}" if shape.unit.startswith("/") else shape.unit
    label = label_of(rs, name)
    return with_note(label, unit) if unit and unit.lower() not in label.lower() else label  # not 'People (people)'


def tick_text(session: Session, name: str) -> Callable[[float], str]:
    """How a chart's axis writes ``name``'s round values: three significant digits, no trailing
    zeros, as a percentage for a share ('47.5', '2', '40%')."""
    shape = display(session.scenario.ruleset, name)
    return (lambda v: figure(v * 100) + "%") if shape.percent else figure


def padded(values: Sequence[float], length: int) -> tuple[float, ...]:
    """``values`` cut or padded with NaN (no point) to ``length``."""
    return tuple(values[:length]) + (math.nan,) * max(0, length - len(values))


def game_charts(session: Session, sources: Sources) -> str:
    rs = session.scenario.ruleset
    path = historical_path(session)
    figures = []
    for name in chart_variables(session):
        mine = series(session, name)
        lines = [Line("your game", mine.values, 0)]
        if path is not None:
            lines.append(Line("history's policy, same weather", padded(series(path, name).values, len(mine.values)), -1))
        svg = line_chart(unit_title(session, name), mine.seasons, lines, tick_text(session, name), ident=name)
        info = rule_info(rs, name)
        caption = esc(info.description) + sources.ref(info.source)
        figures.append(f"<figure>{svg}<figcaption>{caption}</figcaption></figure>")
    return f'<div class="charts">{"".join(figures)}</div>' if figures else ""


def ending_part(d: Debrief, sources: Sources) -> str:
    tone = "" if d.holds is None else (" holds" if d.holds else " breaks")
    out = [f'<p class="verdict{tone}">{esc(d.title)} ({esc(season_label(d.season))})'
           + (f". {esc(d.verdict)}." if d.verdict else ".") + "</p>"]
    out += [f"<p>{esc(p)}</p>" for p in d.paragraphs]
    if d.mechanisms or d.source:
        names = "; ".join(esc(title) for _, title in d.mechanisms)
        out.append(f'<p class="note">Mechanisms: {names or "—"}.{sources.ref(d.source)}</p>')
    if d.historical is not None:
        title, season = d.historical
        out.append(f"<p>Under the state's actual policy this scenario ends in: {esc(title)} ({esc(season_label(season))}).</p>")
    return "".join(out)


def scorecard_part(d: Debrief) -> str:
    if not d.scorecard:
        return ""
    beside = any(s.history_text for s in d.scorecard)
    head = ["", "your game"] + (["history's policy", ""] if beside else [])
    rows = []
    for s in d.scorecard:
        mark = "better" if s.judgement.startswith("better") else "worse" if s.judgement.startswith("worse") else ""
        row: list[object] = [f'{esc(s.label)}<br><span class="note">{esc(s.description)}</span>', esc(s.yours_text)]
        if beside:
            row += [esc(s.history_text), (esc(s.judgement), mark)]
        rows.append(row)
    intro = ("<p>Your game beside history's policy, played from the same seed (the same weather) for as many seasons.</p>"
             if beside else "")
    return intro + table(head, rows, (False, True, True, False))


def levers_part(session: Session) -> str:
    """The levers season by season: a row per season, a column per lever the player moved; a
    value that changed since the season before in bold."""
    names = unlocked(session)
    turns = range(1, session.turn + 1)
    played = [session.levers_played(t) for t in turns]
    moved = [n for n in names if len({p.get(n) for p in played}) > 1]
    still = [n for n in names if n not in moved]
    if not played:
        return ""
    head = ["season"] + [esc(session.scenario.levers[n].label) for n in moved]
    rows = []
    for i, turn in enumerate(turns):
        row: list[object] = [esc(season_title(session.history[turn].season))]
        for n in moved:
            value = played[i].get(n, math.nan)
            changed = i > 0 and value != played[i - 1].get(n)
            row.append((esc(lever_text(session, n, value)), "changed" if changed else ""))
        rows.append(row)
    out = table(head, rows) if moved else "<p>No lever was moved during the game.</p>"
    if still:
        kept = "; ".join(f"{esc(session.scenario.levers[n].label)} {esc(lever_text(session, n, played[0].get(n, math.nan)))}"
                         for n in still)
        out += f'<p class="note">Kept all game long: {kept}.</p>'
    return '<p class="note">A value in bold was changed that season.</p>' + out


def turning_part(d: Debrief, sources: Sources) -> str:
    out = []
    for point in d.turning_points:
        events = f" Events: {esc(', '.join(point.events))}." if point.events else ""
        rows = "".join(f'<li><span class="part">{esc(r.part)}</span>{esc(r.phrase)}'
                       f'{": " + esc(r.meaning) if r.meaning else ""}{sources.ref(r.source)}</li>'
                       for r in point.story.all_rows)
        out.append(f'<div class="turning"><h3>{esc(season_title(point.season))}</h3>'
                   f'<p>{esc(point.story.sentence)}{events}</p><ul class="causes">{rows}</ul></div>')
    return "".join(out)


def record_part(session: Session, d: Debrief) -> str:
    if not d.history_rows:
        return ""
    rows = []
    for r in d.history_rows:
        model, history, apart = record_figures(session.scenario.ruleset, r)
        rows.append([esc(r.label), esc(r.year), esc(model), esc(history), esc(apart)])
    return ("<p>Your game's years beside the historical record (a year the game covers only in part is left out).</p>"
            + table(["series", "year", "your game", "history", "difference"], rows, (False, False, True, True, True)))


def answers_part(found: Sequence[Answer]) -> str:
    out = []
    for a in found:
        text = f'<div class="answer">{esc(a.answer)}</div>' if a.answer.strip() else '<p class="empty">(no answer written)</p>'
        out.append(f"<h3>{esc(season_title(a.season))}: {esc(a.question)}</h3>{text}")
    return "".join(out)


def questions_part(d: Debrief) -> str:
    if not d.questions:
        return ""
    return "<ol>" + "".join(f"<li>{esc(q)}</li>" for q in d.questions) + "</ol>"


def game_html(opened: Opened) -> str:
    """The report of one game as a whole HTML page."""
    loaded, session = opened.loaded, opened.session
    save = loaded.save
    d = debrief(session)
    sources = Sources()
    title = f"{who(loaded)}: {session.scenario.title}"
    finished = "finished" if session.is_over else f"stopped after {session.turn} of {session.scenario.seasons} seasons"
    facts = [f"{esc(session.scenario.title)}", f"seed {save.seed}", f"{session.turn} season(s) played, {finished}",
             f"saved {esc(stamp(save.metadata.saved_at))}", f"file {esc(loaded.path.name)}"]
    if save.branch_at:
        facts.append(f"taken over from history in {esc(season_label(save.branch_at))}")
    head = [f"<header><h1>{esc(who(loaded))}</h1><p class=\"sub\">{' · '.join(facts)}</p>"]
    if opened.note:
        head.append(f'<p class="note">{esc(opened.note)}</p>')
    head.append("</header>")
    record = play_record(save)
    body = ["".join(head),
            section("How the game ended", ending_part(d, sources), ident="ending"),
            section("Scorecard", scorecard_part(d), ident="scorecard"),
            section("Key numbers, season by season", game_charts(session, sources), ident="charts"),
            section("The levers, season by season", levers_part(session), ident="levers"),
            section("Turning points", turning_part(d, sources), ident="turning-points"),
            section("Checkpoint answers", answers_part(answers(save, session.scenario)), ident="answers"),
            section("Beside the historical record", record_part(session, d), ident="record"),
            section("How the game was played", "".join(f"<p>{esc(line)}</p>" for line in record), ident="play-record"),
            section("Questions to discuss", questions_part(d), ident="questions"),
            sources.section()]
    return document(title, body)
