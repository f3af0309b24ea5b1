"""A campaign's invitations as a list to hand out: each respondent, how they are reached, and
the token their links are made of (``GET /campaigns/{key}/invitations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, select

from storage.chasing import by_account_owner
from storage.models import Customer, Invitation, Respondent
from storage.reminders import Handoff, ReminderPolicy

# How the invitation and reminders reach the respondent: in chat, by e-mail, or only through
# the account owner passing the link on.
Reach = Literal["chat", "email", "account_owner"]


@dataclass(frozen=True)
class InvitationEntry(Handoff):
    """One invitation of the list, with its state and how its respondent is reached."""

    state: str
    reach: Reach
    sent_at: datetime | None
    reminder_count: int


def invitations_query(
    campaign_id: int, *, owner: str | None = None
) -> Select[tuple[Invitation, Respondent, Customer]]:
    """The campaign's invitations of respondents not forgotten, by account owner, customer
    and respondent (as the chase list)."""
    query = (
        select(Invitation, Respondent, Customer)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(Invitation.campaign_id == campaign_id, Respondent.forgotten_at.is_(None))
    )
    return by_account_owner(query, owner)


def reach_of(respondent: Respondent, policy: ReminderPolicy) -> Reach:
    if respondent.telegram_user_id is not None:
        return "chat"
    return "email" if policy.mailable(respondent) else "account_owner"


def to_entry(
    invitation: Invitation, respondent: Respondent, customer: Customer, *, policy: ReminderPolicy
) -> InvitationEntry:
    return InvitationEntry.of(
        invitation,
        respondent,
        customer,
        state=invitation.state,
        reach=reach_of(respondent, policy),
        sent_at=invitation.sent_at,
        reminder_count=invitation.reminder_count,
    )
