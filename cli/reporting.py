"""Printing a campaign's figures (the full report comes from scoring/)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.common import console
from storage.campaigns import campaign_by_key, response_counts
from storage.frames import answers_frame


async def print_campaign_report(sessions: async_sessionmaker[AsyncSession], key: str) -> None:
    """Response rate and factor means of a campaign."""
    async with sessions() as session:
        campaign = await campaign_by_key(session, key)
        if campaign is None:
            raise LookupError(f"no campaign {key!r}")
        counts = await response_counts(session, campaign.id)
        answers = await answers_frame(session, campaign.id)
    invited = sum(counts.values())
    completed = counts.get("completed", 0)
    console.print(f"response rate: {completed}/{invited} = {completed / invited:.1%} "
                  f"(started, not completed: {counts.get('started', 0)})")
    likert = answers[(answers["kind"] == "likert") & ~answers["na"]]
    means = likert.groupby("factor")["level"].agg(["mean", "count"])
    for factor, row in means.iterrows():
        console.print(f"  {factor}: mean level {row['mean']:.2f} (n={int(row['count'])})")
