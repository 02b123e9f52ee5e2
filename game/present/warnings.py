"""Warnings before a loss: the rules' loss meters (a number beside the threshold past which the
game is lost, or close to it) and the endings within reach, from the forecast ("Bread crisis
within 2 seasons in 60% of weathers")."""

from __future__ import annotations

from game.forecast import Forecast, forecast
from game.lazydata import dataclass
from game.present.numbers import quantity
from game.session import Session


@dataclass(frozen=True)
class Meter:
    """A loss meter now: the number, its threshold, and how close it stands (0 far, 1 there)."""

    name: str
    label: str
    value: float
    threshold: float
    warn: float        # from here on it is worth a warning
    danger: str        # "above" or "below"
    value_text: str
    threshold_text: str
    note: str
    ending: str | None

    @property
    def reached(self) -> bool:
        return self.value >= self.threshold if self.danger == "above" else self.value <= self.threshold

    @property
    def warning(self) -> bool:
        """Is the number at or past the point where the rules say to warn?"""
        return self.value >= self.warn if self.danger == "above" else self.value <= self.warn

    @property
    def text(self) -> str:
        """'Seasons the towns have gone short of bread: 1 (lost at 3 in a row ...)'."""
        note = self.note or f"{'at least' if self.danger == 'above' else 'at most'} {self.threshold_text} is dangerous"
        return f"{self.label}: {self.value_text} ({note})"


def meters(session: Session, turn: int | None = None) -> tuple[Meter, ...]:
    """Every loss meter of the rules at ``history[turn]`` (default: now)."""
    rs = session.scenario.ruleset
    out = []
    for meter in rs.story.meters:
        threshold = session.scenario.parameters[meter.threshold] if isinstance(meter.threshold, str) else meter.threshold
        value = session.value(meter.variable, turn)
        warn = threshold if meter.warn is None else meter.warn
        out.append(Meter(meter.variable, meter.label, value, threshold, warn, meter.danger, quantity(rs, meter.variable, value),
                         quantity(rs, meter.variable, threshold), meter.note, meter.ending))
    return tuple(out)


@dataclass(frozen=True)
class Threat:
    """An ending within reach: reached within ``seasons`` seasons in ``share`` of the weathers."""

    ending: str
    title: str
    holds: bool        # a good ending (outcome "good") or a bad one
    seasons: int
    share: float

    @property
    def text(self) -> str:
        """'Bread crisis within 2 seasons in 60% of weathers'."""
        within = "next season" if self.seasons == 1 else f"within {self.seasons} seasons"
        share = "every weather" if self.share >= 0.995 else f"{round(self.share * 100)}% of weathers"
        return f"{self.title} {within} in {share}"


def threats(session: Session, outlook: Forecast | None = None) -> tuple[Threat, ...]:
    """The endings the coming seasons may bring under the current levers (as the rules' warnings
    ask: how far ahead, over how many weathers, from what share), the likeliest first; none once
    the game is over. ``outlook`` reuses a forecast already made (it must look as far ahead)."""
    if session.is_over:
        return ()
    settings = session.scenario.ruleset.story.warnings
    if outlook is None:
        outlook = forecast(session, runs=settings.runs, seasons=settings.horizon)
    out = []
    for ident, count in outlook.endings.items():
        share = count / outlook.runs
        if share < settings.least or share <= 0:
            continue
        ending = session.scenario.endings.get(ident)
        title = ending.title if ending is not None else ident
        out.append(Threat(ident, title, ending is not None and ending.outcome == "good", len(outlook.seasons), share))
    return tuple(sorted(out, key=lambda t: (-t.share, t.title)))
