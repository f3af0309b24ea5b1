"""Sending a campaign's invitations and listing the ones to chase by hand (SPEC §5).

The admin API invites planned respondents by external id; ``csat campaign invite`` invites by
customer and prints every respondent's link. Both send through ``storage.reminders`` (in chat
where the Telegram id is known, by e-mail to an address when e-mail is on, else a link for the
account owner) and send nothing twice. ``invitation_list`` pages through every invitation with
its token, so each respondent's links can be handed out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from storage.campaigns import campaign_is_open, invite
from storage.chasing import Chase, chase_query, to_chase
from storage.invitation_lists import InvitationEntry, invitations_query, to_entry
from storage.invitees import customers_respondents, invitation_tokens, respondent_ids
from storage.models import Campaign
from storage.pages import page_of
from storage.reminders import InvitationBatch, ReminderPolicy, send_invitations
from survey.errors import CampaignIsClosed


@dataclass(frozen=True)
class CustomerInvitations:
    """What inviting by customer did, and every invited respondent's token (sent or not)."""

    batch: InvitationBatch
    tokens: list[tuple[str, str]]  # (respondent external id, token), in respondent order


async def _open(session: AsyncSession, ref: CampaignRef, now: datetime) -> Campaign:
    campaign = await campaign_of(session, ref)
    if not campaign_is_open(campaign, now):
        raise CampaignIsClosed(campaign.key)
    return campaign


async def invite_planned(
    session: AsyncSession,
    ref: CampaignRef,
    *,
    now: datetime,
    policy: ReminderPolicy,
    respondents: Collection[str] | None = None,
) -> InvitationBatch:
    """Send the planned invitations not sent yet: all, or those of ``respondents`` (external
    ids; ``UnknownRespondent`` names any that do not exist)."""
    campaign = await _open(session, ref, now)
    ids = await respondent_ids(session, respondents) if respondents is not None else None
    return await send_invitations(session, campaign, now=now, policy=policy, respondent_ids=ids)


async def invite_customers(
    session: AsyncSession,
    ref: CampaignRef,
    *,
    now: datetime,
    policy: ReminderPolicy,
    customers: Collection[str] | None = None,
) -> CustomerInvitations:
    """Invite the respondents of ``customers`` (external ids; default every customer): a
    planned campaign its sample among them, an unplanned one all of them."""
    campaign = await _open(session, ref, now)
    people = await customers_respondents(session, customers)
    if campaign.planned_at is None:
        await invite(session, campaign, people)
    wanted = sorted(r.id for r in people)
    batch = await send_invitations(session, campaign, now=now, policy=policy, respondent_ids=wanted)
    return CustomerInvitations(batch, await invitation_tokens(session, campaign.id, wanted))


async def chase(
    session: AsyncSession,
    ref: CampaignRef,
    *,
    now: datetime,
    policy: ReminderPolicy,
    owner: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[Chase], int]:
    """The campaign's chase list by account owner (a page of it with ``limit``), and the
    length of the whole list."""
    campaign = await campaign_of(session, ref)
    query = chase_query(campaign.id, now=now, policy=policy, owner=owner)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(limit).offset(offset))
    return [to_chase(*row, now=now, policy=policy) for row in rows.tuples()], int(total or 0)


async def invitation_list(
    session: AsyncSession,
    ref: CampaignRef,
    *,
    policy: ReminderPolicy,
    owner: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[InvitationEntry], int]:
    """A page of the campaign's invitations by account owner, and how many there are in all."""
    campaign = await campaign_of(session, ref)
    query = invitations_query(campaign.id, owner=owner)
    rows, total = await page_of(session, query, limit=limit, offset=offset)
    return [to_entry(*row, policy=policy) for row in rows], total
