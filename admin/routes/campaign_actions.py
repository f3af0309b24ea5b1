"""What a quality manager does with a campaign: plan its sample, send its invitations, chase
the unanswered ones, close it, and read its report."""

from __future__ import annotations

import inspect
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, status
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.deps import AdminKey, SessionDep, StaffKey, ViewerKey
from admin.errors import CONFLICT, ApiError
from admin.pagination import PageDep
from admin.params import CampaignKeyPath
from admin.schemas.campaigns import ChaseList, ChasePublic, InvitationsSent, InviteRequest
from admin.schemas.fields import AccountOwner
from admin.schemas.invitations import InvitationList, InvitationPublic
from admin.schemas.plans import CloseSummaryPublic, PlanPublic, PlanRequest
from admin.schemas.reports import ReportPublic
from campaigns.closing import close_campaign
from campaigns.invitations import chase, invitation_list, invite_planned
from campaigns.planning import apply_plan, preview_plan
from campaigns.reports import load_campaign_report
from storage.engine import transaction
from storage.reminders import ReminderPolicy
from storage.types import utcnow
from survey.settings import Settings

router = APIRouter(prefix="/campaigns", tags=["campaigns"])
OwnerFilter = Annotated[
    AccountOwner | None, Query(description="Only this account owner's customers")
]


@router.post("/{key}/plan", responses=CONFLICT)
async def plan_sample(
    key: CampaignKeyPath, body: PlanRequest, session: SessionDep, _key: AdminKey
) -> PlanPublic:
    """Preview the sample the rules select (SPEC §6), or with ``apply`` store the plan and
    create its invitations. The seed used is returned so the sample can be reproduced."""
    try:
        rules = body.rules.to_rules()
    except ValueError as exc:  # rules that select nobody
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            str(exc),
            details=[{"field": "body.rules", "problem": str(exc)}],
        ) from None
    plan = apply_plan if body.apply else preview_plan
    return PlanPublic.model_validate((await plan(session, key, rules, seed=body.seed)).to_dict())


@router.post("/{key}/invite", responses=CONFLICT)
async def send_campaign_invitations(
    key: CampaignKeyPath,
    request: Request,
    _key: AdminKey,
    body: Annotated[InviteRequest | None, Body()] = None,
) -> InvitationsSent:
    """Send the planned invitations not sent yet: in chat where the respondent's Telegram id is
    known (now, or held until the respondent's morning in their night hours), else as deep links
    for the account owner to hand out, by e-mail (the web link) to respondents without a chat
    who have an address, when SMTP is configured. Calling again sends nothing twice."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    settings: Settings = request.app.state.settings
    # Commit before waking the scheduler, so its next pass sees the queued messages.
    async with transaction(sessions) as session:
        batch = await invite_planned(
            session,
            key,
            now=utcnow(),
            policy=ReminderPolicy.from_settings(settings),
            respondents=body.respondents if body is not None else None,
        )
    await _wake_scheduler(request)
    return InvitationsSent.of(batch, settings)


@router.get("/{key}/invitations")
async def list_invitations(
    key: CampaignKeyPath,
    request: Request,
    session: SessionDep,
    _key: StaffKey,
    page: PageDep,
    owner: OwnerFilter = None,
) -> InvitationList:
    """Every invitation of the campaign by account owner, with both links to hand out: the
    Telegram deep link and the web link (``CSAT_PUBLIC_URL``/s/<token>; null while it is
    unset). The links are the respondents' credentials: staff and admin keys only."""
    settings: Settings = request.app.state.settings
    entries, count = await invitation_list(
        session,
        key,
        policy=ReminderPolicy.from_settings(settings),
        owner=owner,
        limit=page.limit,
        offset=page.offset,
    )
    return InvitationList(
        data=[InvitationPublic.of(entry, settings) for entry in entries],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{key}/chase")
async def chase_unanswered(
    key: CampaignKeyPath,
    request: Request,
    session: SessionDep,
    _key: StaffKey,
    page: PageDep,
    owner: OwnerFilter = None,
) -> ChaseList:
    """Unanswered invitations to chase by hand, by account owner, with both links: Telegram or
    the mail server refused the message (``undelivered``, the refusal in ``detail``), the bot
    cannot write to the respondent nor e-mail them, or has sent every reminder. ``due`` once
    the first reminder's working days have passed."""
    settings: Settings = request.app.state.settings
    chases, count = await chase(
        session,
        key,
        now=utcnow(),
        policy=ReminderPolicy.from_settings(settings),
        owner=owner,
        limit=page.limit,
        offset=page.offset,
    )
    return ChaseList(
        data=[ChasePublic.of(chase, settings) for chase in chases],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


async def _wake_scheduler(request: Request) -> None:
    """Let the scheduler send now rather than at its next interval, when one runs here."""
    wake = getattr(request.app.state, "wake_scheduler", None)
    if wake is not None:
        result = wake()
        if inspect.isawaitable(result):
            await result


@router.post("/{key}/close")
async def close(key: CampaignKeyPath, session: SessionDep, _key: AdminKey) -> CloseSummaryPublic:
    """Close the campaign: expire unfinished invitations, classify its tickets 20/80 (SPEC
    §4.7) and stop taking answers. Closing again changes nothing."""
    summary = await close_campaign(session, key, now=utcnow())
    return CloseSummaryPublic.model_validate(summary, from_attributes=True)


@router.get("/{key}/report")
async def report(key: CampaignKeyPath, session: SessionDep, _key: ViewerKey) -> ReportPublic:
    """The campaign report of SPEC §4 (indices, factors, breakdowns, trends) as JSON."""
    return ReportPublic.model_validate((await load_campaign_report(session, key)).to_dict())
