"""Bodies of the corrective-action ticket routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from admin.pagination import Paginated
from admin.schemas.fields import LocalMoment, LongText, TicketOwner
from survey.vocabulary import TicketKind, TicketStatus

Status = TicketStatus  # the names the routes' query parameters use
Kind = TicketKind


class TicketPublic(BaseModel):
    """A ticket (纠正预防措施) with the campaign, customer and respondent it concerns."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    campaign: str | None = Field(description="Campaign key; null for daily feedback")
    customer_id: str
    customer_name: str
    customer_class: str
    respondent_id: str
    question: str
    score: int | None
    causes: list[Any]
    comment: str | None
    severity: float
    kind: TicketKind | None
    department: str | None
    owner: str | None
    status: TicketStatus
    plan: str | None
    plan_due_at: datetime | None
    due_at: datetime | None
    alerted_at: datetime | None
    acknowledged_at: datetime | None
    closed_at: datetime | None
    callback_report: str | None
    callback_at: datetime | None
    created_at: datetime
    updated_at: datetime
    overdue: bool
    alert_error: str | None = Field(
        default=None,
        description="Why no staff chat has received the ticket's alert yet (none configured "
        "for its department, a retry, a refusal); null once sent or while not due",
    )


class TicketEventPublic(BaseModel):
    """One line of a ticket's history: who did what, when."""

    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    action: str
    detail: str | None


class TicketDetail(TicketPublic):
    """A ticket with its whole history, oldest first."""

    history: list[TicketEventPublic]


class TicketsPublic(Paginated[TicketPublic]):
    """A page of tickets, oldest first."""


class TicketList(BaseModel):
    """A list that is short by nature (review, call-backs): not paginated."""

    data: list[TicketPublic]
    count: int


class TicketUpdate(BaseModel):
    """A change to a ticket; each given field is checked against the lifecycle of SPEC §5 and
    recorded in its history under the API key's name. Texts with NUL characters are refused."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    plan: LongText | None = None
    owner: TicketOwner | None = None
    due_at: LocalMoment | None = Field(
        default=None,
        description="Planned completion (ISO 8601); without a time zone, or as a bare date "
        "(00:00), it is read in the deployment's CSAT_TIMEZONE",
    )
    callback_report: LongText | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _something(self) -> TicketUpdate:
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise ValueError("nothing to change: give status, plan, owner, due_at, ...")
        return self
