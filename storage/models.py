"""SQLAlchemy models: questionnaires, people, campaigns, invitations, answers, tickets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.types import JsonType, UTCDateTime, utcnow
from survey.vocabulary import (
    AnswerKind,
    CampaignPeriod,
    CampaignStatus,
    Channel,
    ChatMode,
    FeedbackKind,
    FollowUpStage,
    InvitationState,
    OutboxState,
    TicketKind,
    TicketStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Term = TypeVar("Term", bound=StrEnum)


class Vocabulary(TypeDecorator[Term]):
    """A column of one ``survey.vocabulary`` enum: stored as its string, read back as the
    member, and a value outside the vocabulary is refused before it reaches the database."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[Term], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> Term | None:
        return None if value is None else self.enum(value)


class Base(DeclarativeBase):
    """Declarative base with a naming convention Alembic can rely on."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JsonType,
        list[Any]: JsonType,
        datetime: UTCDateTime,
    }


class SurveyRow(Base):
    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_surveys_key_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    factors: Mapped[list[FactorRow]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="FactorRow.position"
    )


class FactorRow(Base):
    __tablename__ = "factors"
    __table_args__ = (UniqueConstraint("survey_id", "key", name="uq_factors_survey_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[dict[str, Any]]
    weight: Mapped[float] = mapped_column(Float)
    department: Mapped[str | None] = mapped_column(String(80))
    survey: Mapped[SurveyRow] = relationship(back_populates="factors")
    items: Mapped[list[ItemRow]] = relationship(
        back_populates="factor", cascade="all, delete-orphan", order_by="ItemRow.position"
    )
    attributes: Mapped[list[AttributeRow]] = relationship(
        cascade="all, delete-orphan", order_by="AttributeRow.position"
    )


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("factor_id", "key", name="uq_items_factor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(ForeignKey("factors.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[dict[str, Any]]
    weight: Mapped[float] = mapped_column(Float)
    factor: Mapped[FactorRow] = relationship(back_populates="items")
    attributes: Mapped[list[AttributeRow]] = relationship(
        cascade="all, delete-orphan", order_by="AttributeRow.position"
    )


class AttributeRow(Base):
    """A detail cause of a factor or (with ``item_id``) of an item."""

    __tablename__ = "attributes"

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int | None] = mapped_column(ForeignKey("factors.id", ondelete="CASCADE"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[dict[str, Any]]


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    customer_class: Mapped[str] = mapped_column(String(4), default="B")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    business_unit: Mapped[str | None] = mapped_column(String(80))
    product_line: Mapped[str | None] = mapped_column(String(80))
    annual_revenue: Mapped[float | None] = mapped_column(Float)
    account_owner: Mapped[str | None] = mapped_column(String(120))
    respondents: Mapped[list[Respondent]] = relationship(back_populates="customer")


class Respondent(Base):
    __tablename__ = "respondents"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40), default="user")
    language: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    email: Mapped[str | None] = mapped_column(String(254))  # for e-mail invitations
    forgotten_at: Mapped[datetime | None]
    customer: Mapped[Customer] = relationship(back_populates="respondents")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    # CampaignPeriod and CampaignStatus, kept plain strings: the list filters take any text
    period: Mapped[str] = mapped_column(String(20), default=CampaignPeriod.AD_HOC)
    status: Mapped[str] = mapped_column(String(12), default=CampaignStatus.OPEN)
    opens_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None]
    targets: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sample_seed: Mapped[int | None] = mapped_column(BigInteger)
    # The sampling rules and what they selected (SPEC §6), kept so the sample can be reproduced.
    plan: Mapped[dict[str, Any]] = mapped_column(default=dict)
    planned_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    survey: Mapped[SurveyRow] = relationship()


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "respondent_id", name="uq_invitations_campaign_respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[InvitationState] = mapped_column(
        Vocabulary(InvitationState, 12), default=InvitationState.CREATED
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]  # first opened, in any channel (the funnel)
    started_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    reminder_count: Mapped[int] = mapped_column(Integer, default=0)
    next_reminder_at: Mapped[datetime | None] = mapped_column(index=True)
    last_reminded_at: Mapped[datetime | None]
    callback_check: Mapped[bool] = mapped_column(Boolean, default=False)
    campaign: Mapped[Campaign] = relationship()
    respondent: Mapped[Respondent] = relationship()


class ChatSession(Base):
    """Conversation state of one Telegram user: the only place it lives (SPEC §9)."""

    __tablename__ = "chat_sessions"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    language: Mapped[str | None] = mapped_column(String(8))
    mode: Mapped[ChatMode] = mapped_column(Vocabulary(ChatMode, 16), default=ChatMode.SURVEY)
    begun: Mapped[bool] = mapped_column(Boolean, default=False)
    cursor: Mapped[str | None] = mapped_column(String(40))
    choosing_change: Mapped[bool] = mapped_column(Boolean, default=False)
    prompt_message_id: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    invitation: Mapped[Invitation | None] = relationship()


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("invitation_id", "question", "kind", name="uq_answers_question_kind"),
        # Covers the dashboard's per-view reads (migration 0007); a prefix serves by campaign.
        Index(
            "ix_answers_campaign_view",
            "campaign_id",
            "void",
            "channel",
            "invitation_id",
            "changed_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitations.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"), index=True)
    question: Mapped[str] = mapped_column(String(40))
    kind: Mapped[AnswerKind] = mapped_column(Vocabulary(AnswerKind, 10))
    level: Mapped[int | None] = mapped_column(Integer)
    na: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)
    causes: Mapped[list[Any]] = mapped_column(default=list)
    # Only a follow-up has a stage, only daily feedback a kind (None until the respondent says).
    follow_up_stage: Mapped[FollowUpStage | None] = mapped_column(Vocabulary(FollowUpStage, 12))
    feedback_kind: Mapped[FeedbackKind | None] = mapped_column(Vocabulary(FeedbackKind, 12))
    # A follow-up whose 1–2 was raised to 3+: left out everywhere, kept for the audit trail.
    void: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    channel: Mapped[Channel] = mapped_column(Vocabulary(Channel, 12), default=Channel.TELEGRAM)
    # The staff member who recorded a phone or visit interview (channel phone or visit).
    interviewer: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_at: Mapped[datetime | None]


class AnswerChange(Base):
    """Audit trail: the value an answer had before each change."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    old_level: Mapped[int | None] = mapped_column(Integer)
    old_na: Mapped[bool] = mapped_column(Boolean)
    old_text: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Ticket(Base):
    """A corrective action (纠正预防措施) opened for a 1–2."""

    __tablename__ = "tickets"
    __table_args__ = (UniqueConstraint("answer_id", name="uq_tickets_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    respondent_id: Mapped[int] = mapped_column(ForeignKey("respondents.id"))
    question: Mapped[str] = mapped_column(String(40))
    score: Mapped[int | None] = mapped_column(Integer)
    causes: Mapped[list[Any]] = mapped_column(default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[float] = mapped_column(Float, default=0.0)
    kind: Mapped[TicketKind | None] = mapped_column(Vocabulary(TicketKind, 16))
    department: Mapped[str | None] = mapped_column(String(80))
    owner: Mapped[str | None] = mapped_column(String(120))
    owner_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[TicketStatus] = mapped_column(
        Vocabulary(TicketStatus, 16), default=TicketStatus.OPEN, index=True
    )
    plan: Mapped[str | None] = mapped_column(Text)
    plan_due_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]
    alert_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    alert_message_id: Mapped[int | None] = mapped_column(BigInteger)
    overdue_alerted_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # The call-back report an escalated ticket needs (seed 001 §6.4.3).
    callback_report: Mapped[str | None] = mapped_column(Text)
    callback_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # lazy="raise": an async session cannot lazy-load; add events with session.add instead.
    events: Mapped[list[TicketEvent]] = relationship(
        cascade="all, delete-orphan", order_by="TicketEvent.id", lazy="raise"
    )


class TicketEvent(Base):
    """Ticket history: who did what, when."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)


class ProcessedUpdate(Base):
    """Telegram update ids already handled: re-deliveries are dropped (SPEC §9)."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiKey(Base):
    """An admin API key: only its SHA-256 is stored; the key is shown once at creation."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(12))  # admin | staff | viewer
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class StaffMember(Base):
    """A registered staff member: may act on tickets from a private chat with the bot, besides
    the staff groups the alerts go to (SPEC §5: only staff can see or act on a ticket)."""

    __tablename__ = "staff_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # None: every department's tickets; else only the tickets of this department.
    department: Mapped[str | None] = mapped_column(String(80))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboundMessage(Base):
    """The outbox: a message the scheduler must send once (alerts, invitations, reminders).

    Rows are written in the same transaction as the change that calls for them, so nothing is
    lost; ``dedupe_key`` is unique, so nothing is queued twice; a sender claims rows with a
    lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two processes never send the same one.
    """

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_due", "state", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # OutboxKind; a plain string, as the dispatcher sends any kind it has a renderer for
    kind: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)  # None: resolved when sent
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE")
    )
    state: Mapped[OutboxState] = mapped_column(
        Vocabulary(OutboxState, 10), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportSnapshot(Base):
    """A campaign's report as last built, with what the dashboard drew from it: a view after a
    restart (or in another process) reads it instead of scoring a million answers again.
    ``fingerprint`` says what it was built from; ``payload`` is signed (dashboard/report_store.py).
    """

    __tablename__ = "report_snapshots"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
