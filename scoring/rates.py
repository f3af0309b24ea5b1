"""Answer-level rates (favourable §4.5, top-3-box §4.6), NPS, and the response rate (§4.8).

A *box rate* is the share of answers at some levels. It is given two ways: pooled over all
answers, and weighted (ECSS §6.7): each customer's own rate, averaged with customer weights.
The weighted rate equals a mean over answers with weight w_c / n_c, so its Kish effective n is
(Σ w_c)² / Σ (w_c² / n_c) and its Wilson interval uses that n.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.cells import cell_sums
from scoring.estimates import Rate
from scoring.frames import CUSTOMER_CLASSES
from scoring.stats import nps_interval, wilson_interval

PROMOTER_LEVELS: tuple[int, ...] = (9, 10)
DETRACTOR_LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
ALL = "all"  # the group label of a total

#: Columns of ``box_rates``.
BOX_COLUMNS: tuple[str, ...] = (
    "group", "count", "n", "rate", "ci_low", "ci_high",
    "weighted", "weighted_ci_low", "weighted_ci_high", "n_eff",
)  # fmt: skip


def group_values(frame: pd.DataFrame, by: str | None) -> pd.Categorical[str]:
    """The grouping column of a breakdown, or one group ``"all"`` for the total."""
    if by is None:
        return pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int64), pd.Index([ALL]))
    return pd.Categorical(frame[by].astype(str))


def box_rates(points: pd.DataFrame, levels: tuple[int, ...], by: str | None = None) -> pd.DataFrame:
    """Share of scored answers at ``levels`` per group, pooled and customer-weighted.

    Columns ``BOX_COLUMNS``: count and n of answers, the pooled rate and its Wilson interval,
    the weighted rate, its Wilson interval at the effective n, and that n.
    """
    keys = ("customer_id",) if by in (None, "customer_id") else (by, "customer_id")
    cells = cell_sums(points, keys, {
        "count": np.isin(points["level"].to_numpy(), levels),
        "weight": points["customer_weight"].to_numpy(),
    })  # fmt: skip
    groups = (
        np.zeros(len(cells), np.int64)
        if by is None
        else np.asarray(cells[by].cat.codes, dtype=np.int64)
    )
    labels = [ALL] if by is None else [str(c) for c in cells[by].cat.categories]
    n = cells["n"].to_numpy(dtype=float)
    rates = weighted_rates(
        groups, len(labels), cells["count"].to_numpy(dtype=float), n, cells["weight"].to_numpy() / n
    )
    present = rates.pop("present")
    out = pd.DataFrame({"group": np.asarray(labels, dtype=object)[present], **rates})
    return out[list(BOX_COLUMNS)]


def weighted_rates(
    groups: npt.NDArray[np.int64],
    n_groups: int,
    count: npt.NDArray[np.float64],
    n: npt.NDArray[np.float64],
    weight: npt.NDArray[np.float64],
) -> dict[str, npt.NDArray[Any]]:
    """Box-rate columns per group from one row per (group, customer): its group code, count of
    answers at the levels, n answers and customer weight. ``present`` marks groups with rows."""

    def total(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(np.bincount(groups, weights=values, minlength=n_groups), dtype=float)

    present = np.bincount(groups, minlength=n_groups) > 0
    hits, answers, weights = total(count)[present], total(n)[present], total(weight)[present]
    weighted = total(weight * count / n)[present] / weights
    n_eff = weights**2 / total(weight**2 / n)[present]
    low, high = wilson_interval(hits, answers)
    weighted_low, weighted_high = wilson_interval(weighted * n_eff, n_eff)
    return {
        "present": present, "count": hits.astype(np.int64), "n": answers.astype(np.int64),
        "rate": hits / answers, "ci_low": low, "ci_high": high, "weighted": weighted,
        "weighted_ci_low": weighted_low, "weighted_ci_high": weighted_high, "n_eff": n_eff,
    }  # fmt: skip


def box_rate(points: pd.DataFrame, levels: tuple[int, ...]) -> tuple[Rate, Rate]:
    """(pooled, weighted) rate of answers at ``levels`` over the whole frame."""
    table = box_rates(points, levels)
    if table.empty:
        return Rate.of(0, 0), Rate.weighted(None, 0, 0, 0)
    row = table.iloc[0]
    pooled = Rate.of(row["count"], row["n"])
    weighted = Rate.weighted(row["weighted"], row["count"], row["n"], row["n_eff"])
    return pooled, weighted


#: Columns of ``nps_table``.
NPS_COLUMNS: tuple[str, ...] = (
    "group", "n", "promoters", "passives", "detractors", "nps", "nps_se", "nps_ci_low",
    "nps_ci_high",
)  # fmt: skip


def nps_table(nps: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """NPS per group (columns ``NPS_COLUMNS``) from ``frames.nps_answers``."""
    level = nps["level"].to_numpy()
    out = cell_sums(pd.DataFrame({"group": group_values(nps, by)}), ("group",), {
        "promoters": np.isin(level, PROMOTER_LEVELS),
        "detractors": np.isin(level, DETRACTOR_LEVELS),
    })  # fmt: skip
    for column in ("promoters", "detractors"):
        out[column] = out[column].astype(np.int64)
    out["passives"] = out["n"] - out["promoters"] - out["detractors"]
    out["nps"], out["nps_se"], out["nps_ci_low"], out["nps_ci_high"] = nps_interval(
        out["promoters"], out["detractors"], out["n"]
    )
    out["group"] = out["group"].astype(str)
    if by == "customer_class":  # KA first, as everywhere else
        order = {c: i for i, c in enumerate(CUSTOMER_CLASSES)}
        out = out.sort_values("group", key=lambda g: g.map(order), kind="stable")
    return out[list(NPS_COLUMNS)].reset_index(drop=True)


@dataclass(frozen=True, slots=True)
class ResponseRate:
    """Completed / invited with its interval; partial (started, not completed) kept apart.

    ``representative`` is False when the rate is under target, None when nobody was invited.
    """

    invited: int
    completed: int
    partial: int
    rate: Rate
    partial_rate: Rate
    target: float
    representative: bool | None


def response_rate(invitations: pd.DataFrame | None, target: float = 0.8) -> ResponseRate:
    """The response rate of a campaign's invitations (all rows are invited)."""
    if invitations is None or invitations.empty:
        empty = Rate.of(0, 0)
        return ResponseRate(0, 0, 0, empty, empty, target, None)
    state = invitations["state"]
    invited = len(invitations)
    completed = int((state == "completed").sum())
    partial = int((state == "started").sum())
    rate = Rate.of(completed, invited)
    representative = rate.value is not None and rate.value >= target
    return ResponseRate(
        invited, completed, partial, rate, Rate.of(partial, invited), target, representative
    )
