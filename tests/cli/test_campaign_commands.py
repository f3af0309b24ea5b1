"""``csat campaign plan`` and ``csat campaign close`` against a real database."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storage.models import Campaign, Invitation
from tests.cli.test_commands import csat
from tests.support import seed_population

RULES = ["--revenue-coverage", "0.6", "--min-per-line", "1", "--callback-share", "0.1"]


async def invited(sessions) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Invitation)))


def picked(out: str) -> list[str]:
    """The customer lines of a plan: external id, class, name, reasons."""
    return re.findall(r"^(C\d\d)\t(\w+)\t[^\t]+\t(.+)$", out, re.MULTILINE)


async def test_plan_preview_then_apply(db_url: str, sessions) -> None:
    await seed_population(sessions)
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", *RULES, "--seed", "42")
    assert code == 0, out
    assert "preview, nothing stored" in out and "seed 42 (given" in out
    assert [c for c, *_ in picked(out)] == ["C01", "C02", "C03", "C06", "C07", "C09"]
    assert ("C03", "A", "product_line") in picked(out)
    assert re.search(r"BU1 .* 5 .* 3 .* 1,000 .* 90\.0%", out)
    assert "6 of 10 customers (0 without respondents), 12 respondents, 2 call-back" in out
    assert "at an 80% response rate 4 customers answer: margin of error (95 %) ±" in out
    assert await invited(sessions) == 0
    code, applied = await csat(
        db_url, "campaign", "plan", "2026-H1", *RULES, "--seed", "42", "--apply"
    )
    assert code == 0, applied
    assert "(stored)" in applied and "seed 42 (given" in applied
    assert picked(applied) == picked(out)
    assert "invitations: 12 created, 0 kept, 0 removed" in applied
    assert await invited(sessions) == 12
    async with sessions() as session:
        campaign = await session.scalar(select(Campaign).where(Campaign.key == "2026-H1"))
        assert campaign.sample_seed == 42 and campaign.plan["respondents"] == 12


async def test_seed_rules_by_default_and_reproducible(db_url: str, sessions) -> None:
    await seed_population(sessions)
    code, first = await csat(db_url, "campaign", "plan", "2026-H1", "--seed", "7")
    assert code == 0, first
    assert "key_account_share=0.333" in first and "random_share=0.3" in first
    assert "revenue_coverage=0.6" in first and "min_per_product_line=2" in first
    code, again = await csat(db_url, "campaign", "plan", "2026-H1", "--seed", "7")
    assert again == first
    seeds = {
        tuple(picked(out))
        for s in range(8)
        for _, out in [await csat(db_url, "campaign", "plan", "2026-H1", "--seed", str(s))]
    }
    assert len(seeds) > 1  # the random part follows the seed
    code, fresh = await csat(db_url, "campaign", "plan", "2026-H1")
    assert code == 0 and re.search(r"seed \d+ \(new; --seed \d+ repeats it\)", fresh)


async def test_bad_rules_and_unknown_campaign_are_one_line_errors(db_url: str, sessions) -> None:
    await seed_population(sessions)
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", "--random-share", "1.5")
    assert (
        code == 1 and out.startswith("error:") and "random_share must be a share in (0, 1]" in out
    )
    code, out = await csat(db_url, "campaign", "plan", "nope")
    assert code == 1 and out.startswith("error: no campaign 'nope'")
    code, out = await csat(db_url, "campaign", "close", "nope")
    assert code == 1 and out.startswith("error: no campaign 'nope'")


async def test_close_expires_invitations_and_refuses_planning(db_url: str, sessions) -> None:
    await seed_population(sessions)
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", *RULES, "--apply")
    assert code == 0, out
    code, out = await csat(db_url, "campaign", "close", "2026-H1")
    assert code == 0, out
    assert re.search(r"campaign 2026-H1 closed \d{4}-\d\d-\d\d \d\d:\d\d UTC\n", out)
    assert "12 unfinished invitations expired" in out
    assert "tickets: 0 opinion tickets, 0 internal memos" in out
    assert "invitations: expired 12" in out
    code, again = await csat(db_url, "campaign", "close", "2026-H1")
    assert code == 0 and "(was closed already)" in again and "0 unfinished" in again
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", "--all", "--apply")
    assert code == 1 and "campaign '2026-H1' is closed" in out


async def test_key_accounts_alone_without_complainers(db_url: str, sessions) -> None:
    await seed_population(sessions)
    args = ["--key-accounts", "0.5", "--no-complainers", "--seed", "3"]
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", *args)
    assert code == 0, out
    assert "rules: key_account_share=0.5\n" in out
    rows = picked(out)
    assert len(rows) == 2 and all(k in ("KA", "A") and r == "key_account" for _, k, r in rows)


async def test_report_applies_the_20_80_split_to_the_tickets(
    db_url: str, sessions, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Ticket
    from tests.support import open_test_ticket, seed_campaign

    tokens = await seed_campaign(sessions)
    severe = await open_test_ticket(sessions, tokens["r1"], level=1)  # KA: severity 4
    mild = await open_test_ticket(sessions, tokens["r3"], level=2, question="SP.delivery")
    code, out = await csat(db_url, "report", "2026-Q4", "--out", str(tmp_path))
    assert code == 0, out
    async with sessions() as session:
        kinds = dict((await session.execute(select(Ticket.id, Ticket.kind))).all())
    assert kinds == {severe: "opinion_ticket", mild: "internal_memo"}


async def test_invite_sends_the_planned_sample_once(db_url: str, sessions) -> None:  # type: ignore[no-untyped-def]
    await seed_population(sessions)
    code, out = await csat(db_url, "campaign", "plan", "2026-H1", *RULES, "--seed", "42", "--apply")
    assert code == 0, out
    planned = await invited(sessions)
    code, out = await csat(db_url, "campaign", "invite", "2026-H1")
    assert code == 0, out
    links = re.findall(r"^R\S+\thttps://t\.me/csat_test_bot\?start=\S{64}$", out, re.MULTILINE)
    assert len(links) == planned  # the sample only, not every respondent
    assert f"0 to chat now, 0 held for the respondent's morning, {planned} links for" in out
    async with sessions() as session:
        states = set(await session.scalars(select(Invitation.state)))
    assert states == {"sent"}
    code, again = await csat(db_url, "campaign", "invite", "2026-H1")
    assert code == 0 and "0 held for the respondent's morning, 0 links for" in again
    assert re.findall(r"^R\S+\t\S+$", again, re.MULTILINE) == [line for line in links]
    code, chase = await csat(db_url, "campaign", "chase", "2026-H1")
    assert code == 0, chase
    assert "no account owner" in chase and f"{planned} to chase, 0 due" in chase
    rows = re.findall(
        r"^(R\S+)\t[^\t]+\tCustomer C\d\d\tnever opened the bot\t0 working days\t(\S+)$",
        chase,
        re.MULTILINE,
    )
    assert ["\t".join(row) for row in rows] == links  # the same links, to pass on again
    code, nobody = await csat(db_url, "campaign", "chase", "2026-H1", "--owner", "Wang")
    assert code == 0 and "0 to chase, 0 due" in nobody
