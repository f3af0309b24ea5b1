"""``/tickets``: filters, pagination, overdue tickets, one ticket with history, and the
refusals of malformed or forbidden updates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from storage.engine import transaction
from storage.models import Ticket
from storage.types import utcnow
from tests.admin.conftest import Api, error_of
from tests.support import respond, seed_campaign

pytestmark = pytest.mark.both_backends


async def seed_tickets(api: Api) -> list[int]:
    """Five tickets on campaign 2026-Q4: r1 three (quality and service), r2 one, r3 one."""
    tokens = await seed_campaign(api.sessions)
    r1 = await respond(api.sessions, tokens["r1"], {"QU.product": 1, "QU.rohs": 2, "TS.needs": 2})
    r2 = await respond(api.sessions, tokens["r2"], {"QU.product": 2, "GI": 4})
    r3 = await respond(api.sessions, tokens["r3"], {"SP.delivery": 1}, complete=False)
    return [*r1, *r2, *r3]


async def test_filters_and_pages(api: Api) -> None:
    ids = await seed_tickets(api)
    everything = (await api.get("/tickets", role="viewer")).json()
    assert [t["id"] for t in everything["data"]] == ids and everything["count"] == 5
    page = (await api.get("/tickets", params={"limit": 2, "offset": 2})).json()
    assert [t["id"] for t in page["data"]] == ids[2:4]
    assert (page["count"], page["limit"], page["offset"]) == (5, 2, 2)
    quality = (await api.get("/tickets", params={"department": "quality"})).json()
    assert quality["count"] == 3
    assert {t["question"] for t in quality["data"]} == {"QU.product", "QU.rohs"}
    c1 = quality["data"][0]
    assert (c1["customer_id"], c1["customer_class"], c1["respondent_id"]) == ("C1", "KA", "r1")
    assert (c1["score"], c1["severity"], c1["status"], c1["kind"]) == (1, 4.0, "open", None)

    await api.patch(f"/tickets/{ids[0]}", json={"status": "acknowledged", "owner": "Li"})
    mine = (await api.get("/tickets", params={"owner": "Li", "status": "acknowledged"})).json()
    assert [t["id"] for t in mine["data"]] == [ids[0]]
    assert (await api.get("/tickets", params={"status": "open"})).json()["count"] == 4
    other = await api.get("/tickets", params={"campaign": "2026-Q4", "kind": "internal_memo"})
    assert other.json()["count"] == 0
    error_of(await api.get("/tickets", params={"campaign": "nope"}), 404)
    error = error_of(await api.get("/tickets", params={"status": "done"}), 422)
    assert error["details"][0]["field"] == "query.status"


async def test_overdue_tickets(api: Api) -> None:
    ids = await seed_tickets(api)
    now = utcnow()
    async with transaction(api.sessions) as session:
        # no plan two days after the alert; a plan but past its completion date; on time
        await session.execute(
            update(Ticket).where(Ticket.id == ids[0]).values(plan_due_at=now - timedelta(hours=1))
        )
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ids[1])
            .values(plan="fix", due_at=now - timedelta(days=1), status="in_progress")
        )
        await session.execute(
            update(Ticket).where(Ticket.id == ids[2]).values(plan_due_at=now + timedelta(days=2))
        )
    overdue = (await api.get("/tickets", params={"overdue": "true"}, role="viewer")).json()
    assert [t["id"] for t in overdue["data"]] == ids[:2] and overdue["count"] == 2
    assert all(t["overdue"] for t in overdue["data"])
    review = (await api.get("/tickets/review")).json()["data"]
    assert [(t["id"], t["overdue"]) for t in review] == [(ids[1], True)]
    for status in ("verifying", "closed"):
        moved = await api.patch(f"/tickets/{ids[1]}", json={"status": status}, role="staff")
        assert moved.status_code == 200, moved.text
    after = (await api.get("/tickets", params={"overdue": "true"})).json()
    assert [t["id"] for t in after["data"]] == ids[:1]  # a closed ticket is never overdue


async def test_one_ticket_and_refused_updates(api: Api) -> None:
    ids = await seed_tickets(api)
    url = f"/tickets/{ids[3]}"
    ticket = (await api.get(url, role="viewer")).json()
    assert (ticket["respondent_id"], ticket["question"], ticket["campaign"]) == (
        "r2", "QU.product", "2026-Q4",
    )  # fmt: skip
    assert [(e["actor"], e["action"], e["detail"]) for e in ticket["history"]] == [
        ("bot", "opened", "score 2")
    ]
    error = error_of(await api.get("/tickets/999999"), 404)
    assert error["code"] == "ticket_not_found" and error["details"] == [{"ticket": 999999}]
    error_of(await api.patch("/tickets/999999", json={"note": "x"}, role="staff"), 404)
    error_of(await api.get("/tickets/abc"), 422)

    error = error_of(await api.patch(url, json={}, role="staff"), 422)
    assert "nothing to change" in error["details"][0]["problem"]
    error_of(await api.patch(url, json={"status": None}, role="staff"), 422)
    error = error_of(await api.patch(url, json={"status": "done"}, role="staff"), 422)
    assert error["details"][0]["field"] == "body.status"
    for body in ({"plan": 5}, {"due_at": "next week"}, {"due_at": "2026-11-01T25:00:00"}):
        error_of(await api.patch(url, json=body, role="staff"), 422)
    error_of(await api.patch(url, json={"owner": "Li", "colour": "red"}, role="staff"), 422)
    error = error_of(await api.patch(url, json={"plan": "   "}, role="staff"), 409)
    assert "must not be empty" in error["message"]
    as_json = {"Content-Type": "application/json"}
    error = error_of(await api.patch(url, content="{", role="staff", headers=as_json), 400)
    assert error["code"] == "invalid_json"
    error_of(await api.patch(url, json={"note": "hello"}, role="viewer"), 403)

    error = error_of(await api.patch(url, json={"status": "in_progress"}, role="staff"), 409)
    assert error["details"][0]["from"] == "open" and error["details"][0]["to"] == "in_progress"
    unchanged = (await api.get(url)).json()
    assert unchanged["status"] == "open" and len(unchanged["history"]) == 1  # nothing half-done
    error = error_of(await api.patch(url, json={"status": "closed"}, role="staff"), 409)
    assert error["details"][0]["allowed"] == ["acknowledged", "escalated"]
    done = await api.patch(url, json={"status": "escalated", "note": "duplicate"}, role="staff")
    assert [e["action"] for e in done.json()["history"]] == ["opened", "escalated", "note"]
