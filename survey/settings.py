"""Configuration of a csat deployment, from ``CSAT_*`` environment variables (SPEC §8).

It lives at the bottom layer so the CLI, the admin app factory and the bot builder read the
same object; nothing else should construct it.
"""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./csat.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"


class Settings(BaseSettings):
    """Everything a ``csat`` process can be told from the environment."""

    model_config = SettingsConfigDict(env_prefix="CSAT_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    telegram_token: SecretStr | None = None
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL
    bot_username: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    staff_chat_id: int | None = None
    timezone: str = "Asia/Shanghai"
    holidays: str = "CN"
    host: str = "127.0.0.1"
    port: int = 8000
    max_text: int = Field(default=1000, ge=50, le=4000)
    # Staff alerts go to the factor's department chat, else to staff_chat_id (SPEC §5).
    department_chats: dict[str, int] = Field(default_factory=dict)
    staff_language: str = "zh-CN"
    # Reminders: first after 3 working days, then weekly, at most max_reminders (SPEC §5).
    first_reminder_working_days: int = Field(default=3, ge=1)
    reminder_interval_days: int = Field(default=7, ge=1)
    max_reminders: int = Field(default=3, ge=0)
    # Night hours of the respondent's time zone, when nothing is sent: [night_start, night_end).
    night_start: int = Field(default=21, ge=0, le=23)
    night_end: int = Field(default=8, ge=0, le=23)
    scheduler_interval: float = Field(default=5.0, gt=0)
    # False: this process serves the API and the bot but sends no outbox (another one does).
    scheduler: bool = True
    # Largest request body the admin API reads (413 above): 50 MiB fits a 200,000-row import.
    max_body_bytes: int = Field(default=50 * 1024 * 1024, ge=1024)
    # Where respondents reach this app from outside: web links are public_url + /s/{token}.
    public_url: str | None = None
    # Signs the web form's CSRF tokens and session cookies; every process of a deployment
    # needs the same one (unset: one made at random per process, fine for a single process).
    secret_key: SecretStr | None = None
    # Seconds of a dashboard view before it stops waiting for a report being built and shows
    # the last one built (said to be older), or says the report is being prepared.
    dashboard_report_wait: float = Field(default=1.0, ge=0)
    # E-mail invitations and reminders (off while smtp_host is unset).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    # Telegram's limits shared by every process of the bot: redis://… keeps them in Redis;
    # unset, in the PostgreSQL database when there is one, else in the process; "local": in
    # the process even on PostgreSQL (a single sender).
    rate_budget_url: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @field_validator("telegram_api_url", "public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value is not None else None

    @field_validator("rate_budget_url")
    @classmethod
    def _budget_store(cls, value: str | None) -> str | None:
        if value is None or value in ("", "local"):
            return value or None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL, or 'local'")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        import re

        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1–256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @property
    def token(self) -> str | None:
        return self.telegram_token.get_secret_value() if self.telegram_token else None

    @property
    def secret(self) -> str | None:
        return self.webhook_secret.get_secret_value() if self.webhook_secret else None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)
