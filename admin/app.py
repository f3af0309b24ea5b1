"""The FastAPI application factory: admin API, health check and the Telegram webhook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, Literal, Protocol

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin import webhook
from admin.docs import install_docs
from admin.errors import ERROR_RESPONSES, install_error_handlers
from admin.limits import WEBHOOK_MAX_BODY_BYTES, WEBHOOK_PATH, BodySizeLimit
from admin.routes import (
    answer_imports,
    answers,
    campaign_actions,
    campaigns,
    customers,
    exports,
    respondents,
    review,
    surveys,
    tickets,
)
from storage.engine import create_engine, create_sessionmaker
from storage.ticket_alerts import alert_departments
from storage.ticket_lists import undelivered_alert_count
from survey.calendar import load_holidays
from survey.routing import routing_warnings
from survey.settings import Settings

log = logging.getLogger(__name__)


class HostedBot(Protocol):
    """What the app needs of a bot it hosts (bot/ provides it; admin/ never imports bot/)."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def process_update(self, data: dict[str, Any]) -> None: ...
    def wake_scheduler(self) -> None: ...


BotFactory = Callable[[async_sessionmaker[AsyncSession]], HostedBot]
# Another channel served by the same app (web/ provides one; admin/ never imports it): called
# with the app once its routes are in, it adds its own routes and static files.
ChannelInstaller = Callable[[FastAPI], None]
# Resource routers, behind API keys (admin/deps.py); the order matters only within a router.
ROUTERS = (
    surveys.router,
    customers.router,
    respondents.router,
    campaigns.router,
    campaign_actions.router,
    exports.router,
    tickets.router,
    answers.router,
    answer_imports.router,
    review.router,
)
DESCRIPTION = """\
The admin API of csat-bot (SPEC §7). Every route but `/healthz` needs
`Authorization: Bearer <api key>` (create one with `csat apikey create --role ROLE`):
`viewer` reads, `staff` also updates tickets, `admin` does everything.
Every error answers `{"error": {"status", "code", "message", "details"}}`.
"""


class Health(BaseModel):
    """``/healthz``: ``status`` is ``ok`` while the process answers (liveness); ``warnings``
    name what an operator should fix, ``undelivered_alerts`` counts ticket alerts no staff
    chat has received (null while the database cannot be read)."""

    status: Literal["ok"] = "ok"
    warnings: list[str]
    undelivered_alerts: int | None


async def delivery_health(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> Health:
    """Departments of the loaded surveys whose alerts no staff chat would receive, and the
    alerts nobody has received; a database that cannot be read is a warning too."""
    try:
        async with sessions() as session:
            departments = await alert_departments(session)
            undelivered = await undelivered_alert_count(session)
    except (SQLAlchemyError, OSError) as exc:
        return Health(warnings=[f"database: {type(exc).__name__}"], undelivered_alerts=None)
    return Health(warnings=routing_warnings(settings, departments), undelivered_alerts=undelivered)


async def _load_holidays(country: str) -> None:
    """The working calendar's holiday data, loaded in a thread while the server starts."""
    try:
        await asyncio.to_thread(load_holidays, country)
    except Exception:  # the first deadline counted will say so again, with its request
        log.exception("could not load the public holidays of %s", country)


def create_app(
    settings: Settings,
    *,
    bot_factory: BotFactory | None = None,
    channels: Sequence[ChannelInstaller] = (),
) -> FastAPI:
    """The admin app; with ``bot_factory`` it also runs the bot for the app's lifetime, and
    each of ``channels`` adds its routes (the web survey)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        sessions = create_sessionmaker(engine)
        app.state.sessions = sessions
        # Kept on the app: a task nothing refers to may be collected before it ends.
        app.state.loading_holidays = asyncio.create_task(_load_holidays(settings.holidays))
        for warning in (await delivery_health(sessions, settings)).warnings:
            log.warning(warning)
        bot = bot_factory(sessions) if bot_factory is not None else None
        if bot is None:
            log.warning("no CSAT_TELEGRAM_TOKEN: the bot is off, the admin API is served")
        else:
            await bot.start()
        app.state.process_update = bot.process_update if bot and settings.webhook_mode else None
        app.state.wake_scheduler = bot.wake_scheduler if bot is not None else None
        try:
            yield
        finally:
            if bot is not None:
                await bot.stop()
            for stop in app.state.on_stop:  # the channels' own work under way
                await stop()
            await engine.dispose()

    app = FastAPI(
        title="csat-bot admin API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by install_docs, not from a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.webhook_secret = settings.secret
    app.state.process_update = None
    # Set by whoever runs a scheduler in this process: routes that queue messages call it.
    app.state.wake_scheduler = None
    # Called as the app stops, before its engine closes: a channel's tasks that use sessions.
    app.state.on_stop = []
    # Added before the catch-all, so it runs inside it: a body past its limit answers 413.
    app.add_middleware(
        BodySizeLimit,
        limit=settings.max_body_bytes,
        per_path={WEBHOOK_PATH: min(WEBHOOK_MAX_BODY_BYTES, settings.max_body_bytes)},
    )
    install_error_handlers(app)
    install_docs(app)
    app.include_router(webhook.router)
    for router in ROUTERS:
        app.include_router(router, responses=ERROR_RESPONSES)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> Health:
        """Liveness (``status``: the process answers), plus what an operator should know:
        departments whose alerts no staff chat receives, and how many ticket alerts no chat
        has received (listed by ``GET /tickets?undelivered=true``)."""
        return await delivery_health(app.state.sessions, settings)

    for install in channels:
        install(app)
    return app
