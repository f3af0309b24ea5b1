"""``/campaigns/{key}/review.html`` and ``review.pdf``: the campaign's management-review
document (campaigns/review) in zh-CN or en. Any API key may read it (viewer role)."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, Response

from admin.deps import SessionDep, ViewerKey, app_sessions
from admin.errors import ApiError, ErrorBody
from admin.params import CampaignKeyPath
from campaigns.review import DEFAULT_LANGUAGE, PdfUnavailable, build_review, review_pdf
from storage.engine import transaction

router = APIRouter(prefix="/campaigns/{key}", tags=["reports"])

Language = Literal["zh-CN", "en"]
LangQuery = Annotated[
    Language, Query(description="The document's language (headings, grades, sentences)")
]
PDF: Final = "application/pdf"
HTML: Final = "text/html"
_PDF_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The review as a PDF (A4), as an attachment", "content": {PDF: {}}},
    503: {
        "model": ErrorBody,
        "description": "This server cannot make PDFs (WeasyPrint could not load)",
    },
}


# response_class stays the plain Response: an HTMLResponse there would document the JSON error
# bodies (401, 403, 404, 422) as text/html.
_HTML_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    200: {"description": "The review as one self-contained HTML page", "content": {HTML: {}}},
}


@router.get("/review.html", response_class=Response, responses=_HTML_RESPONSES)
async def review_html(
    key: CampaignKeyPath, session: SessionDep, _key: ViewerKey, lang: LangQuery = DEFAULT_LANGUAGE
) -> HTMLResponse:
    """The management review (ISO 9001 §9.3 input) as one self-contained HTML page that prints
    on A4: summary against targets, trend, factors and drivers, classes and key accounts,
    ticket effectiveness, data quality and method notes."""
    review = await build_review(session, key, lang=lang)
    return HTMLResponse(review.html)


@router.get("/review.pdf", response_class=Response, responses=_PDF_RESPONSES)
async def review_pdf_file(
    key: CampaignKeyPath, request: Request, _key: ViewerKey, lang: LangQuery = DEFAULT_LANGUAGE
) -> Response:
    """The same review as a PDF (A4, fonts embedded, Chinese included)."""
    # Printing takes seconds of CPU: the transaction (on SQLite, the write lock the bot's
    # answers wait for) ends before it starts.
    async with transaction(app_sessions(request)) as session:
        review = await build_review(session, key, lang=lang)
    try:
        pdf = await review_pdf(review)
    except PdfUnavailable as exc:
        raise ApiError(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc
    disposition = f'attachment; filename="{review.filename("pdf")}"'
    return Response(pdf, media_type=PDF, headers={"Content-Disposition": disposition})
