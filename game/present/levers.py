"""Levers as a player reads and types them: a value ('requisition', '120 index'), the range a
scenario allows, what was typed (a number or a choice's name), several levers on one line, and
history's setting for the coming season."""

from __future__ import annotations

import re
from collections.abc import Mapping

from game.lazydata import dataclass
from game.present.index import _norm
from game.present.numbers import plain_number
from game.session import Session


def unlocked(session: Session) -> list[str]:
    """The levers the player may move in the coming season, in the rules' order."""
    return [name for name in session.scenario.levers if not session.is_locked(name)]


def shown_locked(session: Session) -> list[str]:
    """The levers the player sees but may not move in the coming season (a hidden lever is not shown)."""
    return [name for name in session.scenario.levers if session.is_locked(name) and name not in session.scenario.hidden]


def _choice_index(session: Session, name: str, value: float) -> int | None:
    lever = session.scenario.levers[name]
    if not lever.choices:
        return None
    index = round((value - session.scenario.ruleset.levers[name].min) / lever.step)
    return index if 0 <= index < len(lever.choices) else None


def _number(value: float) -> str:
    text = f"{value:g}"
    return text if "e" not in text else plain_number(value, 6).rstrip("0").rstrip(".")


def lever_text(session: Session, name: str, value: float) -> str:
    """A lever's value as a player reads it: a choice's name ('requisition'), else the number."""
    index = _choice_index(session, name, value)
    if index is not None:
        return session.scenario.levers[name].choices[index]  # type: ignore[index]
    return _number(value).replace("-", "−")


def lever_unit(session: Session, name: str) -> str:
    """The unit that follows a lever's number where it says something short ('Mt a year',
    'M roubles a season'); '' for a choice, an index, a share or a unit too long to repeat."""
    lever = session.scenario.levers[name]
    unit = " ".join(lever.unit.split())
    if lever.choices or not unit or unit.lower().startswith(("index", "retail index", "share", "ratio")):
        return ""
    unit = unit.replace("million ", "M ")
    return unit if len(unit) <= 20 else ""


def lever_range(session: Session, name: str) -> str:
    """What a lever allows in this scenario: 'none / requisition' or '50 to 250 index, step 5'."""
    lever = session.scenario.levers[name]
    if lever.choices:
        base = session.scenario.ruleset.levers[name].min
        return " / ".join(c for i, c in enumerate(lever.choices) if lever.min <= base + i * lever.step <= lever.max)
    unit = f" {lever.unit}" if lever.unit else ""
    return f"{_number(lever.min)} to {_number(lever.max)}{unit}, step {_number(lever.step)}"


def parse_lever_value(session: Session, name: str, text: str) -> float:
    """What a player typed for a lever: a number (commas and underscores allowed) or a choice's
    name. Raises ValueError for anything else; bounds and steps are the session's to check."""
    lever = session.scenario.levers[name]
    answer = text.strip()
    if lever.choices:
        base = session.scenario.ruleset.levers[name].min
        for i, choice in enumerate(lever.choices):
            if answer.lower() == choice.lower():
                return base + i * lever.step
    return float(answer.replace(",", "").replace("_", "").replace("−", "-"))


def lever_candidates(session: Session, text: str) -> list[str]:
    """The levers a one-word name could mean: those whose id ends with it, the thing the lever
    sets (two price levers, a_price and b_price, share 'price'). More than one: it is ambiguous."""
    wanted = _norm(text)
    if not wanted or " " in wanted:
        return []
    return [name for name in session.scenario.levers if _norm(name).split()[-1] == wanted]


def find_lever(session: Session, text: str) -> str | None:
    """The lever a player names: its id or label (any case, spaces or underscores), or the one
    whose label or id starts with (else contains) what was typed. A word that several levers'
    ids share (``price``) names none of them."""
    wanted = _norm(text)
    names = list(session.scenario.levers)
    for name in names:
        if wanted in (_norm(name), _norm(session.scenario.levers[name].label)):
            return name
    if len(lever_candidates(session, text)) > 1:
        return None
    for test in (lambda n: _norm(n).startswith(wanted) or _norm(session.scenario.levers[n].label).startswith(wanted),
                 lambda n: wanted in _norm(n) or wanted in _norm(session.scenario.levers[n].label)):
        hits = [n for n in names if test(n)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            return None
    return None


@dataclass(frozen=True)
class Assignments:
    """Levers set on one line: the values understood, and what could not be (as messages)."""

    values: Mapping[str, float]
    problems: tuple[str, ...]


def parse_assignments(session: Session, text: str) -> Assignments:
    """``"buying price=120, goods 0.6; tax=80"``: each lever named (id, label or a unique
    start of either) with its value, separated by commas or semicolons. Nothing is set here."""
    values: dict[str, float] = {}
    problems: list[str] = []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            label, _, raw = part.partition("=")
        else:
            label, _, raw = part.rpartition(" ")
        label, raw = label.strip(), raw.strip()
        if not label or not raw:
            problems.append(f"cannot read '{part}': write NAME=VALUE, NAME=VALUE")
            continue
        name = find_lever(session, label)
        if name is None:
            could = lever_candidates(session, label)
            if len(could) > 1:
                problems.append(f"'{label}' could be {' or '.join(session.scenario.levers[n].label for n in could)}: write more of its name")
            else:
                problems.append(f"no lever '{label}'")
            continue
        if session.is_locked(name):
            problems.append(f"{session.scenario.levers[name].label} is locked in this scenario"
                            + (f" until {session.scenario.season_at(session.scenario.unlock_turn[name])}" if name not in session.scenario.locked else ""))
            continue
        try:
            values[name] = parse_lever_value(session, name, raw)
        except ValueError:
            problems.append(f"'{raw}' is not a value for {session.scenario.levers[name].label}")
    return Assignments(values, tuple(problems))


def history_levers(session: Session) -> Mapping[str, float] | None:
    """What the state actually did in the coming season with the levers the player may move
    (None: the scenario has no history, or the game has run past it)."""
    history = session.scenario.history
    if history is None or session.turn >= len(history):
        return None
    return {name: value for name, value in history[session.turn].items() if not session.is_locked(name)}
