"""Answer-level rates (favourable §4.5, top-3-box §4.6), NPS, and the response rate (§4.8).

A *box rate* is the share of answers at some levels. It is given two ways: pooled over all
answers, and weighted (ECSS §6.7): each customer's own rate, averaged with customer weights.
Both are ratio estimators over customers, the sampling unit, so their intervals are
design-based (``scoring.design``): the linearised variance with customers as clusters, the
design effect and effective n beside each rate, and Wilson's interval at that effective n.
Kish's n of the weights is counted over customers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.cells import cell_sums
from scoring.design import (
    clustered_mean_interval,
    kish_n,
    rate_interval,
    ratio_variance,
    scaled,
)
from scoring.estimates import Rate
from scoring.frames import CUSTOMER_CLASSES
from scoring.stats import SMALL_CELL, nps_interval
from scoring.thresholds import reaches
from survey.vocabulary import InvitationState

PROMOTER_LEVELS: tuple[int, ...] = (9, 10)
DETRACTOR_LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
ALL = "all"  # the group label of a total

#: Columns of ``box_rates`` (``weighted_rates`` gives the same but ``group``).
BOX_COLUMNS: tuple[str, ...] = (
    "group", "count", "n", "n_customers", "rate", "ci_low", "ci_high", "deff", "n_eff",
    "weighted", "weighted_ci_low", "weighted_ci_high", "weighted_deff", "weighted_n_eff",
    "kish_n",
)  # fmt: skip


def group_values(frame: pd.DataFrame, by: str | None) -> pd.Categorical[str]:
    """The grouping column of a breakdown, or one group ``"all"`` for the total."""
    if by is None:
        return pd.Categorical.from_codes(np.zeros(len(frame), dtype=np.int64), pd.Index([ALL]))
    return pd.Categorical(frame[by].astype(str))


def box_rates(points: pd.DataFrame, levels: tuple[int, ...], by: str | None = None) -> pd.DataFrame:
    """Share of scored answers at ``levels`` per group, pooled and customer-weighted.

    Columns ``BOX_COLUMNS``: count and n of answers, customers, the pooled rate with its
    design-based interval, design effect and effective n, the same for the weighted rate, and
    Kish's n of the customers' weights.
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
    present = np.bincount(groups, minlength=n_groups) > 0
    w = scaled(weight)
    pooled, pooled_var, m = ratio_variance(groups, n_groups, count, n)
    weighted, weighted_var, _ = ratio_variance(groups, n_groups, w * count / n, w)
    hits = np.bincount(groups, weights=count, minlength=n_groups).astype(float)
    answers = np.bincount(groups, weights=n, minlength=n_groups).astype(float)
    plain = rate_interval(pooled, pooled_var, answers, m)
    design = rate_interval(weighted, weighted_var, answers, m)
    columns: dict[str, npt.NDArray[Any]] = {
        "count": hits.astype(np.int64), "n": answers.astype(np.int64), "n_customers": m,
        "rate": pooled, **plain, "weighted": weighted,
        **{f"weighted_{name}": value for name, value in design.items()},
        "kish_n": kish_n(groups, n_groups, w),
    }  # fmt: skip
    return {"present": present, **{name: value[present] for name, value in columns.items()}}


def box_rate(points: pd.DataFrame, levels: tuple[int, ...]) -> tuple[Rate, Rate]:
    """(pooled, weighted) rate of answers at ``levels`` over the whole frame, each with its
    design-based interval."""
    table = box_rates(points, levels)
    if table.empty:
        empty = Rate.clustered(None, 0, 0, n_customers=0, ci=(None, None), deff=None, n_eff=None)
        return empty, empty
    row = table.iloc[0]
    count, n, customers = float(row["count"]), float(row["n"]), int(row["n_customers"])
    pooled = Rate.clustered(
        float(row["rate"]), count, n, n_customers=customers,
        ci=(row["ci_low"], row["ci_high"]), deff=row["deff"], n_eff=row["n_eff"],
    )  # fmt: skip
    weighted = Rate.clustered(
        float(row["weighted"]), count, n, n_customers=customers,
        ci=(row["weighted_ci_low"], row["weighted_ci_high"]), deff=row["weighted_deff"],
        n_eff=row["weighted_n_eff"], kish_n=row["kish_n"],
    )  # fmt: skip
    return pooled, weighted


#: Columns of ``nps_table``: nps_se is SPEC §4.10's formula for independent respondents, the
#: interval is the design-based one with customers as clusters (its se, deff and n_eff beside).
NPS_COLUMNS: tuple[str, ...] = (
    "group", "n", "n_customers", "promoters", "passives", "detractors", "nps", "nps_se",
    "nps_design_se", "nps_deff", "nps_n_eff", "nps_ci_low", "nps_ci_high", "small_n",
)  # fmt: skip


def nps_table(nps: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """NPS per group (columns ``NPS_COLUMNS``) from ``frames.nps_answers``.

    NPS is a mean over respondents of +100 (promoter), 0 and −100 (detractor), so it is a ratio
    estimator over customers: its interval is NPS ± t_{m−1}·√V with the linearised V.
    """
    level = nps["level"].to_numpy()
    frame = pd.DataFrame({"group": group_values(nps, by), "customer_id": nps["customer_id"]})
    promoter = np.isin(level, PROMOTER_LEVELS).astype(float)
    detractor = np.isin(level, DETRACTOR_LEVELS).astype(float)
    cells = cell_sums(frame, ("group", "customer_id"), {
        "promoters": promoter, "detractors": detractor, "net": 100.0 * (promoter - detractor),
    })  # fmt: skip
    codes = np.asarray(cells["group"].cat.codes, dtype=np.int64)
    n_groups = len(cells["group"].cat.categories)
    present = np.bincount(codes, minlength=n_groups) > 0

    def total(column: str) -> npt.NDArray[np.float64]:
        sums = np.bincount(codes, weights=cells[column].to_numpy(float), minlength=n_groups)
        return np.asarray(sums, dtype=float)

    value, variance, m = ratio_variance(codes, n_groups, cells["net"], cells["n"].to_numpy(float))
    n = total("n")
    _, se, _, _ = nps_interval(total("promoters"), total("detractors"), n)
    low, high = clustered_mean_interval(value, variance, m, bounds=(-100.0, 100.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(se > 0, variance / se**2, np.nan)
        n_eff = np.where(deff > 0, n / deff, np.nan)  # a deff of 0 (no spread) has none
    out = pd.DataFrame({
        "group": np.asarray(cells["group"].cat.categories.astype(str), dtype=object),
        "n": n.astype(np.int64), "n_customers": m, "promoters": total("promoters"),
        "detractors": total("detractors"), "nps": value, "nps_se": se,
        "nps_design_se": np.sqrt(variance), "nps_deff": deff,
        "nps_n_eff": n_eff, "nps_ci_low": low, "nps_ci_high": high,
        "small_n": m < SMALL_CELL,
    })[present]  # fmt: skip
    for column in ("promoters", "detractors"):
        out[column] = out[column].astype(np.int64)
    out["passives"] = out["n"] - out["promoters"] - out["detractors"]
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
    completed = int((state == InvitationState.COMPLETED).sum())
    partial = int((state == InvitationState.STARTED).sum())
    rate = Rate.of(completed, invited)
    representative = rate.value is not None and reaches(rate.value, target)
    return ResponseRate(
        invited, completed, partial, rate, Rate.of(partial, invited), target, representative
    )
