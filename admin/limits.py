"""Request body size limits: a body larger than its route's limit answers 413, unread.

A pure ASGI middleware (nothing is buffered): a ``Content-Length`` above the limit is refused
before the app runs; a body sent without one (chunked) is counted as it streams, and the
first chunk past the limit ends the request with the same 413. The connection is kept, so
uvicorn reads and drops the rest of the body (for at most its keep-alive timeout) and the
client reads the 413 instead of a reset connection. The general limit
(``CSAT_MAX_BODY_BYTES``, 50 MiB by default) fits a 200,000-row CSV import; Telegram's
updates are small, so the webhook takes at most ``WEBHOOK_MAX_BODY_BYTES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from fastapi import status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.asgi import ResponseWatch
from admin.errors import ApiError, error_response

WEBHOOK_PATH: Final = "/telegram/webhook"
WEBHOOK_MAX_BODY_BYTES: Final = 1024 * 1024


class BodyTooLarge(ApiError):
    """A body past its route's limit; raised from ``receive`` while a body streams in."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the body is larger than this route accepts ({limit:,} bytes)",
            details=[{"field": "(body)", "limit_bytes": limit}],
        )
        self.limit = limit


class BodySizeLimit:
    """ASGI middleware enforcing ``limit`` bytes per request body (``per_path`` overrides)."""

    def __init__(self, app: ASGIApp, *, limit: int, per_path: Mapping[str, int]) -> None:
        self.app = app
        self.limit = limit
        self.per_path = dict(per_path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.limit)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(BodyTooLarge(limit), scope, receive, send)
            return
        received = 0
        watch = ResponseWatch(send)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counting_receive, watch)
        except BodyTooLarge as error:
            # The app's exception handler answers it; this is for a body read outside a route.
            if watch.started:
                raise
            await _refuse(error, scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed length before we are called
    return None


async def _refuse(error: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(
        error.status_code, str(error.detail), details=error.details, headers=error.headers
    )
    await response(scope, receive, send)
