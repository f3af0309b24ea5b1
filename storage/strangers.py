"""Senders the bot does not know yet: their daily feedback is kept, not thrown away.

An answer and a ticket need a respondent and a customer, so a stranger's ``/feedback`` is
kept under one placeholder customer (``UNKNOWN_CUSTOMER``) and a respondent per Telegram
account (external id ``telegram:<id>``). Neither holds the Telegram id in its column (an
import may give it to the real respondent later), and the respondent counts as forgotten
from the start: no campaign samples, invites or reminds it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Respondent
from storage.types import utcnow

UNKNOWN_CUSTOMER = "telegram:unknown"  # the placeholder customer's external id
UNKNOWN_CUSTOMER_NAME = "(not known yet)"
STRANGER_PREFIX = "telegram:"


def stranger_external_id(telegram_user_id: int) -> str:
    """The placeholder respondent's external id of one Telegram account."""
    return f"{STRANGER_PREFIX}{telegram_user_id}"


def stranger_telegram_id(respondent: Respondent) -> int | None:
    """The Telegram account a placeholder respondent stands for; None for a known person."""
    prefix, _, ident = respondent.external_id.partition(":")
    if f"{prefix}:" != STRANGER_PREFIX or not ident.isdigit():
        return None
    return int(ident)


async def find_stranger(session: AsyncSession, telegram_user_id: int) -> Respondent | None:
    """The placeholder respondent of a Telegram account, if it sent feedback before."""
    respondent: Respondent | None = await session.scalar(
        select(Respondent).where(Respondent.external_id == stranger_external_id(telegram_user_id))
    )
    return respondent


async def stranger(session: AsyncSession, telegram_user_id: int) -> Respondent:
    """The placeholder respondent of a Telegram account, made on its first feedback."""
    found = await find_stranger(session, telegram_user_id)
    if found is not None:
        return found
    customer = await session.scalar(
        select(Customer).where(Customer.external_id == UNKNOWN_CUSTOMER)
    )
    if customer is None:
        customer = Customer(
            external_id=UNKNOWN_CUSTOMER, name=UNKNOWN_CUSTOMER_NAME, customer_class="C"
        )
        session.add(customer)
        await session.flush()
    respondent = Respondent(
        external_id=stranger_external_id(telegram_user_id),
        customer_id=customer.id,
        name=None,
        role="user",
        forgotten_at=utcnow(),
    )
    session.add(respondent)
    await session.flush()
    return respondent
