"""``GET /campaigns/{key}/review.html`` and ``review.pdf``: every role may read them, a
missing or unknown key may not; an unknown campaign is a 404 and an unknown language a 422 in
the API's one error shape; the HTML is the document in the language asked for, the PDF an A4
attachment with its Chinese title."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from campaigns.review.texts import TEXTS
from survey.loader import load_template
from tests.admin.conftest import Api, error_of
from tests.campaigns.pdf_checks import page_size, pdf_text
from tests.support import respond, seed_campaign

QUESTIONS = [q.key for q in load_template("ecss-5").questions()]
REVIEW = "/campaigns/2026-Q4/review"


async def seeded(api: Api) -> None:
    tokens = await seed_campaign(api.sessions)
    await respond(api.sessions, tokens["r1"], dict.fromkeys(QUESTIONS, 4), nps=8)
    await respond(api.sessions, tokens["r3"], dict.fromkeys(QUESTIONS, 2), nps=2)


@pytest.mark.parametrize("role", ["viewer", "staff", "admin"])
async def test_every_role_reads_the_review(api: Api, role: str) -> None:
    await seeded(api)
    response = await api.get(f"{REVIEW}.html", role=role)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in response.text  # the default language
    assert TEXTS["title"]["zh-CN"] in response.text


async def test_the_language_is_asked_for_and_checked(api: Api) -> None:
    await seeded(api)
    english = await api.get(f"{REVIEW}.html", params={"lang": "en"}, role="viewer")
    assert english.status_code == 200 and '<html lang="en">' in english.text
    assert TEXTS["title"]["en"] in english.text and TEXTS["title"]["zh-CN"] not in english.text
    refused = await api.get(f"{REVIEW}.html", params={"lang": "fr"}, role="viewer")
    error = error_of(refused, 422)
    assert "lang" in str(error["details"])


async def test_no_key_unknown_key_and_unknown_campaign(api: Api) -> None:
    await seeded(api)
    for suffix in ("html", "pdf"):
        error_of(await api.get(f"{REVIEW}.{suffix}", role=None), 401)
        unknown = await api.get(
            f"{REVIEW}.{suffix}", role=None, headers={"Authorization": "Bearer csat_nope"}
        )
        error_of(unknown, 401)
        missing = error_of(await api.get(f"/campaigns/2031-Q1/review.{suffix}"), 404)
        assert "2031-Q1" in missing["message"]


@pytest.mark.long_running(15)
async def test_the_pdf_is_an_a4_attachment(api: Api, tmp_path: Path) -> None:
    await seeded(api)
    response = await api.get(f"{REVIEW}.pdf", role="viewer")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="2026-Q4-review-zh-CN.pdf"'
    path = tmp_path / "review.pdf"
    path.write_bytes(response.content)
    assert round(page_size(path)[0]) == 595 and round(page_size(path)[1]) == 842
    assert TEXTS["title"]["zh-CN"] in pdf_text(path)


async def test_without_weasyprint_the_pdf_is_a_503_and_the_demo_still_writes_the_html(
    api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A machine without Pango cannot import WeasyPrint (``None`` in ``sys.modules`` makes
    the import fail as it would): the route says so with a 503, and the demo's manager, who
    downloads the review, says so plainly and keeps the HTML."""
    from cli.demo_manager import CAMPAIGN, Manager

    tokens = await seed_campaign(api.sessions, key=CAMPAIGN)
    await respond(api.sessions, tokens["r1"], dict.fromkeys(QUESTIONS, 4))
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    error = error_of(await api.get(f"/campaigns/{CAMPAIGN}/review.pdf"), 503)
    assert error["message"].startswith("the PDF cannot be made on this machine")
    transport = httpx.ASGITransport(app=api.app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://admin", headers=api.auth("admin")
    ) as client:
        await Manager(client).review(tmp_path)
    printed = " ".join(capsys.readouterr().out.split())
    assert "no PDF of the review: the PDF cannot be made on this machine" in printed
    assert f"management review: {tmp_path / CAMPAIGN}-review-zh-CN.html" in printed
    assert (tmp_path / f"{CAMPAIGN}-review-zh-CN.html").exists()
    assert not list(tmp_path.glob("*.pdf"))
