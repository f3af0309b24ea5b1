"""Dependencies of the admin routes: a database session per request and API-key roles.

Use the ``Annotated`` aliases in route signatures: ``session: SessionDep``, ``key: ViewerKey``
(any role may read), ``key: StaffKey`` (staff or admin: tickets), ``key: AdminKey``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any, Final

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.apikeys import find_api_key
from storage.engine import transaction
from storage.models import ApiKey
from survey.vocabulary import ApiKeyRole

# Which roles each required role admits (the rule is ApiKeyRole.admits, shared with the dashboard).
ADMITS: Final[dict[str, frozenset[str]]] = {
    needed.value: frozenset(role.value for role in ApiKeyRole if needed.admits(role))
    for needed in ApiKeyRole
}
MISSING_KEY: Final = "an API key is required: send 'Authorization: Bearer <key>'"
UNKNOWN_KEY: Final = "this API key is unknown or revoked"

_bearer = HTTPBearer(auto_error=False, description="An API key from `csat apikey create`")


def app_sessions(request: Request) -> async_sessionmaker[AsyncSession]:
    """The app's sessions, for a route that keeps its transaction shorter than the request."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    return sessions


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request, committed when the route returns without error."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    async with transaction(sessions) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def require_role(role: str) -> Callable[..., Coroutine[Any, Any, ApiKey]]:
    """A dependency admitting keys whose role covers ``role``: 401 without a key, 403 if short."""
    admitted = ADMITS[role]

    async def check(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, MISSING_KEY, {"WWW-Authenticate": "Bearer"}
            )
        sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
        async with transaction(sessions) as session:
            key = await find_api_key(session, credentials.credentials)
        if key is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, UNKNOWN_KEY, {"WWW-Authenticate": "Bearer"}
            )
        if key.role not in admitted:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"this needs the {role} role; the key has {key.role}"
            )
        return key

    return check


ViewerKey = Annotated[ApiKey, Depends(require_role("viewer"))]
StaffKey = Annotated[ApiKey, Depends(require_role("staff"))]
AdminKey = Annotated[ApiKey, Depends(require_role("admin"))]
