"""Customers and respondents as imported records, validated one by one and across the file.

The readers of whole files (CSV text, a decoded JSON list) are in survey/import_files.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal, NamedTuple, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from survey.errors import ImportRowError
from survey.schema import SUPPORTED_LANGUAGES
from survey.vocabulary import AnswerKind, Channel

CustomerClass = Literal["KA", "A", "B", "C"]
KA_WEIGHT = 2.0  # seed 001 ECSS §6.7.1: a key account weighs at least twice a non-KA
DEFAULT_WEIGHT = 1.0
ROLES = ("general_manager", "product_manager", "quality", "purchasing", "marketing", "user")
MAX_TELEGRAM_ID = 2**63 - 1  # the BigInteger column; Telegram's ids are positive
NUL_PROBLEM = "contains a NUL character (\\x00), which cannot be stored"


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL in text; refusing it here names the field.
    if "\x00" in value:
        raise ValueError(NUL_PROBLEM)
    return value


NoNul = AfterValidator(_no_nul)
# Lengths of the columns in storage/models.py (tests/storage/test_people_import.py keeps the
# two in step; survey/ cannot import storage/).
ExternalId = Annotated[str, Field(min_length=1, max_length=80), NoNul]
Name = Annotated[str, Field(min_length=1, max_length=200), NoNul]
OptionalName = Annotated[str, Field(max_length=200), NoNul]
Unit = Annotated[str, Field(max_length=80), NoNul]  # business unit, product line
Owner = Annotated[str, Field(max_length=120), NoNul]  # account owner
Role = Annotated[str, Field(max_length=40), NoNul]
TimeZone = Annotated[str, Field(max_length=64), NoNul]
Email = Annotated[str, Field(max_length=254), NoNul]  # for e-mail invitations (mailing/)
# One @, something on each side, a dot in the domain, no spaces: a shape check, not a lookup.
EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
Finite = Field(allow_inf_nan=False)


def _blank(value: object) -> bool:
    return isinstance(value, str) and (not value or value.isspace())


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    # Fields whose value (when given) no two rows of one import may share.
    UNIQUE: ClassVar[tuple[str, ...]] = ("external_id",)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not _blank(v)}
        return data


def _not_bool(value: object) -> object:
    # JSON true/false is not a number here, though pydantic would read it as 1/0.
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false")
    return value


class CustomerRecord(_Record):
    """A customer (客户) as imported."""

    external_id: ExternalId
    name: Name
    customer_class: CustomerClass = "B"
    weight: Annotated[float | None, Finite, Field(gt=0)] = None
    business_unit: Unit | None = None
    product_line: Unit | None = None
    annual_revenue: Annotated[float | None, Finite, Field(ge=0)] = None
    account_owner: Owner | None = None

    @field_validator("customer_class", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("weight", "annual_revenue", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _not_bool(value)

    def effective_weight(self) -> float:
        """The given weight, else KA = 2 and others 1."""
        if self.weight is not None:
            return self.weight
        return KA_WEIGHT if self.customer_class == "KA" else DEFAULT_WEIGHT


class RespondentRecord(_Record):
    """A respondent (受访者) of a customer as imported."""

    UNIQUE: ClassVar[tuple[str, ...]] = ("external_id", "telegram_user_id")

    external_id: ExternalId
    customer_id: ExternalId  # the customer's external id
    name: OptionalName | None = None
    role: Role = "user"
    language: str | None = None
    timezone: TimeZone | None = None
    telegram_user_id: Annotated[int | None, Field(gt=0, le=MAX_TELEGRAM_ID)] = None
    email: Email | None = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL_SHAPE.fullmatch(value):
            raise ValueError("not an e-mail address (name@example.com)")
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        if value is not None and value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"unsupported language; use one of {list(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("telegram_user_id", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _not_bool(value)


R = TypeVar("R", bound=_Record)


def validate_records(
    numbered: Iterable[tuple[int, object]], model: type[R], *, whole: str = "(row)"
) -> tuple[list[tuple[int, R]], list[ImportRowError]]:
    """Validate numbered raw rows (CSV lines, JSON list items): the good records and, for each
    bad row, its number, first bad field (``whole`` for the row itself) and what is wrong."""
    good: list[tuple[int, R]] = []
    bad: list[ImportRowError] = []
    for number, row in numbered:
        try:
            good.append((number, model.model_validate(row)))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or whole
            bad.append(ImportRowError(number, field, first["msg"].removeprefix("Value error, ")))
    return good, bad


def drop_repeats(
    records: list[tuple[int, R]], *, unit: str = "line"
) -> tuple[list[tuple[int, R]], list[ImportRowError]]:
    """The records without repeats of a ``UNIQUE`` value: the first row keeps it, each later
    one is an error naming the first (an import never silently overwrites its own rows)."""
    if not records:
        return [], []
    unique = records[0][1].UNIQUE
    first: dict[str, dict[object, int]] = {name: {} for name in unique}
    kept: list[tuple[int, R]] = []
    repeats: list[ImportRowError] = []
    for number, record in records:
        values = [(name, getattr(record, name)) for name in unique]
        clash = next(((name, v) for name, v in values if v is not None and v in first[name]), None)
        if clash is not None:
            name, value = clash
            problem = f"{value!r} repeats {unit} {first[name][value]}, which is kept"
            repeats.append(ImportRowError(number, name, problem))
            continue
        for name, value in values:
            if value is not None:
                first[name][value] = number
        kept.append((number, record))
    return kept, repeats


# Answers of a campaign, as the answers export writes them (SPEC §7) -------------------------

IMPORTED_KINDS: tuple[AnswerKind, ...] = (
    AnswerKind.LIKERT,
    AnswerKind.FOLLOW_UP,
    AnswerKind.COMMENT,
    AnswerKind.NPS,
)
# The NPS question and the comment are stored under their kind's name as question key.
CLOSING_KINDS: dict[str, AnswerKind] = {k.value: k for k in (AnswerKind.NPS, AnswerKind.COMMENT)}
# How an answer was taken, when it came in by a file: kept; anything else becomes "import".
TAKEN_BY: frozenset[Channel] = frozenset({Channel.PAPER, Channel.PHONE, Channel.VISIT})
# The exports put an apostrophe before text a spreadsheet would run as a formula (the exports'
# cells module, FORMULA_STARTS): an import of an exported file takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
QuestionKey = Annotated[str, Field(min_length=1, max_length=40), NoNul]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=False), NoNul]  # as written


def imported_channel(value: object) -> Channel:
    """``paper``, ``phone`` or ``visit`` as given; anything else (empty, an export's
    ``telegram`` or ``web``) is ``import``: neither the bot nor the web form took it."""
    given = value.strip().lower() if isinstance(value, str) else None
    return Channel(given) if given in TAKEN_BY else Channel.IMPORT


def unguarded(value: str) -> str:
    """``value`` without the apostrophe an export put before a formula-like text."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


