"""A quality manager runs a whole campaign over the admin API: load the survey, import people
(JSON and CSV), open and plan the campaign, invite, watch answers and tickets arrive, work the
tickets, close, read the report. Plus the refusals of malformed campaign requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import func, select, update

from storage.frames import ANSWER_COLUMNS
from storage.models import OutboundMessage, Respondent
from storage.types import utcnow
from survey.calendar import next_morning
from tests.admin.conftest import BOT_USERNAME, Api, error_of
from tests.cli.test_invite_command import zone_at
from tests.support import respond

KEY = "2026-Q4"
CUSTOMERS = [
    {"external_id": "C1", "name": "Acme", "customer_class": "KA", "business_unit": "BU1",
     "annual_revenue": 900, "account_owner": "Wang"},
    {"external_id": "C2", "name": "Beta", "customer_class": "B", "business_unit": "BU1",
     "annual_revenue": 100},
    {"external_id": "C3", "name": "Gamma", "customer_class": "B", "business_unit": "BU2",
     "annual_revenue": 50},
]  # fmt: skip
RESPONDENTS_CSV = (
    "external_id,customer_id,name,role,language,telegram_user_id\n"
    "r1,C1,Alice,quality,en,\n"
    "r2,C1,Bob,purchasing,en,\n"
    "r3,C2,王芳,general_manager,zh-CN,\n"
    "r4,C3,Dan,user,en,5004\n"
)
ALL_FIVES = {
    q: 5
    for q in (
        "GI", "TS.needs", "TS.response", "TS.communication", "TS.resolution", "QU.product",
        "QU.consistency", "QU.rohs", "QU.documents", "SP.quotation", "SP.sample", "SP.delivery",
        "SP.change", "VA.price", "VA.total_cost", "VA.money",
    )
}  # fmt: skip


async def open_campaign(api: Api, **changes: Any) -> dict[str, Any]:
    """Load ecss-5, import the people and open the campaign ``KEY``."""
    survey = (resources.files("survey.templates") / "ecss-5.yaml").read_text(encoding="utf-8")
    loaded = await api.post("/surveys", content=survey, headers={"Content-Type": "text/yaml"})
    assert loaded.status_code == 201, loaded.text
    assert (await api.post("/customers", json=CUSTOMERS)).json()["created"] == 3
    imported = await api.post(
        "/respondents", content=RESPONDENTS_CSV, headers={"Content-Type": "text/csv"}
    )
    assert imported.status_code == 200 and imported.json()["created"] == 4, imported.text
    body = {
        "key": KEY,
        "survey": "ecss-5",
        "period": "quarterly",
        "closes_at": "2099-12-31T16:00:00Z",
        "targets": {"response_rate": 0.75},
    } | changes
    created = await api.post("/campaigns", json=body)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


async def test_invite_says_what_went_to_chat_now_what_waits_for_morning_and_the_links(
    api: Api,
) -> None:
    await open_campaign(api)
    plan = {"rules": {"all_customers": True}, "seed": 7, "apply": True}
    assert (await api.post(f"/campaigns/{KEY}/plan", json=plan)).status_code == 200
    now = utcnow()
    night = zone_at(2, now)
    async with api.sessions() as session, session.begin():
        for external_id, chat_id, zone in (
            ("r1", 5001, zone_at(12, now)), ("r2", 5002, night), ("r4", 5004, zone_at(15, now)),
        ):  # fmt: skip
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(telegram_user_id=chat_id, timezone=zone)
            )
    body = (await api.post(f"/campaigns/{KEY}/invite")).json()
    morning = next_morning(now, night, 8)
    assert (body["queued"], body["in_chat_now"], body["held_for_morning"]) == (3, 2, 1)
    assert datetime.fromisoformat(body["held_until"]) == morning
    assert body["for_account_owners"] == 1 and [h["respondent_id"] for h in body["handoff"]] == [
        "r3"
    ]


async def test_a_whole_campaign_over_the_api(api: Api) -> None:
    campaign = await open_campaign(api)
    assert (campaign["survey"], campaign["survey_version"], campaign["status"]) == (
        "ecss-5", 1, "open",
    )  # fmt: skip
    assert campaign["targets"] == {"response_rate": 0.75} and campaign["invited"] == 0

    plan = {"rules": {"all_customers": True, "callback_share": 0.5}, "seed": 7}
    preview = (await api.post(f"/campaigns/{KEY}/plan", json=plan)).json()
    assert preview["applied"] is False and preview["seed"] == 7
    assert preview["figures"]["customers"] == 3 and preview["figures"]["respondents"] == 4
    assert (await api.get(f"/campaigns/{KEY}")).json()["invitations"] == {}  # nothing written
    applied = (await api.post(f"/campaigns/{KEY}/plan", json=plan | {"apply": True})).json()
    assert applied["applied"] is True and applied["figures"] == preview["figures"]
    assert (await api.get(f"/campaigns/{KEY}")).json()["invitations"] == {"created": 4}

    queued_when_woken: list[int] = []

    async def wake_scheduler() -> None:  # what the lead wires to the scheduler's wake()
        async with api.sessions() as session:  # another connection: sees committed rows only
            queued_when_woken.append(await session.scalar(select(func.count(OutboundMessage.id))))

    api.app.state.wake_scheduler = wake_scheduler
    sent = await api.post(f"/campaigns/{KEY}/invite")
    assert sent.status_code == 200, sent.text
    assert queued_when_woken == [1]  # the invitation was committed before the wake-up
    batch = sent.json()
    assert batch["queued"] == 1  # r4's Telegram id is known: the bot writes to them
    handoff = {h["respondent_id"]: h for h in batch["handoff"]}
    assert sorted(handoff) == ["r1", "r2", "r3"]
    assert handoff["r1"]["account_owner"] == "Wang" and handoff["r1"]["customer_name"] == "Acme"
    link = f"https://t.me/{BOT_USERNAME}?start={handoff['r1']['token']}"
    assert handoff["r1"]["deep_link"] == link
    assert (await api.post(f"/campaigns/{KEY}/invite")).json() == {
        "queued": 0,
        "in_chat_now": 0,
        "held_for_morning": 0,
        "held_until": None,
        "by_email": 0,
        "for_account_owners": 0,
        "handoff": [],
    }
    chase = (await api.get(f"/campaigns/{KEY}/chase", role="staff")).json()
    assert [(c["account_owner"], c["respondent_id"], c["reason"]) for c in chase["data"]] == [
        ("Wang", "r1", "no_chat"), ("Wang", "r2", "no_chat"), (None, "r3", "no_chat"),
    ]  # fmt: skip
    assert chase["count"] == 3 and chase["data"][0]["deep_link"] == link
    assert not any(c["due"] for c in chase["data"])  # sent today: not chased yet
    wang = await api.get(f"/campaigns/{KEY}/chase", params={"owner": "Wang", "limit": 1})
    assert wang.json()["count"] == 2 and [c["respondent_id"] for c in wang.json()["data"]] == ["r1"]
    error = error_of(await api.post(f"/campaigns/{KEY}/plan", json=plan | {"apply": True}), 409)
    assert error["code"] == "plan_locked"

    # Answers arrive: r1 all fives, r2 a 2 on product quality, r3 a 1 on needs.
    await respond(api.sessions, handoff["r1"]["token"], ALL_FIVES, comment="=HYPERLINK(1)")
    (opinion,) = await respond(api.sessions, handoff["r2"]["token"], ALL_FIVES | {"QU.product": 2})
    (memo,) = await respond(
        api.sessions, handoff["r3"]["token"], ALL_FIVES | {"TS.needs": 1, "SP.change": None}
    )
    detail = (await api.get(f"/campaigns/{KEY}", role="viewer")).json()
    assert detail["invitations"] == {"completed": 3, "sent": 1} and detail["response_rate"] == 0.75
    assert (await api.get(f"/campaigns/{KEY}/chase")).json()["count"] == 0  # r4 is in chat

    answers = (await api.get("/answers", params={"campaign": KEY, "limit": 20})).json()
    assert answers["count"] == 3 * 17 and len(answers["data"]) == 20
    first = answers["data"][0]
    assert list(first) == ANSWER_COLUMNS
    assert (first["campaign"], first["survey"], first["customer_id"]) == (KEY, "ecss-5", "C1")
    assert first["answered_at"].endswith("Z")
    needs = await api.get("/answers", params={"campaign": KEY, "kind": "comment"})
    comments = needs.json()["data"]
    assert [(c["respondent_id"], c["text"], c["factor"]) for c in comments] == [
        ("r1", "=HYPERLINK(1)", None), ("r2", None, None), ("r3", None, None),
    ]  # fmt: skip
    every = (await api.get("/answers", params={"campaign": KEY, "limit": 500})).json()["data"]
    level_2 = [a for a in every if a["level"] == 2]
    assert [(a["factor"], a["item"], a["customer_weight"]) for a in level_2] == [
        ("QU", "product", 2.0)
    ]

    tickets = (await api.get("/tickets", params={"campaign": KEY}, role="viewer")).json()
    assert [t["id"] for t in tickets["data"]] == [opinion, memo] and tickets["count"] == 2
    quality = (await api.get("/tickets", params={"department": "quality"})).json()["data"]
    assert [(t["customer_id"], t["respondent_id"], t["question"]) for t in quality] == [
        ("C1", "r2", "QU.product")
    ]
    assert quality[0]["severity"] == 2.0 and quality[0]["campaign"] == KEY

    await work_a_ticket_through_its_lifecycle(api, opinion)
    await escalate_and_report_back(api, memo)

    closed = await api.post(f"/campaigns/{KEY}/close")
    assert closed.status_code == 200, closed.text
    summary = closed.json()
    assert summary["expired_invitations"] == 1 and summary["already_closed"] is False
    assert (summary["opinion_tickets"], summary["internal_memos"]) == (1, 1)
    assert (await api.post(f"/campaigns/{KEY}/close")).json()["already_closed"] is True
    kinds = (await api.get("/tickets", params={"kind": "opinion_ticket"})).json()["data"]
    assert [t["id"] for t in kinds] == [opinion]  # equal severity 2: the earlier answer wins
    error_of(await api.post(f"/campaigns/{KEY}/invite"), 409)

    report = (await api.get(f"/campaigns/{KEY}/report", role="viewer")).json()
    assert (report["campaign"], report["survey"]) == (KEY, "ecss-5")
    assert (report["response"]["invited"], report["response"]["completed"]) == (4, 3)
    assert report["summary"]["tickets"] == 2
    listed = (await api.get("/campaigns", params={"status": "closed"})).json()
    assert [c["key"] for c in listed["data"]] == [KEY] and listed["data"][0]["closed_at"]


async def work_a_ticket_through_its_lifecycle(api: Api, ticket: int) -> None:
    """open → acknowledged → plan_submitted → in_progress → verifying → closed, by staff."""
    url = f"/tickets/{ticket}"
    step = await api.patch(url, json={"status": "acknowledged", "owner": "Li"}, role="staff")
    assert step.status_code == 200, step.text
    assert (step.json()["status"], step.json()["owner"]) == ("acknowledged", "Li")
    error = error_of(await api.patch(url, json={"status": "plan_submitted"}, role="staff"), 409)
    assert error["code"] == "ticket_rule_broken"
    assert error["details"] == [
        {"from": "acknowledged", "to": "plan_submitted",
         "why": "a corrective-action plan is needed first"},
    ]  # fmt: skip
    error = error_of(await api.patch(url, json={"status": "verifying"}, role="staff"), 409)
    assert "from acknowledged it can go to" in error["message"]
    plan = {"status": "plan_submitted", "plan": "8D with supplier"}
    too_late = plan | {"due_at": (utcnow() + timedelta(days=120)).isoformat()}
    error = error_of(await api.patch(url, json=too_late, role="staff"), 409)
    assert "within 3 months" in error["message"]
    in_time = plan | {"due_at": (utcnow() + timedelta(days=30)).isoformat()}
    submitted = (await api.patch(url, json=in_time, role="staff")).json()
    assert (submitted["status"], submitted["plan"]) == ("plan_submitted", "8D with supplier")
    review = (await api.get("/tickets/review", role="viewer")).json()
    assert [t["id"] for t in review["data"]] == [ticket] and review["data"][0]["overdue"] is False
    for status in ("in_progress", "verifying", "closed"):
        moved = (await api.patch(url, json={"status": status}, role="staff")).json()
        assert moved["status"] == status
    assert moved["closed_at"] is not None
    await api.patch(url, json={"note": "customer called back, satisfied"}, role="admin")
    history = (await api.get(url, role="viewer")).json()["history"]
    assert [(e["actor"], e["action"]) for e in history] == [
        ("bot", "opened"),
        ("staff tester", "owner"),
        ("staff tester", "acknowledged"),
        ("staff tester", "plan"),
        ("staff tester", "due_at"),
        ("staff tester", "plan_submitted"),
        ("staff tester", "in_progress"),
        ("staff tester", "verifying"),
        ("staff tester", "closed"),
        ("admin tester", "note"),
    ]
    assert (await api.get("/tickets/review")).json()["count"] == 0


async def escalate_and_report_back(api: Api, ticket: int) -> None:
    """An escalated ticket needs its call-back report before it can close (seed 001 §6.4.3)."""
    url = f"/tickets/{ticket}"
    assert (await api.patch(url, json={"status": "escalated"}, role="staff")).is_success
    owed = (await api.get("/tickets/callbacks", params={"campaign": KEY})).json()
    assert [(t["id"], t["callback_report"]) for t in owed["data"]] == [(ticket, None)]
    error = error_of(await api.patch(url, json={"status": "closed"}, role="staff"), 409)
    assert "call-back report" in error["details"][0]["why"]
    report = {"status": "closed", "callback_report": "Called Wang Fang: resolved"}
    closed = (await api.patch(url, json=report, role="staff")).json()
    assert closed["status"] == "closed" and closed["callback_at"] is not None
    written = (await api.get("/tickets/callbacks")).json()["data"]
    assert written[0]["callback_report"] == "Called Wang Fang: resolved"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": KEY, "survey": "ecss-5", "period": "monthly"}, "body.period"),
        ({"key": KEY, "survey": "ecss-5", "closes_at": "tomorrow"}, "body.closes_at"),
        ({"key": KEY, "survey": "ecss-5", "closes_at": "2026-12-31T00:00:00"}, "body.closes_at"),
        ({"key": KEY, "survey": "ecss-5", "targets": {"response_rate": 80}},
         "body.targets.response_rate"),
        ({"key": KEY, "survey": "ecss-5", "colour": "red"}, "body.colour"),
        ({"key": "bad key!", "survey": "ecss-5"}, "body.key"),
        ({"survey": "ecss-5"}, "body.key"),
        ([KEY], "body"),
    ],
)  # fmt: skip
async def test_malformed_campaigns_name_the_field(api: Api, body: Any, field: str) -> None:
    error = error_of(await api.post("/campaigns", json=body), 422)
    assert error["code"] == "invalid"
    assert field in [d["field"] for d in error["details"]], error


async def test_campaign_refusals(api: Api) -> None:
    error = error_of(
        await api.post(
            "/campaigns", content='{"key": ', headers={"Content-Type": "application/json"}
        ),
        400,
    )
    assert error["code"] == "invalid_json"
    error = error_of(await api.post("/campaigns", json={"key": KEY, "survey": "nope"}), 422)
    assert error["code"] == "unknown_survey"
    await open_campaign(api)
    error = error_of(await api.post("/campaigns", json={"key": KEY, "survey": "ecss-5"}), 409)
    assert "exists already" in error["message"]
    error_of(await api.get("/campaigns/nope"), 404)
    error_of(await api.get("/answers", params={"campaign": "nope"}), 404)
    assert error_of(await api.get("/answers"), 422)["details"][0]["field"] == "query.campaign"
    plan = {"rules": {"random_share": 1.5}}
    error = error_of(await api.post(f"/campaigns/{KEY}/plan", json=plan), 422)
    assert error["details"][0]["field"] == "body.rules.random_share"
    nobody = {"rules": {"include_complainers": False}}
    error = error_of(await api.post(f"/campaigns/{KEY}/plan", json=nobody), 422)
    assert "select no customer" in error["message"]
    error_of(await api.post("/campaigns/nope/plan", json={"rules": {}}), 404)
    invite = {"respondents": ["r1", "ghost"]}
    error = error_of(await api.post(f"/campaigns/{KEY}/invite", json=invite), 422)
    assert error["code"] == "unknown_respondent" and "ghost" in error["message"]
    listed = (await api.get("/campaigns", params={"survey": "ecss-5"})).json()
    assert listed["count"] == 1 and listed["data"][0]["key"] == KEY
