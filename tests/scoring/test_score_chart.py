"""The factor and item score chart (scoring.charts.scores): each campaign's whiskers are drawn
to the scale of its dots — the previous campaign's own interval beside this one's, not only
its point."""

from __future__ import annotations

import pytest

from scoring.charts.scores import CURRENT_INTERVALS, PREVIOUS_INTERVALS, ScoreRow, scores_svg
from tests.scoring.svg_reading import whiskers


def chart(rows: list[ScoreRow], previous_label: str | None = "2026-H1") -> str:
    return scores_svg(
        rows,
        title="Factor scores",
        current_label="2026-H2",
        previous_label=previous_label,
        target=80.0,
        target_label="target",
    )


def test_the_previous_campaigns_interval_is_drawn_to_scale() -> None:
    svg = chart([ScoreRow("Delivery", 80.0, 75.0, 85.0, 70.0, 60.0, 80.0)])
    [(left, right)] = whiskers(svg, CURRENT_INTERVALS)
    [(before_left, before_right)] = whiskers(svg, PREVIOUS_INTERVALS)
    # One axis for both: the previous campaign's interval (60–80) spans 20 points where this
    # one's (75–85) spans 10, and starts 15 points to its left.
    unit = (right - left) / 10.0
    assert (before_right - before_left) / unit == pytest.approx(20.0, rel=1e-4)
    assert (left - before_left) / unit == pytest.approx(15.0, rel=1e-4)


def test_each_row_keeps_its_own_previous_interval() -> None:
    rows = [
        ScoreRow("Delivery", 80.0, 75.0, 85.0, 70.0, 60.0, 80.0),
        ScoreRow("Price", 60.0, 50.0, 70.0, None, None, None),  # new factor: nothing before
        ScoreRow("Quality", 90.0, 86.0, 94.0, 88.0, 84.0, 92.0),
    ]
    svg = chart(rows)
    drawn = [(a, b) for a, b in whiskers(svg, PREVIOUS_INTERVALS) if b > a]
    assert len(drawn) == 2
    (delivery, quality), now = drawn, whiskers(svg, CURRENT_INTERVALS)
    assert (delivery[1] - delivery[0]) / (quality[1] - quality[0]) == pytest.approx(
        20.0 / 8.0, rel=1e-4
    )
    assert len([w for w in now if w[1] > w[0]]) == 3


def test_no_previous_campaign_draws_no_previous_whiskers() -> None:
    svg = chart([ScoreRow("Delivery", 80.0, 75.0, 85.0)], previous_label=None)
    assert f'id="{PREVIOUS_INTERVALS}"' not in svg and f'id="{CURRENT_INTERVALS}"' in svg
