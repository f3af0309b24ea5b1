"""Invitations and reminders (SPEC §5): scheduling state lives in the invitation rows.

``send_invitations`` marks a campaign's invitations sent and queues a chat message where the
respondent's Telegram id is known (else the deep link goes to the account owner). Each sent
invitation carries ``next_reminder_at``: 3 working days after it was sent (seed 001 §6.2.2),
then weekly (ECSS §6.3.3), at most ``max_reminders`` times, never in the respondent's night.
A respondent without a chat but with an e-mail address gets both by e-mail instead, on the
same schedule, when the deployment sends e-mail (``ReminderPolicy.by_email``; mailing/ sends
them). ``plan_reminders`` claims due rows with ``FOR UPDATE SKIP LOCKED``, so two schedulers never
queue the same reminder; the outbox's unique ``reminder:<invitation>:<n>`` key backs that up.
An invitation whose chat message Telegram refuses (blocked, chat not found), or whose e-mail
the mail server refuses, becomes ``undelivered`` (``mark_undelivered``) and is chased by its
account owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Self, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage import outbox
from storage.models import Campaign, Customer, Invitation, Respondent
from survey.calendar import WorkingCalendar, is_night, next_morning
from survey.errors import CampaignClosed
from survey.settings import Settings
from survey.vocabulary import CampaignStatus, InvitationState, OutboxKind

# States in which a respondent still owes us an answer, and the bot may remind them.
AWAITING = (InvitationState.SENT, InvitationState.STARTED)
# Telegram refused the invitation's chat message: the account owner passes the link on.
UNDELIVERED = InvitationState.UNDELIVERED


@dataclass(frozen=True)
class ReminderPolicy:
    """When invitations are chased: working-day calendar, cadence, cap and night hours."""

    calendar: WorkingCalendar
    first_working_days: int = 3
    interval_days: int = 7
    max_reminders: int = 3
    night_start: int = 21
    night_end: int = 8
    default_timezone: str = "Asia/Shanghai"
    # E-mail is sent (SMTP and the public URL of the web links are configured).
    by_email: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ReminderPolicy:
        return cls(
            calendar=WorkingCalendar(settings.holidays, settings.timezone),
            first_working_days=settings.first_reminder_working_days,
            interval_days=settings.reminder_interval_days,
            max_reminders=settings.max_reminders,
            night_start=settings.night_start,
            night_end=settings.night_end,
            default_timezone=settings.timezone,
            by_email=bool(settings.smtp_host and settings.public_url),
        )

    def mailable(self, respondent: Respondent) -> bool:
        """Invited and reminded by e-mail: no chat with the bot, an address, e-mail on."""
        return self.by_email and respondent.telegram_user_id is None and bool(respondent.email)

    def zone_of(self, respondent: Respondent) -> str:
        return respondent.timezone or self.default_timezone

    def is_night(self, moment: datetime, respondent: Respondent) -> bool:
        """True during the night hours of the respondent's time zone."""
        return is_night(moment, self.zone_of(respondent), self.night_start, self.night_end)

    def daytime(self, moment: datetime, respondent: Respondent) -> datetime:
        """``moment``, or the next morning when it falls in the respondent's night."""
        if not self.is_night(moment, respondent):
            return moment
        return next_morning(moment, self.zone_of(respondent), self.night_end)

    def first_reminder(self, sent_at: datetime, respondent: Respondent) -> datetime | None:
        """No answer ``first_working_days`` working days after sending → the first reminder."""
        if self.max_reminders <= 0:
            return None
        due = self.calendar.add_working_days(sent_at, self.first_working_days)
        return self.daytime(due, respondent)


@dataclass(frozen=True)
class Handoff:
    """A deep link the account owner must pass on: the bot cannot write to this person first.

    Who an invitation is for, as a person chasing it reads it; ``chasing.Chase`` extends it.
    """

    invitation_id: int
    token: str
    respondent_name: str | None
    respondent_external_id: str
    customer_name: str
    account_owner: str | None

    @classmethod
    def of(
        cls, invitation: Invitation, respondent: Respondent, customer: Customer, **more: Any
    ) -> Self:
        """The one builder of these records from the rows; ``more`` fills a subclass's fields."""
        return cls(
            invitation_id=invitation.id,
            token=invitation.token,
            respondent_name=respondent.name,
            respondent_external_id=respondent.external_id,
            customer_name=customer.name,
            account_owner=customer.account_owner,
            **more,
        )


@dataclass
class InvitationBatch:
    """What ``send_invitations`` did: chat messages queued (due now, or held for the morning
    of a respondent in their night hours), e-mails queued, and links to hand out by other
    means."""

    in_chat_now: int = 0
    held_for_morning: int = 0
    held_until: datetime | None = None  # when the last held one goes out
    by_email: int = 0
    handoff: list[Handoff] = field(default_factory=list)

    @property
    def queued(self) -> int:
        """Chat messages queued, now or for the morning."""
        return self.in_chat_now + self.held_for_morning

    def count_chat(self, *, now: datetime, due: datetime) -> None:
        if due <= now:
            self.in_chat_now += 1
            return
        self.held_for_morning += 1
        self.held_until = due if self.held_until is None else max(self.held_until, due)


