"""The review as PDF: A4, its Chinese title as text and in an embedded CJK font, page numbers
in its footer, and a first page with ink on it (rendered with pdftoppm). Few tests: WeasyPrint
takes seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaigns.review import build_review, review_pdf
from campaigns.review.texts import TEXTS
from tests.campaigns.pdf_checks import (
    A4_POINTS,
    embedded_cjk_fonts,
    first_page_png,
    ink_share,
    page_count,
    page_size,
    pdf_text,
)
from tests.campaigns.review_seed import CAMPAIGNS, LAST, seed_review


@pytest.mark.long_running(20)
async def test_the_chinese_review_prints_on_a4_with_its_chinese_text(
    sessions,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    seeded = await seed_review(sessions)
    async with sessions() as session, session.begin():
        review = await build_review(session, LAST, lang="zh-CN", now=seeded.review_at)
    path = tmp_path / review.filename("pdf")
    path.write_bytes(await review_pdf(review))

    assert path.read_bytes().startswith(b"%PDF-")
    width, height = page_size(path)
    assert (round(width, 1), round(height, 1)) == (round(A4_POINTS[0], 1), round(A4_POINTS[1], 1))
    pages = page_count(path)
    assert pages >= 5  # a page break between the sections
    text = pdf_text(path)
    assert TEXTS["title"]["zh-CN"] in text
    assert TEXTS["tickets"]["zh-CN"] in text and TEXTS["methods"]["zh-CN"] in text
    assert f"第 1 页，共 {pages} 页" in text  # the footer
    assert LAST in text
    assert embedded_cjk_fonts(path), "no CJK font embedded"
    png = first_page_png(path, tmp_path)
    assert ink_share(png) > 0.01, f"the first page looks blank: {png}"


@pytest.mark.long_running(20)
async def test_a_first_campaigns_trend_sentence_follows_its_summary(
    sessions,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """With no campaign before it the trend is one sentence: on the summary's page, not on a
    page of its own that would print nearly blank; the factors still start a new page."""
    seeded = await seed_review(sessions)
    async with sessions() as session, session.begin():
        first = await build_review(session, CAMPAIGNS[0], lang="en", now=seeded.review_at)
        last = await build_review(session, LAST, lang="en", now=seeded.review_at)
    for review in (first, last):
        (tmp_path / review.filename("pdf")).write_bytes(await review_pdf(review))
    first_path, last_path = (tmp_path / r.filename("pdf") for r in (first, last))

    page_one = pdf_text(first_path, page=1)
    assert TEXTS["summary"]["en"] in page_one and TEXTS["trend_alone"]["en"] in page_one
    assert TEXTS["factors"]["en"] not in page_one
    assert TEXTS["factors"]["en"] in pdf_text(first_path, page=2)
    # with campaigns before it the trend chart keeps its own page
    assert TEXTS["trend"]["en"] not in pdf_text(last_path, page=1)
    assert TEXTS["trend"]["en"] in pdf_text(last_path, page=2)
