"""Reading a score chart's SVG back (scoring.charts.scores): the whiskers of one campaign."""

from __future__ import annotations

import re

SEGMENT = re.compile(r'<path d="M ([\d.]+) ([\d.]+) \s*L ([\d.]+) ([\d.]+) \s*"')


def whiskers(svg: str, gid: str) -> list[tuple[float, float]]:
    """The (left, right) ends of the whiskers in the SVG group ``gid``, top row first; a row
    without a point draws no segment, one without an interval a segment of length 0."""
    start = svg.index(f'id="{gid}"')
    group = svg[start : svg.index("</g>", start)]
    return [(float(m[1]), float(m[3])) for m in SEGMENT.finditer(group)]


def chart_named(html: str, label: str) -> str:
    """The inline ``<svg>`` of a page whose accessible name starts with ``label``."""
    start = html.rindex("<svg", 0, html.index(f'aria-label="{label}'))
    return html[start : html.index("</svg>", start)]
