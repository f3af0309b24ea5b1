"""Bodies of ``POST /campaigns/{key}/plan``: the sampling rules in, the planned sample out
(``campaigns.planning.PlanPreview.to_dict()``), and the closing summary."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scoring.sampling import SamplingRules
from storage.storable import MAX_BIGINT, MAX_INTEGER

Share = Annotated[float, Field(gt=0, le=1)]


class SamplingRulesIn(BaseModel):
    """The selection rules of SPEC §6 (scoring/sampling.py); null or false switches one off."""

    model_config = ConfigDict(extra="forbid")

    all_customers: bool = False
    key_account_share: Share | None = None
    random_share: Share | None = None
    revenue_coverage: Share | None = None
    min_per_product_line: Annotated[int, Field(ge=1, le=MAX_INTEGER)] | None = None
    include_complainers: bool = True
    callback_share: Share | None = None

    def to_rules(self) -> SamplingRules:
        return SamplingRules(**self.model_dump())


class PlanRequest(BaseModel):
    """Preview a sample (``apply`` false) or store it and create its invitations."""

    model_config = ConfigDict(extra="forbid")

    rules: SamplingRulesIn
    seed: Annotated[int, Field(ge=0, le=MAX_BIGINT)] | None = None  # campaigns.sample_seed
    apply: bool = False


class SamplingRulesOut(BaseModel):
    """The rules the sample was drawn with."""

    all_customers: bool
    key_account_share: float | None
    random_share: float | None
    revenue_coverage: float | None
    min_per_product_line: int | None
    include_complainers: bool
    callback_share: float | None


class ClassCount(BaseModel):
    """Customers of one class (KA, A, B, C) and how many the sample selects."""

    customer_class: str
    customers: int
    selected: int


class UnitCoverage(BaseModel):
    """One business unit: customers selected and the share of its revenue they cover."""

    business_unit: str
    customers: int
    selected: int
    revenue: float
    revenue_selected: float
    coverage: float | None = Field(description="revenue_selected / revenue; null without revenue")


class PlanFiguresPublic(BaseModel):
    """What the plan will give (SPEC §4.10, §6), before invitations go out."""

    by_class: list[ClassCount]
    by_unit: list[UnitCoverage]
    population: int = Field(description="Customers that could be sampled")
    customers: int = Field(description="Customers selected")
    customers_without_respondents: int
    respondents: int
    callback_checks: int = Field(description="Respondents marked for a call-back check")
    response_rate: float = Field(description="The response rate the figures assume")
    expected_customers: int
    expected_respondents: int
    margin_of_error: float | None = Field(
        description="Of the satisfaction rate (95 %, p = 0.5), as a share; null if no customer "
        "is expected to answer"
    )


class PlannedCustomer(BaseModel):
    """A selected customer and why it was selected."""

    external_id: str
    name: str
    customer_class: str
    business_unit: str | None
    product_line: str | None
    reasons: list[str] = Field(
        description="all, complaint, revenue, product_line, key_account, random"
    )


class PlanChangePublic(BaseModel):
    """What applying the plan did to the campaign's invitations."""

    created: int
    kept: int
    removed: int


class PlanPublic(BaseModel):
    """A campaign's sample, previewed or (``applied``) stored with its invitations."""

    campaign: str
    seed: int = Field(description="Send it back as ``seed`` to draw exactly this sample again")
    seed_source: Literal["given", "stored", "new"]
    rules: SamplingRulesOut
    figures: PlanFiguresPublic
    customers: list[PlannedCustomer]
    locked: str | None = Field(description="Why the plan can no longer be applied, if so")
    applied: bool
    invitations: PlanChangePublic | None = Field(description="Null unless applied")


class CloseSummaryPublic(BaseModel):
    """What closing did; closing again changes nothing and reports the same state."""

    campaign: str
    closed_at: datetime
    already_closed: bool
    expired_invitations: int = Field(description="Unfinished invitations expired now")
    opinion_tickets: int = Field(description="Tickets classified 客户意见处理单 (the top 20 %)")
    internal_memos: int = Field(description="Tickets classified 内部联络单")
    reclassified_tickets: int = Field(description="Tickets whose kind changed now")
    invitations: dict[str, int] = Field(description="Invitations per state after closing")
