"""campaigns.funnel: the shares worked by hand from counts, and the chase list per account owner
from a campaign seeded through the services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from campaigns.funnel import build_funnel, campaign_chase, campaign_funnel, group_by_owner
from storage.chasing import Chase
from storage.funnel import ChannelCounts, Route, RouteCounts, Stage
from survey.errors import CampaignNotFound
from survey.vocabulary import Channel
from tests.dashboard.ticket_seed import KEY, POLICY, seed_tickets

SENT = datetime(2026, 3, 5, 2, 0, tzinfo=UTC)


def reached(*counts: int) -> dict[Stage, int]:
    return dict(zip(Stage, counts, strict=True))


def test_shares_are_of_the_planned_and_steps_of_the_stage_before() -> None:
    funnel = build_funnel(
        [
            RouteCounts(Route.CHAT, reached(8, 8, 6, 5, 4), undelivered=1),
            RouteCounts(Route.LINK, reached(2, 2, 1, 1, 0), undelivered=0),
        ],
        [ChannelCounts(Channel.TELEGRAM, 5, 4), ChannelCounts(Channel.WEB, 1, 0)],
    )
    total = funnel.total
    assert [s.count for s in total.stages] == [10, 10, 7, 6, 4]
    assert [s.share for s in total.stages] == [1.0, 1.0, 0.7, 0.6, 0.4]
    assert [s.step for s in total.stages] == [None, 1.0, 0.7, pytest.approx(6 / 7), 4 / 6]
    assert (total.undelivered, total.planned, total.count(Stage.OPENED)) == (1, 10, 7)
    link = funnel.by_route[1]
    assert [s.step for s in link.stages] == [None, 1.0, 0.5, 1.0, 0.0]
    assert [(c.channel, c.share) for c in funnel.by_channel] == [
        (Channel.TELEGRAM, 1.0),
        (Channel.WEB, 0.0),
    ]


def test_no_invitations_no_shares() -> None:
    funnel = build_funnel([], [])
    assert funnel.by_route == () and funnel.by_channel == ()
    assert all(s.count == 0 and s.share is None and s.step is None for s in funnel.total.stages)


def chase(owner: str | None, respondent: str, customer: str, *, due: bool) -> Chase:
    return Chase(
        invitation_id=len(respondent),
        token=f"token-{respondent}",
        respondent_name=None,
        respondent_external_id=respondent,
        customer_name=customer,
        account_owner=owner,
        state="sent",
        reason="no_chat",
        sent_at=SENT,
        working_days_waiting=4 if due else 1,
        due=due,
    )


def test_the_chase_list_groups_by_owner_in_its_order() -> None:
    listed = [
        chase("Liu", "r1", "C1", due=True),
        chase("Liu", "r2", "C1", due=False),
        chase("Liu", "r3", "C2", due=True),
        chase("Wang", "r4", "C3", due=False),
        chase(None, "r5", "C4", due=True),
    ]
    groups = group_by_owner(listed)
    assert [(g.owner, len(g.chases), g.due, g.customers) for g in groups] == [
        ("Liu", 3, 2, 2),
        ("Wang", 1, 0, 1),
        (None, 1, 1, 1),
    ]
    assert groups[0].reasons() == {"no_chat": 3}
    assert group_by_owner([]) == []


@pytest.mark.both_backends
async def test_a_seeded_campaigns_chase_list_and_funnel(sessions) -> None:
    await seed_tickets(sessions)
    async with sessions() as session:
        groups = await campaign_chase(session, KEY, now=datetime.now(UTC), policy=POLICY)
        funnel = await campaign_funnel(session, KEY)
        with pytest.raises(CampaignNotFound):
            await campaign_funnel(session, "no-such")
    assert [(g.owner, [c.respondent_external_id for c in g.chases]) for g in groups] == [
        ("刘芳", ["r3"]),
        (None, ["r4"]),
    ]
    assert all(c.due and c.reason == "no_chat" for g in groups for c in g.chases)
    assert [s.count for s in funnel.total.stages] == [4, 4, 3, 3, 2]
    assert [r.route for r in funnel.by_route] == [Route.CHAT, Route.LINK]
