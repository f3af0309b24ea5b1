"""Read-only answer queries for the admin API: a campaign's answers, page by page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.frames import SCORED_KINDS
from storage.models import Answer, Customer, Respondent
from storage.pages import page_of


async def answers_page(
    session: AsyncSession,
    *,
    campaign_id: int,
    kind: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[tuple[Answer, Respondent, Customer]], int]:
    """One page of a campaign's answers (of one ``kind`` if given) in the order given, each
    with its respondent and customer, and the total count. Void follow-ups (a 1–2 changed to
    3+) are left out, as in the exports and the report."""
    query = (
        select(Answer, Respondent, Customer)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(
            Answer.campaign_id == campaign_id,
            Answer.kind.in_([kind] if kind else SCORED_KINDS),
            Answer.void.is_(False),
        )
        .order_by(Answer.id)
    )
    rows, count = await page_of(session, query, limit=limit, offset=offset)
    return [(answer, respondent, customer) for answer, respondent, customer in rows], count
