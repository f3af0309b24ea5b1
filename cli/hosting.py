"""``csat serve`` inside a running event loop: uvicorn on a real port with the app and bot.

The demo, the benchmarks and the tests host the app this way, next to the Bot API simulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn
from telegram import Bot

from bot.aiohttp_request import bot_request
from bot.application import ALLOWED_UPDATES
from cli.telegram import KEEP_ALIVE_SECONDS, make_app
from survey.settings import Settings


class _Embedded(uvicorn.Server):
    """uvicorn without signal handlers: the host program owns Ctrl-C."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class AppServer:
    """The FastAPI app and the bot served on ``settings.host:settings.port``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    @property
    def webhook_url(self) -> str:
        assert self.settings.webhook_url is not None
        return self.settings.webhook_url

    async def start(self) -> None:
        config = uvicorn.Config(
            make_app(self.settings),
            host=self.settings.host,
            port=self.settings.port,
            log_level="warning",
            lifespan="on",
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
        )
        self._server = _Embedded(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                await self._task  # raises what stopped it
                raise RuntimeError("the app server stopped while starting")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = self._task = None

    async def register_webhook(self) -> None:
        """What ``csat webhook set`` does: point the Bot API at this server."""
        async with Bot(
            self.settings.token or "",
            base_url=f"{self.settings.telegram_api_url}/bot",
            request=bot_request(),
            get_updates_request=bot_request(get_updates=True),
        ) as bot:
            await bot.set_webhook(
                self.webhook_url, secret_token=self.settings.secret, allowed_updates=ALLOWED_UPDATES
            )
