"""The ticket lifecycle in the database: alerts queued with the ticket, taking, every allowed
step, refusals, working-day deadlines, history, lists, review, call-backs and overdue alerts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from storage.models import OutboundMessage, Ticket
from storage.tickets import (
    callback_reports,
    get_ticket,
    is_overdue,
    list_tickets,
    queue_missing_alerts,
    queue_overdue_alerts,
    record_alert,
    review_list,
    set_ticket_kinds,
    take_ticket,
    ticket_history,
    update_ticket,
)
from survey.calendar import WorkingCalendar
from survey.errors import InvalidValue, TicketNotFound, TicketRuleBroken
from survey.tickets import NEXT
from tests.support import open_test_ticket, seed_campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = WorkingCalendar("CN", "Asia/Shanghai")
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


async def _ticket(sessions, token: str, question: str = "QU.product", **kw) -> int:  # type: ignore[no-untyped-def]
    return await open_test_ticket(sessions, token, question=question, now=kw.pop("now", NOW), **kw)


async def _set(sessions, ticket_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(**values))


async def _load(sessions, ticket_id: int) -> Ticket:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await get_ticket(session, ticket_id)


async def _actions(sessions, ticket_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return [e.action for e in await ticket_history(session, ticket_id)]


async def test_opening_a_ticket_queues_its_alert_once(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    async with sessions() as session, session.begin():
        rows = list(await session.scalars(select(OutboundMessage)))
        assert await queue_missing_alerts(session) == 0  # it has its alert already
    assert [(r.kind, r.dedupe_key, r.ticket_id, r.state) for r in rows] == [
        ("alert", f"alert:{ticket_id}", ticket_id, "pending")
    ]
    assert await _actions(sessions, ticket_id) == ["opened"]


async def test_a_ticket_opened_without_its_alert_gets_one_from_the_sweep(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    closed_id = await _ticket(sessions, tokens["r3"], question="TS.needs")
    async with sessions() as session, session.begin():
        await session.execute(OutboundMessage.__table__.delete())
    await _set(sessions, closed_id, status="closed")
    async with sessions() as session, session.begin():
        assert await queue_missing_alerts(session) == 1  # not for the closed one
        assert await queue_missing_alerts(session) == 0
        keys = list(await session.scalars(select(OutboundMessage.dedupe_key)))
    assert keys == [f"alert:{ticket_id}"]


@pytest.mark.parametrize(
    ("sent_local", "due_local"),
    [
        # Friday → the weekend does not count → Tuesday, same time.
        (datetime(2026, 9, 11, 10, 0), datetime(2026, 9, 15, 10, 0)),
        # Wednesday before National Day (1–7 Oct 2026 off) → Friday 9 Oct.
        (datetime(2026, 9, 30, 15, 0), datetime(2026, 10, 9, 15, 0)),
        # Friday 25 Sep 2026 is Mid-Autumn (a holiday): counting starts Monday morning.
        (datetime(2026, 9, 25, 10, 0), datetime(2026, 9, 30, 0, 0)),
    ],
)
async def test_plan_is_due_two_working_days_after_the_alert(
    sessions, sent_local: datetime, due_local: datetime
) -> None:
    tokens = await seed_campaign(sessions)
    sent = sent_local.replace(tzinfo=SHANGHAI)
    ticket_id = await _ticket(sessions, tokens["r2"], now=sent - timedelta(seconds=5))
    async with sessions() as session, session.begin():
        ticket = await record_alert(
            session, ticket_id, chat_id=-100, message_id=7, now=sent, calendar=CN
        )
    assert ticket.plan_due_at is not None
    assert ticket.plan_due_at.astimezone(SHANGHAI).replace(tzinfo=None) == due_local
    loaded = await _load(sessions, ticket_id)
    assert (loaded.alert_chat_id, loaded.alert_message_id, loaded.alerted_at) == (-100, 7, sent)
    assert await _actions(sessions, ticket_id) == ["opened", "alerted"]


async def test_take_assigns_once_and_acknowledges(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    async with sessions() as session, session.begin():
        ticket, won = await take_ticket(
            session, ticket_id, owner="Wang Lei (@wanglei)", owner_telegram_id=7, now=NOW
        )
    assert won and ticket.status == "acknowledged" and ticket.acknowledged_at == NOW
    async with sessions() as session, session.begin():
        again, won_again = await take_ticket(session, ticket_id, owner="Li", owner_telegram_id=8)
    assert not won_again and again.owner == "Wang Lei (@wanglei)" and again.owner_telegram_id == 7
    assert await _actions(sessions, ticket_id) == ["opened", "taken"]
    async with sessions() as session, session.begin():
        with pytest.raises(TicketNotFound):
            await take_ticket(session, 999_999, owner="x", owner_telegram_id=None)


async def test_two_simultaneous_takes_have_one_winner(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])

    async def take(name: str, user_id: int) -> bool:
        async with sessions() as session, session.begin():
            _, won = await take_ticket(session, ticket_id, owner=name, owner_telegram_id=user_id)
            await asyncio.sleep(0.05)  # hold the lock a moment, so the presses overlap
            return won

    results = await asyncio.gather(*(take(f"staff {n}", n) for n in range(4)))
    assert sorted(results) == [False, False, False, True]
    winner = results.index(True)
    assert (await _load(sessions, ticket_id)).owner == f"staff {winner}"
    assert (await _actions(sessions, ticket_id)).count("taken") == 1


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(current, wanted) for current, nexts in sorted(NEXT.items()) for wanted in sorted(nexts)],
)
async def test_every_allowed_step(sessions, current: str, wanted: str) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    closed_at = NOW if current == "closed" else None
    await _set(sessions, ticket_id, status=current, closed_at=closed_at)
    later = NOW + timedelta(hours=1)
    async with sessions() as session, session.begin():
        ticket = await update_ticket(
            session,
            ticket_id,
            actor="api:quality",
            status=wanted,
            plan="Replace the carton supplier",
            callback_report="Called Mr Li; he accepts the plan",
            now=later,
        )
    assert ticket.status == wanted
    assert ticket.closed_at == (later if wanted == "closed" else None)
    assert (await _actions(sessions, ticket_id))[-1] == wanted


@pytest.mark.parametrize(
    ("current", "wanted", "plan", "report"),
    [
        ("open", "in_progress", "a plan", None),  # skips steps
        ("acknowledged", "verifying", "a plan", None),
        ("closed", "acknowledged", None, None),  # closed is final for staff
        ("closed", "open", None, None),
        ("open", "closed", None, None),  # closing needs the whole path
        ("plan_submitted", "closed", "a plan", None),  # not verified
        ("verifying", "in_progress", "a plan", None),  # no stepping back
        ("acknowledged", "plan_submitted", None, None),  # no plan
        ("escalated", "closed", "a plan", None),  # no call-back report
        ("open", "done", None, None),  # unknown status
    ],
)
async def test_refused_steps_change_nothing(
    sessions, current: str, wanted: str, plan: str | None, report: str | None
) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    await _set(sessions, ticket_id, status=current)
    async with sessions() as session, session.begin():
        with pytest.raises(TicketRuleBroken) as refused:
            await update_ticket(
                session, ticket_id, actor="api", status=wanted, plan=plan, callback_report=report
            )
    assert (refused.value.current, refused.value.wanted) == (current, wanted)
    ticket = await _load(sessions, ticket_id)
    assert ticket.status == current and ticket.plan is None
    assert await _actions(sessions, ticket_id) == ["opened"]


async def test_the_main_path_writes_its_history(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    async with sessions() as session, session.begin():
        await take_ticket(session, ticket_id, owner="Wang", owner_telegram_id=7, now=NOW)
    steps = [
        {"plan": "Retrain the packers", "status": "plan_submitted"},
        {"due_at": NOW + timedelta(days=60), "status": "in_progress"},
        {"status": "verifying", "note": "first batch checked"},
        {"status": "closed"},
    ]
    for n, step in enumerate(steps, start=1):
        async with sessions() as session, session.begin():
            await update_ticket(
                session, ticket_id, actor="api:quality", now=NOW + timedelta(days=n), **step
            )
    assert await _actions(sessions, ticket_id) == [
        "opened", "taken", "plan", "plan_submitted", "due_at", "in_progress",
        "verifying", "note", "closed",
    ]  # fmt: skip
    ticket = await _load(sessions, ticket_id)
    assert ticket.status == "closed" and ticket.closed_at == NOW + timedelta(days=4)
    assert ticket.plan == "Retrain the packers" and ticket.due_at == NOW + timedelta(days=60)
    async with sessions() as session:
        events = await ticket_history(session, ticket_id)
    assert events[-1].actor == "api:quality" and events[-1].detail == "from verifying"


async def test_escalated_ticket_needs_its_call_back_report_to_close(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    async with sessions() as session, session.begin():
        await update_ticket(session, ticket_id, actor="qm", status="escalated", now=NOW)
    async with sessions() as session, session.begin():
        with pytest.raises(TicketRuleBroken, match="call-back report"):
            await update_ticket(session, ticket_id, actor="qm", status="closed")
    async with sessions() as session, session.begin():
        await update_ticket(session, ticket_id, actor="qm", callback_report="Called back", now=NOW)
    async with sessions() as session:
        (pending,) = await callback_reports(session)
    assert pending.id == ticket_id and pending.callback_report == "Called back"
    assert pending.callback_at == NOW
    async with sessions() as session, session.begin():
        await update_ticket(session, ticket_id, actor="qm", status="closed", now=NOW)
    async with sessions() as session:
        (closed,) = await callback_reports(session)  # still listed after closing
        assert await callback_reports(session, campaign_id=closed.campaign_id + 1) == []
    assert closed.status == "closed"


async def test_completion_date_at_most_three_months_out(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await _ticket(sessions, tokens["r2"])
    async with sessions() as session, session.begin():
        await record_alert(session, ticket_id, chat_id=-1, message_id=1, now=NOW, calendar=CN)
    async with sessions() as session, session.begin():
        with pytest.raises(TicketRuleBroken, match="3 months"):
            await update_ticket(
                session, ticket_id, actor="qm", due_at=datetime(2027, 2, 3, tzinfo=UTC)
            )
    async with sessions() as session, session.begin():
        with pytest.raises(TicketRuleBroken, match="empty"):
            await update_ticket(session, ticket_id, actor="qm", plan="  ")
    async with sessions() as session, session.begin():
        ticket = await update_ticket(
            session, ticket_id, actor="qm", due_at=datetime(2027, 2, 2, 2, 0, tzinfo=UTC)
        )
    assert ticket.due_at == datetime(2027, 2, 2, 2, 0, tzinfo=UTC)
    async with sessions() as session, session.begin():
        with pytest.raises(TicketNotFound):
            await update_ticket(session, 999_999, actor="qm", note="hello")


async def test_lists_filter_page_and_count(sessions) -> None:
    tokens = await seed_campaign(sessions)
    ids = [
        await _ticket(sessions, tokens["r1"], "QU.product"),
        await _ticket(sessions, tokens["r2"], "QU.product"),
        await _ticket(sessions, tokens["r3"], "TS.needs", department="service"),
    ]
    async with sessions() as session, session.begin():
        await take_ticket(session, ids[0], owner="Wang", owner_telegram_id=7)
        assert (
            await set_ticket_kinds(
                session, {ids[0]: "internal_memo", ids[1]: "opinion_ticket"}, actor="close"
            )
            == 2
        )
        assert await set_ticket_kinds(session, {ids[0]: "internal_memo"}, actor="close") == 0
        with pytest.raises(InvalidValue, match="unknown ticket kind"):
            await set_ticket_kinds(session, {ids[2]: "memo"}, actor="close")
    async with sessions() as session:
        everything, total = await list_tickets(session)
        page, page_total = await list_tickets(session, limit=2, offset=1)
        quality, _ = await list_tickets(session, department="quality")
        mine, _ = await list_tickets(session, owner="Wang", status="acknowledged")
        opinions, _ = await list_tickets(session, kind="opinion_ticket")
        other, none = await list_tickets(session, campaign_id=everything[0].campaign_id + 1)
    assert [t.id for t in everything] == ids and total == 3
    assert [t.id for t in page] == ids[1:] and page_total == 3
    assert [t.id for t in quality] == ids[:2]
    assert [t.id for t in mine] == [ids[0]] and [t.id for t in opinions] == [ids[1]]
    assert other == [] and none == 0
    assert await _actions(sessions, ids[1]) == ["opened", "classified"]


async def test_overdue_review_and_daily_overdue_alerts(sessions) -> None:
    tokens = await seed_campaign(sessions)
    no_plan = await _ticket(sessions, tokens["r1"], "QU.product")
    late_fix = await _ticket(sessions, tokens["r2"], "QU.product")
    on_time = await _ticket(sessions, tokens["r3"], "TS.needs")
    alerted = NOW - timedelta(days=10)
    for ticket_id in (no_plan, late_fix, on_time):
        async with sessions() as session, session.begin():
            await record_alert(
                session, ticket_id, chat_id=-1, message_id=1, now=alerted, calendar=CN
            )
    await _set(
        sessions, late_fix, plan="fix it", status="in_progress", due_at=NOW - timedelta(days=1)
    )
    await _set(
        sessions, on_time, plan="fix it", status="in_progress", due_at=NOW + timedelta(days=9)
    )
    async with sessions() as session:
        overdue, count = await list_tickets(session, overdue_at=NOW)
        review = await review_list(session, now=NOW)
    assert [t.id for t in overdue] == [no_plan, late_fix] and count == 2
    assert [(t.id, is_overdue(t, NOW)) for t in review] == [(late_fix, True), (on_time, False)]

    async with sessions() as session, session.begin():
        assert await queue_overdue_alerts(session, now=NOW) == 2
    async with sessions() as session, session.begin():
        same_day = NOW + timedelta(hours=8)  # 18:00 in Shanghai, the same local day
        assert await queue_overdue_alerts(session, now=same_day) == 0
    async with sessions() as session, session.begin():
        next_day = NOW + timedelta(hours=14)  # 00:00 the next day in Shanghai
        assert await queue_overdue_alerts(session, now=next_day) == 2
    await _set(sessions, no_plan, status="closed")
    async with sessions() as session, session.begin():
        assert await queue_overdue_alerts(session, now=NOW + timedelta(days=2)) == 1
        keys = list(
            await session.scalars(
                select(OutboundMessage.dedupe_key)
                .where(OutboundMessage.kind == "overdue")
                .order_by(OutboundMessage.id)
            )
        )
        count_alerts = await session.scalar(
            select(func.count()).select_from(OutboundMessage).where(OutboundMessage.kind == "alert")
        )
    assert keys == [
        f"overdue:{no_plan}:2026-11-02",
        f"overdue:{late_fix}:2026-11-02",
        f"overdue:{no_plan}:2026-11-03",
        f"overdue:{late_fix}:2026-11-03",
        f"overdue:{late_fix}:2026-11-04",
    ]
    assert count_alerts == 3
    assert (await _load(sessions, late_fix)).overdue_alerted_at == NOW + timedelta(days=2)
