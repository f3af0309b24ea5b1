"""The demo's quality manager: plans, invites, chases, closes and exports the campaign over
the admin API, as a manager would with their API key, and says what each step gave."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Final

import httpx

from cli.common import console
from scoring.wording import counted
from survey.vocabulary import InvitationState

CAMPAIGN: Final = "demo"
# The seeds' sampling rules (SPEC §6): a third of key accounts, 30 % of main customers at
# random, 60 % of each business unit's revenue with two customers per product line.
RULES: Final = {
    "key_account_share": 0.34,
    "random_share": 0.3,
    "revenue_coverage": 0.6,
    "min_per_product_line": 2,
    "include_complainers": True,
    "callback_share": 0.1,
}
PLAN_SEED: Final = 2026
EXPORTS: Final = ("workbook.xlsx", "answers.csv", "tickets.csv", "scores.csv")
REVIEW_LANGUAGE: Final = "zh-CN"  # the management review, as a quality manager there prints it
PDF_UNAVAILABLE: Final = 503  # the app cannot load WeasyPrint (no Pango on this machine)
# Printing the review takes seconds; on a loaded machine, and the first time its fonts are
# read (fontconfig scans Noto CJK), it has taken over a minute (seen once in csat demo).
REVIEW_TIMEOUT: Final = 300.0


class Manager:
    """The quality manager at the admin API (``api`` carries their admin key)."""

    def __init__(self, api: httpx.AsyncClient) -> None:
        self.api = api
        self.path = f"/campaigns/{CAMPAIGN}"

    async def _post(self, path: str, body: object = None) -> dict[str, Any]:
        response = await self.api.post(path, json=body)
        if response.is_error:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
        data: dict[str, Any] = response.json()
        return data

    async def open_and_plan(self, survey: str) -> None:
        """Open the campaign, preview its sample, then apply it."""
        await self._post("/campaigns", {"key": CAMPAIGN, "survey": survey, "period": "quarterly"})
        plan = {"rules": RULES, "seed": PLAN_SEED}
        _print_plan(await self._post(f"{self.path}/plan", plan))
        await self._post(f"{self.path}/plan", plan | {"apply": True})

    async def invite(self) -> tuple[int, dict[str, str]]:
        """Send the invitations: (how many went to chat, respondent → web link handed out to
        those the bot cannot write to)."""
        sent = await self._post(f"{self.path}/invite")
        console.print(
            f"invitations: {sent['queued']} sent in chat, {len(sent['handoff'])} web links "
            "handed to account owners"
        )
        return sent["queued"], {h["respondent_id"]: h["web_link"] for h in sent["handoff"]}

    async def chase(self) -> None:
        """Whom the account owners chase by hand: the unfinished respondents the bot cannot
        write to (no chat). The admin key covers the staff role."""
        chase = await self.api.get(f"{self.path}/chase", params={"limit": 500})
        chase.raise_for_status()
        owners = Counter(c["account_owner"] for c in chase.json()["data"])
        unopened = sum(c["state"] == InvitationState.SENT for c in chase.json()["data"])
        console.print(
            f"to chase by hand: {counted(chase.json()['count'], 'respondent')} without a chat "
            f"who did not finish ({unopened} never opened their link), for "
            f"{counted(len(owners), 'account owner')}"
        )

    async def close(self) -> None:
        closed = await self._post(f"{self.path}/close")
        console.print(
            f"closed: {counted(closed['expired_invitations'], 'unfinished invitation')} "
            f"expired; tickets classified 20/80: {closed['opinion_tickets']} opinion tickets "
            f"(客户意见处理单), {closed['internal_memos']} internal memos (内部联络单)"
        )

    async def export(self, out: Path) -> None:
        """What the manager downloads: the workbook, the answers, the tickets, the scores."""
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in EXPORTS:
            response = await self.api.get(f"{self.path}/exports/{name}")
            response.raise_for_status()
            path = out / f"{CAMPAIGN}-{name}"
            path.write_bytes(response.content)
            written.append(f"{path} ({len(response.content):,} bytes)")
        console.print("exports: " + ", ".join(written))

    async def review(self, out: Path) -> None:
        """The management-review document, HTML and PDF, as the manager downloads it; a
        machine that cannot make PDFs says so and still gets the HTML."""
        out.mkdir(parents=True, exist_ok=True)
        written, refused = [], None
        for extension in ("html", "pdf"):
            response = await self.api.get(
                f"{self.path}/review.{extension}",
                params={"lang": REVIEW_LANGUAGE},
                timeout=REVIEW_TIMEOUT,
            )
            if extension == "pdf" and response.status_code == PDF_UNAVAILABLE:
                refused = response.json()["error"]["message"]
                continue
            response.raise_for_status()
            path = out / f"{CAMPAIGN}-review-{REVIEW_LANGUAGE}.{extension}"
            path.write_bytes(response.content)
            written.append(f"{path} ({len(response.content):,} bytes)")
        console.print("management review: " + ", ".join(written), highlight=False)
        if refused is not None:
            console.print(f"[yellow]no PDF of the review: {refused}[/yellow]", highlight=False)


def _print_plan(preview: dict[str, Any]) -> None:
    f = preview["figures"]
    classes = ", ".join(
        f"{c['customer_class']} {c['selected']}/{c['customers']}" for c in f["by_class"]
    )
    coverage = ", ".join(f"{u['business_unit']} {u['coverage']:.0%}" for u in f["by_unit"])
    console.print(
        f"plan preview (seed {preview['seed']}): {f['customers']} of {f['population']} customers "
        f"({classes}), {f['respondents']} respondents, {f['callback_checks']} marked for a "
        f"call-back check; revenue covered: {coverage}; expecting {f['expected_respondents']} "
        f"answers, margin of error ±{f['margin_of_error']:.0%}"
    )
