"""How ``csat campaign plan`` and ``close`` print what they did: the sample with its figures,
and the closing summary."""

from __future__ import annotations

from rich.table import Column, Table

from campaigns.closing import CloseSummary
from campaigns.planning import PlanPreview
from cli.common import console
from scoring.wording import counted, with_article


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