async def send_invitations(
    session: AsyncSession,
    campaign: Campaign,
    *,
    now: datetime,
    policy: ReminderPolicy,
    respondent_ids: list[int] | None = None,
) -> InvitationBatch:
    """Send the campaign's not-yet-sent invitations (all, or those of ``respondent_ids``).

    Idempotent: only invitations still ``created`` are touched, and the outbox key
    ``invitation:<id>`` is unique, so calling again sends nothing twice.
    """
    if campaign.status == CampaignStatus.CLOSED or (
        campaign.closes_at is not None and campaign.closes_at <= now
    ):
        raise CampaignClosed(campaign.key)
    query = (
        select(Invitation)
        .where(Invitation.campaign_id == campaign.id, Invitation.state == InvitationState.CREATED)
        .options(selectinload(Invitation.respondent).selectinload(Respondent.customer))
        .order_by(Invitation.id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if respondent_ids is not None:
        query = query.where(Invitation.respondent_id.in_(respondent_ids))
    batch = InvitationBatch()
    for invitation in await session.scalars(query):
        respondent = invitation.respondent
        if respondent.forgotten_at is not None:
            continue  # erased on request (/forget): nobody to invite
        invitation.state = InvitationState.SENT
        invitation.sent_at = now
        invitation.next_reminder_at = policy.first_reminder(now, respondent)
        if respondent.telegram_user_id is not None:
            due = policy.daytime(now, respondent)
            if await outbox.enqueue(
                session,
                kind=OutboxKind.INVITATION,
                dedupe_key=f"invitation:{invitation.id}",
                invitation_id=invitation.id,
                chat_id=respondent.telegram_user_id,
                not_before=due,
            ):
                batch.count_chat(now=now, due=due)
        elif policy.mailable(respondent):
            # The same key as in chat: one invitation, whichever way it goes.
            batch.by_email += await outbox.enqueue(
                session,
                kind=OutboxKind.EMAIL_INVITATION,
                dedupe_key=f"invitation:{invitation.id}",
                invitation_id=invitation.id,
                not_before=policy.daytime(now, respondent),
            )
        else:
            batch.handoff.append(Handoff.of(invitation, respondent, respondent.customer))
    await session.flush()
    return batch


async def mark_undelivered(session: AsyncSession, invitation_id: int) -> bool:
    """Telegram refused the invitation's (or a reminder's) chat message: the invitation goes on
    the chase list for its account owner and is not reminded in chat. ``started_at`` still
    tells whether the respondent had begun. True when the invitation changed."""
    result = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.state.in_(AWAITING))
        .values(state=UNDELIVERED, next_reminder_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult[Any], result).rowcount)


async def plan_reminders(
    session: AsyncSession, *, now: datetime, policy: ReminderPolicy, limit: int = 500
) -> int:
    """Queue the reminders due at ``now``; returns how many were queued.

    Commit soon after: the claimed invitation rows stay locked until then, which is what keeps
    a second scheduler (another process, same database) from queuing them too.
    """
    due = await session.scalars(
        select(Invitation)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .where(
            Invitation.next_reminder_at <= now,
            Invitation.state.in_(AWAITING),
            or_(Invitation.expires_at.is_(None), Invitation.expires_at > now),
            Campaign.status == CampaignStatus.OPEN,
            or_(Campaign.closes_at.is_(None), Campaign.closes_at > now),
        )
        .options(selectinload(Invitation.respondent))
        .order_by(Invitation.next_reminder_at, Invitation.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Invitation)
        .execution_options(populate_existing=True)
    )
    queued = 0
    for invitation in due:
        queued += await _remind(session, invitation, now=now, policy=policy)
    await session.flush()
    return queued


async def _remind(
    session: AsyncSession, invitation: Invitation, *, now: datetime, policy: ReminderPolicy
) -> int:
    """Queue one reminder (in chat, else by e-mail), or move it: to the morning at night, a
    week on with no way to reach the respondent."""
    respondent = invitation.respondent
    chat_id = respondent.telegram_user_id
    if respondent.forgotten_at is not None or invitation.reminder_count >= policy.max_reminders:
        invitation.next_reminder_at = None
        return 0
    if chat_id is None and not policy.mailable(respondent):
        # The bot cannot write first; the account owner already holds the link. Look again
        # after an interval without counting a reminder: once the person opens the link (and
        # so becomes reachable) an unfinished survey is chased in chat.
        invitation.next_reminder_at = now + timedelta(days=policy.interval_days)
        return 0
    if policy.is_night(now, respondent):
        invitation.next_reminder_at = policy.daytime(now, respondent)
        return 0
    number = invitation.reminder_count + 1
    queued = await outbox.enqueue(
        session,
        kind=OutboxKind.REMINDER if chat_id is not None else OutboxKind.EMAIL_REMINDER,
        dedupe_key=f"reminder:{invitation.id}:{number}",
        invitation_id=invitation.id,
        chat_id=chat_id,
        not_before=now,
    )
    invitation.reminder_count = number
    invitation.last_reminded_at = now
    invitation.next_reminder_at = (
        policy.daytime(now + timedelta(days=policy.interval_days), respondent)
        if number < policy.max_reminders
        else None
    )
    return int(queued)
