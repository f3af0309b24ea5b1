"""Exports over the admin API: CSV, XLSX and JSON carry the same rows, text cells are inert
against formula injection, the workbook has its sheets and chart, and CSV streams."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import insert, select, update

from admin.app import create_app
from campaigns.exports import neutralise
from storage.apikeys import create_api_key
from storage.campaigns import campaign_by_key
from storage.frames import ANSWER_COLUMNS
from storage.models import Answer, Respondent, Ticket
from survey.settings import Settings
from tests.support import respond, seed_campaign

pytestmark = pytest.mark.both_backends

AT = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://evil","x")'
SPEC_HEADER = (
    "campaign,survey,customer_id,customer_name,customer_class,customer_weight,business_unit,"
    "respondent_id,role,language,question,factor,item,kind,level,na,text,answered_at,channel"
)
# (respondent, likert levels (None = unable to comment), nps, comment)
ANSWERS: list[tuple[str, dict[str, int | None], int, str]] = [
    ("r1", {"GI": 5, "TS.needs": 4, "QU.product": 2, "SP.delivery": None, "VA.price": 3}, 9,
     HYPERLINK),
    ("r2", {"GI": 4, "TS.needs": 1, "QU.product": 4, "VA.price": 4}, 6, "+1"),
    ("r3", {"GI": 3, "TS.needs": 3, "QU.product": 5, "VA.price": 2}, 2, "-2+3 很好"),
]  # fmt: skip
EXPORT_PATHS = [
    "answers",
    "scores?by=factor",
    "scores?by=customer",
    "scores?by=business_unit",
    "scores?by=role",
    "tickets",
]


async def seed_exports(sessions, key: str = "2026-Q4") -> None:  # type: ignore[no-untyped-def]
    """A campaign with answers of three respondents, comments that look like formulas, and
    tickets for the 1s and 2s whose texts look like formulas too."""
    tokens = await seed_campaign(sessions, key=key)
    for n, (respondent, levels, nps, comment) in enumerate(ANSWERS):
        await respond(
            sessions,
            tokens[respondent],
            levels,
            nps=nps,
            comment=comment,
            follow_up=(["defects", "spec"], "-bad"),
            now=AT + timedelta(minutes=n),
        )
    async with sessions() as session, session.begin():
        await session.execute(update(Ticket).values(owner="@SUM(A1)", plan="\tcall them"))


@asynccontextmanager
async def export_client(sessions, role: str = "viewer") -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """An HTTP client of the exports router, authorised with a new key of ``role``."""
    app = exports_app(sessions)
    async with sessions() as session, session.begin():
        _, key = await create_api_key(session, name="tests", role=role)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers={"Authorization": f"Bearer {key}"}
    ) as client:
        yield client


def exports_app(sessions) -> FastAPI:  # type: ignore[no-untyped-def]
    """The admin app (error handlers and all) on the test's database; no lifespan needed."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:///unused.db", _env_file=None))  # type: ignore[call-arg]
    app.state.sessions = sessions
    return app


def url(path: str, fmt: str, key: str = "2026-Q4") -> str:
    name, _, query = path.partition("?")
    return f"/campaigns/{key}/exports/{name}.{fmt}" + (f"?{query}" if query else "")


def csv_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return header, rows


def xlsx_rows(content: bytes, sheet: str | None = None) -> tuple[list[str], list[list[Any]]]:
    book = load_workbook(io.BytesIO(content))
    values = [list(r) for r in book[sheet or book.sheetnames[0]].iter_rows(values_only=True)]
    return values[0], values[1:]


def as_csv(value: Any) -> str:
    """A JSON value as the CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value) if isinstance(value, str) else str(value)


def as_xlsx(value: Any) -> Any:
    """A JSON value as the XLSX export stores it: an empty text reads back as no value, and a
    number keeps the 15 significant digits Excel has (openpyxl writes 16)."""
    if isinstance(value, str):
        return neutralise(value) or None
    if isinstance(value, float):
        return pytest.approx(value, rel=1e-15)
    return value


async def test_answers_csv_has_the_spec_columns(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        response = await client.get(url("answers", "csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="2026-Q4-answers.csv"'
    assert response.content.decode("utf-8-sig").split("\r\n")[0] == SPEC_HEADER
    header, rows = csv_rows(response.content)
    assert header == ANSWER_COLUMNS
    first = dict(zip(header, rows[0], strict=True))
    assert (
        first | {"campaign": "2026-Q4", "customer_class": "KA", "customer_weight": "2.0"} == first
    )
    assert (first["question"], first["factor"], first["item"], first["level"]) == (
        "GI",
        "GI",
        "",
        "5",
    )
    assert first["answered_at"] == "2026-11-21T08:00:00Z" and first["na"] == "false"
    chinese = [r for r in rows if r[header.index("respondent_id")] == "r3"]
    assert chinese and chinese[0][header.index("language")] == "zh-CN"
    kinds = {r[header.index("kind")] for r in rows}
    assert kinds == {"likert", "nps", "comment"}


@pytest.mark.parametrize("path", EXPORT_PATHS)
async def test_csv_and_xlsx_read_back_equal_the_json(sessions, path: str) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        as_json = (await client.get(url(path, "json"))).json()
        csv_header, csv_body = csv_rows((await client.get(url(path, "csv"))).content)
        xlsx_header, xlsx_body = xlsx_rows((await client.get(url(path, "xlsx"))).content)
    assert as_json and csv_header == xlsx_header == list(as_json[0])
    assert csv_body == [[as_csv(v) for v in row.values()] for row in as_json]
    assert xlsx_body == [[as_xlsx(v) for v in row.values()] for row in as_json]


async def test_scores_and_tickets_hold_the_campaign(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        factors = (await client.get(url("scores?by=factor", "json"))).json()
        customers = (await client.get(url("scores?by=customer", "json"))).json()
        tickets = (await client.get(url("tickets", "json"))).json()
    assert [f["factor"] for f in factors] == ["GI", "TS", "QU", "SP", "VA"]
    assert factors[0]["n_answers"] == 3 and factors[0]["campaign"] == "2026-Q4"
    assert {c["customer_id"]: c["customer_class"] for c in customers} == {"C1": "KA", "C2": "B"}
    fields = ("respondent_id", "question", "factor", "item", "score")
    assert [tuple(t[f] for f in fields) for t in tickets] == [
        ("r1", "QU.product", "QU", "product", 2),
        ("r2", "TS.needs", "TS", "needs", 1),
        ("r3", "VA.price", "VA", "price", 2),
    ]
    first = tickets[0]
    assert (first["severity"], first["causes"], first["comment"], first["status"]) == (
        2.0,
        "defects; spec",
        "-bad",
        "open",
    )
    assert first["created_at"] == "2026-11-21T08:00:00Z" and first["closed_at"] is None


async def test_formula_like_text_comes_out_inert(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        answers_csv = (await client.get(url("answers", "csv"))).content
        answers_xlsx = (await client.get(url("answers", "xlsx"))).content
        tickets_csv = (await client.get(url("tickets", "csv"))).content
        tickets_xlsx = (await client.get(url("tickets", "xlsx"))).content
        answers_json = (await client.get(url("answers", "json"))).json()
    header, rows = csv_rows(answers_csv)
    comments = [r[header.index("text")] for r in rows if r[header.index("kind")] == "comment"]
    assert comments == ["'" + HYPERLINK, "'+1", "'-2+3 很好"]
    # JSON is data, not a spreadsheet: it carries the text as given.
    json_comments = [a["text"] for a in answers_json if a["kind"] == "comment"]
    assert json_comments == [HYPERLINK, "+1", "-2+3 很好"]
    sheet = load_workbook(io.BytesIO(answers_xlsx)).active
    texts = [c for c in sheet["Q"][1:] if c.value is not None]
    assert [c.value for c in texts] == comments
    assert {c.data_type for c in texts} == {"s"}  # strings, never formulas
    assert {c.data_type for c in sheet["F"][1:]} == {"n"}  # customer_weight stays a number
    header, rows = csv_rows(tickets_csv)
    for column, value in [("owner", "'@SUM(A1)"), ("plan", "'\tcall them"), ("comment", "'-bad")]:
        assert {r[header.index(column)] for r in rows} == {value}
    book = load_workbook(io.BytesIO(tickets_xlsx))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert "'@SUM(A1)" in {c.value for c in cells}


async def test_workbook_has_every_sheet_and_the_trend_chart(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        response = await client.get("/campaigns/2026-Q4/exports/workbook.xlsx")
        tickets = (await client.get(url("tickets", "json"))).json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "summary", "factors", "customers", "business units", "roles", "tickets", "answers",
        "trend chart",
    ]  # fmt: skip
    assert len(book["trend chart"]._images) == 1
    summary = {row[0].value: row for row in book["summary"].iter_rows(min_row=2)}
    assert summary["campaign"][1].value == "2026-Q4"
    header = [c.value for c in book["summary"][1]]
    assert summary["representative"][1].value == "否"  # 3 of 4 answered, under 80 %; zh-CN
    rate = summary["response rate"]
    assert rate[header.index("rate")].value == 0.75
    assert rate[header.index("rate_target")].value == 0.8
    nps = summary["NPS"][header.index("nps")]  # 1 promoter, 2 detractors: a negative number
    assert nps.data_type == "n" and nps.value == pytest.approx(-100 / 3)
    _, ticket_rows = xlsx_rows(response.content, "tickets")
    assert len(ticket_rows) == len(tickets) == 3


async def test_a_large_answers_export_streams_in_chunks(sessions) -> None:
    await seed_campaign(sessions, key="big")
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "big")
        people = list(await session.scalars(select(Respondent.id)))
        await session.execute(
            insert(Answer),
            [
                {"campaign_id": campaign.id, "respondent_id": people[n % 4], "question": "GI",
                 "kind": "likert", "level": 1 + n % 5, "na": False, "causes": [],
                 "channel": "telegram", "answered_at": AT, "text": f"=cmd|{n}"}
                for n in range(20_000)
            ],
        )  # fmt: skip
        _, key = await create_api_key(session, name="tests", role="viewer")
    parts, status = await asgi_get(exports_app(sessions), url("answers", "csv", "big"), key)
    body = b"".join(parts)
    assert status == 200 and len(parts) >= 10
    assert max(len(p) for p in parts) < len(body) / 5  # never the whole file in one piece
    _, rows = csv_rows(body)
    assert len(rows) == 20_000 and rows[-1][16] == "'=cmd|19999"


async def asgi_get(app: FastAPI, path: str, key: str) -> tuple[list[bytes], int]:
    """GET through the ASGI interface itself, keeping each body message the app sends."""
    parts: list[bytes] = []
    status = 0
    requested, done = False, asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if requested:  # the client stays until the whole body is sent
            await done.wait()
            return {"type": "http.disconnect"}
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            if message.get("body"):
                parts.append(message["body"])
            if not message.get("more_body"):
                done.set()

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "server": ("test", 80), "client": ("test", 1234),
        "headers": [(b"host", b"test"), (b"authorization", f"Bearer {key}".encode())],
    }  # fmt: skip
    await app(scope, receive, send)
    return parts, status


async def test_exports_need_an_api_key(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions, role="staff") as client:
        assert (await client.get(url("answers", "json"))).status_code == 200
        for headers in ({"Authorization": ""}, {"Authorization": "Bearer csat_nope"}):
            response = await client.get(url("answers", "json"), headers=headers)
            assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/campaigns/nope/exports/answers.csv", 404),
        ("/campaigns/nope/exports/workbook.xlsx", 404),
        ("/campaigns/2026-Q4/exports/answers.pdf", 422),
        ("/campaigns/2026-Q4/exports/scores.csv?by=planet", 422),
        ("/campaigns/2026-Q4/exports/workbook.csv", 404),
        ("/campaigns/2026-Q4/exports/everything.csv", 404),
    ],
)
async def test_unknown_campaigns_and_formats_are_refused(sessions, path: str, status: int) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        response = await client.get(path)
    assert response.status_code == status
    if "nope" in path:
        assert "no campaign 'nope'" in response.text
    if "pdf" in path:
        assert "'csv', 'xlsx' or 'json'" in response.text
