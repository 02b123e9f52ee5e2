"""Numbers and changes as a player reads them: one way to write a value, with its unit, and one
way to write a change, rounded so that the change shown is the difference of the two values
shown (never "rose from 44 to 44", never "-0", never "+4.15e-05").

How a variable is written comes from the rules: its indicator's format (``.1f``, ``.0%``), the
story's unit for it (``[quantities.X] unit``), else its own unit, shortened. Shares are written as
percentages and their changes in percentage points ("pts").
"""

from __future__ import annotations

import math
import re

from game.lazydata import dataclass
from game.present.cache import once_per
from game.rules.ruleset import Ruleset

MINUS = "−"  # a true minus sign (the text mode writes '-' where it must be ASCII)


@dataclass(frozen=True)
class Display:
    """How one variable's numbers are written."""

    decimals: int | None  # digits after the point; None: three significant digits
    percent: bool         # a share, written as a percentage
    group: bool           # thousands separators
    unit: str             # the short unit after a value ("Mt", "M people", "/100"; "" for none)

    @property
    def scale(self) -> float:
        return 100.0 if self.percent else 1.0

    @property
    def delta_unit(self) -> str:
        """The unit after a change: percentage points for a share, none for a 0-100 scale."""
        if self.percent:
            return " pts"
        if self.unit.startswith("/") or not self.unit:
            return ""
        return f" {self.unit}"


PLAIN = Display(None, False, False, "")
_FORMAT = re.compile(r"^(,?)\.(\d{1,2})([f%])$")


def short_unit(unit: str) -> str:
    """A variable's declared unit shortened to what follows a number: 'Mt a season' -> 'Mt',
    'million' -> 'M', '0-100' -> '/100'; indexes, ratios and flags have none."""
    unit = unit.strip()
    low = unit.lower()
    if low in ("0-100", "index 0-100"):
        return "/100"
    if not unit or low.startswith(("index", "ratio", "logit", "0-1", "0 or 1", "share")):
        return ""
    unit = unit.split(",")[0]
    unit = re.sub(r" (a|per) (season|year)$", "", unit)
    if unit.startswith("million"):
        unit = "M" + unit[len("million"):]
    return unit


def display(ruleset: Ruleset, name: str) -> Display:
    """How ``name`` (a variable, else a lever or anything) is written in ``ruleset``."""
    return once_per(ruleset, "displays", lambda: _displays(ruleset)).get(name, PLAIN)


def _displays(rs: Ruleset) -> dict[str, Display]:
    formats = {i.variable: i.format for i in rs.indicators}
    quantities = rs.story.quantities
    out: dict[str, Display] = {}
    for name, variable in rs.variables.items():
        told = quantities.get(name)
        unit = told.unit if told is not None and told.unit is not None else short_unit(variable.unit)
        share = variable.unit.lower().startswith("share")
        spec = formats.get(name)
        match = _FORMAT.match(spec) if spec else None
        if match:
            percent = match.group(3) == "%"
            out[name] = Display(int(match.group(2)), percent, bool(match.group(1)), "" if percent else unit)
        else:
            out[name] = Display(None, share, False, "" if share else unit)
    for name, lever in rs.levers.items():
        out[name] = Display(None, False, False, short_unit(lever.unit) if lever.unit else "")
    return out


def decimals_for(shape: Display, *values: float) -> int:
    """The decimals ``shape`` writes these values with: its own, or three significant digits of
    the largest."""
    if shape.decimals is not None:
        return shape.decimals
    largest = max((abs(v) * shape.scale for v in values if math.isfinite(v)), default=0.0)
    if largest < 1e-12:
        return 0
    digits = 2 if shape.percent else 3  # '34%', '0.5%'; '19.4', '0.293'
    return max(0, min(6, digits - 1 - math.floor(math.log10(largest))))


def plain_number(x: float, decimals: int, group: bool = False) -> str:
    """``x`` to ``decimals`` places with a true minus sign; never '-0'."""
    if not math.isfinite(x):
        return "—" if math.isnan(x) else ("∞" if x > 0 else f"{MINUS}∞")
    text = f"{x:,.{decimals}f}" if group or abs(x) >= 1000 else f"{x:.{decimals}f}"
    if text.startswith("-"):
        text = text[1:] if not any(c in "123456789" for c in text) else MINUS + text[1:]
    return text


def figure(value: float, digits: int = 3) -> str:
    """A bare number to ``digits`` significant digits, no trailing zeros: '0.93', '1,250', '−4'."""
    largest = abs(value)
    d = 0 if largest < 1e-12 else max(0, min(6, digits - 1 - math.floor(math.log10(largest))))
    text = plain_number(value, d)
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(ruleset: Ruleset, name: str, value: float, decimals: int | None = None) -> str:
    """``name``'s value without its unit: '77.8', '41%', '1,250'."""
    shape = display(ruleset, name)
    d = decimals_for(shape, value) if decimals is None else decimals
    text = plain_number(value * shape.scale, d, shape.group)
    if decimals is None and shape.decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")  # three significant digits, not '0.00400'
    return text + "%" if shape.percent else text


def quantity(ruleset: Ruleset, name: str, value: float, decimals: int | None = None) -> str:
    """``name``'s value with its unit: '77.8 Mt', '41%', '45/100', '0.29 M people'."""
    text = number(ruleset, name, value, decimals)
    unit = display(ruleset, name).unit
    if not unit:
        return text
    unit = unit_for(text, unit)
    return text + unit if unit.startswith("/") else f"{text} {unit}"


