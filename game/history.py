"""The model beside history: a game's seasons aggregated by year and set against the scenario's
historical series, with the deviation, the tolerance and whether each year's direction matches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from game.rules.models import Series
from game.rules.season import Season


@dataclass(frozen=True)
class Row:
    """One year of one series."""

    label: str
    year: str
    model: float | None
    history: float
    tolerance: float | None
    direction_ok: bool | None  # does the model move the same way as history since the year before?
    variable: str = ""  # the model's variable the series sets beside history ('' when unknown)

    @property
    def deviation(self) -> float | None:
        if self.model is None or self.history == 0:
            return None
        return self.model / self.history - 1

    @property
    def within(self) -> bool | None:
        if self.tolerance is None or self.deviation is None:
            return None
        return abs(self.deviation) <= self.tolerance + 1e-9


def year_of(season: Season, kind: str) -> str:
    """The year a season counts in: ``1927`` (calendar) or ``1927-28`` (July to June)."""
    if kind == "calendar":
        return str(season.year)
    first = season.year if season.quarter >= 2 else season.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def yearly(series: Series, seasons: Sequence[tuple[str, Mapping[str, float]]]) -> dict[str, float]:
    """The series' variable aggregated over each year the game covers in full."""
    groups: dict[str, list[float]] = {}
    for season_text, values in seasons:
        groups.setdefault(year_of(Season.parse(season_text), series.year), []).append(values[series.variable])
    out = {}
    for year, items in groups.items():
        if len(items) < 4:
            continue  # a year the game covers only in part is not compared
        out[year] = sum(items) if series.aggregate == "sum" else items[-1] if series.aggregate == "last" else sum(items) / len(items)
    return out


def compare(all_series: Sequence[Series], seasons: Sequence[tuple[str, Mapping[str, float]]]) -> list[Row]:
    """Every year of every series beside the model's value for it."""
    rows: list[Row] = []
    for series in all_series:
        model = yearly(series, seasons)
        previous: tuple[float | None, float] | None = None
        for year in sorted(series.values):
            history = float(series.values[year])
            value = model.get(year)
            direction = None
            if previous is not None and value is not None and previous[0] is not None:
                direction = _same_way(previous[0], value, previous[1], history)
            rows.append(Row(series.label, year, value, history, series.tolerance, direction, series.variable))
            previous = (value, history)
    return rows


def _same_way(model_before: float, model_now: float, history_before: float, history_now: float) -> bool:
    """Same direction of change; a change under 1 % counts as flat and matches a small move."""
    def way(before: float, now: float) -> int:
        if before == 0:
            return 0
        change = now / before - 1
        return 0 if abs(change) < 0.01 else (1 if change > 0 else -1)
    model_way, history_way = way(model_before, model_now), way(history_before, history_now)
    return model_way == history_way or 0 in (model_way, history_way) and abs(model_way - history_way) <= 1 and _small(model_before, model_now)


def _small(before: float, now: float) -> bool:
    return before != 0 and abs(now / before - 1) < 0.03


def format_comparison(rows: Sequence[Row]) -> str:
    """The comparison as a plain-text table, one line per year."""
    lines = [f"{'series':<36} {'year':<8} {'model':>9} {'history':>9} {'dev.':>7}  in tol.  direction"]
    for r in rows:
        model = f"{r.model:9.2f}" if r.model is not None else f"{'-':>9}"
        dev = f"{r.deviation:+7.1%}" if r.deviation is not None else f"{'-':>7}"
        within = {True: "yes", False: "NO", None: "-"}[r.within]
        direction = {True: "same", False: "WRONG", None: "-"}[r.direction_ok]
        lines.append(f"{r.label[:36]:<36} {r.year:<8} {model} {r.history:9.2f} {dev}  {within:<6}  {direction}")
    return "\n".join(lines)
