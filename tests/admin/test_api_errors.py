"""The one error body: unknown paths and methods, repository errors, and unexpected failures
(a 500 with no traceback for the client, the traceback in the log)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from admin.app import create_app
from admin.errors import INTERNAL_ERROR
from survey.errors import InvalidAnswer
from survey.settings import Settings
from tests.admin.conftest import error_of


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The app with a few routes that fail on purpose (no database needed)."""
    app: FastAPI = create_app(Settings(_env_file=None))  # type: ignore[call-arg]

    @app.get("/fail/{what}")
    async def fail(what: str) -> None:
        errors: dict[str, Exception] = {
            "lookup": LookupError("no campaign 'x'"),
            "value": ValueError("period must be one of ..."),
            "key": KeyError("bug"),
            "zero": ZeroDivisionError("division by zero"),
            "domain": InvalidAnswer("not a level"),
        }
        raise errors[what]

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://admin") as http:
        yield http


@pytest.mark.parametrize(
    ("what", "status", "code"),
    [
        ("lookup", 404, "not_found"),
        ("value", 400, "bad_request"),
        ("domain", 400, "invalid_answer"),
    ],
)
async def test_repository_and_domain_errors_keep_their_message(
    client: httpx.AsyncClient, what: str, status: int, code: str
) -> None:
    error = error_of(await client.get(f"/fail/{what}"), status)
    assert error["code"] == code


@pytest.mark.parametrize("what", ["zero", "key"])
async def test_a_bug_is_a_500_without_traceback_and_is_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, what: str
) -> None:
    with caplog.at_level(logging.ERROR, logger="admin.errors"):
        response = await client.get(f"/fail/{what}")
    error = error_of(response, 500)
    assert error == {
        "status": 500,
        "code": "internal_error",
        "message": INTERNAL_ERROR,
        "details": [],
    }
    assert "Traceback" not in response.text and "Error" not in response.text
    (record,) = [r for r in caplog.records if r.name == "admin.errors"]
    assert record.exc_info is not None and "/fail/" in record.getMessage()


async def test_unknown_path_and_method_answer_in_the_same_shape(
    client: httpx.AsyncClient,
) -> None:
    assert error_of(await client.get("/nowhere"), 404)["code"] == "not_found"
    assert error_of(await client.delete("/healthz"), 405)["code"] == "method_not_allowed"
