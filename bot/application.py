"""Wiring of the python-telegram-bot Application: the one place handlers are registered."""

from __future__ import annotations

import logging
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import handlers, staff
from bot.aiohttp_request import bot_request
from bot.conversation import Conversation
from bot.failures import Retrier, collecting
from bot.rate_budget import shared_budget
from bot.rate_limits import SlidingWindowRateLimiter
from bot.scheduler import Scheduler
from survey.errors import TemporarilyUnavailable
from survey.routing import StaffRouting
from survey.settings import Settings

log = logging.getLogger(__name__)
RATE_LIMIT_RETRIES = 5
CONCURRENT_UPDATES = 16  # updates handled at once, polled or pushed to the webhook
SCHEDULER_KEY = "scheduler"
# The only updates the bot reads, asked for in polling and in ``csat webhook set`` alike:
# edits, channel posts, reactions and the rest never reach a handler.
ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    *,
    polling: bool,
    request: BaseRequest | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB application talking to ``settings.telegram_api_url`` (Telegram, a self-hosted Bot
    API server or our simulator) with every conversation handler registered."""
    token = settings.token
    if token is None:
        raise ValueError("CSAT_TELEGRAM_TOKEN is not set")
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .rate_limiter(
            SlidingWindowRateLimiter(
                max_retries=RATE_LIMIT_RETRIES, shared=shared_budget(settings, sessions)
            )
        )
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    replies = request or bot_request()  # a few calls at once (bot/aiohttp_request.py)
    builder = builder.request(replies).get_updates_request(bot_request(get_updates=True))
    if not polling:
        builder = builder.updater(None)  # updates arrive through the FastAPI webhook route
    application = builder.build()
    application.bot_data[handlers.CONVERSATION_KEY] = Conversation(
        sessions, max_text=settings.max_text, routing=StaffRouting.from_settings(settings)
    )
    application.bot_data[staff.STAFF_KEY] = staff.StaffDesk(sessions, settings)
    scheduler = Scheduler(application.bot, sessions, settings)
    application.bot_data[SCHEDULER_KEY] = scheduler
    application.bot_data[handlers.RETRIER_KEY] = Retrier(application)

    async def on_tickets(ticket_ids: list[int]) -> None:
        """Tickets were opened and committed: send their alerts now, not at the next tick."""
        scheduler.wake()

    application.bot_data["on_tickets"] = on_tickets
    # New messages only: an edited message is not a new answer (and is not asked for either).
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    # Staff buttons work in any chat (the staff group or a private one), so they come first.
    application.add_handler(CallbackQueryHandler(staff.on_take, pattern=staff.TAKE_PATTERN))
    application.add_handler(CallbackQueryHandler(staff.on_open, pattern=staff.OPEN_PATTERN))
    application.add_handler(CommandHandler("start", handlers.on_start, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, handlers.on_command))
    application.add_handler(MessageHandler(private & filters.TEXT, handlers.on_text))
    application.add_handler(CallbackQueryHandler(handlers.on_press))
    application.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.on_unreadable)
    )
    application.add_error_handler(handlers.on_error)
    return application


class BotService:
    """Starts and stops the bot inside a host (the FastAPI lifespan or the demo), and with
    ``scheduler=True`` (what ``csat serve`` wants) the scheduler that sends alerts,
    invitations and reminders."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], *, scheduler: bool = True
    ) -> None:
        self.application = application
        self.scheduler: Scheduler | None = (
            application.bot_data[SCHEDULER_KEY] if scheduler else None
        )

    async def start(self) -> None:
        await self.application.initialize()
        await self.application.start()
        if self.application.updater is not None:
            await self.application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, error_callback=_polling_failed
            )
            log.info("bot polling %s", self.application.bot.base_url)
        if self.scheduler is not None:
            self.scheduler.start()

    def wake_scheduler(self) -> None:
        """Send queued messages now (e.g. right after the admin API queued invitations)."""
        if self.scheduler is not None:
            self.scheduler.wake()

    async def stop(self) -> None:
        retrier: Retrier = self.application.bot_data[handlers.RETRIER_KEY]
        await retrier.close()
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def process_update(self, data: dict[str, Any]) -> None:
        """Handle one webhook update to completion (at-least-once with dedupe, SPEC §9).

        Raises ``TemporarilyUnavailable`` when the database could not take it, so that the
        webhook answers 503 and Telegram delivers the update again; ``ValueError`` when the
        body is not a Telegram update.
        """
        update = parse_update(data, self.application.bot)
        application = self.application
        with collecting() as failures:
            # Through the update processor, as polled updates go: at most
            # ``concurrent_updates`` at once, the others waiting here and not for a database
            # connection (storage.engine.POOL_SIZE).
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        if failures:
            raise TemporarilyUnavailable(str(failures[0])) from failures[0]


def _polling_failed(error: TelegramError) -> None:
    """One line per failed getUpdates (PTB waits 1 s, then 1.5× longer, up to 30 s), not a
    traceback each time the Bot API is unreachable."""
    log.warning("polling failed: %s: %s (retrying with back-off)", type(error).__name__, error)


def parse_update(data: dict[str, Any], bot: Any) -> Update:
    """The update in a webhook body, or ``ValueError`` naming what is wrong with it."""
    try:
        update = Update.de_json(data, bot)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a Telegram update: {type(exc).__name__}: {exc}") from None
    if update is None:
        raise ValueError("not a Telegram update")
    return update
