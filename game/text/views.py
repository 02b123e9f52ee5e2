"""What the text mode prints, screen by screen: the status before a decision, the season report
(and its details on demand), why a number moved, the debrief, an encyclopedia article, charts as
sparklines, the forecast. Everything is worded by :mod:`game.present`; this module only lays it
out on a :class:`~game.text.terminal.Terminal`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from game.present.debrief import record_figures
from game.present.index import formula_in_words, indicators, label_of, rule_info
from game.present.levers import lever_text, lever_unit, shown_locked, unlocked
from game.present.numbers import quantity
from game.present.seasons import position, season_label, season_title
from game.present.story import ChangeStory, SeasonReport, coming_reading, indicator_rows
from game.present.warnings import Meter, Threat
from game.session import Session
from game.text.terminal import Terminal, to_ascii

if TYPE_CHECKING:  # (the encyclopedia, charts and debrief are imported where they are used)
    from game.encyclopedia import Article
    from game.forecast import Forecast
    from game.present.causes import CauseRow
    from game.present.debrief import Debrief
    from game.present.series import Series

SPARKS = "▁▂▃▄▅▆▇█"
# The scorecard's judgements, short enough for 80 columns (the heading says "beside history").
JUDGED = {"better than history": "better", "worse than history": "worse", "as history": "the same"}


def heading(term: Terminal, text: str) -> None:
    term.line()
    term.line(f"=== {text} ===")


# -- the status before a decision ---------------------------------------------------------------


def index_note(session: Session) -> str:
    """What the bare numbers of the table are measured against, from the indicators' units:
    'Indexes: Prices ...: 1913 = 100; Livestock ...: 1926 = 100.' ('' if none)."""
    rs = session.scenario.ruleset
    bases: dict[str, list[str]] = {}
    for ind in indicators(rs):
        variable = rs.variables.get(ind.variable)
        unit = " ".join(variable.unit.split()) if variable is not None else ""
        if unit.lower().startswith("index,") and "=" in unit:
            bases.setdefault(unit.split(",", 1)[1].strip(), []).append(ind.label)
    if not bases:
        return ""

    def listed(labels: list[str]) -> str:
        return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"

    return "Indexes: " + "; ".join(f"{listed(labels)}: {base}" for base, labels in bases.items()) + "."


def status(term: Terminal, session: Session, threats: Sequence[Threat] = (), legend: bool = False) -> None:
    """The season about to be played, the warnings, the indicators and their change, the levers
    (with ``legend``, what the indexes among them are measured against)."""
    s = session
    heading(term, f"{season_title(s.next_season)}: {position(s.turn + 1, s.scenario.seasons)}")
    warn(term, threats, danger_meters(session))
    table(term, indicator_rows(s))
    note = index_note(session) if legend else ""
    if note:
        term.para(note, "  ", "    ")
    settings = []
    for name in unlocked(s):
        unit = lever_unit(s, name)
        settings.append(f"{s.scenario.levers[name].label} {lever_text(s, name, s.levers[name])}{' ' + unit if unit else ''}")
    locked = len(shown_locked(s))
    tail = f" ({locked} more locked in this scenario.)" if locked else ""
    term.para("Your levers: " + "; ".join(settings) + "." + tail, "  ", "    ")


def table(term: Terminal, rows: Sequence[tuple[str, str, str]], indent: str = "  ") -> None:
    """Label, value and change in columns that fit the width (long labels are shortened)."""
    if not rows:
        return
    value_w = max(len(r[1]) for r in rows)
    change_w = max(len(r[2]) for r in rows)
    label_w = min(max(len(r[0]) for r in rows), max(12, term.width - len(indent) - value_w - change_w - 4))
    for label, value, change in rows:
        short = label if len(label) <= label_w else label[: label_w - 1] + "…"
        term.line(f"{indent}{short:<{label_w}}  {value:>{value_w}}  {change}".rstrip())


def danger_meters(session: Session) -> list[Meter]:
    from game.present.warnings import meters

    return [m for m in meters(session) if m.warning]


def warn(term: Terminal, threats: Sequence[Threat], close: Sequence[Meter]) -> None:
    """The endings within reach and the loss meters near their threshold."""
    for threat in threats:
        mark = "Within reach" if threat.holds else "Warning"
        term.para(f"{mark}: {threat.text}.", "  ! ", "    ")
    for meter in close:
        term.para(f"{'Danger' if meter.reached else 'Watch'}: {meter.text}.", "  ! ", "    ")


# -- the season report --------------------------------------------------------------------------


def report(term: Terminal, rep: SeasonReport, details: bool = False) -> None:
    """The season report: the ending first (if the game ended), the headline, the changes with
    their causes, events and chance; with ``details``, what each cause means and its source."""
    heading(term, f"Season report: {season_title(rep.season)} ({position(rep.turn, rep.seasons)})")
    if rep.ending is not None:
        term.para(rep.ending.sentence.replace("The game is over", "THE GAME IS OVER"))
        term.line()
    if rep.headline:
        term.para(" ".join(rep.headline))
    for change in rep.changes:
        term.line()
        change_lines(term, change, details)
    if rep.events:
        term.line()
        for title, message in rep.events:
            term.para(f"Event: {title}. {message.strip()}", "", "  ")
    if rep.draws:
        chance = "; ".join(f"{label} {value}{' (as history had it)' if scripted else ''}" for label, value, scripted in rep.draws)
        term.para(f"Chance: {chance}.")
    for level in rep.levels:
        term.para(level)
    for reading in rep.readings:
        term.para(reading.text)
    if not rep.changes:
        term.line("No indicator moved this season.")
    if not details and rep.changes:
        term.para("(More: 'details': what each cause means, and its source; 'why NAME'.)")


def change_lines(term: Terminal, change: ChangeStory, details: bool = False) -> None:
    term.para(change.sentence, "", "  ")
    rows = change.all_rows
    width = max((len(r.part) for r in rows), default=0)
    for row in rows:
        cause_row(term, row, width, details)


def cause_row(term: Terminal, row: CauseRow, width: int, details: bool) -> None:
    indent = "  "
    text = f"{row.phrase}{f': {row.meaning}' if row.meaning else ''}"
    term.para(f"{row.part:>{width}}  {text}", indent, indent + " " * (width + 2), keep_spaces=True)
    if details and (row.description or row.source):
        hang = indent + " " * (width + 2)
        if row.through:
            term.para(f"(through {row.through})", hang)
        if row.description:
            term.para(row.description, hang)
        provenance = "; ".join(row.mechanisms)
        if row.source:
            provenance = f"{provenance} — {row.source}" if provenance else row.source
        if provenance:
            term.para(f"[{provenance}]", hang)


# -- why ----------------------------------------------------------------------------------------


def why(term: Terminal, session: Session, name: str, story: ChangeStory | None) -> None:
    """Why ``name`` moved in the last season: the change and every cause with its meaning and
    source, then the rule itself (its description, mechanisms, source and formula)."""
    rs = session.scenario.ruleset
    info = rule_info(rs, name)
    heading(term, f"Why: {info.label}")
    if story is None:
        now = quantity(rs, name, session.value(name))
        played = "No season has been played yet" if session.turn == 0 else "It did not move this season"
        term.para(f"{info.label}: {now}. {played}.")
    else:
        change_lines(term, story, details=True)
    term.line()
    term.para(f"What it is: {info.description.strip()}")
    if info.mechanisms:
        term.para(f"Mechanisms: {'; '.join(info.mechanisms)}.", "", "  ")
    if info.source:
        term.para(f"Source: {info.source}.", "", "  ")
    formula = formula_in_words(rs, name)
    if formula:
        term.para(f"Rule: {info.label} = {formula}", "", "  ")


def suggestions(term: Terminal, typed: str, found: Sequence[tuple[str, str]]) -> None:
    if not found:
        term.para(f"  No number called '{typed}'. Try a label from the table ('show').")
        return
    names = "; ".join(label for _, label in found)  # labels, as on the screen: never the rules' ids
    term.para(f"  No single number called '{typed}'. Did you mean: {names}?", "", "    ")


# -- the debrief --------------------------------------------------------------------------------


def debrief(term: Terminal, d: Debrief, session: Session) -> None:
    heading(term, f"Ending: {d.title} ({season_label(d.season)})")
    if d.verdict:
        term.para(f"{d.verdict}. The game is over.")
    else:
        term.para("The game is over.")
    for paragraph in d.paragraphs:
        term.line()
        term.para(paragraph)
    if d.mechanisms or d.source:
        term.line()
        term.para(f"Mechanisms: {'; '.join(title for _, title in d.mechanisms)}. Source: {d.source}.", "", "  ")
    term.line()  # the numbers as the game ended, with the last season's change: the figures below agree with them
    term.line(f"Where your game ended, after {season_label(session.state.season)}:")
    table(term, indicator_rows(session))
    if d.scorecard:
        term.line()
        term.line("Your game beside history's policy (same seasons, same weather):" if any(s.history_text for s in d.scorecard)
                  else "Your game in numbers:")
        rows = []
        for score in d.scorecard:
            theirs = f"history {score.history_text}" if score.history_text else ""
            judged = f", {JUDGED.get(score.judgement, score.judgement)}" if score.judgement else ""
            rows.append((score.label, score.yours_text, theirs + judged))
        table(term, rows)
    if d.turning_points:
        term.line()
        term.line("The turning points of your game:")
        for point in d.turning_points:
            events = f" Events: {', '.join(point.events)}." if point.events else ""
            term.para(f"* {season_title(point.season)}: {point.story.sentence}{events}", "", "  ")
            for row in point.story.rows[:2]:
                cause_row(term, row, max(len(r.part) for r in point.story.rows[:2]), False)
    reached = [r for r in d.history_rows if r.model is not None]  # the years the game reached
    if reached:
        term.line()
        term.line("Your game beside history's record, year by year:")
        for label in dict.fromkeys(r.label for r in reached):  # each series under its own name, then its years
            term.para(label, "  ", "    ")
            rows = []
            for r in (r for r in reached if r.label == label):
                model, history, apart = record_figures(session.scenario.ruleset, r)
                rows.append((r.year, model, f"history {history}{f' ({apart})' if apart else ''}"))
            table(term, rows, "    ")
    if d.historical is not None:
        title, season = d.historical
        term.line()
        term.para(f"Under the state's actual policy this scenario ends in: {title} ({season_label(season)}).")
    if d.questions:
        term.line()
        term.line("Questions to discuss:")
        for i, q in enumerate(d.questions, 1):
            term.para(q, f"  {i}. ", "     ")


# -- encyclopedia -------------------------------------------------------------------------------


def article(term: Terminal, a: Article) -> None:
    original = a.original
    if term.ascii and " · " in original:  # the word's own script, spelt in ASCII, is its romanization again
        script, _, romanized = original.partition(" · ")
        if romanized.lower().startswith(to_ascii(script).lower()):
            original = romanized
    heading(term, a.title + (f" ({original})" if original else ""))
    if a.lead:
        term.para(a.lead)
    for paragraph in a.body:
        term.line()
        term.para(paragraph)
    if a.sources:
        term.line()
        for source in a.sources:
            term.para(f"Source: {source.who}, {source.title}, {source.where}.", "", "  ")
    for group in a.related:
        names = [link.text for link in group.links] + list(group.names)
        if names:
            term.para(f"{group.heading}: {'; '.join(names)}.", "", "  ")


# -- charts -------------------------------------------------------------------------------------


def sparkline(values: Sequence[float]) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return ""
    low, high = min(finite), max(finite)
    span = high - low
    out = []
    for v in values:
        if not math.isfinite(v):
            out.append(" ")
        elif span <= 1e-12 * max(1.0, abs(high)):
            out.append(SPARKS[3])
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, int((v - low) / span * len(SPARKS)))])
    return "".join(out)


def chart(term: Terminal, session: Session, lines: Sequence[Series], history: Sequence[Series | None] = ()) -> None:
    """Each series as a sparkline over the seasons with its first, last, lowest and highest
    values; one series also as a table by year."""
    rs = session.scenario.ruleset
    if not lines:
        return
    first, last = lines[0].seasons[0], lines[0].seasons[-1]
    heading(term, f"Charts: {first} to {last}")
    room = term.width - 4
    for index, line in enumerate(lines):
        values = list(line.values)[-room:]
        term.line(f"{line.label}")
        term.line(f"  {sparkline(values)}")
        low, high = min(line.values), max(line.values)
        term.para(f"from {quantity(rs, line.name, line.values[0])} to {quantity(rs, line.name, line.values[-1])};"
                  f" lowest {quantity(rs, line.name, low)}, highest {quantity(rs, line.name, high)}", "  ", "    ")
        ghost = history[index] if index < len(history) else None
        if ghost is not None and ghost.values:
            term.line(f"  {sparkline(list(ghost.values)[-room:])}  (history's policy)")
    if len(lines) == 1:
        by_year(term, session, lines[0])


def by_year(term: Terminal, session: Session, line: Series) -> None:
    """A small table: one row per year, a column per season of the year."""
    rs = session.scenario.ruleset
    from game.rules.season import SEASONS_OF_YEAR

    cells: dict[int, dict[str, str]] = {}
    for label, value in zip(line.seasons, line.values):
        name, year = label.split(" ")
        cells.setdefault(int(year), {})[name] = quantity(rs, line.name, value)
    width = max(len(v) for row in cells.values() for v in row.values())
    term.line("  year  " + "  ".join(f"{s:>{width}}" for s in SEASONS_OF_YEAR))
    for year in sorted(cells):
        term.line(f"  {year}  " + "  ".join(f"{cells[year].get(s, ''):>{width}}" for s in SEASONS_OF_YEAR))


# -- forecast -----------------------------------------------------------------------------------


def forecast(term: Terminal, session: Session, f: Forecast, threats: Sequence[Threat]) -> None:
    """Next season under the levers as set: each indicator's likely range over the weathers."""
    rs = session.scenario.ruleset
    heading(term, f"Forecast for {season_label(f.season)} ({f.runs} possible weathers)")
    warn(term, threats, [])
    rows = []
    for ind in indicators(rs):
        r = f.range(ind.variable)
        carried = coming_reading(session, ind.variable, f.season)
        if carried is not None:
            value = "—" if math.isnan(carried.value) else quantity(rs, ind.variable, carried.value)
            told = rs.story.quantities[ind.variable]
            rows.append((carried.label[:1].upper() + carried.label[1:], value, f"brought in during {told.once_a_year}"))
        elif r.certain:
            rows.append((ind.label, quantity(rs, ind.variable, r.median), "whatever the weather"))
        else:
            rows.append((ind.label, quantity(rs, ind.variable, r.median),
                         f"likely {quantity(rs, ind.variable, r.low)} to {quantity(rs, ind.variable, r.high)}"))
    table(term, rows)
    drivers = [c for c in f.drivers(1)]
    if drivers:
        names = ", ".join(label_of(rs, c.name) if c.kind == "draw" else c.description for c in drivers)
        term.para(f"What chance decides: {names}.", "  ", "    ")
    if f.failed:
        term.para(f"({f.failed} of the {f.runs} runs broke a rule: {f.failure})", "  ", "    ")
