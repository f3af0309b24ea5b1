"""``csat campaign …``: create, plan (sample), invite, chase and close campaigns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Column, Table
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from admin.closing import CloseSummary, close_campaign
from admin.planning import PlanPreview, apply_plan, preview_plan
from cli.common import (
    CampaignKeyArg,
    SurveyKeyOption,
    console,
    db_session,
    run_async,
    settings,
)
from scoring.sampling import SamplingRules
from scoring.wording import counted, with_article
from storage.campaigns import campaign_by_key, create_campaign, deep_link, invite
from storage.chasing import Reason, chase_list
from storage.models import Campaign, Customer, Invitation, Respondent
from storage.reminders import InvitationBatch, ReminderPolicy, send_invitations
from storage.surveys import latest_survey_row
from storage.types import utcnow

NO_USERNAME_FOR_LINKS = (
    "the last column is the invitation token, not a link: set CSAT_BOT_USERNAME (the bot's "
    "username, e.g. my_csat_bot) or pass --bot-username to print t.me deep links"
)
campaign_app = typer.Typer(help="Survey campaigns (测评周期).", no_args_is_help=True)
CHASE_REASONS: dict[Reason, str] = {
    "undelivered": "Telegram refused the invitation",
    "no_chat": "never opened the bot",
    "reminders_used": "reminders used up",
}


@campaign_app.command("create")
@run_async
async def campaign_create(
    key: CampaignKeyArg,
    survey: SurveyKeyOption,
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
    key: CampaignKeyArg,
    customer: list[str] = typer.Option(None, help="Only these customers (external ids)"),
    bot_username: str | None = typer.Option(None, help="Defaults to CSAT_BOT_USERNAME"),
) -> None:
    """Send the invitations and print every deep link.

    A planned campaign invites its sample (`csat campaign plan … --apply`); an unplanned one
    every respondent. Respondents the bot knows get theirs in chat (sent by `csat serve`),
    at once or, in their night hours, in their morning; the others' links are for their
    account owners to pass on. Running it again sends nothing twice and prints the same links.
    """
    config = settings()
    username = bot_username or config.bot_username
    if not username:
        raise ValueError("the bot's username is needed for links: set CSAT_BOT_USERNAME")
    async with db_session() as session:
        campaign = await _campaign(session, key)
        query = select(Respondent).where(Respondent.forgotten_at.is_(None))
        if customer:
            query = query.join(Customer).where(Customer.external_id.in_(customer))
        respondents = list(await session.scalars(query.order_by(Respondent.id)))
        if campaign.planned_at is None:
            await invite(session, campaign, respondents)
        wanted = {r.id for r in respondents}
        batch = await send_invitations(
            session,
            campaign,
            now=utcnow(),
            policy=ReminderPolicy.from_settings(config),
            respondent_ids=sorted(wanted),
        )
        invited = await session.execute(
            select(Respondent.external_id, Invitation.token)
            .join(Invitation, Invitation.respondent_id == Respondent.id)
            .where(Invitation.campaign_id == campaign.id, Respondent.id.in_(wanted))
            .order_by(Respondent.id)
        )
        for external_id, token in invited.all():
            print(f"{external_id}\t{deep_link(username, token)}")
    console.print(invite_summary(batch, config.timezone), style="dim")


def invite_summary(batch: InvitationBatch, timezone: str) -> str:
    """What ``invite`` did: to chat now, held for the respondent's morning, links to hand out."""
    held = f"{batch.held_for_morning} held for the respondent's morning"
    if batch.held_until is not None:
        until = batch.held_until.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
        held += f" (until {until} {timezone})"
    links = len(batch.handoff)
    return (
        f"invitations: {batch.in_chat_now} to chat now, {held}, "
        f"{links} {'link' if links == 1 else 'links'} for account owners "
        "(chat messages are sent by `csat serve`)"
    )


@campaign_app.command("chase")
@run_async
async def campaign_chase(
    key: CampaignKeyArg,
    owner: str | None = typer.Option(None, help="Only this account owner's customers"),
    bot_username: str | None = typer.Option(None, help="Defaults to CSAT_BOT_USERNAME"),
) -> None:
    """List unanswered invitations to chase by hand, per account owner.

    These are respondents whose chat invitation Telegram refused (they blocked the bot, or
    their Telegram id is wrong), those the bot cannot write to (they never opened their link)
    and those it has sent every reminder. "due" marks who has waited as long as the bot waits
    before its first reminder.
    """
    config = settings()
    username = bot_username or config.bot_username
    async with db_session() as session:
        campaign = await _campaign(session, key)
        policy = ReminderPolicy.from_settings(config)
        chases = await chase_list(session, campaign.id, now=utcnow(), policy=policy, owner=owner)
    owner_of: str | None = ""  # a value no customer has, so the first owner gets a heading
    for c in chases:
        if c.account_owner != owner_of:
            owner_of = c.account_owner
            console.print(f"[bold]{owner_of or 'no account owner'}[/bold]")
        why = CHASE_REASONS[c.reason] + (f" ({c.detail})" if c.detail else "")
        waited = f"{c.working_days_waiting} working days" + (", due" if c.due else "")
        link = deep_link(username, c.token) if username else c.token
        who = c.respondent_name or c.respondent_external_id
        # Plain tab-separated lines: links stay whole (no wrapping) and paste into a sheet.
        print(f"{c.respondent_external_id}\t{who}\t{c.customer_name}\t{why}\t{waited}\t{link}")
    console.print(f"{len(chases)} to chase, {sum(c.due for c in chases)} due", style="dim")
    if chases and not username:
        console.print(NO_USERNAME_FOR_LINKS, style="yellow", highlight=False)


