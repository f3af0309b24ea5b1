"""The management-review document (campaigns/review) of a campaign seeded through the real
services: its figures are the campaign report's, in zh-CN and in en; its trend covers the
campaigns before it; its ticket section counts the tickets as they stand; it is one
self-contained page (no script, no stylesheet link, nothing fetched over the network)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from campaigns.reports import load_campaign_report
from campaigns.review import build_review
from campaigns.review.texts import TEXTS
from scoring import CampaignReport
from scoring.charts.scores import CURRENT_INTERVALS, PREVIOUS_INTERVALS
from survey.errors import UnknownExport
from tests.campaigns.review_seed import CAMPAIGNS, LAST, seed_review
from tests.scoring.svg_reading import chart_named, whiskers
from tests.support import seed_campaign

pytestmark = pytest.mark.both_backends  # the ticket and history queries run on both databases


class Figures(HTMLParser):
    """The text of every element carrying ``data-figure``, by its name."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append(dict(attrs).get("data-figure"))

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        name = next((n for n in reversed(self._open) if n), None)
        if name is not None:
            self.figures[name] = self.figures.get(name, "") + data


def figures_of(html: str) -> dict[str, str]:
    parser = Figures()
    parser.feed(html)
    return {name: text.strip() for name, text in parser.figures.items()}


def one_decimal(value: float | None, scale: float = 1.0) -> str:
    assert value is not None
    return f"{value * scale:.1f}"


def assert_self_contained(html: str) -> None:
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"<script\b", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?!#)", html, re.I)  # url(#clip) is inline
    assert html.count("<svg") == 4  # the trend, the factors, the items and the tickets, inline


def assert_figures_match(html: str, report: CampaignReport) -> None:
    figures = figures_of(html)
    s = report.summary
    assert figures["campaign"] == report.campaign
    assert figures["mean_score"] == one_decimal(s.mean_score.value)
    assert figures["weighted_score"] == one_decimal(s.mean_score.weighted)
    assert figures["satisfaction_rate"] == one_decimal(s.satisfaction_rate.value, 100) + " %"
    assert figures["loyalty"] == one_decimal(s.loyalty.value)
    assert figures["favourable_weighted"] == one_decimal(s.favourable_weighted.value, 100) + " %"
    assert figures["response_rate"] == one_decimal(report.response.rate.value, 100) + " %"
    assert s.nps.value is not None
    assert figures["nps"] == f"{s.nps.value:+.1f}".replace("-", "−")
    low, high = s.mean_score.ci_low, s.mean_score.ci_high
    assert figures["mean_score-interval"] == f"{one_decimal(low)}–{one_decimal(high)}"
    for _, factor in report.factors.iterrows():
        assert figures[f"factor-{factor['group']}"] == one_decimal(factor["mean_score"])
    for _, item in report.items.iterrows():
        assert figures[f"item-{item['group']}"] == one_decimal(item["mean_score"])
    for _, group in report.customer_classes.iterrows():
        assert figures[f"class-{group['group']}"] == one_decimal(group["mean_score"])
    methods = dict(re.findall(r'data-figure="method-(\w+)" data-method="(\w+)"', html))
    assert methods == report.methods.intervals
    split = figures["split"]
    assert [int(n) for n in re.findall(r"\d+", split) if n not in ("20", "80")] == [
        s.tickets, s.opinion_tickets, s.internal_memos,
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_review_shows_the_reports_figures(sessions, lang: str) -> None:  # type: ignore[no-untyped-def]
    seeded = await seed_review(sessions)
    async with sessions() as session, session.begin():
        report = await load_campaign_report(session, LAST)
        review = await build_review(session, LAST, lang=lang, now=seeded.review_at)
    html = review.html
    assert f'<html lang="{lang}">' in html
    assert TEXTS["title"][lang] in html and TEXTS["tickets"][lang] in html
    assert_self_contained(html)
    figures = figures_of(html)
    assert_figures_match(html, report)
    assert report.previous_campaign == CAMPAIGNS[-2]
    # the trend covers all three campaigns (the last 5 at most), oldest first
    assert TEXTS["trend_intro"][lang].format(count=len(CAMPAIGNS)) in html
    assert re.search(r'<svg[^>]*aria-label="' + re.escape(TEXTS["trend_chart"][lang]), html)
    # every ticket of the campaign, each once, as it stands at the review
    assert figures["tickets-opened"] == "4"
    assert figures["tickets-closed_on_time"] == "1"
    assert figures["tickets-closed_undated"] == "1"  # escalated, called back, closed
    assert figures["tickets-overdue"] == "1"
    assert figures["tickets-open_in_time"] == "1"
    assert figures["tickets-closed_late"] == "0"
    assert figures["tickets-escalated"] == "2"
    assert figures["tickets-callback-written"] == "1"
    assert figures["tickets-callback-missing"] == "1"
    # the response rate is under target (3 of 4): said plainly at the top
    assert report.representative is False
    assert TEXTS["not_representative"][lang].split("{")[0] in figures["not-representative"]
    assert review.filename("pdf") == f"{LAST}-review-{lang}.pdf"


async def test_the_factor_chart_is_the_dashboards_with_both_intervals(sessions) -> None:  # type: ignore[no-untyped-def]
    seeded = await seed_review(sessions)
    async with sessions() as session, session.begin():
        report = await load_campaign_report(session, LAST)
        html = (await build_review(session, LAST, lang="en", now=seeded.review_at)).html
    svg = chart_named(html, TEXTS["factor_chart"]["en"])
    now, then = whiskers(svg, CURRENT_INTERVALS), whiskers(svg, PREVIOUS_INTERVALS)
    factors = report.factors.to_dict("records")
    assert len(now) == len(then) == len(factors) == 5
    trends = report.trends[
        (report.trends["scope"] == "factor") & (report.trends["metric"] == "mean_score")
    ].set_index("key")
    unit = next(  # the drawing's points per score point, from a row whose interval is wide
        (r - lt) / (f["mean_score_ci_high"] - f["mean_score_ci_low"])
        for f, (lt, r) in zip(factors, now, strict=True)
        if f["mean_score_ci_high"] - f["mean_score_ci_low"] > 1
    )
    for factor, (left, right), (was_left, was_right) in zip(factors, now, then, strict=True):
        before = trends.loc[factor["group"]]
        width = factor["mean_score_ci_high"] - factor["mean_score_ci_low"]
        assert right - left == pytest.approx(width * unit, abs=0.05)
        was = before["previous_ci_high"] - before["previous_ci_low"]
        assert was_right - was_left == pytest.approx(was * unit, abs=0.05)
    assert "<svg" in html.split('id="factors"')[1].split("</section>")[0]
    assert 'class="bar"' not in html  # no second drawing of the same scores


async def test_a_first_campaign_nobody_answered_yet(sessions) -> None:  # type: ignore[no-untyped-def]
    await seed_campaign(sessions, key="2027-Q1")
    async with sessions() as session, session.begin():
        review = await build_review(session, "2027-Q1", lang="en")
    html = review.html
    assert "No answers yet: 4 invitations sent, none answered." in html
    assert escape(TEXTS["trend_alone"]["en"]) in html and TEXTS["no_tickets"]["en"] in html
    assert "<svg" not in html and "nan" not in html.lower().replace("nance", "")
    assert figures_of(html)["tickets-opened"] == "0"


async def test_a_language_the_review_has_not_is_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    await seed_campaign(sessions)
    async with sessions() as session:
        with pytest.raises(UnknownExport, match="no review language 'fr'; use one of zh-CN, en"):
            await build_review(session, "2026-Q4", lang="fr")
