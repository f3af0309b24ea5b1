"""``/dashboard/campaigns/{key}``: the campaign's page — index cards, factor and item scores
beside the previous campaign, the importance–performance quadrant, the breakdowns, the lowest
items and largest changes, the customers, the notes and methods — from the cached report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.review.methods import interval_name, interval_text
from campaigns.review.notes import review_notes, rule_of_satisfaction
from dashboard.campaign_view import (
    Scope,
    cards,
    drivers,
    factor_label,
    grade_word,
    group_label,
    item_label,
    methods_used,
    records,
    score_lines,
    trend_rows,
)
from dashboard.deps import ReadDb, Viewer, dashboard_state, sessions_of
from dashboard.funnel_page import funnel_for_page
from dashboard.rendering import PREFIX, language_of, message_page, render
from dashboard.texts import t as phrase
from dashboard.ticket_details import local_time
from dashboard.tickets_view import settings_of
from scoring import CampaignReport
from scoring.charts.quadrant import quadrant_svg
from scoring.charts.scores import report_rows, scores_svg
from scoring.methods import Interval
from storage.campaigns import campaign_by_key
from storage.models import Campaign
from storage.surveys import get_survey
from survey.schema import Survey

MAX_KEY: Final = 80  # campaigns.key
BREAKDOWNS: Final = (
    ("by_business_unit", Scope.BUSINESS_UNIT, "business_units"),
    ("by_role", Scope.ROLE, "roles"),
    ("by_customer_class", Scope.CUSTOMER_CLASS, "customer_classes"),
)


async def find_campaign(request: Request, session: AsyncSession, key: str) -> Campaign | Response:
    """The campaign ``key``, or the polite 404 page."""
    usable = 0 < len(key) <= MAX_KEY and "\x00" not in key  # PostgreSQL refuses NUL
    campaign = await campaign_by_key(session, key) if usable else None
    if campaign is None:
        return message_page(
            request, "not_found_title", "not_found_campaign", status=404, key=key[:MAX_KEY]
        )
    return campaign


def _charts(
    report: CampaignReport, survey: Survey, lang: str, t: Callable[..., str]
) -> dict[str, str]:
    """The page's SVGs, drawn once per report and language."""
    previous = report.previous_campaign
    score = report.targets.score

    def chart(table: pd.DataFrame, scope: Scope, label: Callable[[str], str], what: str) -> str:
        return scores_svg(
            report_rows(table, report.trends, scope.value, label),
            title=t("scores_chart", what=t(what)),
            current_label=t("this_campaign", key=report.campaign),
            previous_label=t("previous_campaign", key=previous) if previous else None,
            target=score,
            target_label=t("score_target", target=f"{score:g}"),
        )

    out = {
        "factors": chart(
            report.factors, Scope.FACTOR, lambda k: factor_label(survey, k, lang), "section_factors"
        ),
        "items": chart(
            report.items, Scope.ITEM, lambda k: item_label(survey, k, lang), "section_items"
        ),
    }
    points = drivers(report, survey, lang)
    if points:
        out["quadrant"] = quadrant_svg(
            points,
            title=t("quadrant_chart"),
            importance_label=t("importance"),
            performance_label=t("performance"),
            quadrant_names={
                q: t(f"quadrant_{q}")
                for q in ("improve", "maintain", "low_priority", "possible_overkill")
            },
        )
    return out


def page_context(
    report: CampaignReport, survey: Survey, campaign: Campaign, lang: str, t: Callable[..., str]
) -> dict[str, Any]:
    """Everything the template shows but the charts, read off ``report``."""
    trends = trend_rows(report)
    lines: dict[str, Any] = {
        "factors": score_lines(
            report.factors, Scope.FACTOR, trends, lambda k: factor_label(survey, k, lang)
        ),
        "items": score_lines(
            report.items, Scope.ITEM, trends, lambda k: item_label(survey, k, lang)
        ),
    }
    breakdowns = [
        (
            title,
            score_lines(
                getattr(report, table), scope, trends, lambda k, s=scope: group_label(s, k, lang)
            ),
        )
        for title, scope, table in BREAKDOWNS
    ]
    index_cards = cards(report)
    figures = [c.figure for c in index_cards] + [line.score for line in lines["factors"]]

    def labelled(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "label": item_label(survey, str(r["item"]), lang)} for r in rows]

    driver_rows = [
        {**r, "label": factor_label(survey, str(r["factor"]), lang)}
        for r in records(report.drivers)
    ]
    return {
        "campaign": campaign,
        "report": report,
        "cards": index_cards,
        "factor_lines": lines["factors"],
        "item_lines": lines["items"],
        "breakdowns": breakdowns,
        "lowest": labelled(records(report.lowest_items)),
        "rises": labelled(records(report.largest_rises)),
        "falls": labelled(records(report.largest_falls)),
        "drivers": driver_rows,
        "customers": records(report.customers),
        "methods": methods_used(figures) + ([Interval.BOOTSTRAP.value] if driver_rows else []),
        # The review's words for each interval method (zh-CN there, the report's own in en).
        "method_name": lambda method: interval_name(method, lang),
        "method_text": lambda method: interval_text(report, method, lang),
        "bootstrap": Interval.BOOTSTRAP.value,
        "grade_word": lambda grade: grade_word(grade, lang),
        "notes": review_notes(report, survey, lang),
        "satisfaction_rule": rule_of_satisfaction(report.grade_bands, lang),
    }


def campaign_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX + "/campaigns/{key}", response_class=HTMLResponse)
    async def campaign_page(
        request: Request, key: str, signed: Viewer, session: ReadDb
    ) -> Response:
        found = await find_campaign(request, session, key)
        if not isinstance(found, Campaign):
            return found
        campaign = found
        cache = dashboard_state(request).reports
        sessions = sessions_of(request)
        built = await cache.report(session, sessions, campaign)
        if built is None:  # never built, and its first build takes longer than a view waits
            return render(request, "preparing.html", {"campaign": campaign, "nav": "campaigns"})
        report = built.report
        survey = await get_survey(session, campaign.survey_id)
        lang = language_of(request)

        def t(name: str, /, **values: Any) -> str:
            return phrase(name, lang, **values)

        context = page_context(report, survey, campaign, lang, t)
        context["charts"] = cache.derived(
            sessions,
            campaign.id,
            report,
            f"charts:{lang}",
            lambda: _charts(report, survey, lang, t),
        )
        # D2's funnel section (templates/funnel_section.html) under the index cards.
        # Its figures are kept with the report (0.45 s of queries a view on 1 M answers).
        funnel = await cache.derived_async(
            sessions, campaign.id, report, "funnel", lambda: funnel_for_page(session, campaign)
        )
        context.update(
            nav="campaigns",
            funnel=funnel,
            built=built,
            built_at=local_time(built.built_at, settings_of(request).timezone),
        )
        return render(request, "campaign.html", context)

    return router
