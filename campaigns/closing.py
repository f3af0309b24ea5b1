"""Closing a campaign: expire what is unfinished, split its tickets 20/80, stop taking answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from scoring.jsonable import to_jsonable
from scoring.tickets import INTERNAL_MEMO, LOW_COLUMNS, OPINION_TICKET, split_tickets
from storage.campaigns import expire_invitations, mark_closed, response_counts
from storage.models import Answer, Campaign, Customer, Ticket
from storage.tickets import set_ticket_kinds
from survey.schema import LOW_LEVELS
from survey.vocabulary import AnswerKind, CampaignStatus

CLASSIFY_ACTOR = "system:20/80"


@dataclass(frozen=True, slots=True)
class CloseSummary:
    """What closing did; closing again changes nothing and reports the same state."""

    campaign: str
    closed_at: datetime
    already_closed: bool
    expired_invitations: int
    opinion_tickets: int
    internal_memos: int
    reclassified_tickets: int
    invitations: dict[str, int]  # invitations per state after closing

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = to_jsonable(self)
        return result


async def _low_tickets(session: AsyncSession, campaign: Campaign) -> pd.DataFrame:
    """The campaign's tickets whose answer is still a 1–2, as ``split_tickets`` reads them.

    A ticket whose score the respondent raised to 3+ was withdrawn and is left out; the answer's
    current level and time decide, in ticket order so equal times keep their opening order.
    """
    rows = await session.execute(
        select(
            Ticket.id,
            Ticket.question,
            Ticket.respondent_id,
            Ticket.customer_id,
            Answer.level,
            Customer.weight,
            Answer.answered_at,
        )
        .join(Answer, Answer.id == Ticket.answer_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Ticket.campaign_id == campaign.id,
            Answer.kind == AnswerKind.LIKERT,
            Answer.na.is_(False),
            Answer.level.in_(sorted(LOW_LEVELS)),
        )
        .order_by(Ticket.id)
    )
    columns = ["ticket_id", "question", "respondent_id", "customer_id", "level"]
    return pd.DataFrame(
        [tuple(row) for row in rows.all()], columns=[*columns, "customer_weight", "answered_at"]
    )


async def classify_tickets(session: AsyncSession, ref: CampaignRef) -> tuple[int, int]:
    """Apply the 20/80 split of SPEC §4.7 to the campaign's tickets: (opinion, memos)."""
    tickets, _ = await _classify(session, await campaign_of(session, ref))
    opinion = sum(kind == OPINION_TICKET for kind in tickets.values())
    return opinion, len(tickets) - opinion


async def _unranked(session: AsyncSession, campaign: Campaign, ranked: dict[int, str]) -> list[int]:
    """The campaign's tickets the split does not rank (their score was raised to 3+ since):
    they are memos, so that no ticket is left without a kind."""
    ids = await session.scalars(select(Ticket.id).where(Ticket.campaign_id == campaign.id))
    return [ticket_id for ticket_id in ids if ticket_id not in ranked]


async def _classify(session: AsyncSession, campaign: Campaign) -> tuple[dict[int, str], int]:
    low = await _low_tickets(session, campaign)
    if low.empty:
        memos = dict.fromkeys(await _unranked(session, campaign, {}), INTERNAL_MEMO)
        return {}, await set_ticket_kinds(session, memos, actor=CLASSIFY_ACTOR)
    split = split_tickets(low[list(LOW_COLUMNS)])
    # one ticket per (question, respondent) in a campaign: a ticket belongs to one answer, and
    # a respondent answers each question once per campaign
    ticket_ids = low.set_index(["question", "respondent_id"])["ticket_id"]
    kinds = {
        int(ticket_ids.loc[(question, respondent)]): str(kind)
        for question, respondent, kind in split[["question", "respondent_id", "kind"]].itertuples(
            index=False
        )
    }
    memos = dict.fromkeys(await _unranked(session, campaign, kinds), INTERNAL_MEMO)
    changed = await set_ticket_kinds(session, kinds | memos, actor=CLASSIFY_ACTOR)
    return kinds, changed


async def close_campaign(session: AsyncSession, ref: CampaignRef, *, now: datetime) -> CloseSummary:
    """Expire unfinished invitations, classify the tickets and close; safe to repeat."""
    campaign = await campaign_of(session, ref)
    already_closed = campaign.status == CampaignStatus.CLOSED
    expired = await expire_invitations(session, campaign.id, now=now)
    kinds, changed = await _classify(session, campaign)
    await mark_closed(session, campaign, now=now)
    opinion = sum(kind == OPINION_TICKET for kind in kinds.values())
    assert campaign.closed_at is not None  # mark_closed set it
    return CloseSummary(
        campaign=campaign.key,
        closed_at=campaign.closed_at,
        already_closed=already_closed,
        expired_invitations=expired,
        opinion_tickets=opinion,
        internal_memos=len(kinds) - opinion,
        reclassified_tickets=changed,
        invitations=await response_counts(session, campaign.id),
    )