class AnswerKey(NamedTuple):
    """What an answer is idempotent on within its campaign."""

    respondent_id: str
    question: str
    kind: str

    def __repr__(self) -> str:
        return f"the {self.kind} answer of {self.respondent_id!r} to {self.question}"


class AnswerRecord(_Record):
    """One answer as imported: a line of the answers export (SPEC §7).

    ``campaign`` (where it was exported from) is not used; ``survey``, ``factor`` and ``item``
    are checked against the campaign's questionnaire. An empty ``kind`` is the NPS or comment
    for those two question keys and likert otherwise; a time without zone is UTC.
    """

    # Repeats are found after the survey's checks (campaigns/answer_checks.py): a line the
    # survey refuses must not make a later good line of the same answer a "repeat".
    UNIQUE: ClassVar[tuple[str, ...]] = ()

    campaign: str | None = None
    survey: str | None = None
    customer_id: ExternalId
    customer_name: Name | None = None
    customer_class: CustomerClass | None = None
    customer_weight: Annotated[float | None, Finite, Field(gt=0)] = None
    business_unit: Unit | None = None
    respondent_id: ExternalId
    role: Role | None = None
    language: str | None = None
    question: QuestionKey
    factor: str | None = None
    item: str | None = None
    kind: AnswerKind | None = None
    level: Annotated[int | None, Field(ge=0, le=10)] = None
    na: bool = False
    text: AnswerText | None = None
    answered_at: datetime
    channel: Channel = Channel.IMPORT

    @model_validator(mode="before")
    @classmethod
    def _unguard(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: unguarded(v) if isinstance(v, str) else v for k, v in data.items()}
        return data

    @field_validator("customer_class", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("kind", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("kind")
    @classmethod
    def _importable(cls, value: AnswerKind | None) -> AnswerKind | None:
        if value is not None and value not in IMPORTED_KINDS:
            raise ValueError(f"a campaign's answer is one of {', '.join(IMPORTED_KINDS)}")
        return value

    @field_validator("level", "customer_weight", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return _not_bool(value)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return RespondentRecord._known_language(value)

    @field_validator("answered_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: object) -> Channel:
        return imported_channel(value)

    @model_validator(mode="after")
    def _default_kind(self) -> AnswerRecord:
        if self.kind is None:
            self.kind = CLOSING_KINDS.get(self.question, AnswerKind.LIKERT)
        return self

    @property
    def answer(self) -> AnswerKey:
        """(respondent, question, kind): one answer of a campaign."""
        return AnswerKey(self.respondent_id, self.question, str(self.kind))
