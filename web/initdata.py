"""A Telegram Mini App's ``initData``, checked with the bot token as Telegram documents it
("Validating data received via the Mini App", core.telegram.org/bots/webapps):

    secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
    data_check_string = "\\n".join(f"{key}={value}" for every field but hash, sorted by key)
    valid when hex(HMAC_SHA256(key=secret_key, msg=data_check_string)) == hash

Values are compared URL-decoded, as the data-check-string is built from decoded values. A
signed ``auth_date`` older than ``max_age`` is refused too: a leaked initData string must not
open the form forever. Pure functions; refusals are ``InitDataRefused`` with a ``Problem``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl

from survey.errors import SurveyError

SECRET_KEY_SALT = b"WebAppData"  # the constant Telegram signs the bot token with
DEFAULT_MAX_AGE = timedelta(days=1)  # a Mini App left open longer is reopened from the chat
MAX_INIT_DATA_CHARS = 4096  # Telegram's are a few hundred; anything far longer is not one
CLOCK_SKEW = timedelta(minutes=5)  # an auth_date this far ahead of our clock still passes


class Problem(StrEnum):
    """Why an initData string was refused (the refusal's stable reason)."""

    MALFORMED = "malformed"  # not a query string of unique fields, or a field unreadable
    MISSING_HASH = "missing_hash"
    BAD_HASH = "bad_hash"  # not signed with our bot's token, or changed after signing
    EXPIRED = "expired"  # auth_date older than the allowed age (or far in the future)


class InitDataRefused(SurveyError):
    """An initData string that does not prove a Telegram user opened our Mini App."""

    def __init__(self, problem: Problem, detail: str) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"initData refused ({problem}): {detail}")

    def details(self) -> list[dict[str, str]]:
        return [{"field": "init_data", "problem": str(self.problem)}]


@dataclass(frozen=True)
class MiniAppUser:
    """The Telegram user a validated initData names, and when Telegram signed it."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


def secret_key(bot_token: str) -> bytes:
    """The key initData hashes are made with: the bot token signed with "WebAppData"."""
    return hmac.new(SECRET_KEY_SALT, bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field except ``hash``, sorted by key, as ``key=value`` lines."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def validate(
    init_data: str,
    bot_token: str,
    *,
    now: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> MiniAppUser:
    """The user of a genuine, fresh initData string; else ``InitDataRefused`` saying why."""
    fields = _fields(init_data)
    received = fields.get("hash")
    if not received:
        raise InitDataRefused(Problem.MISSING_HASH, "no hash field")
    expected = hmac.new(
        secret_key(bot_token), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    # Compared as bytes: compare_digest refuses non-ASCII text (a TypeError, not a refusal).
    if not hmac.compare_digest(expected.encode(), received.lower().encode()):
        raise InitDataRefused(Problem.BAD_HASH, "the hash does not match the bot token")
    # Only signed data is read from here on: its shape is Telegram's, but still checked.
    auth_date = _auth_date(fields.get("auth_date"))
    if auth_date < now - max_age or auth_date > now + CLOCK_SKEW:
        raise InitDataRefused(Problem.EXPIRED, f"signed at {auth_date.isoformat()}")
    return _user(fields.get("user"), auth_date)


def _fields(init_data: str) -> dict[str, str]:
    if not init_data or len(init_data) > MAX_INIT_DATA_CHARS:
        raise InitDataRefused(Problem.MALFORMED, "empty or too long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as error:
        raise InitDataRefused(Problem.MALFORMED, "not a query string") from error
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a repeated field could be read two ways: refuse it
        raise InitDataRefused(Problem.MALFORMED, "a field appears twice")
    return fields


def _auth_date(raw: str | None) -> datetime:
    if raw is None or not raw.isascii() or not raw.isdigit():
        raise InitDataRefused(Problem.MALFORMED, "auth_date is not a Unix time")
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise InitDataRefused(Problem.MALFORMED, "auth_date out of range") from error


def _user(raw: str | None, auth_date: datetime) -> MiniAppUser:
    """The ``user`` field (JSON) as a MiniAppUser; a Mini App opened from a button has one."""
    if raw is None:
        raise InitDataRefused(Problem.MALFORMED, "no user field")
    try:
        user = json.loads(raw)
    except ValueError as error:
        raise InitDataRefused(Problem.MALFORMED, "user is not JSON") from error
    if not isinstance(user, dict):
        raise InitDataRefused(Problem.MALFORMED, "user is not an object")
    user_id, first_name = user.get("id"), user.get("first_name")
    language = user.get("language_code")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or user_id <= 0:
        raise InitDataRefused(Problem.MALFORMED, "user.id is not a positive integer")
    if not isinstance(first_name, str):
        raise InitDataRefused(Problem.MALFORMED, "user.first_name is not text")
    if language is not None and not isinstance(language, str):
        raise InitDataRefused(Problem.MALFORMED, "user.language_code is not text")
    return MiniAppUser(
        id=user_id, first_name=first_name, language_code=language, auth_date=auth_date
    )
