"""``POST /telegram/webhook``: Telegram pushes updates here in webhook mode."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status

UpdateProcessor = Callable[[dict[str, Any]], Awaitable[None]]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

router = APIRouter(tags=["telegram"])


@router.post("/telegram/webhook", include_in_schema=False)
async def telegram_webhook(request: Request) -> dict[str, bool]:
    """Check the secret, then process the update before answering (Telegram retries non-2xx)."""
    expected: str | None = request.app.state.webhook_secret
    given = request.headers.get(SECRET_HEADER, "")
    if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing secret token")
    processor: UpdateProcessor | None = request.app.state.process_update
    if processor is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the bot is not running here")
    try:
        data = await request.json()
    except ValueError:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "body is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "body is not a Telegram update")
    await processor(data)
    return {"ok": True}
