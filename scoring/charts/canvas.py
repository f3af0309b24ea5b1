"""A figure to draw on and its output: every chart starts with ``new_figure`` and ends with
``as_svg`` (inline in a page) or ``save_png``. Text in an SVG is drawn as paths, so the page
needs no font of its own and Chinese shows whatever the viewer has installed."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from scoring.charts.fonts import chart_fonts


@contextmanager
def chart_style() -> Iterator[None]:
    """matplotlib settings for drawing one chart: the CJK font, text as paths in SVG, and no
    date or hash in the SVG so the same chart gives the same bytes."""
    with matplotlib.rc_context(
        {
            "font.family": "sans-serif",
            "font.sans-serif": chart_fonts(),
            "svg.fonttype": "path",
            "svg.hashsalt": "csat",
            "axes.unicode_minus": False,  # the CJK faces have no U+2212
        }
    ):
        yield


def new_figure(width: float, height: float, **kwargs: Any) -> Figure:
    """A figure of ``width`` × ``height`` inches with the constrained layout; draw it inside
    ``chart_style()`` so its text takes the chart font."""
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def as_svg(figure: Figure, *, title: str | None = None) -> str:
    """The figure as an inline ``<svg>`` element (no XML prolog), scaling to its container's
    width; ``title`` becomes its accessible name."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure)
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    # Scale with the page: the viewBox keeps the aspect, CSS sets the width.
    svg = svg.replace('width="', 'data-width="', 1).replace('height="', 'data-height="', 1)
    if title:
        text = html.escape(title, quote=False)
        label = html.escape(title, quote=True)
        svg = svg.replace(">", f' role="img" aria-label="{label}"><title>{text}</title>', 1)
    return svg


def save_png(figure: Figure, path: str | Path, *, dpi: int = 110) -> Path:
    """Write the figure to ``path`` as a PNG and return the path."""
    out = Path(path)
    FigureCanvasAgg(figure)
    figure.savefig(out, format="png", dpi=dpi)
    return out
