"""The invitation funnel's counts, worked by hand on six respondents sent every way there is."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.funnel import build_funnel
from storage.campaigns import campaign_by_key, invite, open_invitation
from storage.funnel import ChannelCounts, Route, RouteCounts, Stage, channel_counts, route_counts
from storage.models import Invitation, Respondent
from storage.people import upsert_respondents
from storage.reminders import ReminderPolicy, send_invitations
from survey.calendar import WorkingCalendar
from survey.flow import Progress
from survey.records import RespondentRecord
from survey.vocabulary import Channel, InvitationState
from surveying.recording import record_answers
from surveying.response import load_response
from tests.storage.test_reminders import THURSDAY, reachable, set_invitation
from tests.support import seed_campaign

pytestmark = pytest.mark.both_backends

BY_EMAIL = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"), by_email=True)
LATER = THURSDAY + timedelta(hours=2)


async def answer(
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    levels: dict[str, int | None],
    channel: Channel,
    *,
    complete: bool,
) -> None:
    """The respondent answers through ``channel`` as that channel stores it."""
    async with sessions() as session, session.begin():
        response = await load_response(session, Progress(), token=token)
        assert response is not None
        response.channel = channel
        response.invitation.state = InvitationState.STARTED
        await record_answers(session, response, levels, complete=complete, now=LATER)


async def six_ways(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    """r1 chat, opened, begun in chat and finished on the web; r2 e-mail, refused; r3 a link for
    the account owner, opened on the web, half answered; r4 never sent; r5 chat, opened only;
    r6 never sent, interviewed by phone to the end. Returns tokens by respondent."""
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await upsert_respondents(
            session,
            [
                (2, RespondentRecord(external_id="r5", customer_id="C3", name="Eve")),
                (3, RespondentRecord(external_id="r6", customer_id="C3", name="Fay")),
            ],
        )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        new = list(
            await session.scalars(
                select(Respondent).where(Respondent.external_id.in_(["r5", "r6"]))
            )
        )
        await invite(session, campaign, new)
        await session.flush()
        for invitation in await session.scalars(
            select(Invitation).join(Respondent).where(Respondent.external_id.in_(["r5", "r6"]))
        ):
            respondent = await session.get(Respondent, invitation.respondent_id)
            assert respondent is not None
            tokens[respondent.external_id] = invitation.token
    await reachable(sessions, "r1", 1001)
    await reachable(sessions, "r5", 1005)
    async with sessions() as session, session.begin():
        r2 = await session.scalar(select(Respondent).where(Respondent.external_id == "r2"))
        assert r2 is not None
        r2.email = "bob@example.com"
        ids = list(
            await session.scalars(
                select(Respondent.id).where(Respondent.external_id.in_(["r1", "r2", "r3", "r5"]))
            )
        )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await send_invitations(session, campaign, now=THURSDAY, policy=BY_EMAIL, respondent_ids=ids)
    async with sessions() as session, session.begin():
        await open_invitation(session, tokens["r1"], 1001, now=LATER)
        await open_invitation(session, tokens["r5"], 1005, now=LATER)
    await answer(sessions, tokens["r1"], {"GI": 4}, Channel.TELEGRAM, complete=False)
    await answer(sessions, tokens["r1"], {"TS": 5}, Channel.WEB, complete=True)
    await set_invitation(sessions, "r2", state=InvitationState.UNDELIVERED)
    await set_invitation(sessions, "r3", opened_at=LATER)
    await answer(sessions, tokens["r3"], {"GI": 3, "TS": 4}, Channel.WEB, complete=False)
    await answer(sessions, tokens["r6"], {"GI": 5}, Channel.PHONE, complete=True)
    return tokens


async def counts(
    sessions: async_sessionmaker[AsyncSession], key: str = "2026-Q4"
) -> tuple[list[RouteCounts], list[ChannelCounts]]:
    async with sessions() as session:
        campaign = await campaign_by_key(session, key)
        assert campaign is not None
        return await route_counts(session, campaign.id), await channel_counts(session, campaign.id)


def stages(planned: int, sent: int, opened: int, started: int, completed: int) -> dict[Stage, int]:
    return dict(zip(Stage, (planned, sent, opened, started, completed), strict=True))


async def test_each_route_counts_how_far_its_invitations_got(sessions) -> None:
    await six_ways(sessions)
    routes, _ = await counts(sessions)
    assert routes == [
        RouteCounts(Route.CHAT, stages(2, 2, 2, 1, 1), undelivered=0),  # r1, r5
        RouteCounts(Route.EMAIL, stages(1, 1, 0, 0, 0), undelivered=1),  # r2
        RouteCounts(Route.LINK, stages(1, 1, 1, 1, 0), undelivered=0),  # r3
        # r4 waits; r6 was never sent but answered the interviewer: it counts as got that far
        RouteCounts(Route.UNSENT, stages(2, 1, 1, 1, 1), undelivered=0),
    ]


async def test_answer_channels_count_each_invitation_once_per_channel(sessions) -> None:
    await six_ways(sessions)
    _, channels = await counts(sessions)
    assert channels == [
        ChannelCounts(Channel.TELEGRAM, started=1, completed=1),  # r1 began in chat
        ChannelCounts(Channel.WEB, started=2, completed=1),  # r1 finished here, r3 half-way
        ChannelCounts(Channel.PHONE, started=1, completed=1),  # r6
    ]


async def test_the_funnel_adds_the_routes_up_and_divides(sessions) -> None:
    await six_ways(sessions)
    funnel = build_funnel(*await counts(sessions))
    assert [s.count for s in funnel.total.stages] == [6, 5, 4, 3, 2]
    assert funnel.total.undelivered == 1
    completed = funnel.total.stages[-1]
    assert (completed.share, completed.step) == (pytest.approx(2 / 6), pytest.approx(2 / 3))
    email = funnel.by_route[1]
    assert email.route == Route.EMAIL
    assert [s.step for s in email.stages] == [None, 1.0, 0.0, None, None]  # nothing after 0
    assert [(c.channel, c.share) for c in funnel.by_channel] == [
        (Channel.TELEGRAM, 0.5),
        (Channel.WEB, 0.5),
        (Channel.PHONE, 0.5),
    ]


async def test_a_campaign_without_invitations_has_an_empty_funnel(sessions) -> None:
    await seed_campaign(sessions, key="other")
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "other")
        assert campaign is not None
        await session.execute(Invitation.__table__.delete())
    routes, channels = await counts(sessions, "other")
    funnel = build_funnel(routes, channels)
    assert (routes, channels) == ([], [])
    assert [(s.count, s.share, s.step) for s in funnel.total.stages] == [(0, None, None)] * 5
