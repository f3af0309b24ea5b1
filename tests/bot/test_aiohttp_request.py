"""bot.aiohttp_request.AiohttpRequest: Bot API calls beyond its few connections wait their turn
before the pool (none fails on a pool timeout), every one is made, and a Bot API that does not
answer in time, or is not there, is a PTB error the bot already handles."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.aiohttp_request import AiohttpRequest
from simulator import BotApiSimulator, Limits

CALLS = 60
CONNECTIONS = 3


async def test_many_calls_at_once_share_a_few_connections() -> None:
    async with BotApiSimulator(limits=Limits.unlimited()) as sim:  # our code, not flood limits
        users = [sim.user(9000 + n, first_name=f"U{n}") for n in range(CALLS)]
        for user in users:
            await user.send_text("/start")  # the bot may write to them
        request = AiohttpRequest(CONNECTIONS)
        async with Bot(sim.token, base_url=sim.base_url, request=request) as bot:
            sent = await asyncio.gather(*(bot.send_message(u.id, f"hello {u.id}") for u in users))
            connector = request._session.connector  # type: ignore[union-attr]
            assert connector is not None
            opened = sum(len(c) for c in connector._conns.values())  # idle connections kept
            assert 0 < opened <= CONNECTIONS
    assert sorted(m.chat.id for m in sent) == [u.id for u in users]
    texts = {int(c.params["chat_id"]): c.params["text"] for c in sim.calls("sendMessage")}
    assert texts == {u.id: f"hello {u.id}" for u in users}


async def test_parameters_arrive_as_ptb_encodes_them() -> None:
    """Nested values (a keyboard) go as JSON inside the form, as with PTB's own request."""
    async with BotApiSimulator() as sim:
        user = sim.user(9100, first_name="K")
        await user.send_text("/start")
        async with Bot(sim.token, base_url=sim.base_url, request=AiohttpRequest()) as bot:
            message = await bot.send_message(
                user.id,
                "pick",
                reply_markup=InlineKeyboardMarkup.from_button(
                    InlineKeyboardButton("5 – 很满意", callback_data="a:5")
                ),
            )
        assert message.reply_markup is not None
        button = message.reply_markup.inline_keyboard[0][0]
        assert (button.text, button.callback_data) == ("5 – 很满意", "a:5")
        (call,) = sim.calls("sendMessage")
        assert call.params["text"] == "pick"


async def test_a_file_goes_as_multipart() -> None:
    """The simulator takes no files; a small server reads the parts as the Bot API would."""
    parts: dict[str, tuple[str | None, bytes]] = {}

    async def upload(request: web.Request) -> web.Response:
        async for part in await request.multipart():
            assert isinstance(part, aiohttp.BodyPartReader) and part.name is not None
            parts[part.name] = (part.filename, await part.read())
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot1:x/sendDocument", upload)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with AiohttpRequest() as request:  # PTB's BaseRequest: initialize, shutdown
            answer = await request.post(
                f"http://127.0.0.1:{port}/bot1:x/sendDocument",
                request_data=RequestData(
                    [
                        RequestParameter.from_input("chat_id", 7),
                        RequestParameter.from_input(
                            "document", InputFile(b"a,b\n1,2\n", filename="scores.csv")
                        ),
                    ]
                ),
            )
    finally:
        await runner.cleanup()
    assert answer is True
    assert parts["chat_id"] == (None, b"7")
    filename, content = parts["document"]
    assert (filename, content) == ("scores.csv", b"a,b\n1,2\n")


async def test_a_silent_bot_api_is_a_timeout() -> None:
    """A server that takes the connection and never answers: TimedOut after the read timeout."""
    taken: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        taken.append(writer)  # kept open, unanswered, until the test closes it

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with AiohttpRequest(read_timeout=0.2) as request:
            with pytest.raises(TimedOut):
                await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")
    finally:
        for writer in taken:
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
    assert len(taken) == 1


async def test_no_bot_api_is_a_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot1:x/getMe")


async def test_a_call_before_initialize_is_refused() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/bot1:x/getMe", "POST")
