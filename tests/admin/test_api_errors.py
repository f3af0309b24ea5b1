"""The one error body: unknown paths and methods, domain errors mapped by kind, and unexpected
failures — a stray ValueError or LookupError included — as a 500 with no traceback for the
client, the traceback in the log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from admin.app import create_app
from admin.errors import INTERNAL_ERROR
from survey.errors import (
    CampaignExists,
    Conflict,
    InvalidAnswer,
    InvalidValue,
    NotFound,
    Refused,
    Resource,
    TicketNotFound,
    UnknownSurvey,
)
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
            "answer": InvalidAnswer("not a level"),
            "not-found": NotFound(Resource.API_KEY, 7),
            "ticket": TicketNotFound(9),
            "conflict": Conflict("campaign 'x' is closed"),
            "exists": CampaignExists("x"),
            "invalid": InvalidValue("period", "must be one of monthly, ad_hoc"),
            "survey": UnknownSurvey("ecss", 2),
            "refused": Refused("nothing to send"),
        }
        raise errors[what]

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://admin") as http:
        yield http


@pytest.mark.parametrize(
    ("what", "status", "code", "message", "details"),
    [
        ("answer", 400, "invalid_answer", "not a level", []),
        ("not-found", 404, "not_found", "no api key 7", [{"api_key": 7}]),
        ("ticket", 404, "ticket_not_found", "ticket 9 not found", [{"ticket": 9}]),
        ("conflict", 409, "conflict", "campaign 'x' is closed", []),
        ("exists", 409, "campaign_exists", "campaign 'x' exists already", []),
        (
            "invalid",
            422,
            "invalid_value",
            "period: must be one of monthly, ad_hoc",
            [{"field": "period", "problem": "must be one of monthly, ad_hoc"}],
        ),
        (
            "survey",
            422,
            "unknown_survey",
            "no survey 'ecss' v2 is loaded",
            [{"field": "survey", "problem": "not loaded"}],
        ),
        ("refused", 400, "refused", "nothing to send", []),
    ],
)
async def test_a_domain_error_answers_by_its_kind_with_its_code_message_and_details(
    client: httpx.AsyncClient,
    what: str,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, object]],
) -> None:
    error = error_of(await client.get(f"/fail/{what}"), status)
    assert error == {"status": status, "code": code, "message": message, "details": details}


# Domain refusals are SurveyErrors: one of Python's own errors reaching the edge is a bug, not
# a missing resource or a bad request, and must not pass for one.
@pytest.mark.parametrize("what", ["zero", "key", "lookup", "value"])
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
