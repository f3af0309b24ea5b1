"""The one vocabulary of the domain: every stored or exchanged meaning is a member here.

They are ``StrEnum``s so that a member *is* its stored string: rows written before the enums
existed, JSON and CSV compare equal to them, and SQLAlchemy stores them unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class AnswerKind(StrEnum):
    """What an answers row holds (SPEC §7 ``kind``)."""

    LIKERT = "likert"
    FOLLOW_UP = "followup"
    COMMENT = "comment"
    NPS = "nps"
    FEEDBACK = "feedback"  # daily feedback, outside any campaign (SPEC §2)


class FollowUpStage(StrEnum):
    """Where the follow-up of a 1–2 stands: choosing causes, then free text, then done."""

    CAUSES = "causes"
    TEXT = "text"
    DONE = "done"


class FeedbackKind(StrEnum):
    """Daily feedback as the respondent marked it: a complaint alerts staff."""

    FEEDBACK = "feedback"
    COMPLAINT = "complaint"


class Channel(StrEnum):
    """How an answer reached us (SPEC §2, §8a)."""

    TELEGRAM = "telegram"
    WEB = "web"
    PHONE = "phone"
    VISIT = "visit"
    PAPER = "paper"
    IMPORT = "import"


class InvitationState(StrEnum):
    """``created → sent → started → completed`` (+ ``expired``, ``declined``), SPEC §2;
    ``undelivered`` when the chat invitation could not be delivered."""

    CREATED = "created"
    SENT = "sent"
    STARTED = "started"
    COMPLETED = "completed"
    EXPIRED = "expired"
    DECLINED = "declined"
    UNDELIVERED = "undelivered"


class OutboxKind(StrEnum):
    """What an outbound message is."""

    ALERT = "alert"
    OVERDUE = "overdue"
    INVITATION = "invitation"
    REMINDER = "reminder"
    # By e-mail (mailing/ sends them; the bot's dispatcher leaves them alone).
    EMAIL_INVITATION = "email_invitation"
    EMAIL_REMINDER = "email_reminder"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class ChatMode(StrEnum):
    """What a chat's plain text means: a survey answer, daily feedback, or /forget pending."""

    SURVEY = "survey"
    FEEDBACK = "feedback"
    FORGET = "forget"


class TicketKind(StrEnum):
    """SPEC §4.7: 客户意见处理单 or 内部联络单."""

    OPINION_TICKET = "opinion_ticket"
    INTERNAL_MEMO = "internal_memo"


class TicketStatus(StrEnum):
    """SPEC §5, in lifecycle order; ``escalated`` enters the complaint procedure."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    PLAN_SUBMITTED = "plan_submitted"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    CLOSED = "closed"
    ESCALATED = "escalated"


class CampaignStatus(StrEnum):
    """A campaign takes answers while open; closing it is final (SPEC §4.8)."""

    OPEN = "open"
    CLOSED = "closed"


class CampaignPeriod(StrEnum):
    """How often a campaign's survey runs (测评周期)."""

    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"
    AD_HOC = "ad_hoc"


class ApiKeyRole(StrEnum):
    """What an admin API key may do (SPEC §7): everything; work tickets; read."""

    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"

    def admits(self, role: str) -> bool:
        """Whether a key of ``role`` may do what this role may: admin does everything, staff
        works tickets and reads, viewer reads. The admin API and the dashboard share this rule."""
        ranks = {ApiKeyRole.VIEWER: 0, ApiKeyRole.STAFF: 1, ApiKeyRole.ADMIN: 2}
        return role in ranks and ranks[ApiKeyRole(role)] >= ranks[self]
