"""Hostile input to the admin API over a real socket, on SQLite and PostgreSQL: integers beyond
their columns, NUL characters, texts longer than their columns, moments UTC cannot hold and
bodies past the size limit each get a 4xx in the one error shape naming the field — never a
500 (PostgreSQL is where NUL and over-long texts used to fail). Bounds the API kept already
(``limit``, a plan's ``seed``, a campaign key's pattern, ticket texts' lengths) are not
repeated here."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import yaml

from admin.limits import WEBHOOK_MAX_BODY_BYTES
from cli.hosting import AppServer
from storage.apikeys import create_api_key, revoke_api_key
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.storable import MAX_BIGINT, MAX_INTEGER
from survey.errors import InvalidValue
from survey.loader import load_template, survey_to_dict
from survey.settings import Settings
from tests.admin.conftest import error_of
from tests.support import free_port

NUL = "\x00"
TOO_BIG = MAX_INTEGER + 1
SMALL_LIMIT = 64 * 1024  # the general body limit of the served app, to keep the tests light


@pytest.fixture
async def http(db_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The admin app (no bot) served by uvicorn on a free port, and a client with an admin
    key."""
    port = free_port()
    settings = Settings(database_url=db_url, port=port, max_body_bytes=SMALL_LIMIT, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(db_url)
    async with transaction(create_sessionmaker(engine)) as session:
        _, key = await create_api_key(session, name="hostile tester", role="admin")
    await engine.dispose()
    server = AppServer(settings)
    await server.start()
    headers = {"Authorization": f"Bearer {key}"}
    try:
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30) as client:
            yield client
    finally:
        await server.stop()


def refused(response: httpx.Response, status: int, field: str) -> dict[str, Any]:
    """The error of a refused request, after checking its shape and that it names ``field``."""
    error = error_of(response, status)
    named = [detail.get("field") for detail in error["details"]]
    assert field in named, error
    return error


# (method, path, query parameters, JSON body, field named in the error)
OUT_OF_RANGE = [
    ("GET", f"/tickets/{TOO_BIG}", None, None, "path.ticket_id"),
    ("GET", f"/tickets/{MAX_BIGINT + 1}", None, None, "path.ticket_id"),
    ("GET", "/tickets/0", None, None, "path.ticket_id"),
    ("PATCH", f"/tickets/{TOO_BIG}", None, {"note": "x"}, "path.ticket_id"),
    ("GET", "/tickets", {"offset": MAX_BIGINT + 1}, None, "query.offset"),
    ("GET", "/customers", {"offset": TOO_BIG}, None, "query.offset"),
    ("GET", "/surveys/ecss-5", {"version": TOO_BIG}, None, "query.version"),
    ("POST", "/campaigns", None, {"key": "k", "survey": "s", "survey_version": TOO_BIG},
     "body.survey_version"),
    ("POST", "/campaigns/2026-Q4/plan", None, {"rules": {"min_per_product_line": TOO_BIG}},
     "body.rules.min_per_product_line"),
]  # fmt: skip

NUL_TEXT = [
    ("GET", "/tickets", {"owner": f"a{NUL}b"}, None, "query.owner"),
    ("GET", "/tickets", {"department": f"a{NUL}b"}, None, "query.department"),
    ("GET", "/tickets", {"campaign": f"a{NUL}b"}, None, "query.campaign"),
    ("GET", "/tickets/callbacks", {"campaign": f"a{NUL}b"}, None, "query.campaign"),
    ("GET", "/customers", {"business_unit": f"a{NUL}b"}, None, "query.business_unit"),
    ("GET", "/respondents", {"customer": f"a{NUL}b"}, None, "query.customer"),
    ("GET", "/respondents", {"business_unit": f"a{NUL}b"}, None, "query.business_unit"),
    ("GET", "/respondents", {"role": f"a{NUL}b"}, None, "query.role"),
    ("GET", "/surveys", {"key": f"a{NUL}b"}, None, "query.key"),
    ("GET", "/surveys/a%00b", None, None, "path.key"),
    ("GET", "/campaigns", {"survey": f"a{NUL}b"}, None, "query.survey"),
    ("GET", "/campaigns", {"status": f"a{NUL}b"}, None, "query.status"),
    ("GET", "/campaigns/a%00b", None, None, "path.key"),
    ("GET", "/campaigns/a%00b/report", None, None, "path.key"),
    ("GET", "/campaigns/a%00b/exports/answers.csv", None, None, "path.key"),
    ("GET", "/campaigns/2026-Q4/chase", {"owner": f"a{NUL}b"}, None, "query.owner"),
    ("GET", "/answers", {"campaign": f"a{NUL}b"}, None, "query.campaign"),
    ("PATCH", "/tickets/1", None, {"plan": f"a{NUL}b"}, "body.plan"),
    ("PATCH", "/tickets/1", None, {"owner": f"a{NUL}b"}, "body.owner"),
    ("PATCH", "/tickets/1", None, {"note": f"a{NUL}b"}, "body.note"),
    ("PATCH", "/tickets/1", None, {"callback_report": f"a{NUL}b"}, "body.callback_report"),
    ("POST", "/campaigns", None, {"key": "k", "survey": f"e{NUL}"}, "body.survey"),
    ("POST", "/campaigns/2026-Q4/invite", None, {"respondents": [f"r{NUL}"]},
     "body.respondents.0"),
]  # fmt: skip

