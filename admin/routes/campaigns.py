"""``/campaigns``: open a campaign of a loaded survey, list campaigns, read one with its
response counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.deps import AdminKey, SessionDep, ViewerKey
from admin.errors import CONFLICT, ApiError
from admin.pagination import PageDep, fetch_page
from admin.params import CampaignKeyPath
from admin.routes.lookups import campaign_or_404, survey_of
from admin.schemas.campaigns import (
    CampaignCreate,
    CampaignDetail,
    CampaignPublic,
    CampaignsPublic,
)
from admin.schemas.fields import CampaignStatusText, SurveyKeyText
from storage.campaigns import campaign_by_key, create_campaign, response_counts
from storage.models import Campaign, SurveyRow
from storage.surveys import latest_survey_row

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
async def open_campaign(
    body: CampaignCreate, session: SessionDep, _key: AdminKey
) -> CampaignDetail:
    """Open a campaign; 409 if the key is taken, 422 if the survey is not loaded."""
    if body.survey_version is None:
        survey_row = await latest_survey_row(session, body.survey)
    else:
        survey_row = await session.scalar(
            select(SurveyRow).where(
                SurveyRow.key == body.survey, SurveyRow.version == body.survey_version
            )
        )
    if survey_row is None:
        raise ApiError(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"no survey {body.survey!r} is loaded; POST it to /surveys first",
            code="unknown_survey",
            details=[{"field": "survey", "problem": "not loaded"}],
        )
    if await campaign_by_key(session, body.key) is not None:
        raise ApiError(status.HTTP_409_CONFLICT, f"campaign {body.key!r} exists already")
    campaign = await create_campaign(
        session,
        key=body.key,
        survey_row=survey_row,
        period=body.period,
        closes_at=body.closes_at,
        targets=body.targets.model_dump(exclude_none=True),
    )
    return await _detail(session, campaign, survey_row)


@router.get("")
async def list_campaigns(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    survey: Annotated[
        SurveyKeyText | None, Query(description="Only campaigns of this survey")
    ] = None,
    status_: Annotated[
        CampaignStatusText | None, Query(alias="status", description="open | closed")
    ] = None,
) -> CampaignsPublic:
    """Campaigns, newest first."""
    query = (
        select(Campaign, SurveyRow.key, SurveyRow.version)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
        .order_by(Campaign.opens_at.desc(), Campaign.id.desc())
    )
    if survey is not None:
        query = query.where(SurveyRow.key == survey)
    if status_ is not None:
        query = query.where(Campaign.status == status_)
    rows, count = await fetch_page(session, query, page)
    return CampaignsPublic(
        data=[CampaignPublic.of(c, key, version) for c, key, version in rows],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{key}")
async def read_campaign(
    key: CampaignKeyPath, session: SessionDep, _key: ViewerKey
) -> CampaignDetail:
    """One campaign with its invitations per state and its response rate."""
    campaign = await campaign_or_404(session, key)
    return await _detail(session, campaign, await survey_of(session, campaign))


async def _detail(
    session: AsyncSession, campaign: Campaign, survey_row: SurveyRow
) -> CampaignDetail:
    counts = await response_counts(session, campaign.id)
    invited = sum(counts.values())
    completed = counts.get("completed", 0)
    return CampaignDetail(
        **CampaignPublic.of(campaign, survey_row.key, survey_row.version).model_dump(),
        invitations=counts,
        invited=invited,
        completed=completed,
        response_rate=completed / invited if invited else None,
        plan=campaign.plan,
    )
