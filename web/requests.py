"""What the web pages read off a request: the language it hints at, its posted fields, whether
a link preview fetched it, and the app's database sessions and scheduler."""

from __future__ import annotations

import re

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pagekit.languages import accepted_language
from survey.schema import SUPPORTED_LANGUAGES

# Link previews (Telegram's, WhatsApp's, …) fetch a link pasted in a chat: nobody opened it.
PREVIEW_AGENTS = re.compile(r"bot\b|crawler|spider|preview|facebookexternalhit|whatsapp", re.I)


def language_hint(request: Request) -> str | None:
    """``?lang=`` when it names one of our languages, else the browser's Accept-Language."""
    lang = request.query_params.get("lang")
    if lang in SUPPORTED_LANGUAGES:
        return lang
    return accepted_language(request.headers.get("accept-language"))


def is_preview(request: Request) -> bool:
    return bool(PREVIEW_AGENTS.search(request.headers.get("user-agent", "")))


def sessions_of(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


def wake_scheduler(request: Request) -> None:
    """Tell the process's scheduler (when it runs one) that messages were queued."""
    wake = getattr(request.app.state, "wake_scheduler", None)
    if wake is not None:
        wake()
