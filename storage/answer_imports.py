"""Imported answers stored in bulk, with the customers, respondents and invitations they need.

Known customers and respondents are left as stored (their master data is the people imports'
job); unknown ones are created from the first line naming them, through storage/people.py's
upserts. Each respondent gets one completed invitation in the campaign. New answers are
written in file order, ``CHUNK`` rows a statement; a changed value goes through
``put_answer``, which keeps the audit trail. Nothing here opens a ticket or queues a message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.answers import put_answer
from storage.campaigns import new_token
from storage.models import Answer, Campaign, Customer, Invitation, Respondent
from storage.people import (
    ANALYZE_AFTER,
    CHUNK,
    ImportResult,
    upsert_customers,
    upsert_respondents,
)
from survey.errors import ImportRowError
from survey.records import AnswerRecord, CustomerRecord, RespondentRecord
from survey.vocabulary import AnswerKind, FollowUpStage, InvitationState

Lines = list[tuple[int, AnswerRecord]]
T = TypeVar("T")


@dataclass
class AnswerImportResult(ImportResult):
    """An answers import: answers created, updated and unchanged, the bad lines, and the
    customers, respondents and invitations it had to create."""

    customers_created: int = 0
    respondents_created: int = 0
    invitations_created: int = 0


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _by(lines: Lines, key: str) -> dict[str, Lines]:
    """The lines grouped by one of their fields, groups in order of first appearance."""
    groups: dict[str, Lines] = {}
    for line, record in lines:
        groups.setdefault(getattr(record, key), []).append((line, record))
    return groups


async def store_answers(
    session: AsyncSession, campaign: Campaign, lines: Lines, *, now: datetime
) -> AnswerImportResult:
    """Store the lines' answers in ``campaign``; a line whose customer or respondent cannot
    be created or does not match the stored one is an error, the others are kept."""
    result = AnswerImportResult()
    customers = await _customers(session, lines, result)
    lines = [(n, r) for n, r in lines if r.customer_id in customers]
    respondents = await _respondents(session, lines, customers, result)
    rejected = {error.line for error in result.errors}
    lines = [(n, r) for n, r in lines if r.respondent_id in respondents and n not in rejected]
    invitations = await _invitations(session, campaign, lines, respondents, result, now)
    await _answers(session, campaign, lines, respondents, invitations, result, now)
    return result


async def _customers(
    session: AsyncSession, lines: Lines, result: AnswerImportResult
) -> dict[str, int]:
    """Database ids of the lines' customers by external id, the unknown ones created."""
    groups = _by(lines, "customer_id")
    known = await _ids(session, Customer, list(groups))
    new: list[tuple[int, CustomerRecord]] = []
    for external_id, group in groups.items():
        if external_id in known:
            continue
        named = next(((n, r) for n, r in group if r.customer_name is not None), None)
        if named is None:
            problem = f"customer {external_id!r} is not known; a name is needed to create it"
            result.errors.extend(ImportRowError(n, "customer_name", problem) for n, _ in group)
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
    result.customers_created = created.created
    return known | await _ids(session, Customer, [r.external_id for _, r in new])


async def _ids(
    session: AsyncSession, model: type[Customer] | type[Respondent], keys: list[str]
) -> dict[str, int]:
    """Database ids by external id of the stored ones among ``keys``."""
    found: dict[str, int] = {}
    for chunk in _chunks(keys):
        query = select(model.external_id, model.id).where(model.external_id.in_(chunk))
        found.update({external_id: id_ for external_id, id_ in await session.execute(query)})
    return found


async def _respondents(
    session: AsyncSession, lines: Lines, customers: dict[str, int], result: AnswerImportResult
) -> dict[str, int]:
    """Database ids of the lines' respondents by external id, the unknown ones created; a
    line that puts a respondent under another customer than theirs is an error."""
    groups = _by(lines, "respondent_id")
    stored: dict[str, tuple[int, str]] = {}  # external id -> (id, customer's external id)
    for chunk in _chunks(list(groups)):
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
                result.errors.append(ImportRowError(n, "customer_id", problem))
        if external_id not in stored:
            values = {
                "external_id": external_id,
                "customer_id": customer,
                "role": first.role,
                "language": first.language,
            }
            new.append((line, RespondentRecord.model_validate(values)))
    created = await upsert_respondents(session, new)
    result.respondents_created = created.created
    result.errors.extend(created.errors)
    ids = {rid: id_ for rid, (id_, _) in stored.items()}
    ids |= await _ids(session, Respondent, [r.external_id for _, r in new])
    return {rid: ids[rid] for rid in groups if rid in ids}


