"""``csat report KEY --format html|pdf [--lang]``: the management review written into --out,
its figures those of the report's JSON; the text format as before; a bad format or language is
a usage error; and a machine whose WeasyPrint cannot load (no Pango) gets a plain sentence for
the PDF, never a traceback, while the HTML is still written."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from campaigns import review
from cli import reporting
from tests.campaigns.pdf_checks import pdf_text
from tests.campaigns.review_seed import LAST, seed_review
from tests.campaigns.test_review import assert_self_contained, figures_of
from tests.cli.test_commands import csat

REPOSITORY = Path(__file__).parents[2]
# What importing WeasyPrint does on a machine without Pango: cffi cannot open the library.
NO_PANGO = (
    "raise OSError(\"cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared "
    'object file: No such file or directory")\n'
)


def test_the_options_defaults_are_the_reviews() -> None:
    assert reporting.DEFAULT_LANGUAGE == review.DEFAULT_LANGUAGE
    assert reporting.LANGUAGES == review.LANGUAGES


async def test_html_and_text_tell_the_same_figures(db_url: str, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await seed_review(sessions)
    code, out = await csat(db_url, "report", LAST, "--out", str(tmp_path))
    assert code == 0, out
    assert "Summary" in out and f"wrote {tmp_path / LAST}.json" in out.replace("\n", "")
    data = json.loads((tmp_path / f"{LAST}.json").read_text(encoding="utf-8"))
    code, out = await csat(
        db_url, "report", LAST, "--format", "html", "--lang", "en", "--out", str(tmp_path)
    )
    assert code == 0, out
    path = tmp_path / f"{LAST}-review-en.html"
    assert f"wrote {path}" in out.replace("\n", "") and "Summary" not in out
    html = path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert_self_contained(html)
    figures = figures_of(html)
    summary = data["summary"]
    assert figures["satisfaction_rate"] == f"{100 * summary['satisfaction_rate']['value']:.1f} %"
    assert figures["mean_score"] == f"{summary['mean_score']['value']:.1f}"
    assert figures["response_rate"] == f"{100 * data['response']['rate']['value']:.1f} %"
    for factor in data["factors"]:
        assert figures[f"factor-{factor['group']}"] == f"{factor['mean_score']:.1f}"
    split = figures["split"]
    assert f"{summary['opinion_tickets']} opinion tickets" in split


async def test_pdf_in_the_default_language(db_url: str, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await seed_review(sessions)
    code, out = await csat(db_url, "report", LAST, "--format", "pdf", "--out", str(tmp_path))
    assert code == 0, out
    path = tmp_path / f"{LAST}-review-zh-CN.pdf"
    assert path.read_bytes().startswith(b"%PDF-")
    assert "顾客满意度管理评审报告" in pdf_text(path)
    assert "WARNING" not in out  # WeasyPrint's notes on matplotlib's SVG stay quiet


async def test_a_bad_format_or_language_is_a_usage_error(db_url: str, sessions) -> None:  # type: ignore[no-untyped-def]
    await seed_review(sessions)
    code, out = await csat(db_url, "report", LAST, "--format", "docx")
    assert code == 2 and "no report format 'docx'; use one of text, html, pdf" in out
    code, out = await csat(db_url, "report", LAST, "--format", "html", "--lang", "fr")
    assert code == 2 and "no review language 'fr'; use one of zh-CN, en" in out
    code, out = await csat(db_url, "report", "2031-Q1", "--format", "html")
    assert code == 1 and "no campaign '2031-Q1'" in out


def _csat_without_pango(db_url: str, fake: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "CSAT_DATABASE_URL": db_url,
        "PYTHONPATH": os.pathsep.join([str(fake), str(REPOSITORY)]),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-c", "from cli.main import app; app()", *args],
        capture_output=True, text=True, timeout=120, env=env, cwd=REPOSITORY,
    )  # fmt: skip


async def test_without_pango_the_pdf_is_refused_plainly(
    db_url: str,
    sessions,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    await seed_review(sessions)
    fake = tmp_path / "site"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text(NO_PANGO)
    out = tmp_path / "reports"
    pdf = await asyncio.to_thread(
        _csat_without_pango, db_url, fake, "report", LAST, "--format", "pdf", "--out", str(out)
    )
    assert pdf.returncode == 1, pdf.stdout + pdf.stderr
    assert "Traceback" not in pdf.stderr
    assert "the PDF cannot be made on this machine: WeasyPrint could not load" in pdf.stderr
    assert "libpango-1.0-0" in pdf.stderr and not list(out.glob("*.pdf"))
    html = await asyncio.to_thread(
        _csat_without_pango, db_url, fake, "report", LAST, "--format", "html", "--out", str(out)
    )
    assert html.returncode == 0, html.stderr
    assert (out / f"{LAST}-review-zh-CN.html").exists()
