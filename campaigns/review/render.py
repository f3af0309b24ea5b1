"""The review as one self-contained HTML document (CSS inline, charts inline SVG, no script,
no external file or font), and as PDF through WeasyPrint. PDF building is CPU-bound: async
callers run ``html_to_pdf`` in a thread (``campaigns.review.review_pdf`` does)."""

from __future__ import annotations

import functools
import logging
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from survey.errors import SurveyError


class PdfUnavailable(SurveyError):
    """WeasyPrint cannot be loaded here (it needs the Pango library): the HTML still can be."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the PDF cannot be made on this machine: WeasyPrint could not load ({reason}); "
            "install Pango (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0) — the "
            "HTML review needs nothing"
        )
        self.reason = reason


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("campaigns.review", "templates"),
        autoescape=select_autoescape(("html", "css")),
        undefined=StrictUndefined,  # a misspelt name fails a test instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(context: dict[str, Any]) -> str:
    """The document of ``campaigns.review.document.review_context``."""
    return _environment().get_template("review.html").render(**context)


def html_to_pdf(html: str) -> bytes:
    """The HTML printed to PDF (A4, as its ``@page`` rule says), fonts embedded."""
    try:
        from weasyprint import HTML  # loads Pango through cffi: may fail on a bare machine
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    # WeasyPrint warns of every SVG presentation property in a style attribute (matplotlib
    # writes them so) though it draws them: a review would print hundreds of lines.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
