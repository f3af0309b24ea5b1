"""Staff alerts (SPEC §5): the ticket card, its buttons, and the outbox renderers using them.

An alert names the customer and class, the respondent and role, the question (factor and item
texts), the score with its label, the causes, the comment, the severity and the plan deadline,
in ``settings.staff_language``; it goes to the factor department's chat, else the default staff
chat. Renderers read the ticket when the message goes out, so the latest causes are shown.
With no chat for the ticket's department the alert raises ``NoStaffChat``: the dispatcher
keeps it pending until a chat is configured.

A burst of alerts for one chat, more than its per-minute limit lets through, goes out as
digests (``digests``): one line per ticket, each with its Take button, within Telegram's
limits of 4096 characters and 100 buttons a message, so that every alert arrives within the
minute; the dispatcher decides when (bot/dispatch.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
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
MAX_MESSAGE: Final = 4096  # Telegram's limit on a message's text
MAX_BUTTONS: Final = 100  # Telegram's limit on an inline keyboard's buttons
DIGEST_ROW: Final = 4  # Take buttons side by side in a digest
MAX_DIGEST_LINE: Final = 200  # a digest line's characters, so that a digest holds ~20 or more


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
    line = digest_line(view, settings, overdue=False)
    return Outgoing(chat_id, alert_text(view, settings), keyboard, ticket.id, line)


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
    text = alert_text(view, settings, header="staff_overdue")
    return Outgoing(chat_id, text, keyboard, ticket.id, digest_line(view, settings, overdue=True))


def digest_line(view: TicketView, settings: Settings, *, overdue: bool) -> str:
    """A ticket in one line of a digest: id, customer, question, score, severity."""
    lang = settings.staff_language
    line = t(
        "staff_digest_line",
        lang,
        id=view.ticket.id,
        customer=view.customer.name,
        question=_question_text(view, lang),
        score=_score_text(view, lang),
        severity=f"{view.ticket.severity:g}",
    )
    if overdue:
        line = f"{t('staff_digest_overdue', lang)} {line}"
    return line[:MAX_DIGEST_LINE]


def digests(alerts: Sequence[Outgoing], lang: str) -> list[tuple[list[Outgoing], Outgoing]]:
    """The alerts for one chat as few messages as Telegram's limits allow: each digest with
    the alerts it carries, one line and one Take button per ticket."""
    chunks: list[list[Outgoing]] = []
    size = MAX_MESSAGE  # forces a first chunk
    for alert in alerts:
        line = alert.digest_line or alert.text.split("\n", 1)[0][:MAX_DIGEST_LINE]
        if not chunks or size + len(line) + 1 > MAX_MESSAGE or len(chunks[-1]) >= MAX_BUTTONS:
            chunks.append([])
            size = len(t("staff_digest", lang, count=len(alerts))) + 1
        chunks[-1].append(alert)
        size += len(line) + 1
    return [(chunk, _digest(chunk, lang)) for chunk in chunks]


def _digest(chunk: list[Outgoing], lang: str) -> Outgoing:
    lines = [t("staff_digest", lang, count=len(chunk))]
    lines += [a.digest_line or a.text.split("\n", 1)[0][:MAX_DIGEST_LINE] for a in chunk]
    buttons = [
        InlineKeyboardButton(
            t("staff_digest_take", lang, id=a.ticket_id),
            callback_data=act.encode(act.TakeTicket(a.ticket_id)),
        )
        for a in chunk
        if a.ticket_id is not None
    ]
    rows = [buttons[i : i + DIGEST_ROW] for i in range(0, len(buttons), DIGEST_ROW)]
    return Outgoing(chunk[0].chat_id, "\n".join(lines), InlineKeyboardMarkup(rows))
