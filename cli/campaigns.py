"""``csat campaign …``: create campaigns and hand out invitation deep links."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from sqlalchemy import select

from cli.common import console, db_session, run_async, settings
from storage.campaigns import campaign_by_key, create_campaign, deep_link, invite
from storage.models import Respondent
from storage.surveys import latest_survey_row

campaign_app = typer.Typer(help="Survey campaigns (测评周期).", no_args_is_help=True)


@campaign_app.command("create")
@run_async
async def campaign_create(
    key: str,
    survey: str = typer.Option(..., help="Key of a loaded survey (its newest version is used)"),
    period: str = typer.Option("ad_hoc", help="quarterly | half_yearly | yearly | ad_hoc"),
    closes: datetime | None = typer.Option(None, help="Closing date (UTC), e.g. 2026-12-31"),
) -> None:
    """Open a campaign of a loaded survey."""
    async with db_session() as session:
        survey_row = await latest_survey_row(session, survey)
        if survey_row is None:
            raise LookupError(f"no survey {survey!r} is loaded; run `csat survey load` first")
        closes_at = closes.replace(tzinfo=UTC) if closes and closes.tzinfo is None else closes
        campaign = await create_campaign(
            session, key=key, survey_row=survey_row, period=period, closes_at=closes_at
        )
    console.print(f"campaign [bold]{campaign.key}[/bold] open on {survey} v{survey_row.version}")


@campaign_app.command("invite")
@run_async
async def campaign_invite(
    key: str,
    customer: list[str] = typer.Option(None, help="Only these customers (external ids)"),
    bot_username: str | None = typer.Option(None, help="Defaults to CSAT_BOT_USERNAME"),
) -> None:
    """Create one invitation per respondent and print their deep links."""
    username = bot_username or settings().bot_username
    if not username:
        raise ValueError("the bot's username is needed for links: set CSAT_BOT_USERNAME")
    async with db_session() as session:
        campaign = await campaign_by_key(session, key)
        if campaign is None:
            raise LookupError(f"no campaign {key!r}")
        query = select(Respondent).where(Respondent.forgotten_at.is_(None))
        if customer:
            from storage.models import Customer

            query = query.join(Customer).where(Customer.external_id.in_(customer))
        respondents = list(await session.scalars(query.order_by(Respondent.id)))
        invitations = await invite(session, campaign, respondents)
        for respondent, invitation in zip(respondents, invitations, strict=True):
            print(f"{respondent.external_id}\t{deep_link(username, invitation.token)}")
    console.print(f"{len(invitations)} invitations for {key}", style="dim")
