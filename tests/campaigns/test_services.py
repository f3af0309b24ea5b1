"""The campaign services every edge calls (campaigns/): a campaign named by key or passed as a
row, and the domain errors they raise for the admin API and the CLI to translate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.closing import close_campaign
from campaigns.exports import build_export
from campaigns.invitations import chase, invite_customers, invite_planned
from campaigns.lookup import campaign_of
from campaigns.opening import campaign_overview, open_campaign
from campaigns.planning import apply_plan, stored_rules
from scoring.sampling import SamplingRules
from storage.reminders import ReminderPolicy
from storage.types import utcnow
from survey.calendar import WorkingCalendar
from survey.errors import (
    CampaignExists,
    CampaignIsClosed,
    CampaignNotFound,
    PlanLocked,
    UnknownExport,
    UnknownRespondent,
    UnknownSurvey,
)
from tests.support import seed_campaign

KEY = "2026-Q4"
POLICY = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"))


async def test_open_names_the_survey_and_the_key_it_refuses(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_campaign(sessions, key=KEY)
    async with sessions() as session, session.begin():
        with pytest.raises(UnknownSurvey, match="no survey 'nope' is loaded"):
            await open_campaign(session, key="new", survey="nope")
        with pytest.raises(UnknownSurvey, match="'ecss-5' v9"):
            await open_campaign(session, key="new", survey="ecss-5", survey_version=9)
        with pytest.raises(CampaignExists, match=f"campaign '{KEY}' exists already"):
            await open_campaign(session, key=KEY, survey="ecss-5")
        opened = await open_campaign(session, key="new", survey="ecss-5", targets={"loyalty": 70})
        assert (opened.survey_key, opened.survey_version, opened.invited) == ("ecss-5", 1, 0)
        assert opened.response_rate is None and opened.campaign.targets == {"loyalty": 70}
        with pytest.raises(CampaignNotFound, match="no campaign 'gone'"):
            await campaign_overview(session, "gone")


async def test_a_key_and_its_row_name_the_same_campaign(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_campaign(sessions, key=KEY)
    async with sessions() as session, session.begin():
        row = await campaign_of(session, KEY)
        assert await campaign_of(session, row) is row
        overview = await campaign_overview(session, KEY)
        assert overview.invitations == {"created": 4} and overview.completed == 0


async def test_inviting_refuses_unknown_respondents_and_a_closed_campaign(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_campaign(sessions, key=KEY)
    now = utcnow()
    async with sessions() as session, session.begin():
        with pytest.raises(UnknownRespondent) as refused:
            await invite_planned(session, KEY, now=now, policy=POLICY, respondents=["r1", "x", "a"])
        assert refused.value.external_ids == ("a", "x")
        batch = await invite_planned(session, KEY, now=now, policy=POLICY, respondents=["r1"])
        assert len(batch.handoff) == 1 and batch.handoff[0].respondent_external_id == "r1"
        again = await invite_customers(session, KEY, now=now, policy=POLICY)
        assert len(again.batch.handoff) == 3  # r1's went out already: sent once only
        assert [r for r, _ in again.tokens] == ["r1", "r2", "r3", "r4"]
        chases, _ = await chase(session, KEY, now=now + timedelta(days=30), policy=POLICY)
        assert {c.respondent_external_id for c in chases} == {"r1", "r2", "r3", "r4"}
        assert all(c.reason == "no_chat" and c.due for c in chases)
        page, count = await chase(session, KEY, now=now, policy=POLICY, limit=1, offset=1)
        assert count == 4 and [c.invitation_id for c in page] == [chases[1].invitation_id]
        await close_campaign(session, KEY, now=now)
        with pytest.raises(CampaignIsClosed, match=f"campaign '{KEY}' is closed"):
            await invite_planned(session, KEY, now=now, policy=POLICY)
        with pytest.raises(PlanLocked, match="closed"):
            await apply_plan(session, KEY, SamplingRules(all_customers=True))


async def test_plans_fall_back_to_the_seeds_rules_and_exports_are_checked_first(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_campaign(sessions, key=KEY)
    async with sessions() as session, session.begin():
        row = await campaign_of(session, KEY)
        assert stored_rules(row) == (SamplingRules.seed_defaults(), "the seeds' defaults")
        await apply_plan(session, row, SamplingRules(all_customers=True), seed=3)
        assert stored_rules(row) == (SamplingRules(all_customers=True), "stored")
        with pytest.raises(UnknownExport, match="the workbook is an xlsx file only"):
            await build_export(session, "no such campaign", "workbook", "csv")
        with pytest.raises(CampaignNotFound):
            await build_export(session, "no such campaign", "answers", "csv")
