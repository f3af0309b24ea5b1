"""Value objects for one reported figure with its uncertainty: a rate, a mean, an NPS.

A figure that cannot be computed (nobody answered, nobody above 80) is None, never 0, and
carries its n so a reader sees how small the sample is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scoring.stats import CONFIDENCE, mean_interval, nps_interval, wilson_interval


def finite(value: object) -> float | None:
    """A float, or None for NaN/None (so JSON carries null)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion count/n (times ``scale``) with its Wilson interval.

    For a weighted rate, ``n_eff`` is Kish's effective n and the interval uses it.
    """

    count: float
    n: float
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None = None
    scale: float = 1.0

    @classmethod
    def of(
        cls,
        count: float,
        n: float,
        *,
        scale: float = 1.0,
        confidence: float = CONFIDENCE,
    ) -> Rate:
        """The rate count/n; undefined (None) when n is 0."""
        low, high = wilson_interval(count, n, confidence)
        value = count / n if n > 0 else None
        return cls(
            count=float(count),
            n=float(n),
            value=None if value is None else value * scale,
            ci_low=None if value is None else float(low) * scale,
            ci_high=None if value is None else float(high) * scale,
            scale=scale,
        )

    @classmethod
    def weighted(
        cls,
        value: float | None,
        count: float,
        n: float,
        n_eff: float,
        confidence: float = CONFIDENCE,
    ) -> Rate:
        """A weighted rate: its interval is Wilson's at Kish's effective n."""
        if value is None or math.isnan(value) or n_eff <= 0:
            return cls(float(count), float(n), None, None, None, n_eff=n_eff or None)
        low, high = wilson_interval(value * n_eff, n_eff, confidence)
        return cls(float(count), float(n), value, float(low), float(high), n_eff=n_eff)


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean score with its t-interval, and the customer-weighted mean with Kish's n."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    weighted: float | None = None
    n_eff: float | None = None

    @classmethod
    def of(
        cls,
        values: np.ndarray,
        weights: np.ndarray | None = None,
        confidence: float = CONFIDENCE,
    ) -> Mean:
        """Mean of defined values; weighted mean and effective n when weights are given."""
        data = np.asarray(values, dtype=float)
        keep = ~np.isnan(data)
        data = data[keep]
        if data.size == 0:
            return cls(None, None, None, 0)
        low, high = np.clip(mean_interval(data, confidence), 0.0, 100.0)  # scores are 0..100
        weighted = n_eff = None
        if weights is not None:
            w = np.asarray(weights, dtype=float)[keep]
            weighted = float(np.average(data, weights=w))
            n_eff = float(w.sum() ** 2 / (w**2).sum())
        return cls(float(data.mean()), finite(low), finite(high), int(data.size), weighted, n_eff)


@dataclass(frozen=True, slots=True)
class Nps:
    """Net promoter score (−100..100) with its normal interval; None when nobody answered."""

    n: int
    promoters: int
    detractors: int
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None

    @classmethod
    def of(cls, promoters: int, detractors: int, n: int, confidence: float = CONFIDENCE) -> Nps:
        """NPS = % promoters (9–10) − % detractors (0–6)."""
        score, se, low, high = nps_interval(promoters, detractors, n, confidence)
        return cls(n, promoters, detractors, finite(score), finite(se), finite(low), finite(high))
