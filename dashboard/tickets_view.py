"""Tickets as the board and the ticket page show them: who and what they are about in words
(customer, respondent, the question's name in the reader's language, the causes' names), and
the next deadline in working days of the company's calendar."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request
from pydantic import AfterValidator
from sqlalchemy.ext.asyncio import AsyncSession

from dashboard.ticket_details import alert_error_text
from storage.models import Ticket
from storage.ticket_board import Deadline, campaign_surveys, next_deadline
from storage.ticket_lists import is_overdue, ticket_names
from survey.calendar import WorkingCalendar
from survey.schema import Survey
from survey.settings import Settings
from survey.texts import pick
from survey.wording import question_label


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: Ticket
    campaign_key: str | None  # None: daily feedback, outside any campaign
    customer_name: str
    customer_class: str
    respondent: str  # the respondent's external id
    question: str  # the question's name, or its key when the survey does not know it
    causes: list[str]
    deadline: Deadline | None
    overdue: bool  # storage.ticket_lists.is_overdue: the same rule as the API
    alert_error: str | None  # in the reader's language (ticket_details.alert_error_text)


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def calendar_of(settings: Settings) -> WorkingCalendar:
    """The company's working days, as the plan deadlines and reminders count them."""
    return _calendar(settings.holidays, settings.timezone)


@functools.cache
def _calendar(country: str, timezone: str) -> WorkingCalendar:
    # One per process: its holiday tables are built once a year, not on every page.
    return WorkingCalendar(country, timezone)


def _words(ticket: Ticket, survey: Survey | None, lang: str) -> tuple[str, list[str]]:
    causes = [str(c) for c in ticket.causes or []]
    question = survey.question(ticket.question) if survey is not None else None
    if question is None:
        return ticket.question, causes
    names = {a.key: pick(a.text, lang) for a in question.attributes}
    return question_label(question, lang), [names.get(c, c) for c in causes]


async def ticket_views(
    session: AsyncSession,
    tickets: Sequence[Ticket],
    *,
    now: datetime,
    calendar: WorkingCalendar,
    lang: str,
) -> list[TicketView]:
    """The tickets in words, in a fixed number of queries however many there are."""
    names = await ticket_names(session, tickets)
    surveys = await campaign_surveys(session, {t.campaign_id for t in tickets if t.campaign_id})
    views = []
    for ticket in tickets:
        respondent, customer = names.people[ticket.respondent_id]
        survey = surveys.get(ticket.campaign_id) if ticket.campaign_id is not None else None
        question, causes = _words(ticket, survey, lang)
        views.append(
            TicketView(
                ticket=ticket,
                campaign_key=names.campaign_keys.get(ticket.campaign_id)
                if ticket.campaign_id is not None
                else None,
                customer_name=customer.name,
                customer_class=customer.customer_class,
                respondent=respondent,
                question=question,
                causes=causes,
                deadline=next_deadline(ticket, now, calendar),
                overdue=is_overdue(ticket, now),
                alert_error=alert_error_text(names.alert_errors.get(ticket.id), lang),
            )
        )
    return views


def refuse_nul(value: str | None) -> str | None:
    """A NUL in a filter is no name anything has (and PostgreSQL refuses it in a query)."""
    if value is not None and "\x00" in value:
        raise ValueError("a NUL character is not allowed")
    return value


NulFree = AfterValidator(refuse_nul)
