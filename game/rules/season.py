"""The game calendar: four seasons a year, named ``YYYY-winter|spring|summer|autumn``."""

from __future__ import annotations

import re

from game.lazydata import dataclass

SEASONS_OF_YEAR = ("winter", "spring", "summer", "autumn")
_PATTERN = re.compile(r"^([0-9]{4})-(winter|spring|summer|autumn)$")
SEASON_PATTERN = _PATTERN.pattern


@dataclass(frozen=True, order=True)
class Season:
    """A season of a year; ``quarter`` is 0 (winter) to 3 (autumn)."""

    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Season:
        """``"1927-autumn"`` -> Season(1927, 3). Raises ValueError with the expected form."""
        match = _PATTERN.fullmatch(text) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"expected a season like '1927-autumn' (YYYY-winter|spring|summer|autumn), found {text!r}")
        return cls(int(match.group(1)), SEASONS_OF_YEAR.index(match.group(2)))

    @property
    def name(self) -> str:
        return SEASONS_OF_YEAR[self.quarter]

    def plus(self, seasons: int) -> Season:
        """The season ``seasons`` later (or earlier, if negative)."""
        total = self.year * 4 + self.quarter + seasons
        return Season(total // 4, total % 4)

    def minus(self, other: Season) -> int:
        """How many seasons ``other`` lies before this one."""
        return (self.year * 4 + self.quarter) - (other.year * 4 + other.quarter)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.name}"  # four digits, as parse reads them (0999-spring)
