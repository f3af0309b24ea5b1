"""What a campaign plan will give, shown before invitations go out (SPEC §4.10, §6): counts per
class and business unit, the revenue covered and the planned margin of error."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.frames import CUSTOMER_CLASSES
from scoring.sampling import Sample, tidy_customers
from scoring.stats import planned_margin_of_error

DEFAULT_RESPONSE_RATE = 0.8
UNIT_COLUMNS: tuple[str, ...] = (
    "business_unit", "customers", "selected", "revenue", "revenue_selected", "coverage",
)  # fmt: skip
CLASS_COLUMNS: tuple[str, ...] = ("customer_class", "customers", "selected")


@dataclass(frozen=True)
class PlanFigures:
    """What a plan will give, shown before invitations go out (SPEC §4.10, §6)."""

    by_class: pd.DataFrame
    by_unit: pd.DataFrame
    population: int
    customers: int
    customers_without_respondents: int
    respondents: int
    callback_checks: int
    response_rate: float
    expected_customers: int
    expected_respondents: int
    margin_of_error: float | None


def plan_figures(
    customers: pd.DataFrame, sample: Sample, *, response_rate: float = DEFAULT_RESPONSE_RATE
) -> PlanFigures:
    """Counts per class and business unit, revenue covered, and the planned margin of error.

    The satisfaction rate is a share of customers, so the margin of error (95 %, p = 0.5, with
    the finite-population correction over all customers) is for the customers expected to
    answer: ⌊response rate × selected customers that have respondents⌋.
    """
    if not 0 < response_rate <= 1:
        raise ValueError(f"the response rate must lie in (0, 1], got {response_rate}")
    pool = tidy_customers(customers)
    pool["selected"] = pool["customer_id"].isin(sample.customers["customer_id"])
    pool["revenue_selected"] = pool["annual_revenue"].where(pool["selected"], 0.0)
    classes = pool.groupby("customer_class").agg(
        customers=("customer_id", "size"), selected=("selected", "sum")
    )
    extra = sorted(set(classes.index) - set(CUSTOMER_CLASSES))
    by_class = classes.reindex([*CUSTOMER_CLASSES, *extra], fill_value=0).astype(np.int64)
    units = pool.groupby("business_unit").agg(
        customers=("customer_id", "size"), selected=("selected", "sum"),
        revenue=("annual_revenue", "sum"), revenue_selected=("revenue_selected", "sum"),
    )  # fmt: skip
    units["selected"] = units["selected"].astype(np.int64)
    units["coverage"] = (units["revenue_selected"] / units["revenue"]).where(units["revenue"] > 0)
    reachable = sample.customers["customer_id"].isin(sample.respondents["customer_id"])
    expected = math.floor(round(int(reachable.sum()) * response_rate, 9))
    return PlanFigures(
        by_class=by_class.rename_axis("customer_class").reset_index()[list(CLASS_COLUMNS)],
        by_unit=units.rename_axis("business_unit").reset_index()[list(UNIT_COLUMNS)],
        population=len(pool),
        customers=len(sample.customers),
        customers_without_respondents=int((~reachable).sum()),
        respondents=len(sample.respondents),
        callback_checks=len(sample.callbacks),
        response_rate=response_rate,
        expected_customers=expected,
        expected_respondents=math.floor(round(len(sample.respondents) * response_rate, 9)),
        margin_of_error=planned_margin_of_error(expected, len(pool)) if expected else None,
    )
