"""Whom a campaign's invitations go to: respondents named by external id or by customer, and
the deep-link token each one holds."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Invitation, Respondent
from survey.errors import UnknownRespondent


async def respondent_ids(session: AsyncSession, external_ids: Collection[str]) -> list[int]:
    """The ids of these respondents; ``UnknownRespondent`` names the external ids not found."""
    rows = await session.execute(
        select(Respondent.external_id, Respondent.id).where(
            Respondent.external_id.in_(external_ids)
        )
    )
    found = dict(rows.tuples().all())
    unknown = sorted(set(external_ids) - set(found))
    if unknown:
        raise UnknownRespondent(unknown)
    return list(found.values())


async def customers_respondents(
    session: AsyncSession, customers: Collection[str] | None = None
) -> list[Respondent]:
    """Respondents not forgotten, of these customers (external ids) or of all, in id order."""
    query = select(Respondent).where(Respondent.forgotten_at.is_(None))
    if customers:
        query = query.join(Customer).where(Customer.external_id.in_(customers))
    return list(await session.scalars(query.order_by(Respondent.id)))


async def invitation_tokens(
    session: AsyncSession, campaign_id: int, respondent_ids: Collection[int]
) -> list[tuple[str, str]]:
    """(respondent external id, token) of these respondents' invitations, in respondent order."""
    rows = await session.execute(
        select(Respondent.external_id, Invitation.token)
        .join(Invitation, Invitation.respondent_id == Respondent.id)
        .where(Invitation.campaign_id == campaign_id, Respondent.id.in_(respondent_ids))
        .order_by(Respondent.id)
    )
    return list(rows.tuples().all())
