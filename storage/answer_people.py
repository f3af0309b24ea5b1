"""The customers and respondents of imported answers: the stored ones looked up, the unknown
ones created from the first line naming them through storage/people.py's upserts.

Known people are left as stored: their master data is the people imports' job, and last year's
file must not undo this year's changes (a customer's class, a respondent's role).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Respondent
from storage.people import CHUNK, upsert_customers, upsert_respondents
from survey.errors import ImportRowError
from survey.records import AnswerRecord, CustomerRecord, RespondentRecord

Lines = list[tuple[int, AnswerRecord]]
T = TypeVar("T")


def chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    """``items`` in slices of ``CHUNK``: a statement's bind parameters stay bounded."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _by(lines: Lines, key: str) -> dict[str, Lines]:
    """The lines grouped by one of their fields, groups in order of first appearance."""
    groups: dict[str, Lines] = {}
    for line, record in lines:
        groups.setdefault(getattr(record, key), []).append((line, record))
    return groups


async def answer_customers(
    session: AsyncSession, lines: Lines, errors: list[ImportRowError]
) -> tuple[dict[str, int], int]:
    """Database ids of the lines' customers by external id, and how many were created."""
    groups = _by(lines, "customer_id")
    known = await _ids(session, Customer, list(groups))
    new: list[tuple[int, CustomerRecord]] = []
    for external_id, group in groups.items():
        if external_id in known:
            continue
        named = next(((n, r) for n, r in group if r.customer_name is not None), None)
        if named is None:
            problem = f"customer {external_id!r} is not known; a name is needed to create it"
            errors.extend(ImportRowError(n, "customer_name", problem) for n, _ in group)
            continue
        line, first = named
        values = {
            "external_id": external_id,
            "name": first.customer_name,
            "customer_class": first.customer_class,
            "weight": first.customer_weight,
            "business_unit": first.business_unit,
        }
        new.append((line, CustomerRecord.model_validate(values)))
    created = await upsert_customers(session, new)
    return known | await _ids(session, Customer, [r.external_id for _, r in new]), created.created


async def _ids(
    session: AsyncSession, model: type[Customer] | type[Respondent], keys: list[str]
) -> dict[str, int]:
    """Database ids by external id of the stored ones among ``keys``."""
    found: dict[str, int] = {}
    for chunk in chunks(keys):
        query = select(model.external_id, model.id).where(model.external_id.in_(chunk))
        found.update({external_id: id_ for external_id, id_ in await session.execute(query)})
    return found


async def answer_respondents(
    session: AsyncSession, lines: Lines, errors: list[ImportRowError]
) -> tuple[dict[str, int], int]:
    """Database ids of the lines' respondents by external id, and how many were created; a
    line that puts a respondent under another customer than theirs is an error."""
    groups = _by(lines, "respondent_id")
    stored: dict[str, tuple[int, str]] = {}  # external id -> (id, customer's external id)
    for chunk in chunks(list(groups)):
        query = (
            select(Respondent.external_id, Respondent.id, Customer.external_id)
            .join(Customer, Customer.id == Respondent.customer_id)
            .where(Respondent.external_id.in_(chunk))
        )
        stored.update({rid: (id_, cid) for rid, id_, cid in await session.execute(query)})
    new: list[tuple[int, RespondentRecord]] = []
    for external_id, group in groups.items():
        line, first = group[0]
        customer = stored[external_id][1] if external_id in stored else first.customer_id
        for n, record in group:
            if record.customer_id != customer:
                problem = f"respondent {external_id!r} is of customer {customer!r}"
                errors.append(ImportRowError(n, "customer_id", problem))
        if external_id not in stored:
            values = {
                "external_id": external_id,
                "customer_id": customer,
                "role": first.role,
                "language": first.language,
            }
            new.append((line, RespondentRecord.model_validate(values)))
    created = await upsert_respondents(session, new)
    errors.extend(created.errors)
    ids = {rid: id_ for rid, (id_, _) in stored.items()}
    ids |= await _ids(session, Respondent, [r.external_id for _, r in new])
    return {rid: ids[rid] for rid in groups if rid in ids}, created.created