def short_quantities(ruleset: Ruleset, name: str, value: float) -> list[str]:
    """``name``'s value with its unit for a narrow place such as a class's card, fullest first:
    as :func:`quantity` ('0.27 Mt', '34%', '1.28 M people', then '1.28 M': a unit of several
    words down to its first, never to none); a ratio read as so many times something ('1.19
    times the state shops' price') as '×1.19', the label beside it saying of what."""
    text = number(ruleset, name, value)
    unit = display(ruleset, name).unit
    if unit.startswith("times "):
        return ["×" + text]
    out = [quantity(ruleset, name, value)]
    words = unit.split()
    if len(words) > 1 and not unit.startswith("/"):
        out.append(f"{text} {words[0]}")
    return out


def unit_for(text: str, unit: str) -> str:
    """``unit`` as it follows the number ``text``: '1 season', not '1 seasons'."""
    if text == "1" and unit.endswith("s") and not unit.endswith("ss") and " " not in unit:
        return unit[:-1]
    return unit


def units_of(shape: Display, value: float, decimals: int) -> int:
    """``value`` in whole units of its last shown digit (what the reader sees, as an integer)."""
    return round(value * shape.scale * 10**decimals)


def signed_units(shape: Display, units: int, decimals: int, unit: bool = True) -> str:
    """A change given in whole units of the last digit: '+1.4 Mt', '−3 pts', '+0.25'."""
    text = plain_number(abs(units) / 10**decimals, decimals, shape.group)
    sign = "+" if units > 0 else MINUS if units < 0 else "±"
    after = shape.delta_unit if unit else ""
    return f"{sign}{text}{' ' + unit_for(text, after[1:]) if after else ''}"  # '+1 pt', '+2 pts'


def signed(ruleset: Ruleset, name: str, delta: float, decimals: int | None = None, unit: bool = True) -> str:
    """A change of ``name`` on its own: '+1.4 Mt', '−3 pts'; a change too small for the usual
    places gets two significant digits rather than showing as zero."""
    shape = display(ruleset, name)
    d = decimals_for(shape, delta) if decimals is None else decimals
    if delta and units_of(shape, delta, d) == 0:
        d = max(d, min(6, 1 - math.floor(math.log10(abs(delta) * shape.scale))))
    return signed_units(shape, units_of(shape, delta, d), d, unit)


@dataclass(frozen=True)
class ShownChange:
    """A change as written: both values and the difference at one precision, so the change
    shown is the difference of the numbers shown."""

    name: str
    before: float
    after: float
    decimals: int
    units: int            # the shown difference, in whole units of the last digit
    before_text: str      # with unit
    after_text: str
    delta_text: str       # '+1.4 Mt' ('±0' when nothing visible moved)
    shape: Display

    @property
    def visible(self) -> bool:
        """Did the number a reader sees move?"""
        return self.units != 0

    @property
    def direction(self) -> str:
        return "up" if self.units > 0 else "down" if self.units < 0 else "unchanged"

    def part(self, contribution: float) -> int:
        """A contribution to this change in the change's units (whole units of the last digit)."""
        return units_of(self.shape, contribution, self.decimals)

    def part_text(self, units: int, unit: bool = False) -> str:
        """A part of this change written like it: '+1.0', '−0.3 Mt'."""
        return signed_units(self.shape, units, self.decimals, unit)


def visibly_moved(ruleset: Ruleset, name: str, before: float, after: float) -> bool:
    """Would a reader of the dashboard see ``name`` move from ``before`` to ``after`` (at its usual
    places)? The quick test, without writing anything."""
    shape = display(ruleset, name)
    d = decimals_for(shape, before, after)
    return units_of(shape, after, d) != units_of(shape, before, d)


def shown_change(ruleset: Ruleset, name: str, before: float, after: float, extend: bool = True,
                 at_least: int = 0) -> ShownChange:
    """``name``'s move from ``before`` to ``after`` as a reader sees it. The precision is the
    variable's, with (if ``extend``) one more place when the change would show in fewer than two
    digits, and up to two more when the two values would otherwise look the same; never fewer
    than ``at_least`` places (what others of its kind are written with beside it)."""
    shape = display(ruleset, name)
    base = max(decimals_for(shape, before, after), at_least)
    if not shape.percent and before == round(before) and after == round(after):
        extend = False  # whole numbers (people, seasons) are never shown with a fraction
        if shape.decimals is None:
            base = at_least  # nor as '0.00 to 2.00 seasons' by three significant digits
    d = base
    while extend and d < base + 2:
        diff = abs(units_of(shape, after, d) - units_of(shape, before, d))
        if diff >= 10 or (diff and d >= base + 1):
            break
        d += 1
    units = units_of(shape, after, d) - units_of(shape, before, d)
    if units == 0:
        d = base
    return ShownChange(name, before, after, d, units, quantity(ruleset, name, before, d), quantity(ruleset, name, after, d),
                       signed_units(shape, units, d), shape)


Kind = tuple[Display, str]


def kind_of(ruleset: Ruleset, name: str) -> Kind | None:
    """The kind of quantity ``name`` is, for writing several side by side at one precision: its
    display and its declared unit (trusts on 0-100, indexes of 1913 prices ...). None for what
    has no fixed number of places (three significant digits) or is no variable."""
    variable = ruleset.variables.get(name)
    shape = display(ruleset, name)
    if variable is None or shape.decimals is None:
        return None
    return shape, variable.unit
