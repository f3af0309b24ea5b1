"""``/dashboard``: the campaigns, newest first, with their response rate and, from each
campaign's report (``dashboard.report_cache``), satisfaction and n."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dashboard.deps import Db, Viewer, dashboard_state, sessions_of
from dashboard.rendering import PREFIX, render
from scoring.estimates import Rate
from storage.campaigns import campaigns_query


@dataclass(frozen=True, slots=True)
class CampaignRow:
    key: str
    survey: str
    period: str
    status: str
    response_rate: Rate
    satisfaction_rate: Rate
    n_customers: int
    representative: bool | None


def campaign_list_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX, response_class=HTMLResponse)
    async def campaigns(request: Request, signed: Viewer, session: Db) -> Response:
        cache = dashboard_state(request).reports
        rows = []
        for campaign, survey_key, version in (await session.execute(campaigns_query())).all():
            report = (await cache.report(session, sessions_of(request), campaign)).report
            rows.append(
                CampaignRow(
                    campaign.key,
                    f"{survey_key} v{version}",
                    campaign.period,
                    campaign.status,
                    report.response.rate,
                    report.summary.satisfaction_rate,
                    report.summary.n_customers,
                    report.representative,
                )
            )
        return render(request, "campaigns.html", {"rows": rows, "nav": "campaigns"})

    return router
