"""A campaign's sample in the database (SPEC §6): what sampling reads, and the plan it stores.

Sampling itself is pure (``scoring.sampling``); this module loads its input frames and stores
its result: the plan on the campaign row and one ``created`` invitation per selected respondent.
A plan may be replaced until the first invitation goes out; after that it is fixed, because
respondents already hold their links.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import invite, previous_campaign
from storage.models import (
    Answer,
    Campaign,
    Customer,
    Invitation,
    OutboundMessage,
    Respondent,
    Ticket,
)
from storage.strangers import UNKNOWN_CUSTOMER
from survey.vocabulary import AnswerKind, CampaignStatus, FeedbackKind, InvitationState

CUSTOMER_COLUMNS = [
    "customer_id", "external_id", "name", "customer_class", "business_unit", "product_line",
    "annual_revenue", "complained",
]  # fmt: skip
RESPONDENT_COLUMNS = ["respondent_id", "external_id", "customer_id", "name", "role", "language"]


@dataclass(frozen=True, slots=True)
class PlanChange:
    """What storing a plan did to the campaign's invitations."""

    created: int
    kept: int
    removed: int


async def complained_customers(session: AsyncSession, campaign: Campaign) -> set[int]:
    """Customers who complained since the previous campaign of the same survey opened.

    A complaint is feedback the respondent marked as one (/feedback, feedback kind complaint)
    or a ticket outside any campaign. Before the first campaign every
    complaint on record counts.
    """
    previous = await previous_campaign(session, campaign)
    feedback = (
        select(Respondent.customer_id)
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Answer.kind == AnswerKind.FEEDBACK, Answer.feedback_kind == FeedbackKind.COMPLAINT)
    )
    tickets = select(Ticket.customer_id).where(Ticket.campaign_id.is_(None))
    if previous is not None:
        feedback = feedback.where(Answer.answered_at >= previous.opens_at)
        tickets = tickets.where(Ticket.created_at >= previous.opens_at)
    return set(await session.scalars(feedback)) | set(await session.scalars(tickets))


async def sampling_frames(
    session: AsyncSession, campaign: Campaign
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(customers, respondents) as ``scoring.sampling`` reads them; forgotten people and the
    placeholder customer of strangers' feedback left out."""
    complained = await complained_customers(session, campaign)
    customer_rows = await session.execute(
        select(
            Customer.id,
            Customer.external_id,
            Customer.name,
            Customer.customer_class,
            Customer.business_unit,
            Customer.product_line,
            Customer.annual_revenue,
        )
        .where(Customer.external_id != UNKNOWN_CUSTOMER)  # strangers' feedback: no one to ask
        .order_by(Customer.external_id)
    )
    customers = pd.DataFrame(
        [(*row, row[0] in complained) for row in customer_rows.all()], columns=CUSTOMER_COLUMNS
    )
    customers["annual_revenue"] = customers["annual_revenue"].astype(float)
    customers["complained"] = customers["complained"].astype(bool)
    respondent_rows = await session.execute(
        select(
            Respondent.id,
            Respondent.external_id,
            Respondent.customer_id,
            Respondent.name,
            Respondent.role,
            Respondent.language,
        )
        .where(Respondent.forgotten_at.is_(None))
        .order_by(Respondent.external_id)
    )
    respondents = pd.DataFrame(
        [tuple(row) for row in respondent_rows.all()], columns=RESPONDENT_COLUMNS
    )
    return customers, respondents


async def plan_locked(session: AsyncSession, campaign: Campaign) -> str | None:
    """Why the campaign's plan can no longer change, or None while it still can."""
    if campaign.status == CampaignStatus.CLOSED:
        return f"campaign {campaign.key!r} is closed"
    ids = select(Invitation.id).where(Invitation.campaign_id == campaign.id)
    sent = await session.scalar(
        ids.where(
            (Invitation.state != InvitationState.CREATED) | Invitation.sent_at.is_not(None)
        ).limit(1)
    )
    # a queued invitation message counts as sent: the sender may deliver it at any moment
    queued = await session.scalar(
        select(OutboundMessage.id).where(OutboundMessage.invitation_id.in_(ids)).limit(1)
    )
    if sent is not None or queued is not None:
        return (
            f"campaign {campaign.key!r} has sent invitations already; "
            "its sample can only change before the first invitation goes out"
        )
    return None


async def store_plan(
    session: AsyncSession,
    campaign: Campaign,
    *,
    plan: dict[str, Any],
    seed: int,
    respondent_ids: Collection[int],
    callback_ids: Collection[int],
    now: datetime,
) -> PlanChange:
    """Store the plan and make the invitations match it: one per selected respondent.

    Invitations not yet sent of respondents no longer selected are removed; raises ValueError
    once an invitation has gone out.
    """
    # lock the campaign row so that two planners cannot interleave (PostgreSQL; SQLite's
    # writer lock already serialises them)
    await session.execute(select(Campaign.id).where(Campaign.id == campaign.id).with_for_update())
    why = await plan_locked(session, campaign)
    if why is not None:
        raise ValueError(why)
    wanted = set(respondent_ids)
    existing = list(
        await session.scalars(select(Invitation).where(Invitation.campaign_id == campaign.id))
    )
    dropped = [inv for inv in existing if inv.respondent_id not in wanted]
    for invitation in dropped:
        await session.delete(invitation)
    await session.flush()
    respondents = [
        r
        for r in await session.scalars(select(Respondent).order_by(Respondent.external_id))
        if r.id in wanted
    ]
    if len(respondents) != len(wanted):
        raise ValueError("the plan names respondents that do not exist any more; plan again")
    await invite(session, campaign, respondents, callback_checks=set(callback_ids))
    campaign.plan = plan
    campaign.sample_seed = seed
    campaign.planned_at = now
    await session.flush()
    kept = len(existing) - len(dropped)
    return PlanChange(created=len(respondents) - kept, kept=kept, removed=len(dropped))
