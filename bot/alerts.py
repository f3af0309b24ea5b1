"""Staff alerts (SPEC §5): the ticket card, its buttons, and the outbox renderers using them.

An alert names the customer and class, the respondent and role, the question (factor and item
texts), the score with its label, the causes, the comment, the severity and the plan deadline,
in ``settings.staff_language``; it goes to the factor department's chat, else the default staff
chat. Renderers read the ticket when the message goes out, so the latest causes are shown.
With no chat for the ticket's department the alert raises ``NoStaffChat``: the dispatcher
keeps it pending until a chat is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.outgoing import Outgoing, Skip
from bot.texts import TEXTS, level_label, pick, t
from storage.models import Campaign, Customer, OutboundMessage, Respondent, SurveyRow, Ticket
from storage.strangers import stranger_telegram_id
from storage.types import utcnow
from survey import actions as act
from survey.calendar import WorkingCalendar
from survey.routing import NO_DEPARTMENT, StaffRouting
from survey.schema import Question, Survey
from survey.settings import Settings
from survey.tickets import ACTIVE, plan_due
from surveying.response import survey_of

MAX_COMMENT = 1000  # keeps a card well under Telegram's 4096 characters


@dataclass(frozen=True)
class TicketView:
    """A ticket with the rows its card needs."""

    ticket: Ticket
    customer: Customer
    respondent: Respondent
    campaign: Campaign | None
    survey: Survey | None

    @property
    def question(self) -> Question | None:
        return self.survey.question(self.ticket.question) if self.survey else None


async def load_view(session: AsyncSession, ticket: Ticket) -> TicketView:
    """Load what a ticket card shows."""
    customer = await session.get(Customer, ticket.customer_id)
    respondent = await session.get(Respondent, ticket.respondent_id)
    assert customer is not None and respondent is not None  # foreign keys
    campaign = await session.get(Campaign, ticket.campaign_id) if ticket.campaign_id else None
    survey = None
    if campaign is not None:
        row = await session.get(SurveyRow, campaign.survey_id)
        survey = survey_of(row) if row is not None else None
    return TicketView(ticket, customer, respondent, campaign, survey)


def local_time(moment: datetime, timezone: str) -> str:
    """``2026-10-09 17:00 (Asia/Shanghai)``: in the company's time zone, which it names."""
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M} ({timezone})"


def status_label(status: str, lang: str) -> str:
    key = f"status_{status}"
    return t(key, lang) if key in TEXTS else status


def _question_text(view: TicketView, lang: str) -> str:
    question = view.question
    if view.ticket.campaign_id is None:
        if stranger_telegram_id(view.respondent) is not None:
            return t("staff_stranger_feedback", lang)
        return t("staff_complaint", lang)
    if question is None or view.survey is None:
        return view.ticket.question
    factor = view.survey.factor(question.factor)
    text = pick(question.text, lang)
    if question.item is not None and factor is not None:
        return f"{pick(factor.text, lang)} › {text}"
    return text


def _score_text(view: TicketView, lang: str) -> str:
    score, question = view.ticket.score, view.question
    if score is None:
        return "—"
    return level_label(question.scale, score, lang) if question else str(score)


def _causes_text(view: TicketView, lang: str) -> str | None:
    causes = list(view.ticket.causes or [])
    if not causes:
        return None
    names = {a.key: pick(a.text, lang) for a in view.question.attributes} if view.question else {}
    return ("、" if lang == "zh-CN" else ", ").join(names.get(c, c) for c in causes)


