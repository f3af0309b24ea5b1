"""``PATCH /tickets/{id}`` enforces the lifecycle of SPEC §5 over real HTTP: every (from, to)
pair is tried, only the drawn steps answer 200, the rest 409 with the allowed next states;
planned completions without a time zone are read in ``CSAT_TIMEZONE``."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import update

from admin.app import create_app
from storage.apikeys import create_api_key
from storage.engine import transaction
from storage.models import Ticket
from storage.types import utcnow
from survey.settings import Settings
from tests.admin.conftest import BOT_USERNAME, Api, error_of
from tests.support import open_test_ticket, seed_campaign

# The lifecycle as README and SPEC §5 draw it, written out here rather than read from the code.
DRAWN: dict[str, list[str]] = {
    "open": ["acknowledged", "escalated"],
    "acknowledged": ["plan_submitted", "escalated"],
    "plan_submitted": ["in_progress", "escalated"],
    "in_progress": ["verifying", "escalated"],
    "verifying": ["closed", "escalated"],
    "escalated": ["closed"],
    "closed": [],
}
PAIRS = [(a, b) for a, b in itertools.permutations(DRAWN, 2)]


async def _ticket(api: Api) -> int:
    tokens = await seed_campaign(api.sessions)
    return await open_test_ticket(api.sessions, tokens["r2"], question="QU.product")


async def _put(api: Api, ticket_id: int, **values: object) -> None:
    async with transaction(api.sessions) as session:
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


async def test_every_pair_of_states_through_the_api(api: Api) -> None:
    ticket_id = await _ticket(api)
    url = f"/tickets/{ticket_id}"
    answered: dict[tuple[str, str], int] = {}
    for current, wanted in PAIRS:
        # A plan and a call-back report are on file, so only the drawn steps decide.
        await _put(api, ticket_id, status=current, plan="Retrain the packers", callback_report="ok")
        response = await api.patch(url, json={"status": wanted}, role="staff")
        answered[current, wanted] = response.status_code
        if response.status_code == 409:
            (detail,) = error_of(response, 409)["details"]
            assert (detail["from"], detail["to"]) == (current, wanted)
            assert detail["allowed"] == DRAWN[current], (current, wanted)
        else:
            assert response.json()["status"] == wanted
    allowed = {(a, b) for a, b in PAIRS if b in DRAWN[a]}
    assert {pair for pair, code in answered.items() if code == 200} == allowed
    assert {pair for pair, code in answered.items() if code != 200} == set(PAIRS) - allowed
    assert set(answered.values()) == {200, 409}


@pytest.mark.parametrize(
    ("current", "wanted", "allowed"),
    [
        ("open", "closed", ["acknowledged", "escalated"]),
        ("plan_submitted", "closed", ["in_progress", "escalated"]),  # not verified yet
        ("closed", "open", []),
        ("verifying", "in_progress", ["closed", "escalated"]),
    ],
)
async def test_refused_steps_answer_409_with_the_allowed_next_states(
    api: Api, current: str, wanted: str, allowed: list[str]
) -> None:
    ticket_id = await _ticket(api)
    await _put(api, ticket_id, status=current, plan="Retrain the packers")
    error = error_of(await api.patch(f"/tickets/{ticket_id}", json={"status": wanted}), 409)
    assert error["code"] == "ticket_rule_broken"
    (detail,) = error["details"]
    assert {k: detail[k] for k in ("from", "to", "allowed")} == {
        "from": current,
        "to": wanted,
        "allowed": allowed,
    }
    ticket = (await api.get(f"/tickets/{ticket_id}")).json()
    assert ticket["status"] == current and [e["action"] for e in ticket["history"]] == ["opened"]


async def test_an_escalated_ticket_closes_once_its_call_back_report_is_given(api: Api) -> None:
    ticket_id = await _ticket(api)
    url = f"/tickets/{ticket_id}"
    assert (await api.patch(url, json={"status": "escalated"})).status_code == 200
    error = error_of(await api.patch(url, json={"status": "closed"}), 409)
    assert "call-back report" in error["message"] and "allowed" not in error["details"][0]
    closed = await api.patch(url, json={"status": "closed", "callback_report": "Called Mr Li"})
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None


async def test_the_whole_path_through_the_api(api: Api) -> None:
    ticket_id = await _ticket(api)
    url = f"/tickets/{ticket_id}"
    steps = [
        {"status": "acknowledged", "owner": "Wang"},
        {"status": "plan_submitted", "plan": "Retrain the packers"},
        {"status": "in_progress"},
        {"status": "verifying"},
        {"status": "closed"},
    ]
    for step in steps:
        response = await api.patch(url, json=step, role="staff")
        assert response.status_code == 200, response.text
    assert response.json()["status"] == "closed"


def test_the_409_body_is_described_in_the_openapi_schema() -> None:
    app = create_app(Settings(_env_file=None))  # type: ignore[call-arg]
    conflict = app.openapi()["paths"]["/tickets/{ticket_id}"]["patch"]["responses"]["409"]
    assert '"allowed"' in conflict["description"] and '"from"' in conflict["description"]
    assert conflict["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


# Planned completions without a time zone


@pytest.fixture
async def berlin_api(db_url: str) -> AsyncIterator[Api]:
    """The admin app configured with CSAT_TIMEZONE=Europe/Berlin."""
    settings = Settings(
        database_url=db_url, bot_username=BOT_USERNAME, timezone="Europe/Berlin", _env_file=None
    )  # type: ignore[call-arg]
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://admin") as client:
            harness = Api(app, client)
            async with transaction(harness.sessions) as session:
                _, harness.keys["staff"] = await create_api_key(
                    session, name="staff tester", role="staff"
                )
            yield harness


def _next_month() -> datetime:
    """A day about a month ahead, 17:00, naive: well inside the three-month limit."""
    return (utcnow() + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)


def _returned(response: httpx.Response) -> datetime:
    assert response.status_code == 200, response.text
    return datetime.fromisoformat(response.json()["due_at"]).astimezone(UTC)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "Europe/Berlin"])
async def test_a_naive_due_at_is_read_in_the_configured_zone(
    api: Api, berlin_api: Api, zone: str
) -> None:
    client = api if zone == "Asia/Shanghai" else berlin_api
    ticket_id = await _ticket(client)
    due = _next_month()
    response = await client.patch(
        f"/tickets/{ticket_id}", json={"due_at": due.replace(tzinfo=None).isoformat()}, role="staff"
    )
    assert _returned(response) == due.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    history = (await client.get(f"/tickets/{ticket_id}", role="staff")).json()["history"]
    assert history[-1]["action"] == "due_at"


async def test_a_bare_date_is_the_start_of_that_day_in_the_configured_zone(api: Api) -> None:
    ticket_id = await _ticket(api)
    day = _next_month().date()
    response = await api.patch(f"/tickets/{ticket_id}", json={"due_at": day.isoformat()})
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert _returned(response) == midnight.astimezone(UTC)


async def test_a_due_at_with_its_own_zone_keeps_it(berlin_api: Api) -> None:
    ticket_id = await _ticket(berlin_api)
    due = _next_month().replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    response = await berlin_api.patch(
        f"/tickets/{ticket_id}", json={"due_at": due.isoformat()}, role="staff"
    )
    assert _returned(response) == due.astimezone(UTC)


@pytest.mark.parametrize("due_at", ["0001-01-01T00:00:00", "0001-01-01", "next week", "2026-13-01"])
async def test_a_due_at_that_cannot_be_read_is_a_422_naming_the_field(
    api: Api, due_at: str
) -> None:
    ticket_id = await _ticket(api)
    error = error_of(await api.patch(f"/tickets/{ticket_id}", json={"due_at": due_at}), 422)
    assert error["details"][0]["field"] == "body.due_at"
