"""The impact report: what a change to the rules does across many games.

Both rule sets (say the base and a mod of it) play the same scenario over the same seeds and
policies; the report sets side by side how the games end, how the key indicators move year by
year, and the first season where the two sides part. :func:`play_campaigns` is the one place that
plays the games, all at once on the batch engine (:func:`play_campaigns_by_season` plays them one
at a time on the season engine, the reference it equals); :func:`impact` compares what it
returns; :func:`impact_text` words it for a terminal 80 columns wide, :func:`impact_json` for
programs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from game.engine import Model, RuleError
from game.present.index import label_of
from game.present.numbers import number as format_value
from game.present.numbers import signed
from game.rules.scenario import Scenario
from game.session import LeverRejected, Session

Policy = Sequence[Mapping[str, float]] | None  # lever values for every turn; None: every lever kept as a game starts with it (Model.start_levers)
NO_ENDING = "(ran to the last season with no ending)"
TOLERANCE = 1e-9  # relative: values closer than this count as equal


@dataclass(frozen=True)
class Campaign:
    """One game played to its end: every season's values, and how it ended."""

    seed: int
    policy: str
    seasons: tuple[str, ...]  # the seasons played, in order
    values: tuple[Mapping[str, float], ...]  # the values after each season played
    ending: str | None  # the ending's id; None: no ending
    error: str = ""  # the rules failed in a season (the game stops there)


class PolicyRefused(ValueError):
    """A policy the rules refuse (a lever they do not have, lock, or bound otherwise): which
    policy, the season and why, in words."""


def plans(scenario: Scenario, policies: Mapping[str, Policy], model: Model | None = None) -> dict[str, tuple[tuple[float, ...], ...]]:
    """Each policy as the levers played in every season (in ``model.levers`` order), checked
    once, up front, exactly as :meth:`Session.play <game.session.Session.play>` checks each season:
    a policy sets the levers it names (a locked lever only at its default) and the others keep
    their values. Raises :class:`PolicyRefused` naming the policy and the season."""
    model = model or Model(scenario)
    out: dict[str, tuple[tuple[float, ...], ...]] = {}
    seasons = scenario.season_names()
    for label, policy in policies.items():
        session = Session(scenario, 0, model)  # only its levers are used: nothing is played
        rows = []
        for turn in range(scenario.seasons):
            if policy is not None:
                if turn >= len(policy):
                    raise PolicyRefused(f"policy '{label}' stops after {len(policy)} season(s); {seasons[turn]} has no levers")
                session.deciding = turn
                try:
                    session.set_levers(policy[turn])
                except LeverRejected as err:
                    raise PolicyRefused(f"policy '{label}' cannot be played in {seasons[turn]}: {err}") from None
            rows.append(model.levers_tuple(session.levers))
        out[label] = tuple(rows)
    return out


def play_campaigns(scenario: Scenario, seeds: Sequence[int], policies: Mapping[str, Policy]) -> list[Campaign]:
    """Play ``scenario`` once per policy and seed, each game to its end (policy by policy, seed by
    seed), all at once on the batch engine (:func:`game.engine.batch.play_batch`, equal to the
    season engine value for value). A season the rules cannot compute ends that game, recorded as
    its ``error``. The policies are checked first (:func:`plans`)."""
    import numpy as np

    from game.engine.batch import play_batch

    model = Model(scenario)
    levers = plans(scenario, policies, model)
    seeds = list(seeds)
    labels = [label for label in policies for _ in seeds]
    if not labels:
        return []
    table = np.array([levers[label] for label in labels], dtype=np.float64).reshape(len(labels), scenario.seasons, len(model.levers))
    result = play_batch(model, seeds * len(policies), table, record=tuple(model.variables))
    names = model.variables
    seasons = tuple(scenario.season_names())
    endings = result.endings
    out = []
    for c, label in enumerate(labels):
        played = int(result.played[c])
        rows = result.series[1:played + 1, :, c].tolist()
        values = tuple(_Values(names, model.index, row) for row in rows)
        error = result.errors.get(c)
        out.append(Campaign(seeds[c % len(seeds)], label, seasons[:played], values, endings[c], str(error.error) if error is not None else ""))
    return out


