"""``csat campaign …``: create, plan (sample), invite, chase and close campaigns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import typer

from cli.common import (
    CampaignKeyArg,
    SurveyKeyOption,
    console,
    db_session,
    run_async,
    settings,
)
from survey.vocabulary import CampaignPeriod

# The services (and pandas, through scoring) are imported by the commands that use them.
if TYPE_CHECKING:
    from scoring.sampling import SamplingRules
    from storage.chasing import Chase, Reason
    from storage.reminders import InvitationBatch

NO_USERNAME_FOR_LINKS = (
    "the last column is the invitation token, not a link: set CSAT_BOT_USERNAME (the bot's "
    "username, e.g. my_csat_bot) or pass --bot-username to print t.me deep links"
)
NO_LINKS = (
    "links need the bot's username or the web survey's address: set CSAT_BOT_USERNAME "
    "(or pass --bot-username) or CSAT_PUBLIC_URL"
)
NO_WEB_LINKS = (
    "no web links: set CSAT_PUBLIC_URL (the address respondents reach this app at, e.g. "
    "https://csat.example.com) to print …/s/<token> links for browsers without Telegram"
)
NO_LINK = "-"  # a column whose link cannot be made (its setting is missing)
campaign_app = typer.Typer(help="Survey campaigns (测评周期).", no_args_is_help=True)
CHASE_REASONS: dict[Reason, str] = {
    "undelivered": "Telegram refused the invitation",
    "no_chat": "never opened the bot",
    "reminders_used": "reminders used up",
}
MAIL_REFUSED = "the mail server refused the invitation"


@campaign_app.command("create")
@run_async
async def campaign_create(
    key: CampaignKeyArg,
    survey: SurveyKeyOption,
    period: str = typer.Option(CampaignPeriod.AD_HOC.value, help=" | ".join(CampaignPeriod)),
    closes: datetime | None = typer.Option(None, help="Closing date (UTC), e.g. 2026-12-31"),
) -> None:
    """Open a campaign of a loaded survey."""
    from campaigns.opening import open_campaign

    closes_at = closes.replace(tzinfo=UTC) if closes and closes.tzinfo is None else closes
    async with db_session() as session:
        opened = await open_campaign(
            session, key=key, survey=survey, period=period, closes_at=closes_at
        )
    console.print(f"campaign [bold]{key}[/bold] open on {survey} v{opened.survey_version}")


@campaign_app.command("invite")
@run_async
async def campaign_invite(
    key: CampaignKeyArg,
    customer: list[str] = typer.Option(None, help="Only these customers (external ids)"),
    bot_username: str | None = typer.Option(None, help="Defaults to CSAT_BOT_USERNAME"),
    qr: Path | None = typer.Option(
        None,
        "--qr",
        help="Also write each respondent's QR code (PNG and SVG, named by external id) of the "
        "web link (the deep link without CSAT_PUBLIC_URL) into this folder",
    ),
) -> None:
    """Send the invitations and print every respondent's links: the Telegram deep link and
    the web link (CSAT_PUBLIC_URL/s/<token>, for a phone browser without Telegram).

    A planned campaign invites its sample (`csat campaign plan … --apply`); an unplanned one
    every respondent. Respondents the bot knows get theirs in chat (sent by `csat serve`),
    at once or, in their night hours, in their morning; with SMTP configured (CSAT_SMTP_*)
    those with an e-mail address get the web link by e-mail; the others' links are for their
    account owners to pass on. Running it again sends nothing twice and prints the same links.
    """
    from campaigns.invitations import invite_customers
    from campaigns.qr_codes import write_qr_codes
    from storage.reminders import ReminderPolicy
    from storage.types import utcnow

    config = settings()
    username = bot_username or config.bot_username
    if not username and not config.public_url:
        raise ValueError(NO_LINKS)
    async with db_session() as session:
        invited = await invite_customers(
            session,
            key,
            now=utcnow(),
            policy=ReminderPolicy.from_settings(config),
            customers=customer,
        )
    handout: list[tuple[str, str]] = []  # (external id, the link a QR code holds)
    for external_id, token in invited.tokens:
        links = links_of(token, username, config.public_url)
        # Plain tab-separated lines: links stay whole (no wrapping) and paste into a sheet.
        print("\t".join([external_id, *links]))
        handout.append((external_id, links[-1] if config.public_url else links[0]))
    console.print(invite_summary(invited.batch, config.timezone), style="dim")
    if not config.public_url:
        console.print(NO_WEB_LINKS, style="yellow", highlight=False)
    if qr is not None:
        files = write_qr_codes(qr, handout)
        what = "web links" if config.public_url else "deep links"
        console.print(f"QR codes of {len(handout)} {what}: {len(files)} files in {qr}", style="dim")


def links_of(token: str, bot_username: str | None, public_url: str | None) -> list[str]:
    """An invitation's links as printed: the deep link (``-`` without a bot username), then
    the web link when there is a public URL."""
    from storage.campaigns import deep_link, web_link

    links = [deep_link(bot_username, token) if bot_username else NO_LINK]
    if public_url:
        links.append(web_link(public_url, token))
    return links


def invite_summary(batch: InvitationBatch, timezone: str) -> str:
    """What ``invite`` did: to chat now, held for the respondent's morning, links to hand out."""
    held = f"{batch.held_for_morning} held for the respondent's morning"
    if batch.held_until is not None:
        until = batch.held_until.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
        held += f" (until {until} {timezone})"
    links = len(batch.handoff)
    mailed = f", {batch.by_email} by e-mail" if batch.by_email else ""
    sent = "chat messages and e-mails are" if batch.by_email else "chat messages are"
    return (
        f"invitations: {batch.in_chat_now} to chat now, {held}, "
        f"{links} {'link' if links == 1 else 'links'} for account owners{mailed} "
        f"({sent} sent by `csat serve`)"
    )


