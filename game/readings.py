"""Rival readings side by side: several rule sets (the base and mods of it, each a reading of the
period) play the same scenario over the same seeds, and the report shows which reproduces the
scenario's history best over a span of years, and how one policy fares under each.

The games are played by :func:`game.impact.play_campaigns` (the batch engine). The fit is the
model beside the historical series (:mod:`game.history`), averaged over the games; the policy's
fate is its endings and the key series in the last year all games cover. :func:`readings_text`
words it for a terminal 80 columns wide, :func:`readings_json` for programs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from game.history import compare as beside_history
from game.impact import NO_ENDING, Campaign, Policy, play_campaigns
from game.impact import _seeds as seeds_text
from game.impact import _short as shortened
from game.present.numbers import number
from game.rules.scenario import Scenario

WIDTH = 80
COLUMN = 8  # the width of one reading's column
PREFIX = "reading-"  # a mod whose id starts with this is shown by default


@dataclass(frozen=True)
class Reading:
    """One rule set played: its games under the scenario's history and under the policy asked."""

    ident: str
    scenario: Scenario
    history_games: tuple[Campaign, ...]
    policy_games: tuple[Campaign, ...]

    @property
    def name(self) -> str:
        return self.scenario.ruleset.name

    @property
    def short(self) -> str:
        """The column heading: the id without the ``reading-`` prefix, at most 8 characters."""
        return shortened(self.ident.removeprefix(PREFIX), COLUMN - 1)


@dataclass(frozen=True)
class FitRow:
    """One year of one historical series: history's figure and each reading's (the average over
    its games that cover the year; None when none does)."""

    label: str
    variable: str
    year: str
    history: float
    model: tuple[float | None, ...]
    tolerance: float | None

    def miss(self, index: int) -> float | None:
        value = self.model[index]
        if value is None or self.history == 0:
            return None
        return abs(value / self.history - 1)


@dataclass(frozen=True)
class Fit:
    """How well one reading reproduces history over the span: its average miss, the rows within
    the series' tolerance, and the games that ended before the span did."""

    mean_miss: float | None
    within: int
    judged: int      # rows with a tolerance and a model figure
    missing: int     # rows without a model figure (every game had ended)
    ended_early: int  # games under history's policy that ended before the span's last year


@dataclass(frozen=True)
class ReadingsReport:
    scenario_title: str
    seeds: tuple[int, ...]
    policy: str
    first: int
    last: int
    readings: tuple[Reading, ...]
    rows: tuple[FitRow, ...]
    fits: tuple[Fit, ...]
    endings: tuple[tuple[str, str, tuple[int, ...]], ...]  # ending id, title, games per reading
    outcomes: tuple[tuple[str, str, str, tuple[float | None, ...]], ...]  # variable, label, year, value per reading

    @property
    def best(self) -> int | None:
        """The reading that reproduces history best: fewest games ended early, then the smallest miss."""
        scored = [(fit.ended_early + fit.missing, fit.mean_miss, i) for i, fit in enumerate(self.fits) if fit.mean_miss is not None]
        return min(scored)[2] if scored else None


def play_readings(scenarios: Mapping[str, Scenario], seeds: Sequence[int], policy_label: str, policies: Mapping[str, Policy]) -> tuple[Reading, ...]:
    """Play every reading's scenario with history's policy and with the policy asked (``policies``
    gives, per reading id, the policy's levers under it), over ``seeds``."""
    out = []
    for ident, scenario in scenarios.items():
        history = play_campaigns(scenario, seeds, {"history": scenario.history}) if scenario.history is not None else []
        asked = history if policy_label == "history" else play_campaigns(scenario, seeds, {policy_label: policies[ident]})
        out.append(Reading(ident, scenario, tuple(history), tuple(asked)))
    return tuple(out)


def readings_report(readings: Sequence[Reading], seeds: Sequence[int], policy: str, first: int, last: int) -> ReadingsReport:
    """Compare the readings: their fit to the history of the years ``first`` to ``last`` and the
    fate of ``policy`` under each."""
    rows = _fit_rows(readings, first, last)
    fits = tuple(_fit(rows, i, reading, last) for i, reading in enumerate(readings))
    return ReadingsReport(readings[0].scenario.title, tuple(seeds), policy, first, last, tuple(readings), rows, fits,
                          _endings(readings), _outcomes(readings, rows))


