"""Which rate budget the bot's bulk sends share (``CSAT_RATE_BUDGET_URL``, SPEC §8): Redis when
a redis:// URL is set; else the PostgreSQL database, which every ``csat serve`` process of one
deployment already shares; else (SQLite, ``local``) none beyond the process's own windows.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.rate_budget import PostgresBudget, SharedBudget
from survey.settings import Settings

LOCAL = "local"


def namespace(settings: Settings) -> str:
    """Telegram limits each bot: its id (the token's part before the colon) names its budget."""
    token = settings.token or ""
    return token.split(":", 1)[0] or "bot"


def shared_budget(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> SharedBudget | None:
    """The budget every process of this bot shares, or None when the process's own will do."""
    url = settings.rate_budget_url
    if url == LOCAL:
        return None
    if url is not None:
        from storage.rate_budget_redis import RedisBudget  # only a Redis deployment loads it

        return RedisBudget.from_url(url, namespace(settings))
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return PostgresBudget(sessions, namespace(settings))
    return None
