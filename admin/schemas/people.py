"""Bodies of the customer and respondent routes (records in: survey/records.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from admin.pagination import Paginated
from storage.models import Respondent


class CustomerPublic(BaseModel):
    """A customer (客户) as stored."""

    model_config = ConfigDict(from_attributes=True)

    external_id: str
    name: str
    customer_class: str
    weight: float
    business_unit: str | None
    product_line: str | None
    annual_revenue: float | None
    account_owner: str | None


class CustomersPublic(Paginated[CustomerPublic]):
    """A page of customers, by external id."""


class RespondentPublic(BaseModel):
    """A respondent (受访者); ``name`` is null once they asked to be forgotten."""

    external_id: str
    customer_id: str
    name: str | None
    role: str
    language: str | None
    timezone: str | None
    telegram_user_id: int | None
    email: str | None = Field(description="Where e-mail invitations go (no chat, SMTP on)")
    forgotten: bool

    @classmethod
    def of(cls, respondent: Respondent, customer_id: str) -> RespondentPublic:
        """The public view of a stored respondent of the customer ``customer_id``."""
        return cls(
            external_id=respondent.external_id,
            customer_id=customer_id,
            name=respondent.name,
            role=respondent.role,
            language=respondent.language,
            timezone=respondent.timezone,
            telegram_user_id=respondent.telegram_user_id,
            email=respondent.email,
            forgotten=respondent.forgotten_at is not None,
        )


class RespondentsPublic(Paginated[RespondentPublic]):
    """A page of respondents, by external id."""


class ImportRowPublic(BaseModel):
    """A rejected row: its CSV ``line`` (the header is line 1) or JSON ``item`` (index from 0),
    the first field found wrong (``(row)``/``(item)`` for the row itself) and the problem."""

    line: int | None = None
    item: int | None = None
    field: str
    problem: str


class ImportPublic(BaseModel):
    """What a bulk import did, row by row (each all-or-nothing), idempotent on external id:
    rows ``created``, ``updated``, ``unchanged`` (stored as given already) and ``rejected``,
    each rejected row listed in ``errors``."""

    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportRowPublic] = []
