"""The fixed set of functions a formula may call, and their safe run-time versions."""

from __future__ import annotations

import math
from collections.abc import Callable

from game.lazydata import dataclass

PREV = "prev"  # prev(x): last season's value of x; resolved by the rules layer, not called


@dataclass(frozen=True)
class FunctionSpec:
    """A callable a formula may use: its implementation and how many arguments it takes."""

    run: Callable[..., float]
    min_args: int
    max_args: int | None
    summary: str

    @property
    def arity_text(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args} arguments"
        if self.min_args == self.max_args:
            return f"{self.min_args} argument{'s' if self.min_args != 1 else ''}"
        return f"{self.min_args} to {self.max_args} arguments"


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def _logistic(x: float) -> float:
    if x < -700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


def _floor(x: float) -> float:
    return float(math.floor(x))


def _ceil(x: float) -> float:
    return float(math.ceil(x))


FUNCTIONS: dict[str, FunctionSpec] = {
    "min": FunctionSpec(min, 2, None, "the smallest of its arguments"),
    "max": FunctionSpec(max, 2, None, "the largest of its arguments"),
    "clamp": FunctionSpec(_clamp, 3, 3, "clamp(x, lo, hi): x held between lo and hi"),
    "abs": FunctionSpec(abs, 1, 1, "the absolute value"),
    "exp": FunctionSpec(math.exp, 1, 1, "e to the power x"),
    "log": FunctionSpec(math.log, 1, 1, "the natural logarithm (x must be positive)"),
    "sqrt": FunctionSpec(math.sqrt, 1, 1, "the square root (x must not be negative)"),
    "floor": FunctionSpec(_floor, 1, 1, "the largest whole number not above x"),
    "ceil": FunctionSpec(_ceil, 1, 1, "the smallest whole number not below x"),
    "logistic": FunctionSpec(_logistic, 1, 1, "1 / (1 + e^-x), an S-curve from 0 to 1"),
}
