"""A campaign's invitation funnel (planned → sent → opened → started → completed, by the way
the invitations went out and by the channel answers came through) and its chase list grouped
by account owner, as the dashboard shows them.

The shares are pure arithmetic over storage.funnel's counts: ``share`` is of the planned
invitations of the same row, ``step`` of the stage before (how many of those sent opened).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from storage.chasing import Chase, Reason, chase_list
from storage.funnel import (
    STAGES,
    ChannelCounts,
    Route,
    RouteCounts,
    Stage,
    channel_counts,
    route_counts,
)
from storage.reminders import ReminderPolicy
from survey.vocabulary import Channel

__all__ = [
    "ChannelRow",
    "Funnel",
    "FunnelRow",
    "OwnerChases",
    "Route",
    "Stage",
    "StageCount",
    "build_funnel",
    "campaign_chase",
    "campaign_funnel",
    "group_by_owner",
]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class StageCount:
    """One bar of the funnel."""

    stage: Stage
    count: int
    share: float | None  # of the row's planned invitations (None: none planned)
    step: float | None  # of the stage before (None for planned, or when that one is 0)


@dataclass(frozen=True)
class FunnelRow:
    """The funnel of the invitations sent one way (``route`` None: all of them)."""

    route: Route | None
    stages: tuple[StageCount, ...]
    undelivered: int

    @property
    def planned(self) -> int:
        return self.stages[0].count

    def count(self, stage: Stage) -> int:
        return self.stages[STAGES.index(stage)].count


@dataclass(frozen=True)
class ChannelRow:
    """Invitations whose answers came through one channel."""

    channel: Channel
    started: int
    completed: int
    share: float | None  # of all completed invitations of the campaign


@dataclass(frozen=True)
class Funnel:
    total: FunnelRow
    by_route: tuple[FunnelRow, ...]
    by_channel: tuple[ChannelRow, ...]


def _row(route: Route | None, reached: dict[Stage, int], undelivered: int) -> FunnelRow:
    planned = reached.get(Stage.PLANNED, 0)
    stages = []
    for n, stage in enumerate(STAGES):
        count = reached.get(stage, 0)
        before = reached.get(STAGES[n - 1], 0) if n else None
        step = _ratio(count, before) if before is not None else None
        stages.append(StageCount(stage, count, _ratio(count, planned), step))
    return FunnelRow(route, tuple(stages), undelivered)


def build_funnel(routes: Sequence[RouteCounts], channels: Sequence[ChannelCounts]) -> Funnel:
    """The funnel of a campaign from its counts per route and per answer channel."""
    total = {stage: sum(r.reached.get(stage, 0) for r in routes) for stage in STAGES}
    completed = total[Stage.COMPLETED]
    return Funnel(
        total=_row(None, total, sum(r.undelivered for r in routes)),
        by_route=tuple(_row(r.route, r.reached, r.undelivered) for r in routes),
        by_channel=tuple(
            ChannelRow(c.channel, c.started, c.completed, _ratio(c.completed, completed))
            for c in channels
        ),
    )


async def campaign_funnel(session: AsyncSession, ref: CampaignRef) -> Funnel:
    """The invitation funnel of a campaign (``CampaignNotFound`` for an unknown key)."""
    campaign = await campaign_of(session, ref)
    return build_funnel(
        await route_counts(session, campaign.id), await channel_counts(session, campaign.id)
    )


@dataclass(frozen=True)
class OwnerChases:
    """The respondents one account owner must chase by hand (``owner`` None: nobody owns
    their customer)."""

    owner: str | None
    chases: tuple[Chase, ...]

    @property
    def due(self) -> int:
        """How many have waited as long as the bot waits before its first reminder."""
        return sum(chase.due for chase in self.chases)

    @property
    def customers(self) -> int:
        return len({chase.customer_name for chase in self.chases})

    def reasons(self) -> dict[Reason, int]:
        counts: dict[Reason, int] = {}
        for chase in self.chases:
            counts[chase.reason] = counts.get(chase.reason, 0) + 1
        return counts


def group_by_owner(chases: Sequence[Chase]) -> list[OwnerChases]:
    """The chase list (ordered by account owner, as storage.chasing gives it) per owner."""
    return [
        OwnerChases(owner, tuple(group))
        for owner, group in groupby(chases, key=lambda chase: chase.account_owner)
    ]


async def campaign_chase(
    session: AsyncSession, ref: CampaignRef, *, now: datetime, policy: ReminderPolicy
) -> list[OwnerChases]:
    """A campaign's whole chase list, grouped by account owner (the API's
    ``GET /campaigns/{key}/chase`` pages through the same list)."""
    campaign = await campaign_of(session, ref)
    return group_by_owner(await chase_list(session, campaign.id, now=now, policy=policy))
