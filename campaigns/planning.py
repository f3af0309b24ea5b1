"""Campaign planning (SPEC §6): preview a sample before anything is stored, then apply it.

The admin API answers ``PlanPreview.to_dict()`` (typed as ``admin.schemas.campaigns.PlanPublic``)
and the CLI prints it, so both show the same figures: counts per class and business unit,
revenue covered, the planned margin of error and the seed that reproduces the sample.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from scoring.jsonable import to_jsonable
from scoring.plan_figures import PlanFigures, plan_figures
from scoring.sampling import SamplingRules, select_sample
from storage.models import Campaign
from storage.planning import PlanChange, plan_locked, sampling_frames, store_plan
from storage.surveys import get_survey
from storage.types import utcnow
from survey.errors import PlanLocked

SEED_BITS = 63  # fits the BIGINT column and NumPy's seed
PLAN_CUSTOMER_COLUMNS = ["customer_id", "external_id", "name", "customer_class"]
SHOWN_COLUMNS = ["external_id", "name", "customer_class", "business_unit", "product_line"]


@dataclass(frozen=True)
class PlanPreview:
    """A campaign's sample as planned (``applied``) or only previewed."""

    campaign: str
    seed: int
    seed_source: str  # given | stored | new: where the seed came from
    rules: SamplingRules
    figures: PlanFigures
    customers: pd.DataFrame  # the selected customers with their reasons
    respondent_ids: tuple[int, ...]
    callback_ids: tuple[int, ...]
    locked: str | None = None  # why the plan can no longer be applied, if so
    applied: bool = False
    invitations: PlanChange | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe: figures and selected customers as lists of plain rows."""
        return {
            "campaign": self.campaign,
            "seed": self.seed,
            "seed_source": self.seed_source,
            "rules": self.rules.to_dict(),
            "figures": to_jsonable(self.figures),
            "customers": _customer_rows(self.customers, SHOWN_COLUMNS),
            "locked": self.locked,
            "applied": self.applied,
            "invitations": None if self.invitations is None else to_jsonable(self.invitations),
        }

    def stored_plan(self) -> dict[str, Any]:
        """The plan as kept on the campaign row (rules, seed, who was chosen and why)."""
        return {
            "rules": self.rules.to_dict(),
            "seed": self.seed,
            "customers": _customer_rows(self.customers, PLAN_CUSTOMER_COLUMNS),
            "respondents": len(self.respondent_ids),
            "callback_checks": len(self.callback_ids),
        }


def _customer_rows(customers: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Plain rows of the selected customers, each with its list of reasons."""
    rows: list[dict[str, Any]] = to_jsonable(customers[columns])
    for row, reasons in zip(rows, customers["reasons"], strict=True):
        row["reasons"] = list(reasons)
    return rows


def _seed(campaign: Campaign, seed: int | None) -> tuple[int, str]:
    if seed is not None:
        return seed, "given"
    if campaign.sample_seed is not None:
        return campaign.sample_seed, "stored"
    return secrets.randbits(SEED_BITS), "new"


async def _response_rate(session: AsyncSession, campaign: Campaign) -> float:
    """The campaign's response-rate target, else its survey's (80 % by default, seed 003)."""
    target = (campaign.targets or {}).get("response_rate")
    if target is not None:
        return float(target)
    survey = await get_survey(session, campaign.survey_id)
    return survey.targets.response_rate


def stored_rules(campaign: Campaign) -> tuple[SamplingRules, str]:
    """The rules of the campaign's stored plan, else the seeds' defaults; and which."""
    stored = (campaign.plan or {}).get("rules")
    if stored:
        return SamplingRules.from_dict(stored), "stored"
    return SamplingRules.seed_defaults(), "the seeds' defaults"


async def preview_plan(
    session: AsyncSession, ref: CampaignRef, rules: SamplingRules, *, seed: int | None = None
) -> PlanPreview:
    """The sample ``rules`` give for this campaign now; writes nothing.

    The seed is the one given, else the campaign's stored one, else a fresh random one (which
    the preview reports so that applying it reproduces exactly this sample).
    """
    campaign = await campaign_of(session, ref)
    chosen_seed, source = _seed(campaign, seed)
    customers, respondents = await sampling_frames(session, campaign)
    sample = select_sample(customers, respondents, rules, seed=chosen_seed)
    figures = plan_figures(customers, sample, response_rate=await _response_rate(session, campaign))
    return PlanPreview(
        campaign=campaign.key,
        seed=chosen_seed,
        seed_source=source,
        rules=rules,
        figures=figures,
        customers=sample.customers,
        respondent_ids=tuple(int(i) for i in sample.respondents["respondent_id"]),
        callback_ids=tuple(int(i) for i in sample.callbacks["respondent_id"]),
        locked=await plan_locked(session, campaign),
    )


async def apply_plan(
    session: AsyncSession, ref: CampaignRef, rules: SamplingRules, *, seed: int | None = None
) -> PlanPreview:
    """Store the sample and create its invitations (state "created"; sending is separate).

    Planning again replaces the sample until the first invitation is sent; after that (or
    once the campaign is closed) it raises ``PlanLocked``.
    """
    campaign = await campaign_of(session, ref)
    preview = await preview_plan(session, campaign, rules, seed=seed)
    if preview.locked is not None:
        raise PlanLocked(campaign.key, preview.locked)
    change = await store_plan(
        session,
        campaign,
        plan=preview.stored_plan(),
        seed=preview.seed,
        respondent_ids=preview.respondent_ids,
        callback_ids=preview.callback_ids,
        now=utcnow(),
    )
    return dataclasses.replace(preview, applied=True, invitations=change)
