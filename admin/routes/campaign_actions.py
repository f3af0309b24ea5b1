"""What a quality manager does with a campaign: plan its sample, send its invitations, chase
the unanswered ones, close it, and read its report."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from admin.closing import close_campaign
from admin.deps import AdminKey, SessionDep, StaffKey, ViewerKey
from admin.errors import CONFLICT, ApiError
from admin.pagination import PageDep, fetch_page
from admin.params import CampaignKeyPath
from admin.planning import apply_plan, preview_plan
from admin.reports import load_campaign_report
from admin.routes.lookups import campaign_or_404
from admin.schemas.campaigns import (
    ChaseList,
    ChasePublic,
    InvitationsSent,
    InviteRequest,
    PlanRequest,
)
from admin.schemas.fields import AccountOwner
from storage.chasing import chase_query, to_chase
from storage.engine import transaction
from storage.models import Respondent
from storage.planning import plan_locked
from storage.reminders import ReminderPolicy, send_invitations
from storage.types import utcnow
from survey.settings import Settings

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.post("/{key}/plan", responses=CONFLICT)
async def plan_sample(
    key: CampaignKeyPath, body: PlanRequest, session: SessionDep, _key: AdminKey
) -> dict[str, Any]:
    """Preview the sample the rules select (SPEC §6), or with ``apply`` store the plan and
    create its invitations. The seed used is returned so the sample can be reproduced."""
    campaign = await campaign_or_404(session, key)
    try:
        rules = body.rules.to_rules()
    except ValueError as exc:  # rules that select nobody
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            str(exc),
            details=[{"field": "body.rules", "problem": str(exc)}],
        ) from None
    if body.apply:
        locked = await plan_locked(session, campaign)
        if locked is not None:
            raise ApiError(status.HTTP_409_CONFLICT, locked, code="plan_locked")
        return (await apply_plan(session, campaign, rules, seed=body.seed)).to_dict()
    return (await preview_plan(session, campaign, rules, seed=body.seed)).to_dict()


@router.post("/{key}/invite", responses=CONFLICT)
async def send_campaign_invitations(
    key: CampaignKeyPath,
    request: Request,
    _key: AdminKey,
    body: Annotated[InviteRequest | None, Body()] = None,
) -> InvitationsSent:
    """Send the planned invitations not sent yet: in chat where the respondent's Telegram id is
    known (now, or held until the respondent's morning in their night hours), else as deep links
    for the account owner to hand out. Calling again sends nothing twice."""
    sessions: async_sessionmaker[AsyncSession] = request.app.state.sessions
    settings: Settings = request.app.state.settings
    # Commit before waking the scheduler, so its next pass sees the queued messages.
    async with transaction(sessions) as session:
        campaign = await campaign_or_404(session, key)
        if campaign.status == "closed":
            raise ApiError(status.HTTP_409_CONFLICT, f"campaign {key!r} is closed")
        wanted = body.respondents if body is not None else None
        ids = await _respondent_ids(session, wanted) if wanted is not None else None
        batch = await send_invitations(
            session,
            campaign,
            now=utcnow(),
            policy=ReminderPolicy.from_settings(settings),
            respondent_ids=ids,
        )
    await _wake_scheduler(request)
    return InvitationsSent.of(batch, settings.bot_username)


@router.get("/{key}/chase")
async def chase_unanswered(
    key: CampaignKeyPath,
    request: Request,
    session: SessionDep,
    _key: StaffKey,
    page: PageDep,
    owner: Annotated[
        AccountOwner | None, Query(description="Only this account owner's customers")
    ] = None,
) -> ChaseList:
    """Unanswered invitations to chase by hand, by account owner: Telegram refused the chat
    message (``undelivered``, the refusal in ``detail``), the bot cannot write to the respondent,
    or has sent every reminder. ``due`` once the first reminder's working days have passed."""
    settings: Settings = request.app.state.settings
    campaign = await campaign_or_404(session, key)
    now = utcnow()
    policy = ReminderPolicy.from_settings(settings)
    query = chase_query(campaign.id, now=now, policy=policy, owner=owner)
    rows, count = await fetch_page(session, query, page)
    return ChaseList(
        data=[
            ChasePublic.of(to_chase(*row, now=now, policy=policy), settings.bot_username)
            for row in rows
        ],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


async def _respondent_ids(session: AsyncSession, external_ids: list[str]) -> list[int]:
    found = dict(
        (
            await session.execute(
                select(Respondent.external_id, Respondent.id).where(
                    Respondent.external_id.in_(external_ids)
                )
            )
        )
        .tuples()
        .all()
    )
    unknown = sorted(set(external_ids) - set(found))
    if unknown:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"unknown respondents: {', '.join(unknown)}",
            code="unknown_respondent",
            details=[{"field": "respondents", "problem": f"unknown {r!r}"} for r in unknown],
        )
    return list(found.values())


async def _wake_scheduler(request: Request) -> None:
    """Let the scheduler send now rather than at its next interval, when one runs here."""
    wake = getattr(request.app.state, "wake_scheduler", None)
    if wake is not None:
        result = wake()
        if inspect.isawaitable(result):
            await result


@router.post("/{key}/close")
async def close(key: CampaignKeyPath, session: SessionDep, _key: AdminKey) -> dict[str, Any]:
    """Close the campaign: expire unfinished invitations, classify its tickets 20/80 (SPEC
    §4.7) and stop taking answers. Closing again changes nothing."""
    campaign = await campaign_or_404(session, key)
    summary = await close_campaign(session, campaign, now=utcnow())
    return summary.to_dict()


@router.get("/{key}/report")
async def report(key: CampaignKeyPath, session: SessionDep, _key: ViewerKey) -> dict[str, Any]:
    """The campaign report of SPEC §4 (indices, factors, breakdowns, trends) as JSON."""
    campaign = await campaign_or_404(session, key)
    return (await load_campaign_report(session, campaign)).to_dict()
