"""A counter-based random generator whose whole state is two integers: the seed and a counter.

Draw number ``n`` of seed ``s`` is SplitMix64 of ``s`` and ``n``: the same on every machine, in
every process, and trivially saved and restored with the game state. Nothing here touches the
global :mod:`random` module or the clock.
"""

from __future__ import annotations

import math

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(z: int) -> int:
    z = (z + _GOLDEN) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def uniform(seed: int, counter: int) -> float:
    """The ``counter``-th uniform number in [0, 1) of ``seed``."""
    return (_mix((seed & _MASK) ^ _mix(counter & _MASK)) >> 11) * (1.0 / (1 << 53))


def normal(seed: int, counter: int, mean: float, sd: float) -> float:
    """A normal variate from draws ``counter`` and ``counter + 1`` (Box–Muller)."""
    u1 = max(uniform(seed, counter), 1e-300)
    u2 = uniform(seed, counter + 1)
    return mean + sd * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def triangular(u: float, lo: float, mode: float, hi: float) -> float:
    """The triangular distribution's inverse CDF at ``u``."""
    if hi <= lo:
        return lo
    cut = (mode - lo) / (hi - lo)
    if u < cut:
        return lo + math.sqrt(u * (hi - lo) * (mode - lo))
    return hi - math.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