@campaign_app.command("chase")
@run_async
async def campaign_chase(
    key: CampaignKeyArg,
    owner: str | None = typer.Option(None, help="Only this account owner's customers"),
    bot_username: str | None = typer.Option(None, help="Defaults to CSAT_BOT_USERNAME"),
) -> None:
    """List unanswered invitations to chase by hand, per account owner.

    These are respondents whose invitation Telegram or the mail server refused (they blocked
    the bot, their Telegram id or e-mail address is wrong), those the bot cannot write to
    (they never opened their link, and get no e-mail) and those it has sent every reminder.
    "due" marks who has waited as long as the bot waits before its first reminder. Each line
    ends with the deep link, then the web link when CSAT_PUBLIC_URL is set.
    """
    from campaigns.invitations import chase
    from storage.campaigns import deep_link, web_link
    from storage.reminders import ReminderPolicy
    from storage.types import utcnow

    config = settings()
    username = bot_username or config.bot_username
    async with db_session() as session:
        policy = ReminderPolicy.from_settings(config)
        chases, _ = await chase(session, key, now=utcnow(), policy=policy, owner=owner)
    owner_of: str | None = ""  # a value no customer has, so the first owner gets a heading
    for c in chases:
        if c.account_owner != owner_of:
            owner_of = c.account_owner
            console.print(f"[bold]{owner_of or 'no account owner'}[/bold]")
        waited = f"{c.working_days_waiting} working days" + (", due" if c.due else "")
        link = deep_link(username, c.token) if username else c.token
        web = [web_link(config.public_url, c.token)] if config.public_url else []
        who = c.respondent_name or c.respondent_external_id
        # Plain tab-separated lines: links stay whole (no wrapping) and paste into a sheet.
        columns = [c.respondent_external_id, who, c.customer_name, chase_reason(c), waited, link]
        print("\t".join([*columns, *web]))
    console.print(f"{len(chases)} to chase, {sum(c.due for c in chases)} due", style="dim")
    if chases and not username:
        console.print(NO_USERNAME_FOR_LINKS, style="yellow", highlight=False)
    if chases and not config.public_url:
        console.print(NO_WEB_LINKS, style="yellow", highlight=False)


def chase_reason(chase: Chase) -> str:
    """Why the respondent is on the chase list, with what the refusing server said."""
    refused_mail = chase.reason == "undelivered" and "e-mail" in (chase.detail or "")
    why = MAIL_REFUSED if refused_mail else CHASE_REASONS[chase.reason]
    return why + (f" ({chase.detail})" if chase.detail else "")


@campaign_app.command("plan")
@run_async
async def campaign_plan(
    key: CampaignKeyArg,
    everyone: bool = typer.Option(False, "--all", help="Survey every customer"),
    key_accounts: float | None = typer.Option(None, help="At least this share of KA/A customers"),
    random_share: float | None = typer.Option(None, help="A random share of KA/A/B customers"),
    revenue_coverage: float | None = typer.Option(None, help="Per BU, this share of revenue"),
    min_per_line: int | None = typer.Option(None, help="At least N customers per product line"),
    no_complainers: bool = typer.Option(
        False, "--no-complainers", help="Leave out who complained since the last campaign"
    ),
    callback_share: float | None = typer.Option(None, help="Share of respondents to call back"),
    seed: int | None = typer.Option(None, help="Random seed (default: the stored one, or new)"),
    apply: bool = typer.Option(False, "--apply", help="Store the plan and create invitations"),
) -> None:
    """Preview a campaign's sample (SPEC §6); with --apply store it and create its invitations.

    Without any of --all/--key-accounts/--random-share/--revenue-coverage/--min-per-line the
    rules stored by the last --apply are used, else the seeds' rules: 1/3 of KA/A, 30 %
    random, 60 % of each BU's revenue with 2 per product line, and a 10 % call-back check.
    """
    from campaigns.lookup import campaign_of
    from campaigns.planning import apply_plan, preview_plan, stored_rules
    from cli.plan_output import print_plan
    from scoring.sampling import SamplingRules

    choosing = (key_accounts, random_share, revenue_coverage, min_per_line)
    chosen: SamplingRules | None = None
    if everyone or any(value is not None for value in choosing):
        chosen = SamplingRules(
            all_customers=everyone,
            key_account_share=key_accounts,
            random_share=random_share,
            revenue_coverage=revenue_coverage,
            min_per_product_line=min_per_line,
            include_complainers=not no_complainers,
            callback_share=callback_share,
        )
    async with db_session() as session:
        campaign = await campaign_of(session, key)
        source = None  # the rules given on the command line
        if chosen is not None:
            rules = chosen
        else:
            rules, source = stored_rules(campaign)
            changes: dict[str, Any] = {}
            if no_complainers:
                changes["include_complainers"] = False
            if callback_share is not None:
                changes["callback_share"] = callback_share
            rules = dataclasses.replace(rules, **changes)
        plan = apply_plan if apply else preview_plan
        preview = await plan(session, campaign, rules, seed=seed)
    print_plan(preview, rules_source=source)


@campaign_app.command("close")
@run_async
async def campaign_close(key: CampaignKeyArg) -> None:
    """Close a campaign: expire unfinished invitations and split its tickets 20/80."""
    from campaigns.closing import close_campaign
    from cli.plan_output import print_close
    from storage.types import utcnow

    async with db_session() as session:
        summary = await close_campaign(session, key, now=utcnow())
    print_close(summary)
