"""Fixtures for the Bot API simulator tests: a running simulator, a PTB bot, webhook receivers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot

from bot.simulator import SECRET_HEADER, BotApiSimulator


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on int-valued durations (RetryAfter.retry_after) unless opted in."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    """A started simulator with default limits."""
    async with BotApiSimulator() as simulator:
        yield simulator


@pytest_asyncio.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    """A real python-telegram-bot Bot talking HTTP to the simulator."""
    async with Bot(sim.token, base_url=sim.base_url) as tg_bot:
        yield tg_bot


@dataclass
class Received:
    """One POST that reached a webhook receiver."""

    update: dict[str, Any]
    secret: str | None


@dataclass
class WebhookReceiver:
    """A webhook endpoint on a real socket that records updates and answers planned statuses."""

    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    on_update: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        """Record the update, let `on_update` process it, answer the next planned status."""
        update = await request.json()
        self.received.append(Received(update, request.headers.get(SECRET_HEADER)))
        if self.on_update is not None:
            await self.on_update(update)
        return Response(status_code=self.statuses.pop(0) if self.statuses else 200)


class _QuietServer(uvicorn.Server):
    """uvicorn that leaves pytest's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest_asyncio.fixture
async def receivers() -> AsyncIterator[Callable[[], Awaitable[WebhookReceiver]]]:
    """Factory of webhook receivers served by uvicorn on free ports; all stopped at the end."""
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start() -> WebhookReceiver:
        receiver = WebhookReceiver()
        app = Starlette(routes=[Route("/hook", receiver.endpoint, methods=["POST"])])
        config = uvicorn.Config(app, port=0, log_config=None, lifespan="off", access_log=False)
        server = _QuietServer(config)
        servers.append((server, asyncio.create_task(server.serve())))
        while not server.started:
            await asyncio.sleep(0.005)
        port = server.servers[0].sockets[0].getsockname()[1]
        receiver.url = f"http://127.0.0.1:{port}/hook"
        return receiver

    yield start
    for server, _ in servers:
        server.should_exit = True
    await asyncio.gather(*(task for _, task in servers))
