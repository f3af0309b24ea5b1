"""Bodies of the campaign routes: create, read, invite, chase (plan and close: ``plans``)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field

from admin.pagination import Paginated
from admin.schemas.fields import Moment, RespondentId, Version
from admin.schemas.plans import Share
from campaigns.opening import CampaignOverview
from storage.campaigns import deep_link, web_link
from storage.chasing import Reason
from storage.models import Campaign
from storage.reminders import Handoff, InvitationBatch
from survey.keys import CampaignKey, SurveyKey
from survey.settings import Settings
from survey.vocabulary import CampaignPeriod

Period = CampaignPeriod
# Ids the database compares in one query: SQLite and asyncpg take at most 32,766 parameters.
MAX_INVITED = 10_000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CampaignTargets(_Strict):
    """Targets of SPEC §2; an omitted one falls back to the survey's own."""

    satisfaction_rate: Share | None = None
    loyalty: Annotated[float, Field(ge=0, le=100)] | None = None
    response_rate: Share | None = None


class CampaignCreate(_Strict):
    """A new campaign (测评周期) of a loaded survey (its newest version unless one is given)."""

    key: CampaignKey
    survey: SurveyKey
    survey_version: Version | None = None
    period: Period = CampaignPeriod.AD_HOC
    closes_at: Moment | None = None
    targets: CampaignTargets = CampaignTargets()


class CampaignPublic(BaseModel):
    """A campaign as stored."""

    key: str
    survey: str
    survey_version: int
    period: str
    status: str
    opens_at: datetime
    closes_at: datetime | None
    targets: dict[str, float]
    sample_seed: int | None
    planned_at: datetime | None
    closed_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, campaign: Campaign, survey_key: str, survey_version: int) -> CampaignPublic:
        return cls(
            key=campaign.key,
            survey=survey_key,
            survey_version=survey_version,
            period=campaign.period,
            status=campaign.status,
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            targets=campaign.targets,
            sample_seed=campaign.sample_seed,
            planned_at=campaign.planned_at,
            closed_at=campaign.closed_at,
            created_at=campaign.created_at,
        )


class CampaignDetail(CampaignPublic):
    """A campaign with its invitations per state, response rate and stored plan."""

    invitations: dict[str, int]
    invited: int
    completed: int
    response_rate: float | None
    plan: dict[str, Any]

    @classmethod
    def of_overview(cls, seen: CampaignOverview) -> CampaignDetail:
        return cls(
            **CampaignPublic.of(seen.campaign, seen.survey_key, seen.survey_version).model_dump(),
            invitations=seen.invitations,
            invited=seen.invited,
            completed=seen.completed,
            response_rate=seen.response_rate,
            plan=seen.campaign.plan,
        )


class CampaignsPublic(Paginated[CampaignPublic]):
    """A page of campaigns, newest first."""


class InviteRequest(_Strict):
    """Whom to invite: every planned invitation not sent yet, or only these respondents."""

    respondents: list[RespondentId] | None = Field(
        default=None,
        max_length=MAX_INVITED,
        description=f"External ids, at most {MAX_INVITED} a call (call again for more)",
    )


class HandoffPublic(BaseModel):
    """The links the account owner passes on: the bot cannot write to this person first."""

    invitation_id: int
    respondent_id: str = Field(validation_alias="respondent_external_id")
    respondent_name: str | None
    customer_name: str
    account_owner: str | None
    token: str
    deep_link: str | None = Field(
        description="The Telegram link (t.me/<bot>?start=<token>); null until CSAT_BOT_USERNAME "
        "is set"
    )
    web_link: str | None = Field(
        description="The web survey's link (CSAT_PUBLIC_URL/s/<token>), for a phone browser "
        "without Telegram; null until CSAT_PUBLIC_URL is set"
    )

    @classmethod
    def of(cls, handoff: Handoff, settings: Settings) -> Self:
        """The record as the API shows it (a ``Chase`` for ``ChasePublic``, an
        ``InvitationEntry`` for ``InvitationPublic``), with its links."""
        username, public_url = settings.bot_username, settings.public_url
        links = {
            "deep_link": deep_link(username, handoff.token) if username else None,
            "web_link": web_link(public_url, handoff.token) if public_url else None,
        }
        return cls.model_validate({**dataclasses.asdict(handoff), **links})


class InvitationsSent(BaseModel):
    """Invitations queued for sending in chat, and links to hand out by other means."""

    queued: int = Field(description="Chat messages queued: in_chat_now + held_for_morning")
    in_chat_now: int = Field(description="Sent in chat at once (by the scheduler)")
    held_for_morning: int = Field(
        description="Sent in chat when the respondent's night hours end (CSAT_NIGHT_END)"
    )
    held_until: datetime | None = Field(description="When the last held one goes out")
    by_email: int = Field(
        description="E-mails with the web link queued (sent by the e-mail sender of `csat serve`, "
        "in the respondent's daytime), for respondents without a chat who have an address"
    )
    for_account_owners: int = Field(description="Links to hand out: len(handoff)")
    handoff: list[HandoffPublic]

    @classmethod
    def of(cls, batch: InvitationBatch, settings: Settings) -> InvitationsSent:
        return cls(
            queued=batch.queued,
            in_chat_now=batch.in_chat_now,
            held_for_morning=batch.held_for_morning,
            held_until=batch.held_until,
            by_email=batch.by_email,
            for_account_owners=len(batch.handoff),
            handoff=[HandoffPublic.of(h, settings) for h in batch.handoff],
        )


class ChasePublic(HandoffPublic):
    """A respondent to chase by hand: Telegram or the mail server refused the message
    (``undelivered``), the bot cannot reach them in chat nor by e-mail (``no_chat``) or has sent
    every reminder (``reminders_used``)."""

    state: str = Field(
        description="sent, started (opened the link, not finished), or undelivered (Telegram "
        "or the mail server refused the message)"
    )
    reason: Reason
    detail: str | None = Field(
        default=None, description="What Telegram or the mail server said, if it refused"
    )
    sent_at: datetime
    working_days_waiting: int
    due: bool = Field(description="Waited as long as the bot waits before its first reminder")


ChaseList = Paginated[ChasePublic]
