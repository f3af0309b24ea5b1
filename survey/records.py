"""Customers and respondents as imported records, and the CSV reader that validates them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from survey.errors import ImportRowError
from survey.schema import SUPPORTED_LANGUAGES

CustomerClass = Literal["KA", "A", "B", "C"]
KA_WEIGHT = 2.0  # seed 001 ECSS §6.7.1: a key account weighs at least twice a non-KA
DEFAULT_WEIGHT = 1.0
ROLES = ("general_manager", "product_manager", "quality", "purchasing", "marketing", "user")
ExternalId = Annotated[str, Field(min_length=1, max_length=80)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data


class CustomerRecord(_Record):
    """A customer (客户) as imported."""

    external_id: ExternalId
    name: Annotated[str, Field(min_length=1, max_length=200)]
    customer_class: CustomerClass = "B"
    weight: float | None = Field(default=None, gt=0)
    business_unit: str | None = None
    product_line: str | None = None
    annual_revenue: float | None = Field(default=None, ge=0)
    account_owner: str | None = None

    @field_validator("customer_class", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    def effective_weight(self) -> float:
        """The given weight, else KA = 2 and others 1."""
        if self.weight is not None:
            return self.weight
        return KA_WEIGHT if self.customer_class == "KA" else DEFAULT_WEIGHT


class RespondentRecord(_Record):
    """A respondent (受访者) of a customer as imported."""

    external_id: ExternalId
    customer_id: ExternalId  # the customer's external id
    name: str | None = None
    role: str = "user"
    language: str | None = None
    timezone: str | None = None
    telegram_user_id: int | None = None

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


R = TypeVar("R", bound=_Record)


def read_records(text: str, model: type[R]) -> tuple[list[tuple[int, R]], list[ImportRowError]]:
    """Parse CSV text into (line, record) pairs and the errors of the bad lines."""
    return validate_records(_rows(text), model)


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


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames:
        return
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames]
    for row in reader:
        # DictReader counts physical lines, so quoted newlines keep numbers true.
        yield reader.line_num, {k: v for k, v in row.items() if k is not None}