TOO_LONG = [
    ("GET", "/tickets", {"owner": "o" * 121}, None, "query.owner"),
    ("GET", "/tickets", {"department": "d" * 81}, None, "query.department"),
    ("GET", "/customers", {"business_unit": "b" * 81}, None, "query.business_unit"),
    ("GET", "/respondents", {"role": "r" * 41}, None, "query.role"),
    ("GET", "/campaigns/2026-Q4/chase", {"owner": "o" * 121}, None, "query.owner"),
    ("GET", "/surveys/" + "s" * 41, None, None, "path.key"),
    ("GET", "/campaigns/" + "c" * 81, None, None, "path.key"),
    ("POST", "/campaigns/2026-Q4/invite", None, {"respondents": ["r" * 81]},
     "body.respondents.0"),
    ("POST", "/campaigns/2026-Q4/invite", None, {"respondents": ["r"] * 10_001},
     "body.respondents"),
]  # fmt: skip

OUT_OF_UTC = [
    ("PATCH", "/tickets/1", None, {"due_at": "9999-12-31T23:59:59-14:00"}, "body.due_at"),
    ("PATCH", "/tickets/1", None, {"due_at": "0001-01-01T00:00:00+14:00"}, "body.due_at"),
    ("POST", "/campaigns", None,
     {"key": "k", "survey": "ecss-5", "closes_at": "9999-12-31T23:00:00-05:00"}, "body.closes_at"),
    ("POST", "/campaigns", None, {"key": "k", "survey": "../ecss-5"}, "body.survey"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "field"),
    OUT_OF_RANGE + NUL_TEXT + TOO_LONG + OUT_OF_UTC,
    ids=[
        f"{m} {p[:40]} {field}"
        for m, p, _, _, field in OUT_OF_RANGE + NUL_TEXT + TOO_LONG + OUT_OF_UTC
    ],
)
@pytest.mark.both_backends
async def test_values_the_columns_cannot_hold_are_422_naming_the_field(
    http: httpx.AsyncClient,
    method: str,
    path: str,
    params: dict[str, Any] | None,
    body: Any,
    field: str,
) -> None:
    response = await http.request(method, path, params=params, json=body)
    error = refused(response, 422, field)
    assert error["code"] == "invalid"


def ecss_with(change: dict[str, Any]) -> dict[str, Any]:
    """The ecss-5 template as a dict, its first factor updated with ``change``."""
    survey = survey_to_dict(load_template("ecss-5"))
    survey["factors"][0].update(change)
    return survey


@pytest.mark.parametrize(
    ("survey", "field", "problem"),
    [
        (ecss_with({"text": {"en": f"Sales{NUL}", "zh-CN": "销售"}}), "factors[0].text.en", "NUL"),
        (ecss_with({"department": f"sales{NUL}"}), "factors[0].department", "NUL"),
        (ecss_with({"department": "d" * 81}), "factors[0].department", "80 characters"),
        (survey_to_dict(load_template("ecss-5")) | {"version": TOO_BIG}, "version", "at most"),
        (ecss_with({"weight": float("inf")}), "factors[0].weight", "finite"),
    ],
    ids=["nul-text", "nul-department", "long-department", "version", "inf-weight"],
)
@pytest.mark.parametrize("as_yaml", [False, True], ids=["json", "yaml"])
@pytest.mark.both_backends
async def test_a_survey_the_tables_cannot_hold_is_refused_naming_the_field(
    http: httpx.AsyncClient, survey: dict[str, Any], field: str, problem: str, as_yaml: bool
) -> None:
    if as_yaml:  # YAML's "\0" escape and .inf reach the parser as NUL and infinity
        content, media = yaml.safe_dump(survey, allow_unicode=True), "application/yaml"
    else:  # "\u0000" escapes; infinity as 1e999, the way JSON can send it
        content = json.dumps(survey).replace("Infinity", "1e999")
        media = "application/json"
    response = await http.post("/surveys", content=content, headers={"Content-Type": media})
    error = refused(response, 422, field)
    assert error["code"] == "survey_definition_error"
    assert problem in error["details"][0]["problem"]
    assert (await http.get("/surveys")).json()["count"] == 0  # nothing half-stored


@pytest.mark.parametrize(
    ("media", "body"),
    [
        ("application/json", "[" * 5000 + "]" * 5000),
        ("application/json", '{"key": "x", "title": ' + '{"a": ' * 5000 + "1" + "}" * 5001),
        ("application/yaml", "title: " + "[" * 5000 + "]" * 5000),
    ],
    ids=["json-list", "json-object", "yaml"],
)
async def test_a_survey_nested_too_deeply_is_400(
    http: httpx.AsyncClient, media: str, body: str
) -> None:
    response = await http.post("/surveys", content=body, headers={"Content-Type": media})
    assert refused(response, 400, "(body)")["code"] == "too_deep"


