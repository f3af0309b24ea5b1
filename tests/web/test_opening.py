"""Opening an invitation, the same for every channel: the first open is ``opened_at`` and
``started`` (the web's page load through ``surveying.service.visit``, the chat's /start through
``storage.campaigns.open_invitation``); answers keep the channel they were given in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.campaigns import open_invitation
from storage.models import Answer, Invitation
from storage.types import utcnow
from survey import events as ev
from survey.flow import AskLikert, Greeting, Progress
from survey.vocabulary import AnswerKind, Channel, InvitationState
from surveying.service import handle, request_number, visit
from tests.support import seed_campaign

Sessions = async_sessionmaker[AsyncSession]


async def invitation(sessions: Sessions, token: str) -> Invitation:
    async with sessions() as session:
        found = await session.scalar(select(Invitation).where(Invitation.token == token))
    assert found is not None
    return found


async def test_the_first_visit_opens_and_starts_later_ones_keep_it(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions)
    before = await invitation(sessions, tokens["r1"])
    assert before.opened_at is None and before.state == InvitationState.CREATED
    first = utcnow()
    outcome = await visit(sessions, token=tokens["r1"], progress=Progress(), now=first)
    # Alice's language (en) is hers: no language question for a channel that keeps none
    assert outcome.state.language == "en" and isinstance(outcome.step, Greeting)
    opened = await invitation(sessions, tokens["r1"])
    assert opened.state == InvitationState.STARTED
    assert opened.opened_at is not None and opened.started_at is not None
    await visit(sessions, token=tokens["r1"], progress=Progress(), now=first + timedelta(hours=1))
    again = await invitation(sessions, tokens["r1"])
    assert again.opened_at == opened.opened_at and again.started_at == opened.started_at


async def test_answers_through_handle_are_stored_with_their_channel(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions)
    progress = Progress(language="en", begun=True)
    outcome = await visit(sessions, token=tokens["r2"], progress=progress)
    assert isinstance(outcome.step, AskLikert)
    key = outcome.step.question.key
    answered = await handle(
        sessions,
        request_id=request_number(Channel.WEB, "n-1"),
        token=tokens["r2"],
        progress=progress,
        event=ev.AnswerLevel(key, 2),
        channel=Channel.WEB,
    )
    assert answered is not None and answered.refused is None
    async with sessions() as session:
        rows = list(await session.scalars(select(Answer).order_by(Answer.id)))
    assert [(a.kind, a.channel, a.interviewer) for a in rows] == [
        (AnswerKind.LIKERT, Channel.WEB, None),
        (AnswerKind.FOLLOW_UP, Channel.WEB, None),  # opened by the 2
    ]
    # The answer changed in a phone interview is the interviewer's now.
    changed = await handle(
        sessions,
        request_id=request_number(Channel.PHONE, "n-2"),
        token=tokens["r2"],
        progress=Progress(language="en", begun=True, cursor=key),
        event=ev.AnswerLevel(key, 4),
        channel=Channel.PHONE,
        interviewer="Wang Lei",
    )
    assert changed is not None and changed.refused is None
    async with sessions() as session:
        likert = await session.scalar(select(Answer).where(Answer.kind == AnswerKind.LIKERT))
    assert likert is not None and likert.level == 4
    assert (likert.channel, likert.interviewer) == (Channel.PHONE, "Wang Lei")


async def test_the_chat_start_sets_opened_at_too(sessions: Sessions) -> None:
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await open_invitation(session, tokens["r3"], 4242)
    opened = await invitation(sessions, tokens["r3"])
    assert opened.opened_at is not None and opened.state == InvitationState.STARTED
