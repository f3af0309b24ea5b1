"""``POST /campaigns/{key}/answers``: answers from paper, phone or an earlier tool, as the
answers export's CSV (SPEC §7). The rules are campaigns/answer_imports.py's."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse

from admin.deps import AdminKey, SessionDep
from admin.errors import ApiError, ErrorBody
from admin.params import CampaignKeyPath
from admin.routes.bodies import (
    CSV,
    IMPORT_RESPONSES,
    IMPORT_SOURCE,
    media_type,
    refuse_or_mark,
    row_details,
)
from admin.schemas.answer_imports import AnswerImportPublic
from admin.schemas.people import ImportRowPublic
from campaigns.answer_imports import import_answers
from storage.answer_imports import AnswerImportResult
from storage.frames import ANSWER_COLUMNS
from survey.import_files import ImportFormat

router = APIRouter(prefix="/campaigns", tags=["answers"])

_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            CSV: {
                "schema": {
                    "type": "string",
                    "description": f"UTF-8 CSV with header {','.join(ANSWER_COLUMNS)}",
                }
            }
        },
    }
}
_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    **IMPORT_RESPONSES,
    404: {"model": ErrorBody, "description": "No campaign has this key"},
    415: {"model": ErrorBody, "description": "The body is not text/csv"},
}


@router.post(
    "/{key}/answers",
    response_model=AnswerImportPublic,
    response_model_exclude_none=True,
    openapi_extra=_BODY,
    responses=_RESPONSES,
)
async def import_campaign_answers(
    key: CampaignKeyPath,
    request: Request,
    response: Response,
    session: SessionDep,
    _key: AdminKey,
) -> AnswerImportPublic | JSONResponse:
    """Load answers in the answers export's CSV into the campaign: idempotent on respondent,
    question and kind; unknown customers and respondents created; no tickets or alerts;
    207 with each rejected line when some were bad, the good ones kept."""
    given = media_type(request)
    if given != CSV:
        raise ApiError(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"Content-Type {given or '(none)'} is not accepted here; send {CSV}",
            details=[{"accepted": [CSV]}],
        )
    result = await import_answers(session, key, await request.body(), source=IMPORT_SOURCE)
    return _outcome(result, response)


def _outcome(result: AnswerImportResult, response: Response) -> AnswerImportPublic | JSONResponse:
    """As the people imports answer: 200 with the counts, 207 with the counts and the rejected
    lines, 422 listing them when no line was kept. Returning (not raising) commits the good."""
    details = row_details(result.errors, fmt=ImportFormat.CSV)
    refused = refuse_or_mark(details, kept=result.kept, response=response)
    if refused is not None:
        return refused
    errors = [ImportRowPublic.model_validate(detail) for detail in details]
    return AnswerImportPublic(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=len(errors),
        errors=errors,
        customers_created=result.customers_created,
        respondents_created=result.respondents_created,
        invitations_created=result.invitations_created,
    )
