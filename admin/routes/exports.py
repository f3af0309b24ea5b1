"""``/campaigns/{key}/exports``: answers, scores and tickets as CSV, XLSX or JSON, and the full
workbook. Any API key may read them (viewer role)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from admin.deps import ViewerKey, get_session
from admin.params import CampaignKeyPath
from campaigns.exports import DEFAULT_LANGUAGE, MEDIA_TYPES, build_export

router = APIRouter(prefix="/campaigns/{key}/exports", tags=["exports"])

Format = Literal["csv", "xlsx", "json"]
ScoresBy = Literal["factor", "customer", "business_unit", "role"]
Language = Literal["zh-CN", "en"]
# SessionDep's transaction, but ended when the route returns rather than after the body is
# sent: an export reads everything before it streams, and a slow download must not hold a
# transaction (on SQLite, the write lock) open.
ExportSession = Annotated[AsyncSession, Depends(get_session, scope="function")]

_FILE: Final[dict[int | str, dict[str, Any]]] = {
    200: {
        "description": "The file, as an attachment (CSV is UTF-8 with a BOM, for Excel)",
        "content": {media_type.split(";")[0]: {} for media_type in MEDIA_TYPES.values()},
    }
}


class Exporter:
    """The campaign a download is of and the session that reads it: what every export route
    takes (the key from the path, a viewer's API key)."""

    def __init__(self, key: str, session: AsyncSession) -> None:
        self.key = key
        self.session = session

    async def send(
        self, what: str, fmt: str, by: str = "factor", lang: str = DEFAULT_LANGUAGE
    ) -> StreamingResponse:
        export = await build_export(self.session, self.key, what, fmt, by=by, lang=lang)
        return StreamingResponse(
            export.chunks,
            media_type=export.media_type,
            headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
        )


def _exporter(key: CampaignKeyPath, session: ExportSession, _key: ViewerKey) -> Exporter:
    return Exporter(key, session)


ExporterDep = Annotated[Exporter, Depends(_exporter, scope="function")]


@router.get("/answers.{fmt}", response_class=StreamingResponse, responses=_FILE)
async def export_answers(fmt: Format, exporter: ExporterDep) -> StreamingResponse:
    """Every answer of the campaign, one row each, in SPEC §7's columns."""
    return await exporter.send("answers", fmt)


@router.get("/scores.{fmt}", response_class=StreamingResponse, responses=_FILE)
async def export_scores(
    fmt: Format,
    exporter: ExporterDep,
    by: Annotated[ScoresBy, Query(description="One row per factor, customer, unit or role")] = (
        "factor"
    ),
) -> StreamingResponse:
    """Every index of the campaign's report per factor, customer, business unit or role."""
    return await exporter.send("scores", fmt, by)


@router.get("/tickets.{fmt}", response_class=StreamingResponse, responses=_FILE)
async def export_tickets(fmt: Format, exporter: ExporterDep) -> StreamingResponse:
    """The campaign's corrective-action tickets with their plans, owners and dates."""
    return await exporter.send("tickets", fmt)


@router.get("/workbook.xlsx", response_class=StreamingResponse, responses=_FILE)
async def export_workbook(
    exporter: ExporterDep,
    lang: Annotated[
        Language, Query(description="The workbook's language: its grades, kinds and statuses")
    ] = DEFAULT_LANGUAGE,
) -> StreamingResponse:
    """One workbook: summary, factors, customers, business units, roles, tickets, answers and
    the trend chart, formatted for reading (rates as percentages, dates as dates, filters)."""
    return await exporter.send("workbook", "xlsx", lang=lang)
