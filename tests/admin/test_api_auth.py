"""API keys and roles on every route of the admin app, the error body of refusals, and the
OpenAPI documentation — over the ASGI transport and over a real socket."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.app import create_app
from cli.hosting import AppServer
from storage.apikeys import ROLES, create_api_key, revoke_api_key
from storage.engine import transaction
from survey.settings import Settings
from tests.admin.conftest import Api, error_of

EXEMPT = {"/healthz", "/telegram/webhook"}  # the only routes without an API key (SPEC §7)
RANK = {"viewer": 0, "staff": 1, "admin": 2}
SAMPLE_PARAMS = {"key": "no-such-campaign", "ticket_id": "999999", "fmt": "csv"}


def _routes() -> list[tuple[str, str]]:
    """(method, path) of every API route the app serves, found by walking ``app.routes``."""
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    found = []
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.path not in EXEMPT:
            found.extend((method, route.path) for method in sorted(route.methods or ()))
    return found


ROUTES = _routes()


def required_role(method: str, path: str) -> str:
    """Viewers read everything but deep links (they let anyone answer as the respondent), staff
    also update tickets and read the chase list and the invitation list (both carry the links),
    admins do everything else."""
    if method == "GET" and path in ("/campaigns/{key}/chase", "/campaigns/{key}/invitations"):
        return "staff"
    if method == "GET":
        return "viewer"
    if method == "PATCH" and path.startswith("/tickets"):
        return "staff"
    return "admin"


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMS.get(m[1], "x"), path)


def test_the_walk_finds_the_resources_of_spec_7() -> None:
    paths = {path for _, path in ROUTES}
    for expected in (
        "/surveys",
        "/customers",
        "/respondents",
        "/campaigns/{key}/plan",
        "/campaigns/{key}/invite",
        "/campaigns/{key}/close",
        "/campaigns/{key}/report",
        "/tickets/{ticket_id}",
        "/answers",
    ):
        assert expected in paths
    assert ("PATCH", "/tickets/{ticket_id}") in ROUTES


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
async def test_every_route_needs_a_key_with_its_role(api: Api, method: str, path: str) -> None:
    url = concrete(path)
    missing = await api.call(method, url, role=None)
    assert error_of(missing, 401)["code"] == "unauthorized"
    assert missing.headers["www-authenticate"] == "Bearer"
    unknown = await api.call(method, url, role=None, headers={"Authorization": "Bearer csat_no"})
    assert "unknown or revoked" in error_of(unknown, 401)["message"]
    basic = await api.call(method, url, role=None, headers={"Authorization": "Basic YTpi"})
    error_of(basic, 401)
    needed = required_role(method, path)
    for role in ROLES:
        response = await api.call(method, url, role=role)
        if RANK[role] >= RANK[needed]:
            assert response.status_code not in (401, 403), (role, response.text)
            assert response.status_code < 500, response.text
        else:
            assert f"needs the {needed} role" in error_of(response, 403)["message"]


async def test_a_revoked_key_is_refused(api: Api) -> None:
    async with transaction(api.sessions) as session:
        row, key = await create_api_key(session, name="leaver", role="admin")
    headers = {"Authorization": f"Bearer {key}"}
    assert (await api.call("GET", "/campaigns", role=None, headers=headers)).status_code == 200
    async with transaction(api.sessions) as session:
        assert await revoke_api_key(session, row.id)
    error_of(await api.call("GET", "/campaigns", role=None, headers=headers), 401)


async def test_health_needs_no_key(api: Api) -> None:
    response = await api.get("/healthz", role=None)
    assert response.status_code == 200 and response.json()["status"] == "ok"


async def test_openapi_documents_the_bearer_key_and_the_error_body(api: Api) -> None:
    schema = (await api.get("/openapi.json", role=None)).json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path == "/healthz":
                assert "security" not in operation
                continue
            assert operation["security"] == [{"HTTPBearer": []}], (method, path)
            for status in ("401", "403", "422"):
                ref = operation["responses"][status]["content"]["application/json"]["schema"]
                assert ref["$ref"].endswith("/ErrorBody"), (method, path, status)
    imports = schema["paths"]["/customers"]["post"]["requestBody"]["content"]
    assert set(imports) == {"application/json", "text/csv"}


async def test_docs_and_keys_over_a_real_socket(
    app: AppServer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with transaction(sessions) as session:
        _, key = await create_api_key(session, name="socket viewer", role="viewer")
    async with httpx.AsyncClient(base_url=app.url) as client:
        docs = await client.get("/docs")
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        assert (await client.get("/openapi.json")).json()["info"]["title"] == "csat-bot admin API"
        refused = await client.get("/campaigns")
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
        listed = await client.get("/campaigns", headers={"Authorization": f"Bearer {key}"})
        assert listed.json() == {"data": [], "count": 0, "limit": 50, "offset": 0}
        forbidden = await client.post("/campaigns", headers={"Authorization": f"Bearer {key}"})
        assert forbidden.status_code == 403