async def _invitations(
    session: AsyncSession,
    campaign: Campaign,
    lines: Lines,
    respondents: dict[str, int],
    result: AnswerImportResult,
    now: datetime,
) -> dict[int, Invitation]:
    """The campaign's invitation of each respondent of the lines, by respondent id: a new
    one completed at their last answer, or theirs marked completed if it was not yet."""
    spans: dict[int, tuple[datetime, datetime]] = {}
    for _, record in lines:
        rid = respondents[record.respondent_id]
        first, last = spans.get(rid, (record.answered_at, record.answered_at))
        spans[rid] = (min(first, record.answered_at), max(last, record.answered_at))
    existing = await _campaign_invitations(session, campaign, list(spans))
    new: list[dict[str, Any]] = []
    for rid, (first, last) in spans.items():
        invitation = existing.get(rid)
        if invitation is None:
            new.append(
                {
                    "campaign_id": campaign.id,
                    "respondent_id": rid,
                    "token": new_token(),
                    "state": InvitationState.COMPLETED,
                    "created_at": now,
                    "started_at": first,
                    "completed_at": last,
                }
            )
        elif invitation.state != InvitationState.COMPLETED:
            invitation.state = InvitationState.COMPLETED
            invitation.started_at = invitation.started_at or first
            invitation.completed_at, invitation.next_reminder_at = last, None
    for rows in _chunks(new):
        await session.execute(insert(Invitation), list(rows))
    result.invitations_created = len(new)
    return existing | await _campaign_invitations(
        session, campaign, [r["respondent_id"] for r in new]
    )


async def _campaign_invitations(
    session: AsyncSession, campaign: Campaign, respondent_ids: list[int]
) -> dict[int, Invitation]:
    found: dict[int, Invitation] = {}
    for chunk in _chunks(respondent_ids):
        query = select(Invitation).where(
            Invitation.campaign_id == campaign.id, Invitation.respondent_id.in_(chunk)
        )
        found.update({i.respondent_id: i for i in await session.scalars(query)})
    return found


async def _answers(
    session: AsyncSession,
    campaign: Campaign,
    lines: Lines,
    respondents: dict[str, int],
    invitations: dict[int, Invitation],
    result: AnswerImportResult,
    now: datetime,
) -> None:
    """Create the new answers in file order; update the changed ones (audit trail kept)."""
    stored: dict[tuple[int, str, str], Answer] = {}
    for chunk in _chunks([i.id for i in invitations.values()]):
        for row in await session.scalars(select(Answer).where(Answer.invitation_id.in_(chunk))):
            stored[(row.invitation_id or 0, row.question, row.kind)] = row
    new: list[dict[str, Any]] = []
    done = FollowUpStage.DONE  # an imported follow-up is finished: nobody is answering it
    for _, record in lines:
        invitation = invitations[respondents[record.respondent_id]]
        answer = stored.get((invitation.id, record.question, str(record.kind)))
        value = (record.level, record.na, record.text)
        if answer is None:
            new.append(
                {
                    "invitation_id": invitation.id,
                    "campaign_id": campaign.id,
                    "respondent_id": invitation.respondent_id,
                    "question": record.question,
                    "kind": record.kind,
                    "level": record.level,
                    "na": record.na,
                    "text": record.text,
                    "causes": [],
                    "follow_up_stage": done if record.kind == AnswerKind.FOLLOW_UP else None,
                    "channel": record.channel,
                    "answered_at": record.answered_at,
                }
            )
        elif (answer.level, answer.na, answer.text) == value and not answer.void:
            result.unchanged += 1
        else:
            level, na, text_ = value
            await put_answer(
                session,
                invitation,
                [answer],
                question=record.question,
                kind=str(record.kind),
                level=level,
                na=na,
                text=text_,
                now=now,
            )
            answer.answered_at, answer.channel = record.answered_at, record.channel
            if answer.void:  # the file has this follow-up: it counts again
                answer.void, answer.follow_up_stage = False, FollowUpStage.DONE
            result.updated += 1
    for rows in _chunks(new):
        await session.execute(insert(Answer), list(rows))
    connection = await session.connection()
    if len(new) >= ANALYZE_AFTER and connection.dialect.name == "postgresql":
        await connection.execute(text(f"ANALYZE {Answer.__tablename__}"))
    result.created = len(new)
