"""Planning a campaign's sample into the database, and closing the campaign (SPEC §4.7, §6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from campaigns.closing import classify_tickets, close_campaign
from campaigns.planning import apply_plan, preview_plan
from scoring.sampling import SamplingRules
from storage.answers import put_answer
from storage.campaigns import campaign_by_key, create_campaign, open_invitation
from storage.models import Answer, Campaign, Invitation, Respondent, Ticket, TicketEvent
from storage.planning import sampling_frames
from storage.surveys import latest_survey_row
from storage.tickets import open_or_update_ticket, withdraw_ticket
from storage.types import utcnow
from survey.errors import CampaignClosed, PlanLocked
from survey.vocabulary import FeedbackKind
from tests.support import seed_population

RULES = SamplingRules(revenue_coverage=0.6, min_per_product_line=1, callback_share=0.1)


async def invitations(sessions, key: str = "2026-H1") -> dict[str, Invitation]:  # type: ignore[no-untyped-def]
    """The campaign's invitations by respondent external id."""
    async with sessions() as session:
        rows = await session.execute(
            select(Respondent.external_id, Invitation)
            .join(Invitation, Invitation.respondent_id == Respondent.id)
            .join(Campaign, Campaign.id == Invitation.campaign_id)
            .where(Campaign.key == key)
        )
        return {external_id: invitation for external_id, invitation in rows.all()}


async def plan(sessions, rules: SamplingRules, *, seed: int | None = None, apply: bool = True):  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-H1")
        assert campaign is not None
        return await (apply_plan if apply else preview_plan)(session, campaign, rules, seed=seed)


async def complain(session, customer: str, when, *, as_ticket: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A /feedback complaint from the customer's first respondent (or a complaint ticket)."""
    respondent = await session.scalar(
        select(Respondent).where(Respondent.external_id == f"R{customer[1:]}a")
    )
    answer = Answer(
        respondent_id=respondent.id, question="feedback", kind="feedback", text="late again",
        feedback_kind=FeedbackKind.FEEDBACK if as_ticket else FeedbackKind.COMPLAINT,
        answered_at=when, causes=[],
    )  # fmt: skip
    session.add(answer)
    await session.flush()
    if as_ticket:
        session.add(
            Ticket(
                campaign_id=None, answer_id=answer.id, customer_id=respondent.customer_id,
                respondent_id=respondent.id, question="feedback", created_at=when, causes=[],
            )
        )  # fmt: skip


async def test_complainers_since_the_previous_campaign_and_no_forgotten_people(sessions) -> None:
    await seed_population(sessions)
    now = utcnow()
    async with sessions() as session, session.begin():
        current = await campaign_by_key(session, "2026-H1")
        survey_row = await latest_survey_row(session, "ecss-5")
        previous = await create_campaign(session, key="2025-H2", survey_row=survey_row)
        previous.opens_at = now - timedelta(days=180)
        current.opens_at = now
        await complain(session, "C04", now - timedelta(days=200))  # before the previous one
        await complain(session, "C05", now - timedelta(days=30))
        await complain(session, "C09", now - timedelta(days=3), as_ticket=True)
        await session.execute(
            update(Respondent).where(Respondent.external_id == "R01b").values(forgotten_at=now)
        )
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-H1")
        customers, respondents = await sampling_frames(session, campaign)
    complained = set(customers.loc[customers["complained"], "external_id"])
    assert complained == {"C05", "C09"}
    assert len(customers) == 10 and "R01b" not in set(respondents["external_id"])
    assert len(respondents) == 19


async def test_preview_writes_nothing_and_apply_creates_invitations(sessions) -> None:
    await seed_population(sessions)
    preview = await plan(sessions, RULES, apply=False)
    assert preview.seed_source == "new" and not preview.applied and preview.locked is None
    assert await invitations(sessions) == {}
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-H1")
        assert campaign.plan == {} and campaign.sample_seed is None
    applied = await plan(sessions, RULES, seed=preview.seed)
    assert applied.seed_source == "given" and applied.applied
    # BU1: C01 (500 of 1000) + C02 reach 60 %; P2's largest is C03; BU2: C06 + C07, Q2: C09
    picked = {row["external_id"]: row["reasons"] for row in applied.to_dict()["customers"]}
    assert picked == {
        "C01": ["revenue", "product_line"], "C02": ["revenue"], "C03": ["product_line"],
        "C06": ["revenue", "product_line"], "C07": ["revenue"], "C09": ["product_line"],
    }  # fmt: skip
    invited = await invitations(sessions)
    assert sorted(invited) == sorted(f"R{c[1:]}{s}" for c in picked for s in "ab")
    assert {i.state for i in invited.values()} == {"created"}
    assert sum(i.callback_check for i in invited.values()) == 2  # ⌈10 % of 12⌉
    assert applied.invitations is not None and applied.invitations.created == 12
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-H1")
        assert campaign.sample_seed == preview.seed and campaign.planned_at is not None
        stored = campaign.plan
    assert stored["seed"] == preview.seed and stored["rules"] == RULES.to_dict()
    assert stored["respondents"] == 12 and stored["callback_checks"] == 2
    assert {c["external_id"] for c in stored["customers"]} == set(picked)
    assert applied.to_dict()["figures"]["by_unit"][0]["coverage"] == pytest.approx(0.9)


async def test_replanning_before_sending_replaces_the_invitations(sessions) -> None:
    await seed_population(sessions)
    first = await plan(sessions, SamplingRules(key_account_share=1.0, callback_share=1.0))
    before = await invitations(sessions)
    assert sorted(before) == ["R01a", "R01b", "R02a", "R02b", "R03a", "R03b", "R06a", "R06b"]
    assert all(i.callback_check for i in before.values())
    second = await plan(sessions, SamplingRules(revenue_coverage=0.5))
    assert second.seed == first.seed and second.seed_source == "stored"
    after = await invitations(sessions)
    # half of each unit's revenue: BU1 C01 (500 of 1000); BU2 C06 (400) + C07 (200)
    assert sorted(after) == ["R01a", "R01b", "R06a", "R06b", "R07a", "R07b"]
    kept = set(after) & set(before)
    assert {k: after[k].token for k in kept} == {k: before[k].token for k in kept}
    assert not any(i.callback_check for i in after.values())
    assert second.invitations is not None
    assert (second.invitations.created, second.invitations.kept) == (2, 4)
    assert second.invitations.removed == 4
    # the stored seed reproduces the random part exactly
    again = await plan(sessions, SamplingRules(random_share=0.5), apply=False)
    repeat = await plan(sessions, SamplingRules(random_share=0.5), apply=False)
    assert again.to_dict()["customers"] == repeat.to_dict()["customers"]


async def test_planning_is_refused_once_an_invitation_was_sent(sessions) -> None:
    await seed_population(sessions)
    await plan(sessions, RULES)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.respondent_id == select(Respondent.id).where(
                Respondent.external_id == "R01a").scalar_subquery())
            .values(state="sent", sent_at=utcnow())
        )  # fmt: skip
    preview = await plan(sessions, RULES, apply=False)
    assert preview.locked is not None and "sent invitations already" in preview.locked
    with pytest.raises(PlanLocked, match="only change before the first invitation goes out"):
        await plan(sessions, SamplingRules(all_customers=True))
    assert len(await invitations(sessions)) == 12