def card_lines(view: TicketView, settings: Settings, *, header: str) -> list[str]:
    """The alert's lines: who, what, how bad, by when."""
    lang, ticket, respondent = settings.staff_language, view.ticket, view.respondent
    role_key = f"role_{respondent.role}"
    role = t(role_key, lang) if role_key in TEXTS else respondent.role
    lines = [
        t(header, lang, id=ticket.id),
        t("staff_customer", lang, name=view.customer.name, cls=view.customer.customer_class),
        t("staff_respondent", lang, name=respondent.name or t("staff_anonymous", lang), role=role),
    ]
    sender = stranger_telegram_id(respondent)
    if sender is not None:  # /feedback from someone the bot does not know yet
        lines[1:] = [t("staff_stranger", lang, id=sender)]
    if view.campaign is not None:
        lines.append(t("staff_campaign", lang, campaign=view.campaign.key))
    lines.append(t("staff_question", lang, question=_question_text(view, lang)))
    lines.append(t("staff_score", lang, score=_score_text(view, lang)))
    causes = _causes_text(view, lang)
    if causes:
        lines.append(t("staff_causes", lang, causes=causes))
    if ticket.comment:
        lines.append(t("staff_comment", lang, comment=ticket.comment[:MAX_COMMENT]))
    lines.append(t("staff_severity", lang, severity=f"{ticket.severity:g}"))
    calendar = WorkingCalendar(settings.holidays, settings.timezone)
    due = ticket.plan_due_at or plan_due(utcnow(), calendar)
    lines.append(t("staff_plan_due", lang, due=local_time(due, settings.timezone)))
    if ticket.due_at is not None:
        lines.append(t("staff_due", lang, due=local_time(ticket.due_at, settings.timezone)))
    return lines


def state_line(ticket: Ticket, lang: str) -> str:
    """Who has the ticket and where it stands."""
    status = status_label(ticket.status, lang)
    if ticket.owner:
        return t("staff_owner", lang, owner=ticket.owner, status=status)
    return t("staff_no_owner", lang, status=status)


def alert_keyboard(ticket_id: int, lang: str) -> InlineKeyboardMarkup:
    """The alert's two buttons: Take it and Open ticket."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t("staff_take", lang), callback_data=act.encode(act.TakeTicket(ticket_id))
                ),
                InlineKeyboardButton(
                    t("staff_open", lang), callback_data=act.encode(act.OpenTicket(ticket_id))
                ),
            ]
        ]
    )


def alert_text(view: TicketView, settings: Settings, *, header: str = "staff_alert") -> str:
    """The whole card as sent (and as edited once somebody takes the ticket)."""
    lines = card_lines(view, settings, header=header)
    if view.ticket.owner or header != "staff_alert":
        lines.append(state_line(view.ticket, settings.staff_language))
    return "\n".join(lines)


class NoStaffChat(Exception):
    """No chat is configured for the ticket's department: the alert waits (pending) for one."""


def staff_chat(settings: Settings, department: str | None) -> int | None:
    """The department's chat, else the default staff chat, else None (survey/routing.py)."""
    return StaffRouting.from_settings(settings).chat_for(department)


async def _active_ticket(session: AsyncSession, row: OutboundMessage) -> Ticket:
    ticket = await session.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
    if ticket is None:
        raise Skip("the ticket is gone")
    if ticket.status not in ACTIVE:
        raise Skip(f"ticket #{ticket.id} is {ticket.status}")
    return ticket


async def render_alert(session: AsyncSession, row: OutboundMessage, settings: Settings) -> Outgoing:
    """The alert of a newly opened ticket, for the department or default staff chat."""
    ticket = await _active_ticket(session, row)
    chat_id = staff_chat(settings, ticket.department)
    if chat_id is None:
        raise NoStaffChat(f"none for department {ticket.department or NO_DEPARTMENT}")
    view = await load_view(session, ticket)
    keyboard = alert_keyboard(ticket.id, settings.staff_language)
    return Outgoing(chat_id, alert_text(view, settings), keyboard)


async def render_overdue(
    session: AsyncSession, row: OutboundMessage, settings: Settings
) -> Outgoing:
    """A daily nudge about an overdue ticket, where its alert went."""
    ticket = await _active_ticket(session, row)
    chat_id = ticket.alert_chat_id or staff_chat(settings, ticket.department)
    if chat_id is None:
        raise Skip(f"no staff chat configured (department {ticket.department or '-'})")
    view = await load_view(session, ticket)
    keyboard = alert_keyboard(ticket.id, settings.staff_language)
    return Outgoing(chat_id, alert_text(view, settings, header="staff_overdue"), keyboard)