async def _campaign(session: AsyncSession, key: str) -> Campaign:
    campaign = await campaign_by_key(session, key)
    if campaign is None:
        raise LookupError(f"no campaign {key!r}")
    return campaign


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
        campaign = await _campaign(session, key)
        source = None  # the rules given on the command line
        if chosen is not None:
            rules = chosen
        else:
            rules, source = _stored_or_default_rules(campaign)
            changes: dict[str, Any] = {}
            if no_complainers:
                changes["include_complainers"] = False
            if callback_share is not None:
                changes["callback_share"] = callback_share
            rules = dataclasses.replace(rules, **changes)
        plan = apply_plan if apply else preview_plan
        preview = await plan(session, campaign, rules, seed=seed)
    print_plan(preview, rules_source=source)


def _stored_or_default_rules(campaign: Campaign) -> tuple[SamplingRules, str]:
    """The rules of the campaign's stored plan, else the seeds' defaults; and which."""
    stored = (campaign.plan or {}).get("rules")
    if stored:
        return SamplingRules.from_dict(stored), "stored"
    return SamplingRules.seed_defaults(), "the seeds' defaults"


def _numbers(*names: str) -> list[Column]:
    return [Column(name, justify="right") for name in names]


def print_plan(preview: PlanPreview, rules_source: str | None = None) -> None:
    """The preview as a quality manager reads it: who, why, how many, how precise."""
    plan = preview.to_dict()  # the same plain figures the admin API returns
    figures = plan["figures"]
    state = "stored" if preview.applied else "preview, nothing stored"
    console.print(f"[bold]campaign {preview.campaign}[/bold] sample ({state})")
    console.print(f"seed {preview.seed} ({preview.seed_source}; --seed {preview.seed} repeats it)")
    rules = ", ".join(
        f"{k}={round(v, 3) if isinstance(v, float) else v}" for k, v in plan["rules"].items() if v
    )
    source = f" ({rules_source})" if rules_source else ""
    console.print(f"rules{source}: {rules}", highlight=False)
    for row in plan["customers"]:
        reasons = ", ".join(row["reasons"])
        print(f"{row['external_id']}\t{row['customer_class']}\t{row['name']}\t{reasons}")
    classes = Table("class", *_numbers("customers", "selected"))
    for c in figures["by_class"]:
        classes.add_row(c["customer_class"], str(c["customers"]), str(c["selected"]))
    units = Table("business unit", *_numbers("customers", "selected", "revenue", "covered"))
    for u in figures["by_unit"]:
        covered = "–" if u["coverage"] is None else f"{u['coverage']:.1%}"
        revenue = f"{u['revenue']:,.0f}"
        units.add_row(u["business_unit"], str(u["customers"]), str(u["selected"]), revenue, covered)
    console.print(classes, units)
    console.print(
        f"{figures['customers']} of {counted(figures['population'], 'customer')} "
        f"({figures['customers_without_respondents']} without respondents), "
        f"{counted(figures['respondents'], 'respondent')}, "
        f"{counted(figures['callback_checks'], 'call-back check')}"
    )
    moe = figures["margin_of_error"]
    margin = "–" if moe is None else f"±{moe * 100:.1f} percentage points"
    expected = figures["expected_customers"]
    answer = "answers" if expected == 1 else "answer"
    console.print(
        f"at {with_article(format(figures['response_rate'], '.0%'))} response rate "
        f"{counted(expected, 'customer')} {answer}: margin of error (95 %) {margin}"
    )
    if preview.invitations is not None:
        change = preview.invitations
        console.print(
            f"invitations: {change.created} created, {change.kept} kept, {change.removed} removed"
        )
    elif preview.locked:
        console.print(f"[yellow]cannot apply:[/yellow] {preview.locked}")


@campaign_app.command("close")
@run_async
async def campaign_close(key: CampaignKeyArg) -> None:
    """Close a campaign: expire unfinished invitations and split its tickets 20/80."""
    async with db_session() as session:
        summary = await close_campaign(session, await _campaign(session, key), now=utcnow())
    print_close(summary)


def print_close(summary: CloseSummary) -> None:
    again = " (was closed already)" if summary.already_closed else ""
    when = f"{summary.closed_at:%Y-%m-%d %H:%M} UTC"
    console.print(f"campaign [bold]{summary.campaign}[/bold] closed {when}{again}")
    console.print(f"{summary.expired_invitations} unfinished invitations expired")
    console.print(
        f"tickets: {summary.opinion_tickets} opinion tickets, "
        f"{summary.internal_memos} internal memos ({summary.reclassified_tickets} changed)"
    )
    states = ", ".join(f"{state} {n}" for state, n in sorted(summary.invitations.items()))
    console.print(f"invitations: {states or 'none'}")
