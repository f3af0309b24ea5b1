"""The bot's Bot API calls, at most a few on the wire at once, the rest waiting in turn.

httpcore looks over every connection of its pool whenever a request starts or ends (a poll()
of each idle socket, and a count of the idle ones for each idle one), and over every request
queued in it for each of those: with PTB's pool of 256, at 200 people answering at once
(three calls per answer), that was a third of the CPU of each call (bench/conversation.py).
Here a small pool carries the calls, and a call waits for its turn in a FIFO semaphore
before it reaches the pool, so the pool never holds a queue either. Calls to a local or
nearby Bot API take milliseconds, so a few connections carry hundreds a second.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from telegram.request import HTTPXRequest

from bot.tls import tls_context

BOT_API_CONNECTIONS: Final = 16


class SlottedRequest(HTTPXRequest):
    """PTB's HTTPX request with ``connections`` connections and as many calls at once."""

    def __init__(self, connections: int = BOT_API_CONNECTIONS) -> None:
        super().__init__(connection_pool_size=connections, httpx_kwargs={"verify": tls_context()})
        self._slots = asyncio.Semaphore(connections)

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        async with self._slots:
            return await super().do_request(*args, **kwargs)