def play_campaigns_by_season(scenario: Scenario, seeds: Sequence[int], policies: Mapping[str, Policy]) -> list[Campaign]:
    """The same games played one at a time by the season engine (:class:`~game.session.Session`):
    the reference :func:`play_campaigns` is held to (``tests/test_cli_mods.py``)."""
    model = Model(scenario)
    out = []
    for label, policy in policies.items():
        for seed in seeds:
            session = Session(scenario, seed, model)
            error = ""
            try:
                session.play(policy)
            except RuleError as err:
                error = str(err)
            values = tuple(session.values(turn) for turn in range(1, session.turn + 1))
            seasons = tuple(session.history[turn].season for turn in range(1, session.turn + 1))
            ending = session.ending.id if session.ending is not None else None
            out.append(Campaign(seed, label, seasons, values, ending, error))
    return out


class _Values(Mapping[str, float]):
    """One season's values of a campaign, by variable name (a row of the batch's record, read
    as a mapping without building a dict per season)."""

    __slots__ = ("_index", "_names", "_row")

    def __init__(self, names: Sequence[str], index: Mapping[str, int], row: Sequence[float]) -> None:
        self._names, self._index, self._row = names, index, row

    def __getitem__(self, name: str) -> float:
        return self._row[self._index[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


@dataclass(frozen=True)
class Side:
    """One rule set of the comparison and its games."""

    name: str  # the rule set's id
    scenario: Scenario
    campaigns: tuple[Campaign, ...]

    @property
    def ruleset(self) -> Any:
        return self.scenario.ruleset


@dataclass(frozen=True)
class YearRow:
    year: int
    a: float
    b: float
    games: int  # the games (of each side) that played the whole year... or the part they played

    @property
    def change(self) -> float:
        return self.b - self.a


@dataclass(frozen=True)
class IndicatorRows:
    variable: str
    label: str
    unit: str
    years: tuple[YearRow, ...]

    @property
    def changed(self) -> bool:
        return any(not same(row.a, row.b) for row in self.years)

    @property
    def largest(self) -> float:
        """The largest relative change in any year (0.05: 5%)."""
        return max((abs(row.b - row.a) / max(abs(row.a), abs(row.b), 1e-12) for row in self.years), default=0.0)


@dataclass(frozen=True)
class Divergence:
    season: str
    turn: int  # 1 = the first season
    seed: int
    policy: str
    differences: tuple[tuple[str, float, float], ...]  # (variable, a, b), the largest first
    endings: tuple[str | None, str | None] | None = None  # when the games end differently at that season


@dataclass(frozen=True)
class Impact:
    a: Side
    b: Side
    seeds: tuple[int, ...]
    policies: tuple[str, ...]
    endings: tuple[tuple[str, str, int, int], ...]  # (ending id, title, games of A, games of B)
    indicators: tuple[IndicatorRows, ...]
    divergence: Divergence | None
    errors: tuple[tuple[str, int, str, str], ...] = field(default=())  # (side, seed, policy, error)


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def impact(a: Side, b: Side, seeds: Sequence[int], policies: Sequence[str]) -> Impact:
    """Compare two sides that played the same games (same seeds and policies, in the same order)."""
    return Impact(a, b, tuple(seeds), tuple(policies), _endings(a, b), _indicators(a, b), _divergence(a, b), _errors(a, b))


def _endings(a: Side, b: Side) -> tuple[tuple[str, str, int, int], ...]:
    titles: dict[str, str] = {}
    for side in (a, b):
        for ident, ending in side.scenario.endings.items():
            titles.setdefault(ident, ending.title)
    counts: dict[str, list[int]] = {}
    for index, side in enumerate((a, b)):
        for campaign in side.campaigns:
            key = campaign.ending or ("(stopped by an error in the rules)" if campaign.error else NO_ENDING)
            counts.setdefault(key, [0, 0])[index] += 1
    order = [*[i for i in titles if i in counts], *[k for k in counts if k not in titles]]
    return tuple((key, titles.get(key, key), counts[key][0], counts[key][1]) for key in order)


def _indicators(a: Side, b: Side) -> tuple[IndicatorRows, ...]:
    shown = [i for i in b.ruleset.indicators if i.variable in a.ruleset.variables and i.variable in b.ruleset.variables]
    out = []
    for indicator in shown:
        name = indicator.variable
        by_year_a, by_year_b = _yearly(a, name), _yearly(b, name)
        rows = tuple(YearRow(year, by_year_a[year][0], by_year_b[year][0], min(by_year_a[year][1], by_year_b[year][1]))
                     for year in sorted(by_year_a) if year in by_year_b)
        out.append(IndicatorRows(name, indicator.label, b.ruleset.variables[name].unit, rows))
    return tuple(out)


def _yearly(side: Side, name: str) -> dict[int, tuple[float, int]]:
    """Year -> (the mean over games of each game's mean over the year's seasons, the games)."""
    per_game: dict[int, list[float]] = {}
    for campaign in side.campaigns:
        sums: dict[int, list[float]] = {}
        for season, values in zip(campaign.seasons, campaign.values):
            sums.setdefault(int(season[:4]), []).append(values[name])
        for year, items in sums.items():
            per_game.setdefault(year, []).append(math.fsum(items) / len(items))
    return {year: (math.fsum(items) / len(items), len(items)) for year, items in per_game.items()}


def _divergence(a: Side, b: Side) -> Divergence | None:
    common = [n for n in a.ruleset.variables if n in b.ruleset.variables]
    first: Divergence | None = None
    for ca, cb in zip(a.campaigns, b.campaigns):
        limit = max(len(ca.values), len(cb.values))
        for turn in range(limit):
            if first is not None and turn + 1 >= first.turn:
                break
            if turn >= len(ca.values) or turn >= len(cb.values):
                season = (ca.seasons if turn < len(ca.seasons) else cb.seasons)[turn]
                first = Divergence(season, turn + 1, ca.seed, ca.policy, (), (ca.ending, cb.ending))
                break
            va, vb = ca.values[turn], cb.values[turn]
            diffs = [(n, va[n], vb[n]) for n in common if not same(va[n], vb[n])]
            if diffs or set(va) != set(vb):
                diffs.sort(key=lambda d: -abs(d[2] - d[1]) / max(abs(d[1]), abs(d[2]), 1e-12))
                first = Divergence(ca.seasons[turn], turn + 1, ca.seed, ca.policy, tuple(diffs))
                break
    return first


def _errors(a: Side, b: Side) -> tuple[tuple[str, int, str, str], ...]:
    return tuple((side.name, c.seed, c.policy, c.error) for side in (a, b) for c in side.campaigns if c.error)


# --- words -------------------------------------------------------------------------------------


WIDTH = 80
NOTABLE = 0.01  # an indicator whose yearly averages change by less than this (relative) is only named


def impact_text(report: Impact, width: int = WIDTH) -> str:
    """The report for students and modders: plain words, units, at most ``width`` columns."""
    a, b = report.a, report.b
    games = len(report.seeds) * len(report.policies)
    name_a, name_b = _short(a.name, 12), _short(b.name, 12)
    scenario = b.scenario
    lines = [
        f"What changes from {a.name} to {b.name}",
        f"Scenario: {scenario.title} ({scenario.seasons} seasons from {scenario.start})",
        f"Each side played {games} game(s): seeds {_seeds(report.seeds)}, policy {', '.join(report.policies)}.",
        "",
        "How the games end (number of games)",
    ]
    label_width = width - 2 - 2 * 13
    lines.append(f"  {'':<{label_width}}{name_a:>13}{name_b:>13}")
    for _ident, title, count_a, count_b in report.endings:
        lines.append(f"  {_short(title, label_width - 1):<{label_width}}{count_a:>13}{count_b:>13}")
    lines.append("")
    lines += _divergence_text(report, width)
    lines.append("")
    notable = sorted((rows for rows in report.indicators if rows.largest >= NOTABLE), key=lambda rows: -rows.largest)
    slight = [rows.label for rows in report.indicators if rows.changed and rows.largest < NOTABLE]
    unchanged = [rows.label for rows in report.indicators if not rows.changed]
    if notable:
        lines.append("Key indicators by year, the most changed first")
        lines.append("(each year's average over its seasons and over the games)")
    for rows in notable:
        unit = f" ({rows.unit})" if rows.unit else ""
        lines.append("")
        lines.append(f"{rows.label}{unit}")
        lines.append(f"  {'year':<8}{name_a:>14}{name_b:>14}   change")
        for row in rows.years:
            change = _change(b.ruleset, rows.variable, row.a, row.b)
            lines.append(f"  {row.year:<8}{format_value(a.ruleset, rows.variable, row.a):>14}"
                         f"{format_value(b.ruleset, rows.variable, row.b):>14}   {change}")
    if notable:
        lines.append("")
    if slight:
        lines += _wrapped(f"Changed by less than {NOTABLE:.0%} in every year: " + ", ".join(slight) + ".", width)
    if unchanged:
        lines += _wrapped("Unchanged in every year: " + ", ".join(unchanged) + ".", width)
    for side, seed, policy, error in report.errors:
        lines += _wrapped(f"Note: under {side}, the game with seed {seed} ({policy}) stopped: the rules failed: {error}", width)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _divergence_text(report: Impact, width: int) -> list[str]:
    d = report.divergence
    if d is None:
        return ["The two sides never differ: every season of every game is the same."]
    which = "the first season" if d.turn == 1 else f"season {d.turn}"
    lines = _wrapped(f"They first differ in {d.season} ({which}), game with seed {d.seed} ({d.policy}):", width)
    if not d.differences and d.endings is not None:
        ending_a, ending_b = d.endings
        lines.append(f"  one game has ended: {report.a.name} {ending_a or 'no ending'}, {report.b.name} {ending_b or 'no ending'}")
    for name, value_a, value_b in d.differences[:5]:
        rs_a, rs_b = report.a.ruleset, report.b.ruleset
        after = format_value(rs_b, name, value_b)
        unit = "" if after.endswith("%") or not rs_b.variables[name].unit else " " + rs_b.variables[name].unit
        text = f"  {_short(label_of(rs_b, name), 30)}: {format_value(rs_a, name, value_a)} -> {after}{unit}; {_change(rs_b, name, value_a, value_b)}"
        lines += _wrapped(text, width, indent="    ")
    if len(d.differences) > 5:
        lines.append(f"  and {len(d.differences) - 5} more variable(s)")
    return lines


def _change(ruleset: Any, name: str, a: float, b: float) -> str:
    """``−0.36 (−20%)``; a share shown as a percentage changes by points: ``+1.2 points``."""
    if same(a, b):
        return "same"
    if format_value(ruleset, name, a).endswith("%"):
        points = (b - a) * 100
        if abs(points) < 0.05:
            return f"{'up' if points > 0 else 'down'} less than 0.1 point"
        return f"{points:+.1f} points".replace("-", "−")
    text = signed(ruleset, name, b - a, unit=False)
    if abs(a) > 1e-12:
        relative = (b - a) / abs(a)
        if abs(relative) < 0.001:
            text += " (less than 0.1%)"
        else:
            text += f" ({relative:+.1%})" if abs(relative) < 0.1 else f" ({relative:+.0%})"
    return text.replace("-", "−")


def _seeds(seeds: Sequence[int]) -> str:
    items = list(seeds)
    if len(items) > 2 and items == list(range(items[0], items[0] + len(items))):
        return f"{items[0]} to {items[-1]}"
    return ", ".join(map(str, items))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrapped(text: str, width: int, indent: str = "  ") -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False) or [""]


def impact_json(report: Impact) -> dict[str, Any]:
    """The report as plain data (JSON-ready)."""
    def side(s: Side) -> dict[str, Any]:
        return {"rules": s.name, "hash": s.ruleset.content_hash,
                "layers": [{"id": layer.id, "version": layer.version, "hash": layer.hash} for layer in s.ruleset.stack]}

    d = report.divergence
    return {
        "scenario": report.b.scenario.id,
        "seeds": list(report.seeds),
        "policies": list(report.policies),
        "sides": [side(report.a), side(report.b)],
        "endings": [{"ending": ident, "title": title, "games": [ca, cb]} for ident, title, ca, cb in report.endings],
        "first_difference": None if d is None else {
            "season": d.season, "turn": d.turn, "seed": d.seed, "policy": d.policy,
            "variables": [{"variable": n, "values": [va, vb]} for n, va, vb in d.differences],
            "endings": list(d.endings) if d.endings is not None else None,
        },
        "indicators": [
            {"variable": rows.variable, "label": rows.label, "unit": rows.unit, "changed": rows.changed,
             "years": [{"year": r.year, "values": [r.a, r.b], "change": r.change, "games": r.games} for r in rows.years]}
            for rows in report.indicators
        ],
        "errors": [{"rules": s, "seed": seed, "policy": p, "error": e} for s, seed, p, e in report.errors],
    }
