"""``/campaigns``: open a campaign of a loaded survey, list campaigns, read one with its
response counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from admin.deps import AdminKey, SessionDep, ViewerKey
from admin.errors import CONFLICT
from admin.pagination import PageDep, fetch_page
from admin.params import CampaignKeyPath
from admin.schemas.campaigns import (
    CampaignCreate,
    CampaignDetail,
    CampaignPublic,
    CampaignsPublic,
)
from admin.schemas.fields import CampaignStatusText, SurveyKeyText
from campaigns import opening
from storage.campaigns import campaigns_query

router = APIRouter(prefix="/campaigns", tags=["campaigns"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=CONFLICT)
async def open_campaign(
    body: CampaignCreate, session: SessionDep, _key: AdminKey
) -> CampaignDetail:
    """Open a campaign; 409 if the key is taken, 422 if the survey is not loaded."""
    opened = await opening.open_campaign(
        session,
        key=body.key,
        survey=body.survey,
        survey_version=body.survey_version,
        period=body.period,
        closes_at=body.closes_at,
        targets=body.targets.model_dump(exclude_none=True),
    )
    return CampaignDetail.of_overview(opened)


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
    rows, count = await fetch_page(session, campaigns_query(survey=survey, status=status_), page)
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
    return CampaignDetail.of_overview(await opening.campaign_overview(session, key))
