"""``POST /telegram/webhook``: Telegram pushes updates here in webhook mode.

The answer tells Telegram whether to deliver the update again: 200 once it is processed (or
recognised as processed before), 503 when the database could not take it now (Telegram
retries; the update-id dedupe makes that safe), 400 for a body that is no Telegram update
(retrying would not help), 403 for a wrong secret.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any, Final

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import JSONResponse

from survey.errors import TemporarilyUnavailable

UpdateProcessor = Callable[[dict[str, Any]], Awaitable[None]]
SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
MAX_DEPTH: Final = 32  # Telegram's updates nest a few levels (a reply's message's chat)
INT64: Final = range(-(2**63), 2**63)  # Telegram ids fit a signed 64-bit integer
RETRY_AFTER: Final = "5"
OK: Final = {"ok": True}

router = APIRouter(tags=["telegram"])


def _bad(message: str) -> HTTPException:
    return HTTPException(status.HTTP_400_BAD_REQUEST, message)


def check_shape(value: Any, depth: int = 0) -> None:
    """Refuse bodies no Telegram update has: too deep, or integers beyond 64 bits."""
    if depth > MAX_DEPTH:
        raise _bad(f"the update nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for item in value.values():
            check_shape(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_shape(item, depth + 1)
    elif isinstance(value, int) and not isinstance(value, bool) and value not in INT64:
        raise _bad("an integer in the update is beyond 64 bits")


def parse_body(body: bytes) -> dict[str, Any]:
    """The update as a dict with an integer ``update_id``, or a 400."""
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past Python's limit
        raise _bad("body is not JSON") from None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        raise _bad("body is not a Telegram update: update_id must be a non-negative integer")
    check_shape(data)
    update: dict[str, Any] = data
    return update


async def telegram_webhook(request: Request) -> JSONResponse:
    """Check the secret, then process the update before answering (Telegram retries non-2xx).

    A plain Starlette route (``add_route`` below), not a FastAPI one: it takes no parameters,
    and FastAPI would still solve its dependencies (query string, cookies) on every update."""
    expected: str | None = request.app.state.webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing secret token")
    processor: UpdateProcessor | None = request.app.state.process_update
    if processor is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the bot is not running here")
    data = parse_body(await request.body())
    try:
        await processor(data)
    except TemporarilyUnavailable:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the update could not be stored now; deliver it again",
            headers={"Retry-After": RETRY_AFTER},
        ) from None
    except ValueError as exc:  # the body parsed as JSON but is no Telegram update
        raise _bad(str(exc)) from None
    return JSONResponse(OK)


router.add_route("/telegram/webhook", telegram_webhook, methods=["POST"], include_in_schema=False)
