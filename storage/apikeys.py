"""Admin API keys: random, shown once, stored as SHA-256 (a key has 256 bits of entropy, so a
fast hash is enough: there is nothing to brute-force)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ApiKey
from storage.storable import HAS_NUL, MAX_INTEGER, NUL, column_length
from storage.types import utcnow
from survey.errors import InvalidValue
from survey.vocabulary import ApiKeyRole

ROLES: Final = tuple(ApiKeyRole)
KEY_PREFIX: Final = "csat_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, *, name: str, role: str) -> tuple[ApiKey, str]:
    """A new key for ``role``; returns the row and the plain key, which is never stored.
    A role or name that cannot be is an ``InvalidValue``."""
    if role not in ROLES:
        known = ", ".join(ROLES)
        raise InvalidValue(
            "role", f"must be one of {known}", message=f"role must be one of {known}"
        )
    longest = column_length(ApiKey.name)
    if not 1 <= len(name) <= longest:
        raise InvalidValue("name", f"must be 1–{longest} characters")
    if NUL in name:
        raise InvalidValue("name", HAS_NUL)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, role=role, prefix=key[:12], key_hash=hash_key(key))
    session.add(row)
    await session.flush()
    return row, key


async def find_api_key(session: AsyncSession, key: str) -> ApiKey | None:
    """The live key row for a presented key, its last use recorded; None if unknown or revoked."""
    row: ApiKey | None = await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == hash_key(key), ApiKey.revoked_at.is_(None))
    )
    if row is not None:
        row.last_used_at = utcnow()
    return row


async def revoke_api_key(session: AsyncSession, key_id: int) -> bool:
    if not 1 <= key_id <= MAX_INTEGER:
        return False  # no key has this id (ids are Integer)
    row = await session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


async def list_api_keys(session: AsyncSession) -> list[ApiKey]:
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.id)))
