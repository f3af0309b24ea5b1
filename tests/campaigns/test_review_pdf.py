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
from tests.campaigns.review_seed import LAST, seed_review


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
