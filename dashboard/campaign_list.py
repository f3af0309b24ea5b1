"""``/dashboard``: the campaigns, newest first, with their response rate and, from each
campaign's report (``dashboard.report_cache``), satisfaction and n."""

from __future__ import annotations

import time
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dashboard.deps import ReadDb, Viewer, dashboard_state, sessions_of
from dashboard.rendering import PREFIX, render
from scoring.estimates import Rate
from storage.campaigns import campaigns_query


@dataclass(frozen=True, slots=True)
class CampaignRow:
    key: str
    survey: str
    period: str
    status: str
    # None while the campaign's first report is being prepared
    response_rate: Rate | None
    satisfaction_rate: Rate | None
    n_customers: int | None
    representative: bool | None


def campaign_list_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX, response_class=HTMLResponse)
    async def campaigns(request: Request, signed: Viewer, session: ReadDb) -> Response:
        cache = dashboard_state(request).reports
        rows = []
        # One wait for the whole list, not one per campaign being built.
        deadline = time.monotonic() + cache.wait
        for campaign, survey_key, version in (await session.execute(campaigns_query())).all():
            left = max(0.0, deadline - time.monotonic())
            built = await cache.report(session, sessions_of(request), campaign, wait=left)
            head = (campaign.key, f"{survey_key} v{version}", campaign.period, campaign.status)
            if built is None:  # its first report is being prepared
                rows.append(CampaignRow(*head, None, None, None, None))
                continue
            report = built.report
            rows.append(
                CampaignRow(
                    *head,
                    report.response.rate,
                    report.summary.satisfaction_rate,
                    report.summary.n_customers,
                    report.representative,
                )
            )
        return render(request, "campaigns.html", {"rows": rows, "nav": "campaigns"})

    return router
