"""``/dashboard/campaigns/{key}/funnel``: the campaign's invitation funnel as horizontal bars
(all invitations, then each way they were sent), the channels answers came through, and the
chase list grouped by account owner. A viewer reads names and counts; staff and admin also see
each respondent's web link to hand on (a viewer never sees a token or a link)."""

from __future__ import annotations

from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.funnel import Funnel, campaign_chase, campaign_funnel
from dashboard import ticket_texts as ticket_texts
from dashboard.deps import ReadDb, Viewer
from dashboard.rendering import PREFIX, message_page, render
from dashboard.tickets_view import NulFree, settings_of
from storage.campaigns import campaign_by_key, web_link
from storage.funnel import Route
from storage.models import Campaign
from storage.reminders import ReminderPolicy
from storage.types import utcnow

CampaignKey = Annotated[str, Path(min_length=1, max_length=80), NulFree]
MAX_LISTED: Final = 200  # respondents listed per account owner; the counts cover all


def funnel_path(key: str) -> str:
    """Where a campaign's funnel page is (the campaign page links to it)."""
    return f"{PREFIX}/campaigns/{quote(key, safe='')}/funnel"


async def funnel_for_page(session: AsyncSession, campaign: Campaign) -> Funnel:
    """The funnel the campaign page shows in its ``funnel_section.html`` (the whole funnel,
    by route and channel, with the chase list, is on ``funnel_path(key)``)."""
    return await campaign_funnel(session, campaign)


def funnel_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX + "/campaigns/{key}/funnel", response_class=HTMLResponse)
    async def funnel(
        request: Request, key: CampaignKey, signed: Viewer, session: ReadDb
    ) -> Response:
        campaign = await campaign_by_key(session, key)
        if campaign is None:
            return message_page(
                request, "not_found_title", "unknown_campaign_filter", status=404, campaign=key
            )
        settings = settings_of(request)
        policy = ReminderPolicy.from_settings(settings)
        owners = await campaign_chase(session, campaign, now=utcnow(), policy=policy)
        public_url = settings.public_url if signed.is_staff else None

        def link(token: str) -> str | None:
            return web_link(public_url, token) if public_url else None

        context = {
            "nav": "campaigns",
            "campaign": campaign,
            "funnel": await campaign_funnel(session, campaign),
            "owners": owners,
            "links": signed.is_staff,  # a viewer never sees a token or a link
            "link": link,
            "max_listed": MAX_LISTED,
            "unsent": Route.UNSENT,
        }
        return render(request, "funnel.html", context)

    return router
