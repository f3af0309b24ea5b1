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
    """A mean score (0–100) with its t-interval, and the customer-weighted mean."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    weighted: float | None = None
    n_eff: float | None = Field(default=None, description="Kish's effective n of the weights")


class RatePublic(_Open):
    """A proportion count / n (times ``scale``) with its Wilson interval."""

    count: float
    n: float
    value: float | None
    ci_low: float | None
    ci_high: float | None
    n_eff: float | None = Field(default=None, description="Kish's effective n, if weighted")
    scale: float = 1.0


class NpsPublic(_Open):
    """Net promoter score (−100..100) with its normal interval."""

    n: int
    promoters: int
    detractors: int
    value: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None


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
    drivers_r_squared: float | None
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
    notes: list[str]
    representative: bool | None
    has_answers: bool = Field(description="Has anyone answered a factor, an item or the NPS")
    satisfaction_rule: str = Field(description="The line telling a grade from 'satisfied'")
