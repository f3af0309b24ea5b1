"""Webhook mode: pushes with the secret header, failures, redelivery and load balancing."""

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
from telegram import Bot, Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from simulator import SECRET_HEADER, BotApiSimulator, Delivery

pytestmark = pytest.mark.asyncio


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


StartReceiver = Callable[[], Awaitable[WebhookReceiver]]


@pytest_asyncio.fixture
async def receivers() -> AsyncIterator[StartReceiver]:
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


async def test_push_with_secret_and_redelivery(
    sim: BotApiSimulator, bot: Bot, receivers: StartReceiver
) -> None:
    hook = await receivers()
    await bot.set_webhook(hook.url, secret_token="s3cret")
    alice = sim.user(1001)

    first = await alice.send_text("/start")
    assert first.status_code == 200 and sim.pending_updates == []
    assert hook.received[0].update == sim.updates[0] and hook.received[0].secret == "s3cret"

    hook.statuses = [500]
    failed = await alice.send_text("hello")
    assert failed.status_code == 500
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"

    assert await sim.redeliver_pending() == [Delivery(failed.update_id, 200)]
    assert (await bot.get_webhook_info()).pending_update_count == 0
    # A verbatim repeat of an already confirmed update, for dedupe tests.
    assert (await sim.redeliver(first.update_id)).status_code == 200
    assert [r.update["update_id"] for r in hook.received] == [1, 2, 2, 1]
    assert hook.received[3].update == hook.received[0].update


async def test_unreachable_webhook_keeps_the_update(sim: BotApiSimulator, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    delivery = await sim.user(1001).send_text("/start")
    assert delivery.status_code is None and len(sim.pending_updates) == 1
    assert (await bot.get_webhook_info()).last_error_message == "Connection refused"


async def test_round_robin_targets(
    sim: BotApiSimulator, bot: Bot, receivers: StartReceiver
) -> None:
    a, b = await receivers(), await receivers()
    await bot.set_webhook(a.url)
    sim.webhook_targets = [a.url, b.url]
    alice = sim.user(1001)
    for text in ("/start", "one", "two"):
        await alice.send_text(text)
    assert [r.update["update_id"] for r in a.received] == [1, 3]
    assert [r.update["update_id"] for r in b.received] == [2]


async def test_ptb_application_behind_the_webhook(
    sim: BotApiSimulator, receivers: StartReceiver
) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"echo: {update.message.text}")

    app = Application.builder().token(sim.token).base_url(sim.base_url).updater(None).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    hook = await receivers()

    async def process(data: dict[str, Any]) -> None:
        await app.process_update(Update.de_json(data, app.bot))

    hook.on_update = process
    async with app:
        await app.bot.set_webhook(hook.url)
        alice = sim.user(1001)
        delivery = await alice.send_text("hi")
        # The webhook answered only after processing, so the reply is already there.
        assert delivery.status_code == 200 and alice.last_text == "echo: hi"
