"""Value objects for one reported figure with its uncertainty: a rate, a mean, an NPS.

A figure that cannot be computed (nobody answered, nobody above 80) is None, never 0, and
carries its n so a reader sees how small the sample is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from scoring.design import weighted_means
from scoring.methods import Interval
from scoring.stats import (
    CONFIDENCE,
    cronbach_alpha,
    feldt_interval,
    mean_interval,
    nps_interval,
    wilson_interval,
)


def finite(value: object) -> float | None:
    """A float, or None for NaN/None (so JSON carries null)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion count/n (times ``scale``) with its interval, and how that was computed.

    A rate of customers (satisfaction, loyalty) has a Wilson interval over n customers. An
    answer-level rate (favourable, top-3-box) is clustered: ``n_customers`` clusters, its design
    effect ``deff``, effective n ``n_eff`` (the interval uses it) and, when weighted, Kish's n
    of the customers' weights ``kish_n``.
    """

    count: float
    n: float
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None = None
    scale: float = 1.0
    n_customers: int | None = None
    deff: float | None = None
    kish_n: float | None = None
    method: Interval = Interval.WILSON

    @classmethod
    def of(
        cls,
        count: float,
        n: float,
        *,
        scale: float = 1.0,
        confidence: float = CONFIDENCE,
    ) -> Rate:
        """The rate count/n with Wilson's interval; undefined (None) when n is 0."""
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
    def clustered(
        cls,
        value: float | None,
        count: float,
        n: float,
        *,
        n_customers: int,
        ci: tuple[float | None, float | None],
        deff: float | None,
        n_eff: float | None,
        kish_n: float | None = None,
    ) -> Rate:
        """An answer-level rate with its design-based interval (``scoring.design``)."""
        defined = value is not None and not math.isnan(value) and n > 0
        return cls(
            float(count),
            float(n),
            value if defined else None,
            finite(ci[0]) if defined else None,
            finite(ci[1]) if defined else None,
            n_eff=finite(n_eff),
            n_customers=int(n_customers),
            deff=finite(deff),
            kish_n=finite(kish_n),
            method=Interval.DESIGN_WILSON,
        )


@dataclass(frozen=True, slots=True)
class Mean:
    """A mean score over customers with its t-interval, and the customer-weighted mean with its
    linearised interval, design effect (against the unweighted mean) and Kish's n."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    weighted: float | None = None
    weighted_ci_low: float | None = None
    weighted_ci_high: float | None = None
    deff: float | None = None
    kish_n: float | None = None
    method: Interval = Interval.T
    weighted_method: Interval = Interval.LINEARISED_T

    @classmethod
    def of(
        cls,
        values: np.ndarray,
        weights: np.ndarray | None = None,
        confidence: float = CONFIDENCE,
    ) -> Mean:
        """Mean of defined values; the weighted mean and its interval when weights are given."""
        data = np.asarray(values, dtype=float)
        keep = ~np.isnan(data)
        data = data[keep]
        if data.size == 0:
            return cls(None, None, None, 0)
        low, high = np.clip(mean_interval(data, confidence), 0.0, 100.0)  # scores are 0..100
        plain = cls(float(data.mean()), finite(low), finite(high), int(data.size))
        if weights is None:
            return plain
        w = np.asarray(weights, dtype=float)[keep]
        one = np.zeros(data.size, dtype=np.int64)
        design = {k: float(v[0]) for k, v in weighted_means(one, 1, data, w, confidence).items()}
        return replace(
            plain,
            weighted=design["mean"],
            weighted_ci_low=finite(design["ci_low"]),
            weighted_ci_high=finite(design["ci_high"]),
            deff=finite(design["deff"]),
            kish_n=finite(design["kish_n"]),
        )


@dataclass(frozen=True, slots=True)
class Nps:
    """Net promoter score (−100..100) with its interval; None when nobody answered.

    ``se`` is SPEC §4.10's formula for independent respondents; the interval is design-based
    with customers as clusters (``design_se``, ``deff``, ``n_eff``), as ``rates.nps_table``.
    """

    n: int
    promoters: int
    detractors: int
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n_customers: int | None = None
    design_se: float | None = None
    deff: float | None = None
    n_eff: float | None = None
    method: Interval = Interval.LINEARISED_T

    @classmethod
    def of(cls, promoters: int, detractors: int, n: int, confidence: float = CONFIDENCE) -> Nps:
        """NPS = % promoters (9–10) − % detractors (0–6), normal interval for independent
        respondents (SPEC §4.10's formula)."""
        score, se, low, high = nps_interval(promoters, detractors, n, confidence)
        return cls(
            n,
            promoters,
            detractors,
            finite(score),
            finite(se),
            finite(low),
            finite(high),
            method=Interval.NORMAL,
        )


@dataclass(frozen=True, slots=True)
class Reliability:
    """Cronbach's alpha of the factors over the respondents who answered them all, with its n
    (respondents), k (factors) and Feldt interval; the outcome question is left out."""

    alpha: float | None
    n: int
    k: int
    ci_low: float | None
    ci_high: float | None
    excluded: str | None
    method: Interval = Interval.FELDT

    @classmethod
    def of(
        cls, matrix: pd.DataFrame, excluded: str | None, confidence: float = CONFIDENCE
    ) -> Reliability:
        """Alpha of ``matrix`` (respondents × factors; factors nobody answered are dropped)."""
        columns = matrix.dropna(axis=1, how="all")
        complete = columns.dropna()
        alpha = cronbach_alpha(columns)
        n, k = len(complete), columns.shape[1]
        low, high = feldt_interval(alpha, n, k, confidence)
        return cls(finite(alpha), n, k, finite(low), finite(high), excluded)
