"""Read-only customer and respondent queries: filtered pages, by external id."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Respondent
from storage.pages import page_of
from storage.strangers import UNKNOWN_CUSTOMER


async def customers_page(
    session: AsyncSession,
    *,
    business_unit: str | None = None,
    customer_class: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[Customer], int]:
    """One page of customers by external id, of one business unit and/or class if given, and
    the total count."""
    # The placeholder under which strangers' feedback is kept is no customer of ours.
    query = (
        select(Customer)
        .where(Customer.external_id != UNKNOWN_CUSTOMER)
        .order_by(Customer.external_id)
    )
    if business_unit is not None:
        query = query.where(Customer.business_unit == business_unit)
    if customer_class is not None:
        query = query.where(Customer.customer_class == customer_class)
    rows, count = await page_of(session, query, limit=limit, offset=offset)
    return [customer for (customer,) in rows], count


async def respondents_page(
    session: AsyncSession,
    *,
    customer: str | None = None,
    business_unit: str | None = None,
    role: str | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[list[tuple[Respondent, str]], int]:
    """One page of respondents by external id, each with its customer's external id, of one
    customer (external id), business unit or role if given, and the total count."""
    query = (
        select(Respondent, Customer.external_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .order_by(Respondent.external_id)
    )
    if customer is not None:
        query = query.where(Customer.external_id == customer)
    if business_unit is not None:
        query = query.where(Customer.business_unit == business_unit)
    if role is not None:
        query = query.where(Respondent.role == role)
    rows, count = await page_of(session, query, limit=limit, offset=offset)
    return [(respondent, external_id) for respondent, external_id in rows], count