def _in_span(year: str, first: int, last: int) -> bool:
    return year[:4].isdigit() and first <= int(year[:4]) <= last


def _fit_rows(readings: Sequence[Reading], first: int, last: int) -> tuple[FitRow, ...]:
    series = readings[0].scenario.series
    per_reading: list[dict[tuple[str, str], list[float]]] = []
    for reading in readings:
        found: dict[tuple[str, str], list[float]] = {}
        for game in reading.history_games:
            for row in beside_history(reading.scenario.series, list(zip(game.seasons, game.values, strict=True))):
                if row.model is not None:
                    found.setdefault((row.label, row.year), []).append(row.model)
        per_reading.append(found)
    out = []
    for s in series:
        for year in sorted(s.values):
            if not _in_span(year, first, last):
                continue
            model = tuple((sum(v) / len(v)) if (v := found.get((s.label, year))) else None for found in per_reading)
            if all(m is None for m in model):
                continue  # a year no game covers (the scenario ends before it)
            out.append(FitRow(s.label, s.variable, year, float(s.values[year]), model, s.tolerance))
    return tuple(out)


def _fit(rows: Sequence[FitRow], index: int, reading: Reading, last: int) -> Fit:
    misses = [m for row in rows if (m := row.miss(index)) is not None]
    judged = [row for row in rows if row.tolerance is not None and row.miss(index) is not None]
    within = sum(1 for row in judged if (row.miss(index) or 0) <= (row.tolerance or 0) + 1e-9)
    missing = sum(1 for row in rows if row.model[index] is None)
    early = sum(1 for game in reading.history_games
                if game.ending is not None and game.seasons and int(game.seasons[-1][:4]) <= last
                and len(game.seasons) < reading.scenario.seasons)
    return Fit(sum(misses) / len(misses) if misses else None, within, len(judged), missing, early)


def _endings(readings: Sequence[Reading]) -> tuple[tuple[str, str, tuple[int, ...]], ...]:
    idents: dict[str, str] = {}
    for reading in readings:
        for game in reading.policy_games:
            key = game.ending or ""
            ending = reading.scenario.endings.get(key) if key else None
            idents.setdefault(key, ending.title if ending is not None else NO_ENDING)
    return tuple((key, title, tuple(sum(1 for g in r.policy_games if (g.ending or "") == key) for r in readings))
                 for key, title in idents.items())


def _outcomes(readings: Sequence[Reading], rows: Sequence[FitRow]) -> tuple[tuple[str, str, str, tuple[float | None, ...]], ...]:
    """Each historical series' last year in the span, under the policy asked (its games' average)."""
    last: dict[str, FitRow] = {}
    for row in rows:
        last[row.label] = row
    out = []
    for label, row in last.items():
        series = next(s for s in readings[0].scenario.series if s.label == label)
        values = []
        for reading in readings:
            found = [r.model for game in reading.policy_games
                     for r in beside_history([series], list(zip(game.seasons, game.values, strict=True)))
                     if r.year == row.year and r.model is not None]
            values.append(sum(found) / len(found) if len(found) == len(reading.policy_games) and found else None)
        out.append((row.variable, label, row.year, tuple(values)))
    return tuple(out)


# --- words ---------------------------------------------------------------------------------------


