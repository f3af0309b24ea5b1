"""The management-review document of a campaign (ISO 9001 §9.3 input), in zh-CN or en: one
self-contained HTML page (inline CSS and SVG charts, nothing fetched) that prints on A4, and
the same as PDF. ``csat report --format html|pdf`` and ``GET /campaigns/{key}/review.{html,pdf}``
both call ``build_review`` / ``review_pdf``; the figures are the campaign report's
(``campaigns.reports``)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.lookup import CampaignRef, campaign_of
from campaigns.reports import load_campaign_report
from campaigns.review.document import review_context
from campaigns.review.history import TREND_CAMPAIGNS, campaign_history
from campaigns.review.render import PdfUnavailable, html_to_pdf, render_html
from campaigns.review.texts import DEFAULT_LANGUAGE, LANGUAGES, check_language
from campaigns.review.tickets import ticket_effectiveness
from scoring import CampaignReport
from storage.surveys import get_survey
from storage.types import utcnow

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "TREND_CAMPAIGNS",
    "PdfUnavailable",
    "Review",
    "build_review",
    "html_to_pdf",
    "review_pdf",
]


@dataclass(frozen=True, slots=True)
class Review:
    """The review's HTML and what to call its files."""

    campaign: str
    lang: str
    html: str

    def filename(self, extension: str) -> str:
        return f"{self.campaign}-review-{self.lang}.{extension}"


async def build_review(
    session: AsyncSession,
    ref: CampaignRef,
    *,
    lang: str = DEFAULT_LANGUAGE,
    report: CampaignReport | None = None,
    now: datetime | None = None,
) -> Review:
    """The review of the campaign in ``lang``; ``report`` when the caller has it already (the
    CLI's analysed report), else the campaign's report as ``GET .../report`` gives it."""
    check_language(lang)
    campaign = await campaign_of(session, ref)
    if report is None:
        report = await load_campaign_report(session, campaign)
    now = now or utcnow()
    survey = await get_survey(session, campaign.survey_id)
    history = await campaign_history(session, campaign, report)
    tickets = await ticket_effectiveness(session, campaign, now=now)
    context = review_context(report, survey, history, tickets, lang=lang, generated_at=now)
    return Review(campaign.key, lang, render_html(context))


async def review_pdf(review: Review) -> bytes:
    """The review printed to PDF, in a thread (WeasyPrint takes seconds of CPU)."""
    return await asyncio.to_thread(html_to_pdf, review.html)
