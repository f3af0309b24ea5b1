"""The drill-down's reads: a campaign's 1–2 answers to some questions, with what the respondent
said happened (their ticket's causes and text) and their closing comment; and one customer's
respondents' answers. Void answers (a 1–2 raised to 3+) are left out, as in the report. No
token, link or chat id is read: the pages could not show one if they tried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Answer, Customer, Respondent, Ticket
from survey.vocabulary import AnswerKind

LOW_LEVELS: Final = (1, 2)
MAX_ROWS: Final = 500  # a page lists at most this many; it says how many there are


@dataclass(frozen=True, slots=True)
class Person:
    customer_id: str  # the customer's external id (the drill-down's address)
    customer_name: str
    customer_class: str
    respondent: str | None
    role: str


@dataclass(frozen=True, slots=True)
class LowAnswer:
    question: str
    level: int
    person: Person
    answered_at: datetime
    causes: tuple[str, ...]
    what_happened: str | None
    comment: str | None
    ticket_id: int | None


@dataclass(slots=True)
class RespondentAnswers:
    """One respondent's answers in the campaign, in the questionnaire's order."""

    person: Person
    levels: dict[str, int | None] = field(default_factory=dict)  # None: unable to comment
    nps: int | None = None
    comment: str | None = None
    tickets: dict[str, int] = field(default_factory=dict)  # question → ticket id


def _person(respondent: Respondent, customer: Customer) -> Person:
    return Person(
        customer.external_id,
        customer.name,
        customer.customer_class,
        respondent.name,
        respondent.role,
    )


async def low_answers(
    session: AsyncSession, campaign_id: int, questions: Sequence[str], *, limit: int = MAX_ROWS
) -> tuple[list[LowAnswer], int]:
    """The 1–2 answers to ``questions``, lowest first, and how many there are in all."""
    comment = aliased(Answer)
    where = and_(
        Answer.campaign_id == campaign_id,
        Answer.kind == AnswerKind.LIKERT,
        Answer.question.in_(list(questions)),
        Answer.level.in_(LOW_LEVELS),
        Answer.void.is_(False),
    )
    total = int(await session.scalar(select(func.count(Answer.id)).where(where)) or 0)
    rows = await session.execute(
        select(Answer, Respondent, Customer, Ticket, comment.text)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .outerjoin(Ticket, Ticket.answer_id == Answer.id)
        .outerjoin(
            comment,
            and_(
                comment.invitation_id == Answer.invitation_id,
                comment.kind == AnswerKind.COMMENT,
                comment.text.is_not(None),
            ),
        )
        .where(where)
        .order_by(Answer.level, Answer.question, Customer.external_id, Answer.id)
        .limit(limit)
    )
    return [
        LowAnswer(
            answer.question,
            int(answer.level),
            _person(respondent, customer),
            answer.answered_at,
            tuple(str(c) for c in (ticket.causes if ticket else answer.causes) or ()),
            ticket.comment if ticket else None,
            text,
            ticket.id if ticket else None,
        )
        for answer, respondent, customer, ticket, text in rows.all()
    ], total


async def customer_of(session: AsyncSession, external_id: str) -> Customer | None:
    found: Customer | None = await session.scalar(
        select(Customer).where(Customer.external_id == external_id)
    )
    return found


async def customer_answers(
    session: AsyncSession, campaign_id: int, customer_id: int
) -> list[RespondentAnswers]:
    """Each of the customer's respondents who answered in the campaign, by name."""
    rows = await session.execute(
        select(Answer, Respondent, Customer, Ticket.id)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .outerjoin(Ticket, Ticket.answer_id == Answer.id)
        .where(
            Answer.campaign_id == campaign_id,
            Respondent.customer_id == customer_id,
            Answer.void.is_(False),
            Answer.kind.in_([AnswerKind.LIKERT, AnswerKind.NPS, AnswerKind.COMMENT]),
        )
        .order_by(Respondent.name, Respondent.id, Answer.id)
    )
    people: dict[int, RespondentAnswers] = {}
    for answer, respondent, customer, ticket_id in rows.all():
        entry = people.setdefault(respondent.id, RespondentAnswers(_person(respondent, customer)))
        if answer.kind == AnswerKind.LIKERT:
            entry.levels[answer.question] = None if answer.na else answer.level
            if ticket_id is not None:
                entry.tickets[answer.question] = ticket_id
        elif answer.kind == AnswerKind.NPS:
            entry.nps = answer.level
        elif answer.text:
            entry.comment = answer.text
    return list(people.values())
