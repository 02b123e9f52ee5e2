"""A whole class's games as one page, and as CSV: the endings and scorecards side by side,
everyone's key numbers on one chart each (the debrief of MIT's Beer Game, where the class sees
all its curves together), who used which hard choice when, and the answers to each checkpoint
question together.

The saves are read from a folder (its ``.json`` files, not its subfolders); a file that is not a
good save is listed with its first problem, and the others are reported.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from game.engine import RuleError
from game.present.debrief import Debrief, debrief, historical_path
from game.present.index import indicators
from game.present.levers import lever_text
from game.present.seasons import season_label, season_title
from game.present.series import series
from game.reports.game import Opened, open_for_report, padded, tick_text, unit_title, who
from game.reports.page import Sources, document, esc, section, table
from game.reports.record import answers, made_by, undo_count
from game.reports.svg import Line, line_chart
from game.rules.problems import LoadError
from game.saves import SaveRefused, load_save
from game.session import Session
from game.textsafe import escape_controls

# The most saves one class report reads (a class of 30, several times over).
MOST_SAVES = 400
# How many of the first indicators the class charts draw.
CLASS_CHARTS = 3


@dataclass(frozen=True)
class Entry:
    """One save of the class: opened, or the reason it could not be."""

    path: Path
    opened: Opened | None
    problem: str = ""


@dataclass(frozen=True)
class Student:
    """A good save of the class, with its debrief (the number is its mark on the charts)."""

    number: int
    opened: Opened
    debrief: Debrief

    @property
    def name(self) -> str:
        return who(self.opened.loaded)

    @property
    def session(self) -> Session:
        return self.opened.session


def save_files(folder: Path) -> list[Path]:
    """The saves of a class folder: its regular ``.json`` files (not hidden, not in subfolders),
    by name."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith(".")
                  and p.is_file() and not p.is_symlink())[:MOST_SAVES]


def read_class(folder: Path, rules_root: Path) -> list[Entry]:
    """Every save of ``folder`` opened for a report, or with its problem."""
    out = []
    for path in save_files(folder):
        try:
            out.append(Entry(path, open_for_report(load_save(path, rules_root))))
        except LoadError as err:
            out.append(Entry(path, None, str(err.problems[0]) if err.problems else "cannot be read"))
        except (SaveRefused, RuleError) as err:
            out.append(Entry(path, None, f"{path.name}: {err}"))
    return out


def students(entries: Sequence[Entry]) -> dict[str, list[Student]]:
    """The good saves by scenario id (in the order first met), numbered from 1 across the class."""
    groups: dict[str, list[Student]] = {}
    n = 0
    for entry in entries:
        if entry.opened is None:
            continue
        n += 1
        groups.setdefault(entry.opened.session.scenario.id, []).append(Student(n, entry.opened, debrief(entry.opened.session)))
    return groups


def endings_part(group: Sequence[Student]) -> str:
    axes = [s.label for s in group[0].debrief.scorecard]
    recorded = any(undo_count(st.opened.loaded.save) is not None for st in group)
    head = ["#", "student", "ending", "seasons"] + (["played", "undos"] if recorded else []) + [esc(a) for a in axes]
    rows = []
    for st in group:
        d = st.debrief
        tone = "" if d.holds is None else ("better" if d.holds else "worse")
        ending = (f"{esc(d.title)} ({esc(season_label(d.season))})", tone)
        row: list[object] = [str(st.number), esc(st.name), ending, str(st.session.turn)]
        if recorded:
            save = st.opened.loaded.save
            undos = undo_count(save)
            row += [esc(made_by(save) or "unknown"), "" if undos is None else str(undos)]
        for score in d.scorecard:
            mark = "better" if score.judgement.startswith("better") else "worse" if score.judgement.startswith("worse") else ""
            row.append((esc(score.yours_text), mark))
        rows.append(row)
    first = group[0].debrief
    beside = [s for s in first.scorecard if s.history_text]
    note = ""
    if beside and all(st.session.seed == group[0].session.seed for st in group):
        note = ("<p class=\"note\">History's policy from the same seed: "
                + "; ".join(f"{esc(s.label)} {esc(s.history_text)}" for s in beside)
                + ". A figure in green is better than history's, in red worse.</p>")
    return table(head, rows, (True, False, False, True) + ((False, True) if recorded else ()) + (True,) * len(axes)) + note


