"""Field types that bodies and parameters share, bounded as the database columns are
(storage/storable.py), so that what cannot be stored is a 422 naming the field, not a 500.

Texts that hold a NUL character are refused, not stripped: the API stores what it was sent or
nothing. Each bound shows in the OpenAPI schema (``maxLength``, ``maximum``, a ``pattern``
without NUL).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, Final

from pydantic import AfterValidator, AwareDatetime, Field
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Campaign, Customer, Respondent, SurveyRow, Ticket
from storage.storable import HAS_NUL, MAX_INTEGER, NUL, column_length

NUL_FREE_PATTERN: Final = "^[^\\x00]*$"
LONG_TEXT: Final = 4000  # plans, notes and call-back reports (Text columns)


def refuse_nul(text: str) -> str:
    if NUL in text:
        raise ValueError(HAS_NUL)
    return text


def in_utc(moment: datetime) -> datetime:
    """The moment in UTC, as it is stored; one that UTC cannot express is refused."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range once converted to UTC") from None


def aware_in_utc(moment: datetime) -> datetime:
    """A moment with a time zone in UTC; one without stays naive for ``localised``."""
    return moment if moment.tzinfo is None else in_utc(moment)


def localised(moment: datetime, zone: tzinfo) -> datetime:
    """A ``LocalMoment`` in UTC: read in ``zone`` (the deployment's CSAT_TIMEZONE) when it
    came without a time zone. ``ValueError`` if UTC cannot express it."""
    return in_utc(moment if moment.tzinfo is not None else moment.replace(tzinfo=zone))


NulFree = AfterValidator(refuse_nul)


def fits(column: InstrumentedAttribute[Any], *, min_length: int = 0) -> Any:
    """Field constraints of a text stored in ``column`` (a ``String(n)``)."""
    return Field(
        min_length=min_length,
        max_length=column_length(column),
        json_schema_extra={"pattern": NUL_FREE_PATTERN},
    )


DbId = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
Version = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
Moment = Annotated[AwareDatetime, AfterValidator(in_utc)]
# A moment people type: without a time zone (or a bare date, meaning 00:00) it is read in the
# deployment's CSAT_TIMEZONE, which the schema cannot know: the route calls ``localised``.
LocalMoment = Annotated[datetime, AfterValidator(aware_in_utc)]
LongText = Annotated[
    str,
    Field(min_length=1, max_length=LONG_TEXT, json_schema_extra={"pattern": NUL_FREE_PATTERN}),
    NulFree,
]

# Texts named after what they hold; each fits its column.
CampaignKeyText = Annotated[str, fits(Campaign.key, min_length=1), NulFree]
CampaignStatusText = Annotated[str, fits(Campaign.status), NulFree]
SurveyKeyText = Annotated[str, fits(SurveyRow.key, min_length=1), NulFree]
CustomerId = Annotated[str, fits(Customer.external_id, min_length=1), NulFree]
RespondentId = Annotated[str, fits(Respondent.external_id, min_length=1), NulFree]
BusinessUnit = Annotated[str, fits(Customer.business_unit), NulFree]
AccountOwner = Annotated[str, fits(Customer.account_owner), NulFree]
Role = Annotated[str, fits(Respondent.role), NulFree]
Department = Annotated[str, fits(Ticket.department), NulFree]
TicketOwner = Annotated[str, fits(Ticket.owner, min_length=1), NulFree]
