"""A real SMTP server for the e-mail tests: aiosmtpd on 127.0.0.1, on a free port, keeping
every message it accepts and refusing the recipients a test names."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from survey.settings import Settings
from tests.support import free_port

PUBLIC_URL = "https://csat.example.com"
SENDER = "survey@example.com"
REFUSAL = "550 5.1.1 mailbox unavailable"


@dataclass
class Mailbox:
    """What the server received, and whom it refuses."""

    refused: set[str] = field(default_factory=set)
    messages: list[EmailMessage] = field(default_factory=list)
    # While ``stall`` is set, DATA waits (``stalled`` says one is waiting): a slow server.
    stall: threading.Event = field(default_factory=threading.Event)
    stalled: bool = False

    async def handle_RCPT(  # aiosmtpd's hook names
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refused:
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        while self.stall.is_set():  # the server's own loop, in its own thread
            self.stalled = True
            await asyncio.sleep(0.02)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


@dataclass
class SmtpServer:
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, mailbox)
    finally:
        controller.stop()


def mail_settings(db_url: str, smtp_port: int, **changes: Any) -> Settings:
    """Settings that send e-mail to the local server (no TLS there, no login)."""
    values: dict[str, Any] = {
        "database_url": db_url,
        "bot_username": "csat_test_bot",
        "public_url": PUBLIC_URL,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "smtp_from": SENDER,
        "smtp_starttls": False,
        **changes,
    }
    return Settings(**values, _env_file=None)


def body_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    content: str = part.get_content()
    return content
