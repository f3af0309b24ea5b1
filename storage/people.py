"""Customers and respondents: idempotent upserts keyed on external id."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Respondent
from survey.errors import ImportRowError
from survey.records import CustomerRecord, RespondentRecord


@dataclass
class ImportResult:
    """What an import did: rows created, updated, and the bad ones with their line."""

    created: int = 0
    updated: int = 0
    errors: list[ImportRowError] = field(default_factory=list)


async def upsert_customers(
    session: AsyncSession, records: list[tuple[int, CustomerRecord]]
) -> ImportResult:
    """Create or update customers by external id."""
    result = ImportResult()
    ids = [r.external_id for _, r in records]
    existing = {
        c.external_id: c
        for c in await session.scalars(select(Customer).where(Customer.external_id.in_(ids)))
    }
    for _, record in records:
        values = record.model_dump(exclude={"weight"}) | {"weight": record.effective_weight()}
        customer = existing.get(record.external_id)
        if customer is None:
            customer = Customer(**values)
            session.add(customer)
            existing[record.external_id] = customer
            result.created += 1
        else:
            for key, value in values.items():
                setattr(customer, key, value)
            result.updated += 1
    await session.flush()
    return result


async def upsert_respondents(
    session: AsyncSession, records: list[tuple[int, RespondentRecord]]
) -> ImportResult:
    """Create or update respondents by external id; an unknown customer rejects the row."""
    result = ImportResult()
    customer_ids = {r.customer_id for _, r in records}
    customers = {
        c.external_id: c.id
        for c in await session.scalars(
            select(Customer).where(Customer.external_id.in_(customer_ids))
        )
    }
    existing = {
        r.external_id: r
        for r in await session.scalars(
            select(Respondent).where(
                Respondent.external_id.in_([r.external_id for _, r in records])
            )
        )
    }
    for line, record in records:
        customer_id = customers.get(record.customer_id)
        if customer_id is None:
            result.errors.append(
                ImportRowError(line, "customer_id", f"unknown customer {record.customer_id!r}")
            )
            continue
        values = record.model_dump(exclude={"customer_id"}) | {"customer_id": customer_id}
        respondent = existing.get(record.external_id)
        if respondent is None:
            respondent = Respondent(**values)
            session.add(respondent)
            existing[record.external_id] = respondent
            result.created += 1
        else:
            for key, value in values.items():
                if value is not None or key != "telegram_user_id":
                    setattr(respondent, key, value)
            result.updated += 1
    await session.flush()
    return result
