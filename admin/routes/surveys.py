"""``/surveys``: load questionnaires (YAML or JSON) and read them back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from admin.deps import AdminKey, SessionDep, ViewerKey
from admin.errors import UNSUPPORTED_MEDIA
from admin.pagination import PageDep
from admin.params import SurveyKeyPath
from admin.routes.bodies import read_survey, survey_body
from admin.schemas.fields import SurveyKeyText, Version
from admin.schemas.surveys import SurveyDetail, SurveyLoaded, SurveyPublic, SurveysPublic
from storage.surveys import get_survey_row, save_survey, surveys_page

router = APIRouter(prefix="/surveys", tags=["surveys"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    openapi_extra=survey_body(),
    responses={
        200: {"model": SurveyLoaded, "description": "This version was loaded already"},
        **UNSUPPORTED_MEDIA,
    },
)
async def load_survey(
    request: Request, response: Response, session: SessionDep, _key: AdminKey
) -> SurveyLoaded:
    """Load a questionnaire version; the same version again is a no-op (200), other content
    under a loaded version is refused (422: raise the version)."""
    survey = await read_survey(request)
    row, created = await save_survey(session, survey)
    if not created:
        response.status_code = status.HTTP_200_OK
    return SurveyLoaded(**SurveyPublic.of(row).model_dump(), created=created)


@router.get("")
async def list_surveys(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    key: Annotated[SurveyKeyText | None, Query(description="Only versions of this survey")] = None,
) -> SurveysPublic:
    """Every loaded questionnaire version, by key then version."""
    rows, count = await surveys_page(session, key=key, limit=page.limit, offset=page.offset)
    return SurveysPublic(
        data=[SurveyPublic.of(row) for row in rows],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{key}")
async def read_survey_version(
    key: SurveyKeyPath,
    session: SessionDep,
    _key: ViewerKey,
    version: Annotated[Version | None, Query(description="Default: the newest")] = None,
) -> SurveyDetail:
    """One questionnaire with its definition: the newest version unless ``version`` is given."""
    return SurveyDetail.of(await get_survey_row(session, key, version))
