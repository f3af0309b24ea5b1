"""Customers and respondents: idempotent bulk upserts keyed on external id.

Lookups and writes go in chunks of ``CHUNK`` rows, so an import of any size stays far below
asyncpg's 32,767 bind parameters a statement, and rows are written with one executemany
INSERT or UPDATE per chunk instead of one ORM object each.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, TypeVar

from sqlalchemy import ColumnElement, Row, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Respondent
from survey.errors import ImportRowError
from survey.import_files import ImportResult
from survey.records import CustomerRecord, RespondentRecord, drop_repeats

CHUNK: Final = 2_000  # rows a statement: x 8 columns, well under 32,767 parameters
# After this many new rows PostgreSQL's statistics are refreshed: a lookup planned while the
# table was small (a sequential scan) would otherwise stay cached on the connection and
# compare every row against a 2,000-key list on the next import (40 s instead of 2 s).
ANALYZE_AFTER: Final = 1_000
CUSTOMER_COLUMNS: Final = tuple(CustomerRecord.model_fields)
RESPONDENT_COLUMNS: Final = tuple(RespondentRecord.model_fields)
T = TypeVar("T")


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


async def _stored(
    session: AsyncSession,
    model: type[Customer] | type[Respondent],
    keys: Sequence[str],
    columns: Sequence[str] = ("external_id",),
) -> dict[str, Row[Any]]:
    """Stored rows of ``model`` by external id, for the given ones: ``id``, then ``columns``
    (which name ``external_id``)."""
    found: dict[str, Row[Any]] = {}
    selected = [model.id, *(getattr(model, name) for name in columns)]
    for chunk in _chunks(keys):
        query = select(*selected).where(model.external_id.in_(chunk))
        for row in await session.execute(query):
            found[row.external_id] = row
    return found


async def _write(
    session: AsyncSession,
    model: type[Customer] | type[Respondent],
    result: ImportResult,
    rows: list[dict[str, Any]],
    stored: dict[str, Row[Any]],
    columns: Sequence[str],
) -> None:
    """Insert the new rows, update the changed ones by id, and count the three kinds."""
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for values in rows:
        before = stored.get(values["external_id"])
        if before is None:
            new.append(values)
        elif tuple(before)[1:] != tuple(values[name] for name in columns):
            changed.append(values | {"id": before.id})
    for chunk in _chunks(new):
        await session.execute(insert(model), list(chunk))
    for chunk in _chunks(changed):
        await session.execute(update(model), list(chunk))
    connection = await session.connection()
    if len(new) >= ANALYZE_AFTER and connection.dialect.name == "postgresql":
        await connection.execute(text(f"ANALYZE {model.__tablename__}"))
    result.created += len(new)
    result.updated += len(changed)
    result.unchanged += len(rows) - len(new) - len(changed)


async def upsert_customers(
    session: AsyncSession, records: list[tuple[int, CustomerRecord]]
) -> ImportResult:
    """Create or update customers by external id; a repeated external id rejects the row."""
    kept, repeats = drop_repeats(records)
    result = ImportResult(errors=repeats)
    ids = [r.external_id for _, r in kept]
    stored = await _stored(session, Customer, ids, CUSTOMER_COLUMNS)
    rows = [r.model_dump(exclude={"weight"}) | {"weight": r.effective_weight()} for _, r in kept]
    await _write(session, Customer, result, rows, stored, CUSTOMER_COLUMNS)
    return result


async def upsert_respondents(
    session: AsyncSession, records: list[tuple[int, RespondentRecord]]
) -> ImportResult:
    """Create or update respondents by external id. A row is rejected if its customer is
    unknown or its Telegram id stays another respondent's; an empty Telegram id or e-mail
    address keeps the stored one."""
    kept, repeats = drop_repeats(records)
    result = ImportResult(errors=repeats)
    customers = await _stored(session, Customer, list({r.customer_id for _, r in kept}))
    known: list[tuple[int, RespondentRecord]] = []
    for line, record in kept:
        if record.customer_id in customers:
            known.append((line, record))
        else:
            problem = f"unknown customer {record.customer_id!r}"
            result.errors.append(ImportRowError(line, "customer_id", problem))
    ids = [r.external_id for _, r in known]
    stored = await _stored(session, Respondent, ids, RESPONDENT_COLUMNS)
    accepted = await _without_taken_telegram_ids(session, known, result.errors)
    rows = []
    for _, record in accepted:
        values = record.model_dump()
        values["customer_id"] = customers[record.customer_id].id
        for kept_field in ("telegram_user_id", "email"):  # learned or given once, kept
            if values[kept_field] is None and record.external_id in stored:
                values[kept_field] = getattr(stored[record.external_id], kept_field)
        rows.append(values)
    await _write(session, Respondent, result, rows, stored, RESPONDENT_COLUMNS)
    return result


async def _without_taken_telegram_ids(
    session: AsyncSession,
    records: list[tuple[int, RespondentRecord]],
    errors: list[ImportRowError],
) -> list[tuple[int, RespondentRecord]]:
    """The records whose Telegram id no other respondent keeps after the import.

    A stored respondent gives its id up only if this import gives it another one; rejecting
    a row can make another row's id taken in turn, hence the loop.
    """
    wanted = [r.telegram_user_id for _, r in records if r.telegram_user_id is not None]
    holders: dict[int, list[str]] = {}
    for chunk in _chunks(wanted):
        condition: ColumnElement[bool] = Respondent.telegram_user_id.in_(chunk)
        for external_id, telegram_id in await session.execute(
            select(Respondent.external_id, Respondent.telegram_user_id).where(condition)
        ):
            holders.setdefault(telegram_id, []).append(external_id)
    accepted = {r.external_id: (line, r) for line, r in records}
    while True:
        taken = [
            (external_id, holder)
            for external_id, (_, record) in accepted.items()
            if record.telegram_user_id is not None
            for holder in holders.get(record.telegram_user_id, [])
            if holder != external_id and _keeps(holder, record.telegram_user_id, accepted)
        ]
        if not taken:
            break
        for external_id, holder in dict(taken).items():
            line, record = accepted.pop(external_id)
            problem = f"{record.telegram_user_id} belongs to respondent {holder!r} already"
            errors.append(ImportRowError(line, "telegram_user_id", problem))
    return list(accepted.values())


def _keeps(
    holder: str, telegram_id: int, accepted: dict[str, tuple[int, RespondentRecord]]
) -> bool:
    """Whether the stored holder of ``telegram_id`` still has it after the import."""
    if holder not in accepted:
        return True
    return accepted[holder][1].telegram_user_id in (None, telegram_id)