@pytest.mark.parametrize("path", ["/customers", "/respondents"])
async def test_an_import_nested_too_deeply_is_400(http: httpx.AsyncClient, path: str) -> None:
    body = "[" * 5000 + "]" * 5000
    response = await http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert refused(response, 400, "(body)")["code"] == "too_deep"


@pytest.mark.both_backends
async def test_an_api_key_name_that_cannot_be_stored_is_refused(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        for name in [f"Li{NUL}Na", "n" * 81, ""]:
            with pytest.raises(InvalidValue, match=r"^name: "):
                async with transaction(create_sessionmaker(engine)) as session:
                    await create_api_key(session, name=name, role="viewer")
    finally:
        await engine.dispose()


@pytest.mark.both_backends
async def test_revoking_an_id_beyond_integer_finds_no_key(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with transaction(create_sessionmaker(engine)) as session:
            assert await revoke_api_key(session, MAX_BIGINT + 1) is False
            assert await revoke_api_key(session, TOO_BIG) is False
    finally:
        await engine.dispose()


CSV = {"Content-Type": "text/csv"}


async def test_a_body_past_the_limit_is_413_unread(http: httpx.AsyncClient) -> None:
    fits = "external_id,name\n" + "C1,Customer one\n"
    assert (await http.post("/customers", content=fits, headers=CSV)).status_code == 200
    big = "external_id,name\n" + "C1,Customer one\n" * (SMALL_LIMIT // 16 + 1)
    assert len(big) > SMALL_LIMIT
    error = refused(await http.post("/customers", content=big, headers=CSV), 413, "(body)")
    assert error["details"][0]["limit_bytes"] == SMALL_LIMIT and error["code"] == "too_large"


async def test_a_chunked_body_is_counted_as_it_streams(http: httpx.AsyncClient) -> None:
    """No Content-Length: the body is cut off at the first chunk past the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"external_id,name\n"
        for _ in range(SMALL_LIMIT // 1024 * 4):  # four times the limit, 1 KiB at a time
            yield b"C1,Customer one\n" * 64

    request = http.build_request("POST", "/customers", content=chunks(), headers=CSV)
    assert "content-length" not in request.headers
    response = await http.send(request)
    refused(response, 413, "(body)")
    assert (await http.get("/customers")).json()["count"] == 0


async def test_the_webhook_takes_at_most_one_mebibyte(db_url: str) -> None:
    """Telegram's updates are small: past 1 MiB the webhook answers 413 before any check."""
    port = free_port()
    server = AppServer(Settings(database_url=db_url, port=port, _env_file=None))  # type: ignore[call-arg]
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            update = json.dumps({"update_id": 1, "padding": "x" * WEBHOOK_MAX_BODY_BYTES})
            response = await client.post("/telegram/webhook", content=update)
            refused(response, 413, "(body)")
            small = await client.post("/telegram/webhook", json={"update_id": 1})
            assert small.status_code == 403  # read, and refused for its missing secret
            big_import = "external_id,name\n" + "C1,Customer one\n" * (WEBHOOK_MAX_BODY_BYTES // 8)
            answer = await client.post("/customers", content=big_import, headers=CSV)
            assert answer.status_code == 401  # past the body limit: the 50 MiB one applies
    finally:
        await server.stop()


def test_the_body_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(_env_file=None).max_body_bytes == 50 * 1024 * 1024  # type: ignore[call-arg]
    monkeypatch.setenv("CSAT_MAX_BODY_BYTES", "2000000")
    assert Settings(_env_file=None).max_body_bytes == 2_000_000  # type: ignore[call-arg]


async def test_the_schema_documents_bounds_and_the_status_codes_routes_answer(
    http: httpx.AsyncClient,
) -> None:
    schema = (await http.get("/openapi.json")).json()
    paths = schema["paths"]
    conflict = [
        ("patch", "/tickets/{ticket_id}"),
        ("post", "/campaigns"),
        ("post", "/campaigns/{key}/plan"),
        ("post", "/campaigns/{key}/invite"),
    ]
    for method, path in conflict:
        assert "409" in paths[path][method]["responses"], (method, path)
    for path in ["/surveys", "/customers", "/respondents"]:
        assert "415" in paths[path]["post"]["responses"], path
    for path, operations in paths.items():
        for method, operation in operations.items():
            if path != "/healthz":
                assert "413" in operation["responses"], (method, path)

    def parameter(path: str, method: str, name: str) -> dict[str, Any]:
        (found,) = [p for p in paths[path][method]["parameters"] if p["name"] == name]
        return dict(found["schema"])

    ticket_id = parameter("/tickets/{ticket_id}", "get", "ticket_id")
    assert (ticket_id["minimum"], ticket_id["maximum"]) == (1, MAX_INTEGER)
    assert parameter("/tickets", "get", "offset")["maximum"] == MAX_INTEGER
    (owner,) = parameter("/tickets", "get", "owner")["anyOf"][:1]
    assert owner["maxLength"] == 120 and owner["pattern"] == "^[^\\x00]*$"
