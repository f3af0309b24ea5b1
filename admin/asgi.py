"""Plumbing the app's pure ASGI middlewares share."""

from __future__ import annotations

from starlette.types import Message, Send


class ResponseWatch:
    """An ASGI ``send`` that notes whether the response has started: once it has, an error can
    no longer be answered with an error page of its own, only re-raised."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self._send(message)
