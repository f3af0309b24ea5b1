"""Imported answers stored in bulk, with the customers, respondents and invitations they need.

Unknown customers and respondents are created (storage/answer_people.py), known ones left as
stored. Each respondent gets one completed invitation in the campaign. New answers are
written in file order, ``CHUNK`` rows a statement; a changed value goes through
``put_answer``, which keeps the audit trail. Nothing here opens a ticket or queues a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.answer_people import Lines, answer_customers, answer_respondents, chunks
from storage.answers import put_answer
from storage.campaigns import new_token
from storage.models import Answer, Base, Campaign, Invitation
from storage.people import ANALYZE_AFTER
from survey.errors import ImportRowError
from survey.records import AnswerRecord
from survey.vocabulary import AnswerKind, FollowUpStage, InvitationState

ANSWERS = Base.metadata.tables[Answer.__tablename__]


@dataclass
class AnswerImportResult:
    """An answers import: answers created, updated and unchanged, the bad lines, and the
    customers, respondents and invitations it had to create."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportRowError] = field(default_factory=list)
    customers_created: int = 0
    respondents_created: int = 0
    invitations_created: int = 0

    @property
    def kept(self) -> int:
        """Answers of the file now stored as given."""
        return self.created + self.updated + self.unchanged


async def store_answers(
    session: AsyncSession, campaign: Campaign, lines: Lines, *, now: datetime
) -> AnswerImportResult:
    """Store the lines' answers in ``campaign``; a line whose customer or respondent cannot
    be created or does not match the stored one is an error, the others are kept."""
    result = AnswerImportResult()
    customers, result.customers_created = await answer_customers(session, lines, result.errors)
    lines = [(n, r) for n, r in lines if r.customer_id in customers]
    respondents, result.respondents_created = await answer_respondents(
        session, lines, result.errors
    )
    rejected = {error.line for error in result.errors}
    lines = [(n, r) for n, r in lines if r.respondent_id in respondents and n not in rejected]
    invitations = await _invitations(session, campaign, lines, respondents, result, now)
    await _answers(session, campaign, lines, respondents, invitations, result, now)
    return result


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
    for rows in chunks(new):
        await session.execute(insert(Invitation), list(rows))
    result.invitations_created = len(new)
    return existing | await _campaign_invitations(
        session, campaign, [r["respondent_id"] for r in new]
    )


async def _campaign_invitations(
    session: AsyncSession, campaign: Campaign, respondent_ids: list[int]
) -> dict[int, Invitation]:
    found: dict[int, Invitation] = {}
    for chunk in chunks(respondent_ids):
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
    # Stored values as plain rows: an import again compares every line, and building an ORM
    # object per stored answer would cost more than the comparison.
    values = (Answer.id, Answer.invitation_id, Answer.question, Answer.kind, Answer.level)
    stored: dict[tuple[int | None, str, str], Row[Any]] = {}
    for chunk in chunks([i.id for i in invitations.values()]):
        query = select(*values, Answer.na, Answer.text, Answer.void)
        for row in await session.execute(query.where(Answer.invitation_id.in_(chunk))):
            stored[(row.invitation_id, row.question, row.kind)] = row
    new: list[dict[str, Any]] = []
    changed: dict[int, tuple[AnswerRecord, Invitation]] = {}
    done = FollowUpStage.DONE  # an imported follow-up is finished: nobody is answering it
    for _, record in lines:
        invitation = invitations[respondents[record.respondent_id]]
        before = stored.get((invitation.id, record.question, str(record.kind)))
        if before is None:
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
        elif (before.level, before.na, before.text, before.void) == (*_value(record), False):
            result.unchanged += 1
        else:
            changed[before.id] = (record, invitation)
    for rows in chunks(new):  # Core executemany: the ORM's bulk path costs more than SQLite
        await session.execute(insert(ANSWERS), list(rows))
    connection = await session.connection()
    if len(new) >= ANALYZE_AFTER and connection.dialect.name == "postgresql":
        await connection.execute(text(f"ANALYZE {Answer.__tablename__}"))
    await _update(session, changed, now)
    result.created, result.updated = len(new), len(changed)


def _value(record: AnswerRecord) -> tuple[int | None, bool, str | None]:
    """What an import compares and changes: a different ``answered_at`` alone is no change."""
    return record.level, record.na, record.text


async def _update(
    session: AsyncSession, changed: dict[int, tuple[AnswerRecord, Invitation]], now: datetime
) -> None:
    """Give the stored answers (by id) the lines' values through put_answer, which keeps the
    old value in the audit trail, and the lines' time and channel."""
    for chunk in chunks(list(changed)):
        for answer in await session.scalars(select(Answer).where(Answer.id.in_(chunk))):
            record, invitation = changed[answer.id]
            level, na, text_ = _value(record)
            await put_answer(
                session,
                invitation,
                [answer],
                question=answer.question,
                kind=answer.kind,
                level=level,
                na=na,
                text=text_,
                now=now,
            )
            answer.answered_at, answer.channel = record.answered_at, record.channel
            if answer.void:  # the file has this follow-up: it counts again
                answer.void, answer.follow_up_stage = False, FollowUpStage.DONE
