"""Pushing updates to a webhook the way Telegram does, including redelivery."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

import httpx

from simulator.state import JSON, SimState
from simulator.tls import tls_context

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_WEBHOOK_TIMEOUT = 30.0


class Intake(StrEnum):
    """How the bot takes its updates: pushed to its webhook, or fetched with getUpdates."""

    WEBHOOK = "webhook"
    GET_UPDATES = "getUpdates"


@dataclass(frozen=True)
class Delivery:
    """An update made by a simulated user; `status_code` is None unless a webhook answered."""

    update_id: int
    status_code: int | None


class WebhookPusher:
    """POSTs updates to the webhook (or round-robin to `targets`) and tracks failures."""

    def __init__(self, state: SimState, timeout: float = DEFAULT_WEBHOOK_TIMEOUT) -> None:
        self.state = state
        self.targets: list[str] | None = None
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None
        self._turn = itertools.count()

    async def close(self) -> None:
        """Close the HTTP client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def deliver(self, update: JSON) -> Delivery:
        """Push a new update if a webhook is set; otherwise it waits for getUpdates."""
        if not self.state.webhook.url or not self.state.updates.is_pending(update["update_id"]):
            return Delivery(update["update_id"], None)
        return await self.push(update)

    async def push(self, update: JSON) -> Delivery:
        """POST the update as is; a 2xx answer confirms it, anything else leaves it pending."""
        webhook = self.state.webhook
        if not webhook.url:
            raise RuntimeError("no webhook is set; updates wait for getUpdates")
        if self._client is None:
            # Made on first use, on the process's one TLS context: httpx would build one per
            # client, loading the whole CA bundle (more CPU than most tests take).
            self._client = httpx.AsyncClient(timeout=self._timeout, verify=tls_context())
        headers = {SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
        try:
            response = await self._client.post(self._target(), json=update, headers=headers)
        except httpx.HTTPError as exc:
            self._fail(_connection_error(exc))
            return Delivery(update["update_id"], None)
        if response.is_success:
            self.state.updates.confirm(update["update_id"])
        else:
            self._fail(f"Wrong response from the webhook: {_status_line(response.status_code)}")
        return Delivery(update["update_id"], response.status_code)

    def _target(self) -> str:
        if self.targets:
            return self.targets[next(self._turn) % len(self.targets)]
        return self.state.webhook.url

    def _fail(self, message: str) -> None:
        self.state.webhook.last_error_date = self.state.now()
        self.state.webhook.last_error_message = message


def _status_line(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def _connection_error(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return "Connection refused"
    if isinstance(exc, httpx.TimeoutException):
        return "Read timeout expired"
    return f"Connection error: {exc!r}"
