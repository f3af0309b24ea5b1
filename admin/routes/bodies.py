"""Request bodies that come in several formats: questionnaires (YAML or JSON) and bulk imports
(a JSON list or CSV), chosen by ``Content-Type``, plus their OpenAPI descriptions."""

from __future__ import annotations

import json
from typing import Any, Final

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from admin.deps import AdminKey, SessionDep
from admin.errors import ApiError, ErrorBody, error_response
from admin.schemas.people import ImportPublic, ImportRowPublic
from campaigns.imports import Importer, import_records
from survey.errors import ImportRowError
from survey.import_files import ImportFormat, ImportResult
from survey.loader import parse_survey, parse_survey_text
from survey.records import R
from survey.schema import Survey

JSON: Final = "application/json"
CSV: Final = "text/csv"
YAML_TYPES: Final = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
SURVEY_SOURCE: Final = "request body"
IMPORT_SOURCE: Final = "request body"
IMPORT_FORMATS: Final = {CSV: ImportFormat.CSV, JSON: ImportFormat.JSON}


def media_type(request: Request) -> str:
    """The body's media type without parameters, lower case ("" when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _unsupported(given: str, accepted: tuple[str, ...]) -> ApiError:
    return ApiError(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        f"Content-Type {given or '(none)'} is not accepted here; send one of {', '.join(accepted)}",
        details=[{"accepted": list(accepted)}],
    )


async def _text(request: Request) -> str:
    try:
        # utf-8-sig: a CSV saved by Excel starts with a byte-order mark.
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(status.HTTP_400_BAD_REQUEST, "the body is not UTF-8 text") from None


def _too_deep() -> ApiError:
    return ApiError(
        status.HTTP_400_BAD_REQUEST,
        "the body is nested too deeply to read",
        code="too_deep",
        details=[{"field": "(body)", "problem": "nested too deeply"}],
    )


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(
            status.HTTP_400_BAD_REQUEST,
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}",
            code="invalid_json",
        ) from None
    except RecursionError:  # deeper than the parser recurses: no import or survey is so deep
        raise _too_deep() from None


async def read_survey(request: Request) -> Survey:
    """A questionnaire from a JSON or YAML body; a broken one raises SurveyDefinitionError,
    one nested deeper than the parsers recurse is a 400."""
    kind = media_type(request)
    if kind not in (JSON, *YAML_TYPES):
        raise _unsupported(kind, (JSON, *YAML_TYPES))
    text = await _text(request)
    try:
        if kind == JSON:
            return parse_survey(_json(text), SURVEY_SOURCE)
        return parse_survey_text(text, SURVEY_SOURCE)
    except RecursionError:  # YAML, or a JSON survey whose checks recurse
        raise _too_deep() from None


async def import_request(
    request: Request, response: Response, session: AsyncSession, importer: Importer[R]
) -> ImportPublic | JSONResponse:
    """Import the body (a JSON list or CSV, by ``Content-Type``) with campaigns.imports, and
    answer with ``import_outcome``."""
    kind = media_type(request)
    if kind not in IMPORT_FORMATS:
        raise _unsupported(kind, (JSON, CSV))
    fmt = IMPORT_FORMATS[kind]
    text = await _text(request)
    result = await import_records(session, importer, text, fmt=fmt, source=IMPORT_SOURCE)
    return import_outcome(result, response, fmt=fmt)


def refuse_or_mark(
    details: list[dict[str, Any]], *, kept: int, response: Response
) -> JSONResponse | None:
    """The status rule every bulk import answers by: 422 listing the rejected rows when none
    was kept (returned), 207 when some were (set on ``response``), else 200 (nothing)."""
    if details and not kept:
        return error_response(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"nothing imported: all {len(details)} rows rejected",
            code="rows_rejected",
            details=details,
        )
    if details:
        response.status_code = status.HTTP_207_MULTI_STATUS
    return None


def row_details(errors: list[ImportRowError], *, fmt: ImportFormat) -> list[dict[str, Any]]:
    """The rejected rows, in file order: ``line`` (CSV) or ``item`` (JSON index), field and
    problem."""
    ordered = sorted(errors, key=lambda e: e.line)
    return [{fmt.row_unit: e.line, "field": e.field, "problem": e.problem} for e in ordered]


def survey_body() -> dict[str, Any]:
    """OpenAPI ``requestBody`` of ``POST /surveys``."""
    described = {"type": "object", "description": "A questionnaire (see survey/schema.py)"}
    text = {"type": "string", "description": "The questionnaire as YAML"}
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": described}, **{t: {"schema": text} for t in YAML_TYPES}},
        }
    }


def import_body(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI ``requestBody`` of a bulk import: a JSON list of ``model`` or CSV text."""
    header = ",".join(model.model_fields)
    return {
        "requestBody": {
            "required": True,
            "content": {
                JSON: {"schema": {"type": "array", "items": model.model_json_schema()}},
                CSV: {"schema": {"type": "string", "description": f"CSV with header {header}"}},
            },
        }
    }


def add_import_route(
    router: APIRouter, importer: Importer[R], *, name: str, description: str
) -> None:
    """``POST ""`` on ``router``: a bulk import of ``importer``'s records (admin role)."""

    async def import_route(
        request: Request, response: Response, session: SessionDep, _key: AdminKey
    ) -> ImportPublic | JSONResponse:
        return await import_request(request, response, session, importer)

    router.add_api_route(
        "",
        import_route,
        methods=["POST"],
        name=name,
        description=description,
        response_model=ImportPublic,
        openapi_extra=import_body(importer.model),
        response_model_exclude_none=True,
        responses=IMPORT_RESPONSES,
    )


def import_outcome(
    result: ImportResult, response: Response, *, fmt: ImportFormat
) -> ImportPublic | JSONResponse:
    """The answer to a bulk import: 200 with the counts when every row was good, 207 with
    the counts and the rejected rows when some were, 422 listing them when none was.

    The good rows are kept (the route returns rather than raises, so its transaction
    commits); sending the corrected file again is safe because imports are idempotent on
    external id, and rows already stored as given count as ``unchanged``.
    """
    errors = result.errors
    details = row_details(errors, fmt=fmt)
    refused = refuse_or_mark(details, kept=result.kept, response=response)
    if refused is not None:
        return refused
    return ImportPublic(
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        rejected=len(errors),
        errors=[ImportRowPublic.model_validate(detail) for detail in details],
    )


# OpenAPI ``responses`` of a bulk import route, besides admin/errors.py's ERROR_RESPONSES.
IMPORT_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "Every row imported; the counts"},
    207: {
        "model": ImportPublic,
        "description": "Some rows imported, the others rejected: the counts and, in "
        "``errors``, each rejected row by CSV line or JSON item",
    },
    415: {"model": ErrorBody, "description": "The body is neither JSON nor CSV"},
    422: {
        "model": ErrorBody,
        "description": "Nothing imported: the body is empty, has no header, is JSON sent as "
        "CSV, or every row was rejected (details list them by line or item)",
    },
}