def class_charts(group: Sequence[Student], sources: Sources) -> str:
    first = group[0].session
    rs = first.scenario.ruleset
    longest = max(group, key=lambda st: st.session.turn).session
    xlabels = series(longest, indicators(rs)[0].variable).seasons if indicators(rs) else ()
    path = historical_path(first, first.scenario.seasons) if len({st.session.seed for st in group}) == 1 else None
    figures = []
    for ind in indicators(rs)[:CLASS_CHARTS]:
        name = ind.variable
        lines = [Line(st.name, padded(series(st.session, name).values, len(xlabels)), st.number - 1, mark=str(st.number), width=1.6)
                 for st in group]
        if path is not None:
            lines.append(Line("history's policy", padded(series(path, name).values, len(xlabels)), -1, width=2.6))
        svg = line_chart(unit_title(first, name), xlabels, lines, tick_text(first, name), ident=name,
                         legend=len(lines) <= 4)
        figures.append(f"<figure>{svg}<figcaption>Each student's line ends with their number in the table above"
                       f"{'; the grey dashes are history’s policy from the same seed' if path is not None else ''}.</figcaption></figure>")
    return f'<div class="charts whole">{"".join(figures)}</div>'  # a class's lines need the whole width


def choice_levers(group: Sequence[Student]) -> list[str]:
    """The levers with named choices (none / requisition / …) that some student set away from
    the scenario's start in some season: the hard choices a class compares."""
    scenario = group[0].session.scenario
    out = []
    for name, lever in scenario.levers.items():
        if not lever.choices or name in scenario.locked:
            continue
        if any(st.session.levers_played(t).get(name, lever.default) != lever.default
               for st in group for t in range(1, st.session.turn + 1)):
            out.append(name)
    return out


def runs(values: Sequence[tuple[str, float]], default: float) -> list[tuple[float, str, str, int]]:
    """Each stretch of seasons a lever stood away from ``default``: (value, first season, last
    season, how many seasons), from (season, value) in the order played."""
    out: list[tuple[float, str, str, int]] = []
    for season, value in values:
        if value == default:
            continue
        if out and out[-1][0] == value and _follows(values, out[-1][2], season):
            v, first, _, count = out[-1]
            out[-1] = (v, first, season, count + 1)
        else:
            out.append((value, season, season, 1))
    return out


def _follows(values: Sequence[tuple[str, float]], before: str, season: str) -> bool:
    seasons = [s for s, _ in values]
    return seasons.index(season) == seasons.index(before) + 1


def choices_part(group: Sequence[Student]) -> str:
    """For each hard choice, who made it and in which seasons (a row per student)."""
    out = []
    for name in choice_levers(group):
        lever = group[0].session.scenario.levers[name]
        rows = []
        for st in group:
            s = st.session
            played = [(s.history[t].season, s.levers_played(t).get(name, lever.default)) for t in range(1, s.turn + 1)]
            stretches = runs(played, lever.default)
            told = "; ".join(f"{esc(lever_text(s, name, v))} "
                             + (f"in {esc(season_label(a))}" if n == 1 else f"from {esc(season_label(a))} to {esc(season_label(b))} ({n} seasons)")
                             for v, a, b, n in stretches)
            total = sum(n for *_, n in stretches)
            rows.append([esc(st.name), str(total), told or ("never", "quiet")])
        default = esc(lever_text(group[0].session, name, lever.default))
        out.append(f"<h3>{esc(lever.label)}</h3><p class=\"note\">Seasons set otherwise than {default} (as at the start).</p>"
                   + table(["student", "seasons", "when"], rows, (False, True, False)))
    return "".join(out)


def answers_together(group: Sequence[Student]) -> str:
    """Each checkpoint question once, with every student's answer below it."""
    by_question: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for st in group:
        for a in answers(st.opened.loaded.save, st.session.scenario):
            by_question.setdefault((a.season, a.question), []).append((st.name, a.answer))
    out = []
    for (season, question), given in by_question.items():
        items = "".join(f"<dt>{esc(name)}</dt><dd class=\"answer\">{esc(text) if text.strip() else '(no answer written)'}</dd>"
                        for name, text in given)
        out.append(f"<h3>{esc(season_title(season))}: {esc(question)}</h3><dl>{items}</dl>")
    return "".join(out)


