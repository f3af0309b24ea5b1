"""Read queries for exports: a campaign's corrective-action tickets as one flat table."""

from __future__ import annotations

from typing import Final

import pandas as pd
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Campaign, Customer, Respondent, Ticket

TICKET_COLUMNS: Final = (
    "id", "campaign", "customer_id", "customer_name", "customer_class", "respondent_id",
    "role", "question", "score", "causes", "comment", "severity", "kind", "department",
    "owner", "status", "plan", "plan_due_at", "due_at", "created_at", "acknowledged_at",
    "closed_at", "callback_report",
)  # fmt: skip
_TIMES: Final = ("plan_due_at", "due_at", "created_at", "acknowledged_at", "closed_at")


async def tickets_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per ticket of the campaign, oldest first (columns ``TICKET_COLUMNS``).

    ``causes`` is the list of chosen attribute keys; times are aware UTC timestamps.
    """
    rows = await session.execute(
        select(
            Ticket.id,
            Campaign.key.label("campaign"),
            Customer.external_id.label("customer_id"),
            Customer.name.label("customer_name"),
            Customer.customer_class,
            Respondent.external_id.label("respondent_id"),
            Respondent.role,
            Ticket.question,
            Ticket.score,
            Ticket.causes,
            Ticket.comment,
            Ticket.severity,
            Ticket.kind,
            Ticket.department,
            Ticket.owner,
            Ticket.status,
            Ticket.plan,
            Ticket.plan_due_at,
            Ticket.due_at,
            Ticket.created_at,
            Ticket.acknowledged_at,
            Ticket.closed_at,
            Ticket.callback_report,
        )
        .join(Campaign, Campaign.id == Ticket.campaign_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Respondent, Respondent.id == Ticket.respondent_id)
        .where(Ticket.campaign_id == campaign_id)
        .order_by(Ticket.id)
    )
    frame = pd.DataFrame.from_records([tuple(r) for r in rows.all()], columns=list(TICKET_COLUMNS))
    frame["score"] = frame["score"].astype("Int64")
    frame["severity"] = frame["severity"].astype(float)
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame
