"""The ticket page over real HTTP: its history, and staff taking, updating and closing it under
the API's lifecycle rules; viewers read only, every form needs the session's CSRF token, and a
refused step is the page saying why, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from storage.models import TicketEvent
from storage.types import utcnow
from survey.vocabulary import ApiKeyRole, TicketStatus
from tests.dashboard.dashing import csrf_of, sign_in
from tests.dashboard.ticket_seed import TAKER, seed_tickets, ticket_row

BOARD = "/dashboard/tickets"
SHANGHAI = ZoneInfo("Asia/Shanghai")  # the settings' CSAT_TIMEZONE, in which the form is read


def page_of(ticket_id: int) -> str:
    return f"{BOARD}/{ticket_id}"


async def post(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    """Post a form of the ticket page as the browser would, with the page's CSRF token."""
    form = await client.get(page_of(int(path.split("/")[3])))
    return await client.post(path, data={"csrf": csrf_of(form.text), **fields})


def field(html: str, pattern: str) -> str:
    """What a field of the page's form holds."""
    found = re.search(pattern, html)
    assert found is not None, pattern
    return found.group(1)


async def actions(sessions, ticket_id: int) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )
        return [(e.actor, e.action) for e in rows]


async def test_the_page_shows_the_ticket_and_its_history(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    page = await client.get(page_of(seeded.taken), params={"lang": "en"})
    assert page.status_code == 200
    html = page.text
    assert "Ticket #" in html and "Customer C1" in html
    assert re.findall(r'<tr data-action="(\w+)"', html) == [
        "opened", "follow_up", "alerted", "taken", "plan", "due_at", "plan_submitted",
    ]  # fmt: skip
    assert "Call back within a day" in html and TAKER in html
    assert "Two deliveries came a week late" in html  # the respondent's follow-up


async def test_a_viewer_sees_no_forms_and_may_not_post(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret, page_of(seeded.fresh))
    assert 'id="read-only"' in page.text
    forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', page.text)
    assert forms == ["/dashboard/sign-out"]  # only the header's sign-out
    refused = await client.post(f"{page_of(seeded.fresh)}/take", data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 403
    assert (await ticket_row(sessions, seeded.fresh)).owner is None


@pytest.mark.parametrize("role", [ApiKeyRole.STAFF, ApiKeyRole.ADMIN])
async def test_staff_take_update_and_close_a_ticket(client, keys, sessions, role) -> None:
    seeded = await seed_tickets(sessions)
    key = keys[role]
    await sign_in(client, key.secret)
    ticket = seeded.fresh
    taken = await post(client, f"{page_of(ticket)}/take")
    assert taken.status_code == 303
    assert taken.headers["location"] == f"{page_of(ticket)}?done=taken"
    row = await ticket_row(sessions, ticket)
    assert (row.owner, row.status) == (key.name, TicketStatus.ACKNOWLEDGED)
    due = (utcnow() + timedelta(days=20)).astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    plan = "Cause: the carrier missed two pick-ups. Action: a second carrier on standby."
    saved = await post(
        client, page_of(ticket), status="plan_submitted", plan=plan, due_at=due, note="agreed"
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("?done=saved")
    for step in ("in_progress", "verifying"):
        assert (await post(client, page_of(ticket), status=step)).status_code == 303
    closed = await post(client, page_of(ticket), status="closed")
    assert closed.status_code == 303
    row = await ticket_row(sessions, ticket)
    assert (row.status, row.plan) == (TicketStatus.CLOSED, plan)
    assert row.closed_at is not None and row.due_at is not None
    history = [a for actor, a in await actions(sessions, ticket) if actor == key.name]
    assert history == [
        "taken", "plan", "due_at", "plan_submitted", "note", "in_progress", "verifying", "closed",
    ]  # fmt: skip
    page = await client.get(page_of(ticket), params={"done": "saved", "lang": "en"})
    assert 'id="closed-final"' in page.text and 'id="update-form"' not in page.text


async def test_sending_the_form_back_unchanged_records_nothing(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    before = await actions(sessions, seeded.taken)
    form = await client.get(page_of(seeded.taken))
    due = field(form.text, r'name="due_at" id="due_at" value="([^"]*)"')
    plan = field(form.text, r'<textarea name="plan"[^>]*>([^<]*)</textarea>')
    owner = field(form.text, r'name="owner" id="owner" maxlength="120" value="([^"]*)"')
    again = await client.post(
        page_of(seeded.taken),
        data={"csrf": csrf_of(form.text), "status": "", "plan": plan, "owner": owner,
              "note": "", "due_at": due},
    )  # fmt: skip
    assert again.headers["location"].endswith("?done=nothing")
    assert await actions(sessions, seeded.taken) == before


@pytest.mark.parametrize(
    ("ticket", "fields", "says"),
    [
        ("fresh", {"status": "closed"}, "cannot go from “open” to “closed”"),
        ("fresh", {"status": "plan_submitted"}, "cannot go from “open” to “plan submitted”"),
        ("fresh", {"status": "sideways"}, "cannot go from “open” to “sideways”"),
        ("taken", {"due_at": "2099-01-01T10:00"}, "within 3 months"),
        ("taken", {"due_at": "next tuesday"}, "not a valid date"),
    ],
)
async def test_a_refused_change_is_the_page_saying_why(
    client, keys, sessions, ticket, fields, says
) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    ticket_id = getattr(seeded, ticket)
    before = await actions(sessions, ticket_id)
    form = await client.get(page_of(ticket_id), params={"lang": "en"})
    refused = await client.post(page_of(ticket_id), data={"csrf": csrf_of(form.text), **fields})
    assert refused.status_code in (409, 422)
    assert refused.headers["content-type"].startswith("text/html")
    assert 'id="refused"' in refused.text and says in refused.text
    assert await actions(sessions, ticket_id) == before


async def test_a_plan_is_needed_before_its_step(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    assert (await post(client, f"{page_of(seeded.fresh)}/take")).status_code == 303
    form = await client.get(page_of(seeded.fresh), params={"lang": "en"})
    # a plan left blank is a plan not written: the step that needs one is refused
    refused = await client.post(
        page_of(seeded.fresh),
        data={"csrf": csrf_of(form.text), "status": "plan_submitted", "plan": "  "},
    )
    assert refused.status_code == 409
    assert "Write the corrective-action plan first." in refused.text
    assert (await ticket_row(sessions, seeded.fresh)).status == TicketStatus.ACKNOWLEDGED


async def test_refusals_are_worded_in_chinese_too(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    form = await client.get(page_of(seeded.fresh), params={"lang": "zh-CN"})
    refused = await client.post(
        page_of(seeded.fresh), data={"csrf": csrf_of(form.text), "status": "closed"}
    )
    assert refused.status_code == 409
    assert "工单不能从“待处理”改为“已关闭”。" in refused.text
    assert "下一步只能是：已认领、已升级（投诉处理）。" in refused.text


async def test_a_ticket_taken_already_says_by_whom(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    form = await client.get(page_of(seeded.taken), params={"lang": "en"})
    assert 'id="take-form"' not in form.text  # taken: no Take button
    again = await client.post(f"{page_of(seeded.taken)}/take", data={"csrf": csrf_of(form.text)})
    assert again.status_code == 409
    assert f"{TAKER} has taken this ticket already." in again.text
    assert (await ticket_row(sessions, seeded.taken)).owner == TAKER


@pytest.mark.parametrize("csrf", [None, "", "forged-token"])
async def test_forms_without_the_sessions_csrf_token_are_refused(
    client, keys, sessions, csrf
) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    data = {} if csrf is None else {"csrf": csrf}
    for path, more in (
        (f"{page_of(seeded.fresh)}/take", {}),
        (page_of(seeded.fresh), {"note": "x"}),
    ):
        refused = await client.post(path, data={**data, **more})
        assert refused.status_code == 403
    row = await ticket_row(sessions, seeded.fresh)
    assert (row.owner, row.status) == (None, TicketStatus.OPEN)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"{BOARD}/999999", 404),
        (f"{BOARD}/0", 422),
        (f"{BOARD}/abc", 422),
        (f"{BOARD}/{10**12}", 422),
        (f"{BOARD}/1?done=hacked", 422),
    ],
)
async def test_unknown_or_junk_ticket_ids_are_pages(client, keys, sessions, path, status) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    page = await client.get(path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")


async def test_posting_to_an_unknown_ticket_is_a_404_page(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    form = await client.get(page_of(seeded.fresh))
    for path in (f"{BOARD}/999999/take", f"{BOARD}/999999"):
        missing = await client.post(path, data={"csrf": csrf_of(form.text), "note": "x"})
        assert missing.status_code == 404


async def test_a_nul_character_is_refused_politely(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.STAFF].secret)
    form = await client.get(page_of(seeded.taken), params={"lang": "en"})
    refused = await client.post(
        page_of(seeded.taken), data={"csrf": csrf_of(form.text), "note": "late\x00r"}
    )
    assert refused.status_code == 422
    assert "NUL character" in refused.text and "later" in refused.text
