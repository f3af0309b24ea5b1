"""Comparing a score with a bound (80, 90, 95, 60, a target) as exact arithmetic would.

A score is a ratio of weighted sums, so a value that is exactly 80 on paper can come out of
floating point as 80.00000000000001 or 79.99999999999999. Every threshold in scoring/ is tested
here, and only here: a value within ``TOLERANCE`` (relative to the bound's size, at least 1) of
the bound *is* the bound. Scores are built from a handful of points and weights, so a genuine
difference from a bound is many orders of magnitude larger than the tolerance.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

TOLERANCE = 1e-9


def _slack(bound: float) -> float:
    return TOLERANCE * max(1.0, abs(bound))


def above(values: npt.ArrayLike, bound: float) -> npt.NDArray[np.bool_]:
    """True where a value is strictly above ``bound`` (NaN is never above)."""
    result: npt.NDArray[np.bool_] = np.asarray(values, dtype=float) > bound + _slack(bound)
    return result


def at_least(values: npt.ArrayLike, bound: float) -> npt.NDArray[np.bool_]:
    """True where a value reaches ``bound`` (NaN never does)."""
    result: npt.NDArray[np.bool_] = np.asarray(values, dtype=float) >= bound - _slack(bound)
    return result


def is_above(value: float, bound: float) -> bool:
    """``above`` for one number."""
    return bool(above(value, bound))


def reaches(value: float, bound: float) -> bool:
    """``at_least`` for one number."""
    return bool(at_least(value, bound))
