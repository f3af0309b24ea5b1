"""The names of the report's interval and test methods, and what each one is, in words.

Every figure and test in a report carries one of these names, and the report's ``methods``
section (``report.Methods``) explains them, so a reader knows how each number was computed.
"""

from __future__ import annotations

from enum import StrEnum


class Interval(StrEnum):
    """How a figure's 95 % interval was computed."""

    WILSON = "wilson"
    DESIGN_WILSON = "design_wilson"
    T = "t"
    LINEARISED_T = "linearised_t"
    BOOTSTRAP = "customer_bootstrap"
    FELDT = "feldt"
    NORMAL = "normal"


class Test(StrEnum):
    """Which test a change between two campaigns was given."""

    PERMUTATION = "permutation"
    WELCH = "welch_t"
    FISHER = "fisher_exact"
    Z = "two_proportion_z"


INTERVAL_TEXT: dict[Interval, str] = {
    Interval.WILSON: "Wilson score interval over customers (each customer counts once)",
    Interval.DESIGN_WILSON: (
        "Wilson interval at the design-effective n: linearised (ratio-estimator) variance with "
        "customers as clusters, effective n = n / design effect, Korn–Graubard df adjustment"
    ),
    Interval.T: "Student t over customers' scores (each customer counts once)",
    Interval.LINEARISED_T: (
        "mean ± t(m − 1) · linearised (ratio-estimator) standard error, customers as clusters"
    ),
    Interval.BOOTSTRAP: "percentile interval from a customer bootstrap",
    Interval.FELDT: "Feldt's F-distribution interval",
    Interval.NORMAL: "estimate ± z · SE for independent respondents (SPEC §4.10's NPS formula)",
}

TEST_TEXT: dict[Test, str] = {
    Test.PERMUTATION: (
        "Monte Carlo permutation test of the difference, customers reshuffled between the two "
        "campaigns"
    ),
    Test.WELCH: (
        "Welch t-test on the difference of the customer-level ratio estimators (linearised "
        "standard errors, Satterthwaite df)"
    ),
    Test.FISHER: "Fisher's exact test on customers (two-sided)",
    Test.Z: "pooled two-proportion z-test",
}

#: How a sentence names each test.
TEST_NAME: dict[Test, str] = {
    Test.PERMUTATION: "a Monte Carlo permutation test",
    Test.WELCH: "Welch's t-test",
    Test.FISHER: "Fisher's exact test",
    Test.Z: "the pooled two-proportion z-test",
}

#: Short labels printed next to an interval in the text report.
INTERVAL_LABEL: dict[Interval, str] = {
    Interval.WILSON: "Wilson",
    Interval.DESIGN_WILSON: "clustered Wilson",
    Interval.T: "t",
    Interval.LINEARISED_T: "clustered t",
    Interval.BOOTSTRAP: "bootstrap",
    Interval.FELDT: "Feldt",
    Interval.NORMAL: "normal",
}
