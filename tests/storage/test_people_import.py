"""Bulk upserts of customers and respondents: any size (past asyncpg's 32,767 bind parameters),
honest counts (created / updated / unchanged), no silent overwrite, one Telegram id a person."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Customer, Respondent
from storage.people import upsert_customers, upsert_respondents
from survey.records import CustomerRecord, RespondentRecord

MANY = 33_000  # > 32,767: one IN (...) or one multi-row INSERT of these would break asyncpg
FIRST_TELEGRAM_ID = 7_000_000_000


def many_customers() -> list[tuple[int, CustomerRecord]]:
    return [
        (n + 2, CustomerRecord(external_id=f"C{n:06d}", name=f"Customer {n}", business_unit="BU"))
        for n in range(MANY)
    ]


def many_respondents() -> list[tuple[int, RespondentRecord]]:
    return [
        (
            n + 2,
            RespondentRecord(
                external_id=f"R{n:06d}",
                customer_id=f"C{n:06d}",
                name=f"Person {n}",
                telegram_user_id=FIRST_TELEGRAM_ID + n,
            ),
        )
        for n in range(MANY)
    ]


@pytest.mark.long_running(10)
async def test_more_rows_than_bind_parameters_import_and_reimport_unchanged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    customers, respondents = many_customers(), many_respondents()
    async with sessions() as session, session.begin():
        made = await upsert_customers(session, customers)
        people = await upsert_respondents(session, respondents)
    assert (made.created, made.errors, people.created, people.errors) == (MANY, [], MANY, [])
    async with sessions() as session, session.begin():
        again = await upsert_customers(session, customers)
        people = await upsert_respondents(session, respondents)
    assert (again.created, again.updated, again.unchanged) == (0, 0, MANY)
    assert (people.created, people.updated, people.unchanged) == (0, 0, MANY)
    async with sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(Respondent))
        last = await session.scalar(
            select(Respondent.telegram_user_id).where(Respondent.external_id == f"R{MANY - 1:06d}")
        )
    assert (stored, last) == (MANY, FIRST_TELEGRAM_ID + MANY - 1)


async def test_a_repeated_id_from_a_direct_caller_is_refused_not_written_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    rows = [
        (2, CustomerRecord(external_id="C1", name="Acme")),
        (3, CustomerRecord(external_id="C1", name="Acme again")),
    ]
    async with sessions() as session, session.begin():
        result = await upsert_customers(session, rows)
    assert (result.created, [(e.line, e.field) for e in result.errors]) == (1, [(3, "external_id")])
    async with sessions() as session:
        assert list(await session.scalars(select(Customer.name))) == ["Acme"]


async def test_an_empty_telegram_id_keeps_the_stored_one_and_counts_unchanged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await upsert_customers(session, [(2, CustomerRecord(external_id="C1", name="Acme"))])
        known = RespondentRecord(external_id="R1", customer_id="C1", telegram_user_id=42)
        await upsert_respondents(session, [(2, known)])
    blank = RespondentRecord(external_id="R1", customer_id="C1")
    async with sessions() as session, session.begin():
        result = await upsert_respondents(session, [(2, blank)])
    assert (result.updated, result.unchanged) == (0, 1)
    async with sessions() as session:
        assert await session.scalar(select(Respondent.telegram_user_id)) == 42


MINIMAL = {
    CustomerRecord: {"external_id": "C1", "name": "Acme"},
    RespondentRecord: {"external_id": "R1", "customer_id": "C1"},
}


@pytest.mark.parametrize(
    ("record", "model"), [(CustomerRecord, Customer), (RespondentRecord, Respondent)]
)
def test_record_texts_are_bounded_as_their_columns(
    record: type[CustomerRecord] | type[RespondentRecord], model: type
) -> None:
    bounded = [
        (name, column.type.length)
        for name, column in model.__table__.c.items()
        if name in record.model_fields and isinstance(column.type, String)
    ]
    assert len(bounded) >= 5
    for name, length in bounded:
        with pytest.raises(ValidationError) as refused:
            record.model_validate(MINIMAL[record] | {name: "x" * (length + 1)})
        assert refused.value.errors()[0]["loc"] == (name,)
        if name == "email":  # an address's shape is checked too: one as long as the column
            address = "x" * (length - len("@example.com")) + "@example.com"
            record.model_validate(MINIMAL[record] | {name: address})
        elif name not in ("customer_class", "language", "timezone"):  # chosen from a list
            record.model_validate(MINIMAL[record] | {name: "x" * length})
