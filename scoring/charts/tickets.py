"""The ticket-effectiveness chart of the management review: per department, its tickets as one
horizontal bar split into how they stand (closed on time, closed late, open in time, overdue)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scoring.charts.canvas import as_svg, chart_style, new_figure

WIDTH = 7.2  # inches: the text width of an A4 page
ROW_HEIGHT, MIN_HEIGHT = 0.38, 1.6


@dataclass(frozen=True, slots=True)
class TicketStack:
    """One part of every bar: its label, colour and count per department."""

    label: str
    colour: str
    counts: Sequence[int]


def tickets_svg(departments: Sequence[str], stacks: Sequence[TicketStack], *, title: str) -> str:
    """Stacked horizontal bars, one per department (first on top), with each part's count
    written inside it; an inline ``<svg>`` whose accessible name is ``title``."""
    with chart_style():
        height = max(MIN_HEIGHT, 0.9 + ROW_HEIGHT * len(departments))
        figure = new_figure(WIDTH, height)
        axes = figure.subplots()
        y = np.arange(len(departments))
        left = np.zeros(len(departments))
        for stack in stacks:
            counts = np.asarray(stack.counts, dtype=float)
            bars = axes.barh(y, counts, left=left, color=stack.colour, label=stack.label)
            axes.bar_label(
                bars,
                labels=[f"{c:.0f}" if c else "" for c in counts],
                label_type="center",
                fontsize=7,
                color="white",
            )
            left += counts
        axes.set_yticks(y, list(departments))
        axes.invert_yaxis()
        axes.set_xlim(0, max(float(left.max(initial=0)), 1.0) * 1.05)
        axes.grid(axis="x", alpha=0.3)
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.15 if len(departments) > 2 else -0.3),
            ncols=len(stacks), fontsize="small", frameon=False,
        )  # fmt: skip
        return as_svg(figure, title=title)
