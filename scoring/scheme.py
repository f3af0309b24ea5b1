"""How a report was computed, stated in the report itself (issue 11 point 5): the confidence
level, the sampling unit, what is weighted and with which weights, the rule that combines a
customer's respondents, each interval's and each test's method, the multiplicity adjustment and
the small-sample rules."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from scoring import changes, drivers  # their constants: resamples, seeds, limits
from scoring.frames import CUSTOMER_CLASSES
from scoring.methods import INTERVAL_TEXT, TEST_NAME, TEST_TEXT, Interval, Test
from scoring.stats import CONFIDENCE, SIGNIFICANCE, SMALL_CELL

FACTOR_SCORE_RULE = (
    "A customer's score for a question is the mean of the points its respondents gave it; a "
    "factor's is the item-weighted mean of those question scores over the answered items; the "
    "customer's score is the factor-weighted mean over the answered factors. So several "
    "respondents of one customer are averaged item by item first, then weighted."
)
WEIGHTING = (
    "Customer weights (by class) weight the weighted mean score and the weighted favourable "
    "and top-3-box rates (each customer's own rate, averaged with its weight); the mean score, "
    "pooled rates, satisfaction rate, loyalty and NPS are unweighted. Kish's n of the weights "
    "is counted over customers."
)
SAMPLING_UNIT = (
    "Customers are the sampling unit: a customer's respondents answer alike, so answer-level "
    "figures use the customer as the cluster (design effect and effective n beside each)."
)
MULTIPLICITY = (
    f"Benjamini–Hochberg within each family (index, factor, item, segment); a change is "
    f"significant when its adjusted p is below {SIGNIFICANCE:g}"
)

#: Which interval each kind of figure gets.
FIGURE_INTERVALS: dict[str, Interval] = {
    "mean_score": Interval.T,
    "weighted_score": Interval.LINEARISED_T,
    "satisfaction_rate": Interval.WILSON,
    "loyalty": Interval.WILSON,
    "favourable_rate": Interval.DESIGN_WILSON,
    "favourable_weighted": Interval.DESIGN_WILSON,
    "top3_rate": Interval.DESIGN_WILSON,
    "top3_weighted": Interval.DESIGN_WILSON,
    "nps": Interval.LINEARISED_T,
    "response_rate": Interval.WILSON,
    "driver_importance": Interval.BOOTSTRAP,
    "cronbach_alpha": Interval.FELDT,
}


@dataclass(frozen=True)
class ReportMethods:
    """The statistical scheme of one report, in plain values and words."""

    confidence: float
    significance: float
    sampling_unit: str
    weighting: str
    weights_by_class: dict[str, list[float]]
    factor_score_rule: str
    intervals: dict[str, str]
    interval_methods: dict[str, str]
    tests: dict[str, str]
    test_choice: str
    multiplicity: str
    small_cell: int
    small_cell_rule: str
    permutation: str
    bootstrap: str
    drivers_min_respondents: int


def report_methods(customers: pd.DataFrame) -> ReportMethods:
    """The scheme of a report whose scored customers are ``customers`` (their weights by class)."""
    return ReportMethods(
        confidence=CONFIDENCE,
        significance=SIGNIFICANCE,
        sampling_unit=SAMPLING_UNIT,
        weighting=WEIGHTING,
        weights_by_class=weights_by_class(customers),
        factor_score_rule=FACTOR_SCORE_RULE,
        intervals={figure: str(method) for figure, method in FIGURE_INTERVALS.items()},
        interval_methods={str(m): text for m, text in INTERVAL_TEXT.items()},
        tests={str(t): text for t, text in TEST_TEXT.items()},
        test_choice=(
            f"changes are tested on customer-level figures. Means, answer-level rates and NPS: "
            f"{TEST_NAME[Test.PERMUTATION]} with {changes.PERMUTATION_LIMIT} customers or fewer "
            f"on both sides together, else {TEST_NAME[Test.WELCH]} on the linearised standard "
            f"errors; shares of customers (satisfaction, loyalty) and the response rate: "
            f"{TEST_NAME[Test.FISHER]} when as small, else {TEST_NAME[Test.Z]}. Each change has "
            f"its effect with a {100 * CONFIDENCE:g} % interval and the n on each side."
        ),
        multiplicity=MULTIPLICITY,
        small_cell=SMALL_CELL,
        small_cell_rule=(
            f"A row with fewer than {SMALL_CELL} customers is flagged small_n and never called "
            f"significant (its p-value is still shown)."
        ),
        permutation=f"{changes.RESAMPLES:,} reshuffles of customers, seed {changes.SEED}",
        bootstrap=f"{drivers.RESAMPLES:,} customer resamples, seed {drivers.SEED}",
        drivers_min_respondents=drivers.MIN_RESPONDENTS,
    )


def weights_by_class(customers: pd.DataFrame) -> dict[str, list[float]]:
    """The distinct customer weights seen in each class, KA first."""
    if customers.empty:
        return {}
    seen = customers.groupby(customers["customer_class"].astype(str))["customer_weight"].unique()
    order = [c for c in CUSTOMER_CLASSES if c in seen.index]
    order += sorted(set(seen.index) - set(order))
    return {c: sorted(float(w) for w in seen[c]) for c in order}
