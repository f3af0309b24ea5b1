"""``GET /campaigns/{key}/report``: the campaign report of SPEC §4 as scoring/ builds it
(``CampaignReport.to_dict()``), typed so that OpenAPI shows it.

Every model here keeps fields it does not declare (``extra="allow"``): scoring/ grows the
report (helper F is adding inference fields — intervals, design effects, n, methods — as this
is written) and a field it adds must reach the client, never be silently dropped. Declare such
fields here as they land, to document them. Tables are lists of row objects whose columns are
those of the scoring function that builds each (``scoring/report.py``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Row = dict[str, Any]


class _Open(BaseModel):
    # Fields scoring/ adds later pass through unchanged (see the module docstring).
    model_config = ConfigDict(extra="allow")


class MeanPublic(_Open):
    """A mean score (0–100) over customers with its t-interval, and the customer-weighted mean
    with its linearised (customer-cluster) interval, design effect and Kish's n."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int = Field(description="Customers")
    weighted: float | None = None
    weighted_ci_low: float | None = None
    weighted_ci_high: float | None = None
    deff: float | None = Field(default=None, description="Design effect of the weighted mean")
    kish_n: float | None = Field(default=None, description="Kish's n of the customers' weights")
    method: str = Field(default="t", description="Interval method (see methods.intervals)")
    weighted_method: str = "linearised_t"


class RatePublic(_Open):
    """A proportion count / n (times ``scale``) with its interval: Wilson over customers, or for
    an answer-level rate design-based with customers as clusters."""

    count: float
    n: float
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None = Field(
        default=None, description="Effective n (n / design effect) of an answer-level rate"
    )
    scale: float = 1.0
    n_customers: int | None = Field(default=None, description="Clusters of an answer-level rate")
    deff: float | None = Field(default=None, description="Design effect")
    kish_n: float | None = Field(default=None, description="Kish's n of the customers' weights")
    method: str = Field(default="wilson", description="Interval method (see methods.intervals)")


class NpsPublic(_Open):
    """Net promoter score (−100..100) with its normal interval."""

    n: int
    promoters: int
    detractors: int
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    n_customers: int | None = None
    design_se: float | None = Field(default=None, description="Customer-cluster standard error")
    deff: float | None = None
    n_eff: float | None = None
    method: str = "linearised_t"


class ReliabilityPublic(_Open):
    """Cronbach's alpha of the factors without the outcome question, with its Feldt interval."""

    alpha: float | None
    n: int = Field(description="Respondents who answered every factor")
    k: int = Field(description="Factors")
    ci_low: float | None
    ci_high: float | None
    excluded: str | None = Field(description="The outcome (overall) question left out")
    method: str = "feldt"


class MethodsPublic(_Open):
    """How the report was computed: confidence, sampling unit, weights, tests, multiplicity."""

    confidence: float
    significance: float
    sampling_unit: str
    weighting: str
    weights_by_class: dict[str, list[float]]
    factor_score_rule: str
    intervals: dict[str, str] = Field(description="Figure → interval method")
    interval_methods: dict[str, str] = Field(description="Interval method → what it is")
    tests: dict[str, str] = Field(description="Test → what it is")
    test_choice: str
    multiplicity: str
    small_cell: int = Field(description="Rows with fewer customers are flagged small_n")
    small_cell_rule: str
    permutation: str
    bootstrap: str
    drivers_min_respondents: int


class SummaryPublic(_Open):
    """The campaign's headline indices, each with its n and interval."""

    n_customers: int
    n_respondents: int
    n_answers: int
    n_unable_to_comment: int
    n_customers_unscored: int
    mean_score: MeanPublic
    grade: str | None
    satisfaction_rate: RatePublic
    loyalty: RatePublic
    favourable_rate: RatePublic
    favourable_weighted: RatePublic
    top3_rate: RatePublic
    top3_weighted: RatePublic
    nps: NpsPublic
    cronbach_alpha: float | None
    reliability: ReliabilityPublic
    drivers_r_squared: float | None
    drivers_n: int = Field(description="Respondents with the overall question and every factor")
    tickets: int
    opinion_tickets: int
    internal_memos: int


class ResponsePublic(_Open):
    """Completed / invited; partial (started, not completed) kept apart."""

    invited: int
    completed: int
    partial: int
    rate: RatePublic
    partial_rate: RatePublic
    target: float
    representative: bool | None = Field(description="False under target, null if none invited")


class TargetsPublic(_Open):
    """What the report compares against."""

    satisfaction_rate: float
    loyalty: float
    response_rate: float
    score: float


class GradeBandsPublic(_Open):
    """The lower bounds of the grades, on the 0–100 score."""

    very_satisfied: float
    fairly_satisfied: float
    generally_satisfied: float


class ReportPublic(_Open):
    """A campaign's report: indices, breakdowns, trends against the previous campaign, key
    drivers, the ticket split and data-quality flags."""

    campaign: str
    previous_campaign: str | None
    survey: str
    survey_version: int
    point_scale: str
    points: dict[str, float] = Field(description="Points per answer level")
    grade_bands: GradeBandsPublic
    targets: TargetsPublic
    summary: SummaryPublic
    response: ResponsePublic
    factors: list[Row]
    items: list[Row]
    business_units: list[Row]
    roles: list[Row]
    customer_classes: list[Row]
    customers: list[Row]
    nps: list[Row]
    trends: list[Row]
    lowest_items: list[Row]
    largest_rises: list[Row]
    largest_falls: list[Row]
    drivers: list[Row]
    tickets: list[Row]
    straight_lining: list[Row]
    speeding: list[Row]
    # a report built by an older scoring/ may carry another shape: pass it through as it is
    methods: MethodsPublic | Row
    notes: list[str]
    representative: bool | None
    has_answers: bool = Field(description="Has anyone answered a factor, an item or the NPS")
    satisfaction_rule: str = Field(description="The line telling a grade from 'satisfied'")