async def _answer_low(sessions, scores: list[tuple[str, str, int]]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Give (respondent, question, level) answers one minute apart, opening tickets for 1–2."""
    start = utcnow() - timedelta(hours=1)
    tickets: dict[str, int] = {}
    async with sessions() as session, session.begin():
        for minute, (who, question, level) in enumerate(scores):
            invitation = await session.scalar(
                select(Invitation).join(Respondent).where(Respondent.external_id == who)
            )
            answer, _ = await put_answer(
                session, invitation, [], question=question, kind="likert", level=level,
                now=start + timedelta(minutes=minute),
            )  # fmt: skip
            ticket, _ = await open_or_update_ticket(
                session, answer=answer, invitation=invitation, department=None, actor="test"
            )
            tickets[f"{who}:{question}"] = ticket.id
    return tickets


async def test_close_expires_unfinished_invitations_and_splits_tickets(sessions) -> None:
    await seed_population(sessions)
    await plan(sessions, SamplingRules(all_customers=True))
    # severities: KA level 1 = 4; KA level 2 = 2; A level 1 = 2 (earlier, so it wins the tie)
    tickets = await _answer_low(
        sessions,
        [("R03a", "QU", 1), ("R06a", "TS", 2), ("R01a", "QU", 1), ("R04a", "SP", 2),
         ("R07a", "VA", 2), ("R02a", "GI", 2), ("R10a", "GI", 1), ("R05a", "QU", 1)],
    )  # fmt: skip
    async with sessions() as session, session.begin():
        withdrawn = await session.get(Ticket, tickets["R05a:QU"])
        answer = await session.get(Answer, withdrawn.answer_id)
        answer.level = 4  # the respondent raised it: the ticket is withdrawn, not ranked
        await withdraw_ticket(session, answer, "test")
        done = await session.scalar(
            select(Invitation).join(Respondent).where(Respondent.external_id == "R01a")
        )
        done.state, done.completed_at = "completed", utcnow()
        started = await session.scalar(
            select(Invitation).join(Respondent).where(Respondent.external_id == "R02a")
        )
        started.state, started.next_reminder_at = "started", utcnow() + timedelta(days=3)
        campaign = await campaign_by_key(session, "2026-H1")
        assert await classify_tickets(session, campaign) == (2, 5)  # ⌈20 % of 7⌉ = 2
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-H1")
        summary = await close_campaign(session, campaign, now=utcnow())
    assert (summary.opinion_tickets, summary.internal_memos) == (2, 5)
    assert summary.reclassified_tickets == 0 and not summary.already_closed
    assert summary.expired_invitations == 19
    assert summary.invitations == {"completed": 1, "expired": 19}
    async with sessions() as session:
        kinds = {t.id: t.kind for t in await session.scalars(select(Ticket).order_by(Ticket.id))}
        events = list(
            await session.scalars(select(TicketEvent).where(TicketEvent.action == "classified"))
        )
        started = await session.scalar(
            select(Invitation).join(Respondent).where(Respondent.external_id == "R02a")
        )
    opinion = {k for k, t in tickets.items() if kinds[t] == "opinion_ticket"}
    assert opinion == {"R01a:QU", "R03a:QU"}
    # the withdrawn ticket is not ranked, but no ticket is left without a kind (issue 9)
    assert kinds[tickets["R05a:QU"]] == "internal_memo" and len(events) == 8
    assert started.state == "expired" and started.next_reminder_at is None
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-H1")
        again = await close_campaign(session, campaign, now=utcnow() + timedelta(hours=1))
        late = await session.scalar(
            select(Invitation).join(Respondent).where(Respondent.external_id == "R04a")
        )
        token = late.token
    assert again.already_closed and again.closed_at == summary.closed_at
    assert (again.expired_invitations, again.reclassified_tickets) == (0, 0)
    assert again.to_dict()["opinion_tickets"] == 2
    async with sessions() as session, session.begin():
        with pytest.raises(CampaignClosed):
            await open_invitation(session, token, 555)
