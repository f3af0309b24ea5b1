"""The e-mail sender inside the app's process (``csat serve``, the demo): a channel installer.

``create_app(channels=[mail_channel(settings)])`` (cli/telegram.py) wraps the app's lifespan:
once the app has its database sessions, the sender starts; it stops, its pass in flight
finished, before the database is let go. Routes that queue messages wake it through
``app.state.wake_scheduler``, as they wake the bot's scheduler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from mailing.sender import MailSender
from mailing.smtp import SmtpConfig
from survey.settings import Settings

NO_PUBLIC_URL = (
    "CSAT_SMTP_HOST is set but CSAT_PUBLIC_URL is not: e-mail invitations need the web link, "
    "so none are sent"
)


def mail_problem(settings: Settings) -> str | None:
    """Why no e-mail would be sent although SMTP is configured; None when all is well."""
    return NO_PUBLIC_URL if settings.smtp_host and not settings.public_url else None


def mail_channel(settings: Settings) -> Callable[[FastAPI], None] | None:
    """The installer running the e-mail sender with the app; None when e-mail is off."""
    config = SmtpConfig.from_settings(settings)
    if config is None or mail_problem(settings) is not None:
        return None

    def install(app: FastAPI) -> None:
        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
            async with inner(app) as state:
                sender = MailSender(app.state.sessions, settings, config)
                app.state.mail_sender = sender
                app.state.wake_scheduler = _also(app.state.wake_scheduler, sender.wake)
                sender.start()
                try:
                    yield state
                finally:
                    await sender.stop()

        app.router.lifespan_context = lifespan

    return install


def _also(first: Callable[[], None] | None, then: Callable[[], None]) -> Callable[[], None]:
    """Wake the bot's scheduler (when there is one: its ``wake_scheduler`` is a plain call, as
    routes call it) and the e-mail sender."""

    def both() -> None:
        if first is not None:
            first()
        then()

    return both
