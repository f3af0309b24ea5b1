"""The survey service on a real database, driven as a channel without Telegram would: keyed
by invitation token, each request deduplicated, the progress flags carried by the caller."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.campaigns import campaign_by_key, mark_closed
from storage.models import Answer, Invitation, OutboundMessage, Ticket
from storage.types import utcnow
from survey import events as ev
from survey.errors import CampaignClosed, InvitationNotFound
from survey.flow import AskCauses, AskLikert, Done, Greeting, Progress, Summary
from survey.vocabulary import AnswerKind, Channel, InvitationState, TicketStatus
from surveying.recording import record_answers
from surveying.response import load_response
from surveying.service import Outcome, handle, request_number
from tests.support import seed_campaign

Sessions = async_sessionmaker[AsyncSession]


class Web:
    """A respondent in a channel with no chat of its own: it keeps the progress it is given."""

    def __init__(self, sessions: Sessions, token: str) -> None:
        self.sessions, self.token = sessions, token
        self.progress = Progress(language="en")
        self.requests = 0

    async def send(self, event: ev.Event | None, request: str | None = None) -> Outcome | None:
        self.requests += 1
        number = request_number(Channel.WEB, request or f"{self.token}-{self.requests}")
        outcome = await handle(
            self.sessions, request_id=number, token=self.token, progress=self.progress, event=event
        )
        if outcome is not None:
            self.progress = outcome.progress
        return outcome

    async def do(self, event: ev.Event) -> Outcome:
        outcome = await self.send(event)
        assert outcome is not None and outcome.refused is None, outcome
        return outcome


async def rows(sessions: Sessions, model: type, **where: object) -> list:  # type: ignore[type-arg]
    async with sessions() as session:
        query = select(model).filter_by(**where)
        return list(await session.scalars(query))


async def test_a_whole_survey_with_a_low_score_changed_twice(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    web = Web(sessions, tokens["r1"])
    shown = await web.send(None)
    assert shown is not None and isinstance(shown.step, Greeting) and shown.name == "Alice"
    first = (await web.do(ev.Begin())).step
    assert isinstance(first, AskLikert) and first.number == 1
    key = first.question.key
    low = await web.do(ev.Typed("2"))  # typed as a press would
    assert low.event == ev.AnswerLevel(key, 2) and isinstance(low.step, AskCauses)
    assert low.shown == first and len(low.opened_tickets) == 1
    (ticket_id,) = low.opened_tickets
    (alert,) = await rows(sessions, OutboundMessage, ticket_id=ticket_id)
    assert alert.not_before > utcnow()  # held until the follow-up ends
    await web.do(ev.ToggleCause(key, 1))
    described = await web.do(ev.GiveText(key, "dented"))
    assert described.alerts_due == (ticket_id,)
    (alert,) = await rows(sessions, OutboundMessage, ticket_id=ticket_id)
    assert alert.not_before <= utcnow()
    (ticket,) = await rows(sessions, Ticket, id=ticket_id)
    assert ticket.comment == "dented" and len(ticket.causes) == 1

    web.progress = Progress(language="en", begun=True, cursor=key)  # the page's "change" link
    await web.do(ev.AnswerLevel(key, 4))
    (ticket,) = await rows(sessions, Ticket, id=ticket_id)
    assert ticket.status == TicketStatus.CLOSED
    (follow_up,) = await rows(sessions, Answer, question=key, kind=AnswerKind.FOLLOW_UP)
    assert follow_up.void
    web.progress = Progress(language="en", begun=True, cursor=key)
    reopened = await web.do(ev.AnswerLevel(key, 1))
    assert isinstance(reopened.step, AskCauses) and reopened.opened_tickets == ()
    (ticket,) = await rows(sessions, Ticket, id=ticket_id)
    assert (ticket.status, ticket.score) == (TicketStatus.OPEN, 1)
    await web.do(ev.CausesDone(key))
    outcome = await web.do(ev.Skip(key))
    while isinstance(outcome.step, AskLikert):
        outcome = await web.do(ev.AnswerLevel(outcome.step.question.key, 5))
    await web.do(ev.GiveNps(9))
    summary = await web.do(ev.GiveText("comment", "good"))
    assert isinstance(summary.step, Summary)
    done = await web.do(ev.Submit())
    assert isinstance(done.step, Done)
    (invitation,) = await rows(sessions, Invitation, token=web.token)
    assert invitation.state == InvitationState.COMPLETED


async def test_a_request_sent_twice_is_applied_once(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    web = Web(sessions, tokens["r2"])
    step = (await web.do(ev.Begin())).step
    assert isinstance(step, AskLikert)
    key = step.question.key
    assert await web.send(ev.AnswerLevel(key, 1), request="same") is not None
    assert await web.send(ev.AnswerLevel(key, 1), request="same") is None
    assert len(await rows(sessions, Ticket)) == 1
    assert len(await rows(sessions, Answer, question=key, kind=AnswerKind.LIKERT)) == 1


async def test_stale_and_invalid_events_are_refused_and_store_nothing(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    web = Web(sessions, tokens["r1"])
    await web.do(ev.Begin())
    for event, reason in [
        (ev.Submit(), ev.Refusal.STALE),
        (ev.Typed("7"), ev.Refusal.NOT_A_LEVEL),
        (ev.GiveNps(3), ev.Refusal.STALE),
    ]:
        outcome = await web.send(event)
        assert outcome is not None and outcome.refused is reason
        assert isinstance(outcome.step, AskLikert) and outcome.opened_tickets == ()
    assert await rows(sessions, Answer) == []


async def test_unknown_and_closed_invitations_raise_and_leave_the_request_unclaimed(
    sessions: Sessions,
) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    with pytest.raises(InvitationNotFound):
        await Web(sessions, "no-such-token").send(ev.Begin(), request="r")
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await mark_closed(session, campaign, now=utcnow() - timedelta(seconds=1))
    web = Web(sessions, tokens["r1"])
    for _ in range(2):  # the same request again: it was not claimed
        with pytest.raises(CampaignClosed):
            await web.send(ev.Begin(), request="r")
    assert await rows(sessions, Answer) == []


async def test_loading_a_response_takes_two_queries(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    engine = sessions.kw["bind"]
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN IMMEDIATE
            statements.append(str(args[2]))

    async with sessions() as session, session.begin():
        sa_event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            response = await load_response(session, Progress(), token=tokens["r1"])
        finally:
            sa_event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert response is not None and response.respondent.name == "Alice"
    assert response.invitation.campaign.key == "2026-Q4"
    assert len(statements) == 2, statements


async def test_record_answers_applies_the_same_rule(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions, template="weighted-4")
    async with sessions() as session, session.begin():
        response = await load_response(session, Progress(), token=tokens["r3"])
        assert response is not None
        keys = [q.key for q in response.survey.questions()]
        tickets = await record_answers(
            session,
            response,
            {keys[0]: 1, keys[1]: 4, keys[2]: 2, keys[3]: None},
            nps=6,
            follow_up=(["x"], "why"),
        )
    assert len(tickets) == 2
    assert await rows(sessions, Answer, kind=AnswerKind.FOLLOW_UP) == []  # no chat to resume
    described = await rows(sessions, Ticket)
    assert sorted((t.question, t.comment, t.causes) for t in described) == [
        (keys[0], "why", ["x"]),
        (keys[2], "why", ["x"]),
    ]
    (comment,) = await rows(sessions, Answer, kind=AnswerKind.COMMENT)
    assert comment.na
    (invitation,) = await rows(sessions, Invitation, token=tokens["r3"])
    assert invitation.state == InvitationState.COMPLETED


def test_request_numbers_never_meet_telegram_update_ids() -> None:
    numbers = {request_number(Channel.WEB, str(n)) for n in range(1000)}
    assert len(numbers) == 1000 and all(-(2**63) <= n < 0 for n in numbers)
    assert request_number(Channel.WEB, "a") == request_number(Channel.WEB, "a")
    assert request_number(Channel.WEB, "a") != request_number(Channel.PHONE, "a")