def problems_part(entries: Sequence[Entry]) -> str:
    bad = [e for e in entries if e.opened is None]
    if not bad:
        return ""
    return ("<p>These files were not reported:</p><ul>"
            + "".join(f"<li>{esc(e.path.name)}: {esc(e.problem)}</li>" for e in bad) + "</ul>")


Groups = dict[str, list[Student]]


def class_html(folder: Path, entries: Sequence[Entry], groups: Groups | None = None) -> str:
    """The class report as a whole HTML page (``groups``: :func:`students` of ``entries``, when
    the caller has them already)."""
    groups = students(entries) if groups is None else groups
    sources = Sources()
    total = sum(len(g) for g in groups.values())
    body = [f"<header><h1>Class report: {esc(folder.name or str(folder))}</h1>"
            f"<p class=\"sub\">{total} game(s) read from {esc(str(folder))}"
            f"{f', {len(entries) - total} file(s) left out' if len(entries) > total else ''}.</p></header>"]
    if not groups:
        body.append("<p>No save in this folder could be read.</p>")
    for group in groups.values():
        scenario = group[0].session.scenario
        seeds = sorted({st.session.seed for st in group})
        seed_text = f"seed {seeds[0]}" if len(seeds) == 1 else f"{len(seeds)} different seeds"
        body.append(f"<h2 class=\"scenario\">{esc(scenario.title)}</h2><p class=\"sub\">{len(group)} game(s), {seed_text}.</p>")
        notes = getattr(scenario, "teacher_notes", None)
        if notes:
            body.append(section("Teacher's notes (from the scenario)", f'<p class="note">{esc(notes)}</p>'))
        body.append(section("Endings and scorecards", endings_part(group)))
        body.append(section("Everyone's key numbers", class_charts(group, sources)))
        body.append(section("Who made the hard choices, and when", choices_part(group)))
        body.append(section("Checkpoint answers, question by question", answers_together(group)))
    body.append(section("Files left out", problems_part(entries)))
    body.append(sources.section())
    return document(f"Class report: {folder.name}", body)


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as written: controls escaped, and a text that would
    start a formula (= + - @) quoted with an apostrophe."""
    text = escape_controls(str(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def class_csv(entries: Sequence[Entry], groups: Groups | None = None) -> str:
    """One row per file: who, scenario, seed, seasons, the ending, each scorecard figure (as a
    plain number) and each checkpoint answer; a file that could not be read, with its problem."""
    groups = students(entries) if groups is None else groups
    axes: list[str] = []
    questions: list[tuple[str, str]] = []
    for group in groups.values():
        for st in group:
            axes += [s.label for s in st.debrief.scorecard if s.label not in axes]
            questions += [(a.season, a.question) for a in answers(st.opened.loaded.save, st.session.scenario)
                          if (a.season, a.question) not in questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "player", "scenario", "seed", "seasons played", "finished", "ending", "ending season", "played", "undos", *axes,
                     *(f"{season_label(s)}: {q}" for s, q in questions), "problem"])
    by_path = {st.opened.loaded.path: st for group in groups.values() for st in group}
    for entry in entries:
        found = by_path.get(entry.path)
        if found is None:
            writer.writerow([_cell(entry.path.name)] + [""] * (9 + len(axes) + len(questions)) + [_cell(entry.problem)])
            continue
        s, d = found.session, found.debrief
        figures = {score.label: score.yours for score in d.scorecard}
        given = {(a.season, a.question): a.answer for a in answers(found.opened.loaded.save, s.scenario)}
        writer.writerow([_cell(entry.path.name), _cell(found.opened.loaded.save.metadata.player), _cell(s.scenario.id), s.seed, s.turn,
                         "yes" if s.is_over else "no", _cell(d.title), d.season, made_by(found.opened.loaded.save),
                         _plain_count(undo_count(found.opened.loaded.save)),
                         *(_plain(figures.get(a)) for a in axes), *(_cell(given.get(q, "")) for q in questions), ""])
    return buffer.getvalue()


def _plain_count(value: int | None) -> str:
    return "" if value is None else str(value)


def _plain(value: float | None) -> str:
    """A figure for a spreadsheet: up to six significant digits, a plain '-' sign; '' for none."""
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.6g}"
