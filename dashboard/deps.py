"""Dependencies of the dashboard's routes: who is signed in and whether their role will do,
a database session, and a posted form whose CSRF token is this session's.

In a route: ``signed: Viewer`` (any role reads), ``signed: Staff`` (works tickets),
``signed: Admin``; ``session: Db`` (``ReadDb`` for a page that only reads);
``fields = await posted(request, signed)`` for a POST.
Nobody signed in → 303 to the sign-in page with ``?next=``; a short role → the 403 page; a
missing or wrong CSRF token → the 403 "form expired" page (handlers in dashboard.install)."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dashboard.report_cache import ReportCache
from dashboard.sign_in_limit import SignInLimit
from dashboard.signing import COOKIE, CSRF_FIELD, Signatures, Signed
from pagekit.fields import read_fields
from storage.engine import reading, transaction
from storage.models import ApiKey
from survey.vocabulary import ApiKeyRole


class SignInNeeded(Exception):
    """Nobody is signed in (or the session ended): sign in, then come back to ``next_path``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class RoleTooShort(Exception):
    def __init__(self, needed: ApiKeyRole, have: ApiKeyRole) -> None:
        super().__init__(needed, have)
        self.needed, self.have = needed, have


class FormRefused(Exception):
    """A POST without this session's CSRF token."""


@dataclass(slots=True)
class DashboardState:
    """What install() keeps on ``app.state.dashboard``."""

    signatures: Signatures
    reports: ReportCache
    sign_in_limit: SignInLimit = field(default_factory=SignInLimit)  # failed sign-ins per client
    extras: dict[str, Any] = field(default_factory=dict)  # other modules' per-app state, by name


def dashboard_state(request: Request) -> DashboardState:
    state: DashboardState = request.app.state.dashboard
    return state


def sessions_of(request: Request) -> async_sessionmaker[AsyncSession]:
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


async def signed_in(request: Request) -> Signed | None:
    """Who the session cookie names, if their key is live; noted on ``request.state.signed``
    for the page's header."""
    signatures = dashboard_state(request).signatures
    session = signatures.read_session(request.cookies.get(COOKIE))
    if session is None:
        return None
    async with sessions_of(request)() as db:
        key = await db.get(ApiKey, session.key_id)
    if key is None or key.revoked_at is not None or key.role not in tuple(ApiKeyRole):
        return None
    signed = Signed(
        key.id, key.name, ApiKeyRole(key.role), signatures.csrf_token(session.session_id)
    )
    request.state.signed = signed
    return signed


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def require(role: ApiKeyRole) -> Callable[[Request], Coroutine[Any, Any, Signed]]:
    """A dependency admitting a signed-in key whose role covers ``role``."""

    async def check(request: Request) -> Signed:
        signed = await signed_in(request)
        if signed is None:
            raise SignInNeeded(_here(request))
        if not signed.may(role):
            raise RoleTooShort(role, signed.role)
        return signed

    return check


Viewer = Annotated[Signed, Depends(require(ApiKeyRole.VIEWER))]
Staff = Annotated[Signed, Depends(require(ApiKeyRole.STAFF))]
Admin = Annotated[Signed, Depends(require(ApiKeyRole.ADMIN))]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed when the route returns without error."""
    async with transaction(sessions_of(request)) as session:
        yield session


Db = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A transaction that only reads, for a page (no SQLite write lock held while it renders:
    the bot's answers and a report being kept go on)."""
    async with reading(sessions_of(request)) as session:
        yield session


ReadDb = Annotated[AsyncSession, Depends(read_session, scope="function")]


async def posted(request: Request, signed: Signed) -> dict[str, str]:
    """The posted form of this session, its CSRF token checked (else ``FormRefused``)."""
    fields = await read_fields(request)
    token = (fields or {}).get(CSRF_FIELD, "")
    if fields is None or not hmac.compare_digest(token.encode(), signed.csrf.encode()):
        raise FormRefused
    return fields
