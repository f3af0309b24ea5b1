"""Built campaign reports kept per campaign, keyed by what would change them
(dashboard/report_marks.py). A second view costs a few indexed queries; a new answer, a
changed one or a closed campaign builds the report anew.

Each build is also kept in the database with what pages drew from it (storage/
report_snapshots.py, sealed by dashboard/report_store.py), so a view after a restart, or in
another process, reads it instead of scoring every answer again. A build reads in a deferred
transaction of its own (no write lock held on SQLite) and scores outside it. A view waits
``wait`` seconds (from its start) for a build; a campaign so large that its build takes
longer shows the last report built, said to be older (``Built.fresh``), or says that its
report is being prepared when none was ever built, while the build goes on.

The report is ``campaigns.reports`` ``build_from(report_inputs(...))`` — the same one ``GET
/campaigns/{key}/report`` serialises — so the pages and the JSON agree."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Final, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.reports import build_from, report_inputs
from dashboard.report_marks import campaign_mark
from dashboard.report_store import ReportSeal
from scoring import CampaignReport
from storage.engine import reading, transaction
from storage.models import Campaign
from storage.report_snapshots import store_snapshot, stored_fingerprint, stored_snapshot
from storage.types import utcnow

T = TypeVar("T")
log = logging.getLogger(__name__)
KEPT: Final = 8  # reports kept per process (a report is under a megabyte, its charts less)
WAIT: Final = 1.0  # seconds of a view before it shows the last report built, not waiting more


@dataclass
class Entry:
    """A built report: the digest of what it was built from, when, and what pages drew from it
    (charts by name and language, the funnel section)."""

    mark: str
    report: CampaignReport
    built_at: datetime
    derived: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Built:
    """The report a view shows: ``fresh`` when built from the data as it is now."""

    report: CampaignReport
    built_at: datetime
    fresh: bool


@dataclass
class ReportCache:
    """The last ``kept`` reports built, by campaign id; one build at a time per campaign."""

    seal: ReportSeal
    kept: int = KEPT
    wait: float = WAIT
    _entries: OrderedDict[int, Entry] = field(default_factory=OrderedDict)
    _builds: dict[int, asyncio.Task[Entry]] = field(default_factory=dict)
    _stores: dict[int, asyncio.Task[None]] = field(default_factory=dict)  # by campaign
    _to_store: dict[int, Entry] = field(default_factory=dict)  # the latest, for each store
    builds: int = 0  # how many reports were built (the tests and the bench read it)
    restored: int = 0  # how many were read back from the database instead
    made: int = 0  # how many derived things were made (charts, funnel sections)

    def cached(self, campaign_id: int) -> CampaignReport | None:
        """The last report built for the campaign, however old (the list's quick look)."""
        entry = self._entries.get(campaign_id)
        return entry.report if entry is not None else None

    async def report(
        self,
        session: AsyncSession,
        sessions: async_sessionmaker[AsyncSession],
        campaign: Campaign,
        *,
        wait: float | None = None,
    ) -> Built | None:
        """The campaign's report: kept here, kept in the database, or built (``sessions``
        give the build its own transactions). A build not done ``wait`` seconds (``self.wait``
        unless given) after the call leaves the last report built, or None when there is none
        yet (the page says the report is being prepared); the build goes on for the next view."""
        deadline = asyncio.get_running_loop().time() + (self.wait if wait is None else wait)
        mark = await campaign_mark(session, campaign)
        entry = self._entries.get(campaign.id)
        if entry is None or entry.mark != mark:
            # Another process, or this one before a restart, may have built it already; the
            # payload is read only when it would be shown (not the stale one kept here too).
            stored = await stored_fingerprint(session, campaign.id)
            if stored is not None and (entry is None or stored == mark):
                restored = await self._restore(session, campaign.id)
                if restored is not None:
                    entry = self._keep(campaign.id, restored)
                    self.restored += 1
        if entry is not None and entry.mark == mark:
            self._entries.move_to_end(campaign.id)
            return Built(entry.report, entry.built_at, fresh=True)
        build = self._builds.get(campaign.id)
        if build is None:
            build = asyncio.create_task(self._build(sessions, campaign.id))
            self._builds[campaign.id] = build
            build.add_done_callback(partial(self._built, campaign.id))
        left = max(0.0, deadline - asyncio.get_running_loop().time())
        try:
            # Shielded: a view that stops waiting leaves the build to finish for the next.
            built = await asyncio.wait_for(asyncio.shield(build), timeout=left)
        except TimeoutError:
            return Built(entry.report, entry.built_at, fresh=False) if entry else None
        return Built(built.report, built.built_at, fresh=built.mark == mark)

    def _built(self, campaign_id: int, build: asyncio.Task[Entry]) -> None:
        self._builds.pop(campaign_id, None)
        if not build.cancelled():
            build.exception()  # logged by _build; a view that stopped waiting never reads it

    async def _build(self, sessions: async_sessionmaker[AsyncSession], campaign_id: int) -> Entry:
        try:
            async with reading(sessions) as session:
                campaign = await session.get(Campaign, campaign_id)
                if campaign is None:
                    raise LookupError(f"campaign {campaign_id} is gone")
                # Read in the same transaction as the data: the mark says what was read.
                mark = await campaign_mark(session, campaign)
                inputs = await report_inputs(session, campaign)
            # Scoring is CPU-bound pandas: keep the event loop free while it runs.
            report = await asyncio.to_thread(build_from, inputs)
        except Exception:
            log.exception("building the report of campaign %s failed", campaign_id)
            raise
        self.builds += 1
        entry = self._keep(campaign_id, Entry(mark, report, utcnow()))
        self._store_later(sessions, campaign_id, entry)
        return entry

    def _keep(self, campaign_id: int, entry: Entry) -> Entry:
        self._entries[campaign_id] = entry
        self._entries.move_to_end(campaign_id)
        while len(self._entries) > self.kept:
            self._entries.popitem(last=False)
        return entry

    async def _restore(self, session: AsyncSession, campaign_id: int) -> Entry | None:
        row = await stored_snapshot(session, campaign_id)
        if row is None:
            return None
        value = self.seal.open(row.payload)
        if not isinstance(value, tuple) or len(value) != 2:  # not ours, or another release's
            return None
        report, derived = value
        if not isinstance(report, CampaignReport) or not isinstance(derived, dict):
            return None
        return Entry(row.fingerprint, report, row.built_at, derived)

    def _store_later(
        self, sessions: async_sessionmaker[AsyncSession], campaign_id: int, entry: Entry
    ) -> None:
        """Keep ``entry`` (with what was drawn from it so far) in the database, off the view's
        path; a failure is logged, the report is still shown. One store at a time per
        campaign, sealing the latest state when it runs: an older payload never lands last."""
        self._to_store[campaign_id] = entry
        if campaign_id not in self._stores:
            self._stores[campaign_id] = asyncio.create_task(self._store(sessions, campaign_id))

    async def _store(self, sessions: async_sessionmaker[AsyncSession], campaign_id: int) -> None:
        try:
            while (entry := self._to_store.pop(campaign_id, None)) is not None:
                if self._entries.get(campaign_id) is not entry:
                    continue  # a newer build replaced it meanwhile: that one is stored instead
                payload = self.seal.seal((entry.report, dict(entry.derived)))
                try:
                    async with transaction(sessions) as session:
                        await store_snapshot(
                            session, campaign_id, entry.mark, entry.built_at, payload
                        )
                except Exception:
                    log.exception("keeping the report of campaign %s failed", campaign_id)
        finally:
            del self._stores[campaign_id]

    async def close(self) -> None:
        """As the app stops: builds under way are dropped (the next view builds again), the
        snapshots being written are finished."""
        for build in list(self._builds.values()):
            build.cancel()
        await self.settled()

    async def settled(self) -> None:
        """Wait for the builds and stores under way (tests, the bench, shutdown)."""
        while self._builds or self._stores:
            await asyncio.gather(
                *self._builds.values(), *self._stores.values(), return_exceptions=True
            )

    def derived(
        self,
        sessions: async_sessionmaker[AsyncSession],
        campaign_id: int,
        report: CampaignReport,
        name: str,
        make: Callable[[], T],
    ) -> T:
        """``make()`` once per report: a chart drawn for it is kept until the report goes."""
        entry = self._entry_of(campaign_id, report)
        if entry is None:
            return make()  # a report this cache no longer holds: nothing to keep it by
        if name not in entry.derived:
            entry.derived[name] = make()
            self.made += 1
            self._store_later(sessions, campaign_id, entry)
        value: T = entry.derived[name]
        return value

    async def derived_async(
        self,
        sessions: async_sessionmaker[AsyncSession],
        campaign_id: int,
        report: CampaignReport,
        name: str,
        make: Callable[[], Awaitable[T]],
    ) -> T:
        """``derived`` for what takes queries to make (the campaign page's funnel section):
        its figures are read once per report, so they go with the report's fingerprint (a new
        answer or an invitation's changed state reads them anew)."""
        entry = self._entry_of(campaign_id, report)
        if entry is None:
            return await make()
        if name not in entry.derived:
            entry.derived[name] = await make()
            self.made += 1
            self._store_later(sessions, campaign_id, entry)
        value: T = entry.derived[name]
        return value

    def _entry_of(self, campaign_id: int, report: CampaignReport) -> Entry | None:
        """The entry holding ``report``; None when this cache no longer holds it."""
        entry = self._entries.get(campaign_id)
        return entry if entry is not None and entry.report is report else None
