"""Handing one message to the SMTP server (``CSAT_SMTP_*``), with the outcome classified.

The standard library's ``smtplib`` does the talking, in a worker thread so the event loop keeps
serving. A refusal of the recipient or of the message (a 5xx reply) is final: ``MailRefused``.
Anything else (the server unreachable or slow, a 4xx "try later", a login or TLS problem) may
pass: ``MailTrouble``, and the sender tries again later.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from survey.settings import Settings

IMPLICIT_TLS_PORT = 465  # SMTPS: TLS from the first byte rather than STARTTLS
TIMEOUT_SECONDS = 30.0


class MailRefused(Exception):
    """The server refused the recipient or the message for good (5xx)."""


class MailTrouble(Exception):
    """The message could not be handed over now; it may pass later."""


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand over mail."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = TIMEOUT_SECONDS

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """None while ``CSAT_SMTP_HOST`` is unset: no e-mail is sent."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from or f"csat@{settings.smtp_host}",
            user=settings.smtp_user,
            password=password.get_secret_value() if password is not None else None,
            starttls=settings.smtp_starttls,
        )


def _hand_over(config: SmtpConfig, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    client = (
        smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
        if config.port == IMPLICIT_TLS_PORT
        else smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    )
    with client:
        if config.starttls and config.port != IMPLICIT_TLS_PORT:
            client.starttls(context=context)
        if config.user:
            client.login(config.user, config.password or "")
        client.send_message(message)


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _final(code: int) -> bool:
    return 500 <= code < 600


def deliver_now(config: SmtpConfig, message: EmailMessage) -> None:
    """Send ``message`` (blocking); raises ``MailRefused`` or ``MailTrouble``."""
    try:
        _hand_over(config, message)
    except smtplib.SMTPRecipientsRefused as exc:
        replies = [f"{code} {_text(reply)}" for code, reply in exc.recipients.values()]
        text = "; ".join(replies)
        if all(_final(code) for code, _ in exc.recipients.values()):
            raise MailRefused(f"recipient refused: {text}") from None
        raise MailTrouble(f"recipient deferred: {text}") from None
    except smtplib.SMTPDataError as exc:
        reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if _final(exc.smtp_code):
            raise MailRefused(f"message refused: {reply}") from None
        raise MailTrouble(f"message deferred: {reply}") from None
    except (smtplib.SMTPException, OSError) as exc:  # unreachable, timeouts, TLS, login
        raise MailTrouble(f"{type(exc).__name__}: {exc}") from None


async def deliver(config: SmtpConfig, message: EmailMessage) -> None:
    """``deliver_now`` in a worker thread."""
    await asyncio.to_thread(deliver_now, config, message)
