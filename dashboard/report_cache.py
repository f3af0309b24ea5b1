"""Built campaign reports kept per campaign, keyed by what would change them: the campaign's
status and targets, its answers (count, last id, last change, voided), its invitations by
state, and the same of the previous campaign. A second view costs a few indexed queries; a new
answer, a changed one or a closed campaign builds the report anew.

The report is ``campaigns.reports.load_campaign_report`` — the same one ``GET
/campaigns/{key}/report`` serialises — so the pages and the JSON agree."""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.reports import load_campaign_report
from scoring import CampaignReport
from storage.campaigns import previous_campaign
from storage.models import Answer, Campaign, Invitation

T = TypeVar("T")
KEPT: Final = 8  # reports kept per process (the 1 M-answer one is some 100 MB)


async def _answers_mark(session: AsyncSession, campaign_id: int) -> tuple[Any, ...]:
    row = (
        await session.execute(
            select(
                func.count(Answer.id),
                func.max(Answer.id),
                func.max(Answer.changed_at),
                func.sum(case((Answer.void, 1), else_=0)),
            ).where(Answer.campaign_id == campaign_id)
        )
    ).one()
    return tuple(str(value) for value in row)


async def _invitations_mark(session: AsyncSession, campaign_id: int) -> tuple[Any, ...]:
    rows = await session.execute(
        select(Invitation.state, func.count(), func.max(Invitation.completed_at))
        .where(Invitation.campaign_id == campaign_id)
        .group_by(Invitation.state)
        .order_by(Invitation.state)
    )
    return tuple((str(state), count, str(last)) for state, count, last in rows.all())


async def fingerprint(session: AsyncSession, campaign: Campaign) -> tuple[Any, ...]:
    """What the campaign's report depends on, cheaply read."""
    before = await previous_campaign(session, campaign)
    previous: tuple[Any, ...] = ()
    if before is not None:
        previous = (
            before.id,
            await _answers_mark(session, before.id),
            await _invitations_mark(session, before.id),
        )
    return (
        campaign.status,
        json.dumps(campaign.targets, sort_keys=True, default=str),
        campaign.survey_id,
        await _answers_mark(session, campaign.id),
        await _invitations_mark(session, campaign.id),
        previous,
    )


@dataclass
class ReportCache:
    """The last ``KEPT`` reports built, by campaign id; one build at a time per campaign."""

    kept: int = KEPT
    _reports: OrderedDict[int, tuple[tuple[Any, ...], CampaignReport]] = field(
        default_factory=OrderedDict
    )
    _locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    builds: int = 0  # how many reports were built (the tests and the bench read it)
    made: int = 0  # how many derived things were made (charts, funnel sections)
    # What pages made from a report (charts, by name and language), dropped with the report.
    _derived: dict[int, dict[str, Any]] = field(default_factory=dict)

    def cached(self, campaign_id: int) -> CampaignReport | None:
        """The last report built for the campaign, however old (the list's quick look)."""
        entry = self._reports.get(campaign_id)
        return entry[1] if entry is not None else None

    async def report(self, session: AsyncSession, campaign: Campaign) -> CampaignReport:
        lock = self._locks.setdefault(campaign.id, asyncio.Lock())
        async with lock:
            mark = await fingerprint(session, campaign)
            entry = self._reports.get(campaign.id)
            if entry is not None and entry[0] == mark:
                self._reports.move_to_end(campaign.id)
                return entry[1]
            report = await load_campaign_report(session, campaign)
            self.builds += 1
            self._reports[campaign.id] = (mark, report)
            self._derived[campaign.id] = {}
            self._reports.move_to_end(campaign.id)
            while len(self._reports) > self.kept:
                dropped, _ = self._reports.popitem(last=False)
                self._derived.pop(dropped, None)
            return report

    def derived(
        self, campaign_id: int, report: CampaignReport, name: str, make: Callable[[], T]
    ) -> T:
        """``make()`` once per report: a chart drawn for it is kept until the report goes."""
        kept = self._kept(campaign_id, report)
        if kept is None:
            return make()  # a report this cache no longer holds: nothing to keep it by
        if name not in kept:
            kept[name] = make()
            self.made += 1
        value: T = kept[name]
        return value

    async def derived_async(
        self,
        campaign_id: int,
        report: CampaignReport,
        name: str,
        make: Callable[[], Awaitable[T]],
    ) -> T:
        """``derived`` for what takes queries to make (the campaign page's funnel section):
        its figures are read once per report, so they go with the report's fingerprint (a new
        answer or an invitation's changed state reads them anew)."""
        kept = self._kept(campaign_id, report)
        if kept is None:
            return await make()
        if name not in kept:
            kept[name] = await make()
            self.made += 1
        value: T = kept[name]
        return value

    def _kept(self, campaign_id: int, report: CampaignReport) -> dict[str, Any] | None:
        """What was made from ``report``; None when this cache no longer holds it."""
        entry = self._reports.get(campaign_id)
        if entry is None or entry[1] is not report:
            return None
        return self._derived.setdefault(campaign_id, {})
