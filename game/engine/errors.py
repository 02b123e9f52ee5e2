"""Errors a season can raise: they name the rule, the season and the values involved."""

from __future__ import annotations


class RuleError(Exception):
    """A rule failed while a season was computed (division by zero, overflow, NaN, a value
    outside its declared bounds). The game state is left as it was before the season."""

    def __init__(self, rule: str, season: str, problem: str, values: dict[str, float] | None = None) -> None:
        self.rule = rule
        self.season = season
        self.problem = problem
        self.values = dict(values or {})
        shown = ", ".join(f"{k} = {_fmt(v)}" for k, v in self.values.items())
        super().__init__(f"in {season}, rule {rule}: {problem}" + (f" (with {shown})" if shown else ""))


def _fmt(value: float) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)
