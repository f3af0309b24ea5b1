"""The chase list: unfinished invitations the bot can no longer help with, per account owner.

A bot cannot write to someone who never opened it (SPEC §9), and it stops after the last
reminder. Those respondents are chased by hand: the account owner who handed out the deep link
calls or mails them. An invitation is on the list while it is unanswered and still open, and
Telegram or the mail server refused its message (``undelivered``, with the refusal as
``detail``), or its respondent has no Telegram id and is not sent e-mail (``no_chat``), or its
reminders are used up (``reminders_used``).
It is ``due`` once it has waited the working days after which the bot would have sent its
first reminder (seed 001 §6.2.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Literal, TypeVar

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Invitation, OutboundMessage, Respondent
from storage.reminders import AWAITING, UNDELIVERED, Handoff, ReminderPolicy
from survey.calendar import WorkingCalendar
from survey.vocabulary import OutboxState

Reason = Literal["undelivered", "no_chat", "reminders_used"]
Rows = TypeVar("Rows", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Chase(Handoff):
    """One respondent to chase by hand, with the link to pass on again."""

    state: str  # sent | started | undelivered
    reason: Reason
    sent_at: datetime
    working_days_waiting: int
    due: bool
    detail: str | None = None  # why the message was refused (reason ``undelivered``)


def _refusal() -> ScalarSelect[str | None]:
    """The latest refused message of the invitation: what Telegram or the mail server said."""
    return (
        select(OutboundMessage.error)
        .where(
            OutboundMessage.invitation_id == Invitation.id,
            OutboundMessage.state == OutboxState.FAILED,
        )
        .order_by(OutboundMessage.id.desc())
        .limit(1)
        .correlate(Invitation)
        .scalar_subquery()
    )


def _unreachable(policy: ReminderPolicy) -> ColumnElement[bool]:
    """The bot cannot write to the respondent, nor is e-mail sent to them."""
    no_chat = Respondent.telegram_user_id.is_(None)
    return and_(no_chat, Respondent.email.is_(None)) if policy.by_email else no_chat


def by_account_owner(query: Select[Rows], owner: str | None) -> Select[Rows]:
    """Ordered by account owner (none last), customer and respondent; only ``owner``'s
    customers when given. The query joins Customer and Respondent."""
    query = query.order_by(
        Customer.account_owner.is_(None),
        Customer.account_owner,
        Customer.name,
        Respondent.external_id,
    )
    return query.where(Customer.account_owner == owner) if owner is not None else query


def chase_query(
    campaign_id: int, *, now: datetime, policy: ReminderPolicy, owner: str | None = None
) -> Select[tuple[Invitation, Respondent, Customer, str | None]]:
    """Invitations on the chase list, ordered by account owner, customer and respondent; the
    last column is the refusal of an ``undelivered`` one."""
    query = (
        select(Invitation, Respondent, Customer, _refusal())
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(
            Invitation.campaign_id == campaign_id,
            Invitation.state.in_((*AWAITING, UNDELIVERED)),
            Invitation.sent_at.is_not(None),
            or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
            Respondent.forgotten_at.is_(None),
            or_(
                Invitation.state == UNDELIVERED,
                _unreachable(policy),
                and_(
                    Invitation.reminder_count >= policy.max_reminders,
                    Invitation.next_reminder_at.is_(None),
                ),
            ),
        )
    )
    return by_account_owner(query, owner)


def local_day(calendar: WorkingCalendar, moment: datetime) -> date:
    return moment.astimezone(calendar.zone).date()


@lru_cache(maxsize=4096)
def working_days(calendar: WorkingCalendar, first: date, last: date) -> int:
    """``calendar.working_days_between`` of two local days, counted once per pair: it walks
    day by day, and a long list's invitations share a few sending days (3,500 on a 1 M-answer
    campaign took seconds, one walk each)."""
    noon = time(12)
    return calendar.working_days_between(
        datetime.combine(first, noon, tzinfo=calendar.zone),
        datetime.combine(last, noon, tzinfo=calendar.zone),
    )


def _reason(invitation: Invitation, respondent: Respondent, policy: ReminderPolicy) -> Reason:
    if invitation.state == UNDELIVERED:
        return "undelivered"
    reachable = respondent.telegram_user_id is not None or policy.mailable(respondent)
    return "reminders_used" if reachable else "no_chat"


def to_chase(
    invitation: Invitation,
    respondent: Respondent,
    customer: Customer,
    refusal: str | None = None,
    *,
    now: datetime,
    policy: ReminderPolicy,
) -> Chase:
    sent_at = invitation.sent_at or now
    waited = working_days(
        policy.calendar, local_day(policy.calendar, sent_at), local_day(policy.calendar, now)
    )
    reason = _reason(invitation, respondent, policy)
    return Chase.of(
        invitation,
        respondent,
        customer,
        state=invitation.state,
        reason=reason,
        sent_at=sent_at,
        working_days_waiting=waited,
        due=waited >= policy.first_working_days,
        detail=refusal if reason == "undelivered" else None,
    )


async def chase_list(
    session: AsyncSession,
    campaign_id: int,
    *,
    now: datetime,
    policy: ReminderPolicy,
    owner: str | None = None,
) -> list[Chase]:
    """The whole chase list of a campaign (``campaigns.invitations.chase`` pages through
    ``chase_query`` instead)."""
    rows = await session.execute(chase_query(campaign_id, now=now, policy=policy, owner=owner))
    return [to_chase(*row, now=now, policy=policy) for row in rows.tuples()]