def readings_text(report: ReadingsReport, width: int = WIDTH) -> str:
    """The report for students and instructors, at most ``width`` columns."""
    readings = report.readings
    games = len(report.seeds)
    label_width = width - 2 - COLUMN * (len(readings) + 1)
    lines = [f"Rival readings side by side: {report.scenario_title}",
             f"Each reading played {games} game(s) (seeds {seeds_text(report.seeds)}) on the same weathers.", ""]
    for reading in readings:
        lines += _wrapped(f"{reading.short:<9}{reading.ident}: {reading.name}", width, " " * 11, "  ")
    lines += ["", f"1. Which reading reproduces {report.first}-{str(report.last)[2:]} best? (history's policy; the model's",
              "   figure is the average over the games that reach that year)", ""]
    heading = f"  {'':<{label_width}}{'history':>{COLUMN}}" + "".join(f"{r.short:>{COLUMN}}" for r in readings)
    lines.append(heading)
    label = ""
    for row in report.rows:
        text = f"{shortened(row.label, label_width - 9)}" if row.label != label else ""
        label = row.label
        cells = "".join(f"{_figure(r.scenario, row.variable, v):>{COLUMN}}" for r, v in zip(readings, row.model, strict=True))
        lines.append(f"  {text:<{label_width - 8}}{row.year:<8}{_figure(readings[0].scenario, row.variable, row.history):>{COLUMN}}{cells}")
    lines.append("")
    summary = [("average miss", [f"{fit.mean_miss:.1%}" if fit.mean_miss is not None else "-" for fit in report.fits]),
               ("within tolerance", [f"{fit.within}/{fit.judged}" for fit in report.fits]),
               ("games ended early", [str(fit.ended_early) for fit in report.fits])]
    for name, cells_ in summary:
        lines.append(f"  {name:<{label_width}}{'':>{COLUMN}}" + "".join(f"{c:>{COLUMN}}" for c in cells_))
    best = report.best
    if best is not None:
        lines.append("")
        lines += _wrapped(f"Closest to history: {readings[best].short} ({readings[best].name}), missing history's figures by "
                          f"{report.fits[best].mean_miss:.1%} on average. A close fit says a reading explains what the state's "
                          "actual policy did; part 2 asks what another policy would have done under it.", width)
    lines += ["", *_wrapped(f"2. The same policy under each reading: {report.policy} ({games} game(s) each)", width, "   "), ""]
    lines.append(f"  {'how the games end (number of games)':<{label_width + COLUMN}}" + "".join(f"{r.short:>{COLUMN}}" for r in readings))
    for _ident, title, counts in report.endings:
        lines.append(f"  {shortened(title, label_width + COLUMN - 1):<{label_width + COLUMN}}" + "".join(f"{c:>{COLUMN}}" for c in counts))
    played = [sum(len(g.seasons) for g in r.policy_games) / max(len(r.policy_games), 1) for r in readings]
    lines.append(f"  {'seasons played (average)':<{label_width + COLUMN}}" + "".join(f"{p:>{COLUMN}.1f}" for p in played))
    if report.outcomes:
        lines.append("")
        for variable, label_, year, values in report.outcomes:
            name = f"{shortened(label_, label_width + COLUMN - len(year) - 2)}, {year}"
            lines.append(f"  {name:<{label_width + COLUMN}}" + "".join(
                f"{_figure(r.scenario, variable, v):>{COLUMN}}" for r, v in zip(readings, values, strict=True)))
        lines.append("  (\"-\": some games had ended before that year)")
    lines.append("")
    lines += _wrapped(f"Every indicator, year by year, for one reading against another: main.py compare --rules "
                      f"{readings[0].ident} --rules {readings[-1].ident}", width)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def readings_json(report: ReadingsReport) -> dict[str, Any]:
    """The report as plain data (JSON-ready)."""
    return {
        "scenario": report.readings[0].scenario.id, "seeds": list(report.seeds), "policy": report.policy,
        "years": [report.first, report.last],
        "readings": [{"id": r.ident, "name": r.name, "layers": [layer.id for layer in r.scenario.ruleset.stack],
                      "fit": {"mean_miss": f.mean_miss, "within_tolerance": f.within, "judged": f.judged,
                              "missing": f.missing, "ended_early": f.ended_early}}
                     for r, f in zip(report.readings, report.fits, strict=True)],
        "best": report.readings[report.best].ident if report.best is not None else None,
        "history": [{"series": row.label, "variable": row.variable, "year": row.year, "history": row.history,
                     "model": list(row.model)} for row in report.rows],
        "endings": [{"ending": ident or None, "title": title, "games": list(counts)} for ident, title, counts in report.endings],
        "outcomes": [{"variable": v, "series": label, "year": year, "values": list(values)} for v, label, year, values in report.outcomes],
    }


def _figure(scenario: Scenario, variable: str, value: float | None) -> str:
    return "-" if value is None else number(scenario.ruleset, variable, value)


def _wrapped(text: str, width: int, indent: str = "  ", first: str = "") -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False) or [""]


