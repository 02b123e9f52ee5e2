"""Seasons in words: 'autumn 1927', 'Autumn 1927', 'as every autumn', 'a year before'."""

from __future__ import annotations

from game.rules.season import Season


def _season(season: Season | str) -> Season:
    return season if isinstance(season, Season) else Season.parse(season)


def season_label(season: Season | str) -> str:
    """'autumn 1927' (inside a sentence)."""
    s = _season(season)
    return f"{s.name} {s.year}"


def season_title(season: Season | str) -> str:
    """'Autumn 1927' (a heading)."""
    label = season_label(season)
    return label[:1].upper() + label[1:]


def calendar_phrase(season: Season | str) -> str:
    """What the time of year does, as a reader hears it: 'as every autumn'."""
    return f"as every {_season(season).name}"


def compared_phrase(season: Season | str, baseline: Season | str) -> str:
    """What a change is measured against: 'last season' or 'autumn 1926' (a year before)."""
    s, b = _season(season), _season(baseline)
    if s.minus(b) == 1:
        return "last season"
    return season_label(b)


def baseline_note(season: Season | str, baseline: Season | str) -> str:
    """When a from-to inside a change's causes starts, said beside it unless it is last season
    (which a reader assumes): 'a year before', 'in spring 1926'."""
    s, b = _season(season), _season(baseline)
    step = s.minus(b)
    return "" if step == 1 else "a year before" if step == 4 else f"in {season_label(b)}"


def position(turn: int, seasons: int) -> str:
    """'season 5 of 15'."""
    return f"season {turn} of {seasons}"
