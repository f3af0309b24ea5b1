"""Charts draw Chinese with real glyphs: each character of a Chinese title renders as its own
shape, not as the missing-glyph box, in the PNG and in the SVG."""

from __future__ import annotations

import re
import warnings

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

from scoring.charts.canvas import as_svg, chart_style, new_figure
from scoring.charts.fonts import CJK_FAMILIES, chart_family

TITLE = "客户满意度"
MISSING = "\U000f0000"  # a private-use code point no font draws: the box


def _bitmap(text: str) -> np.ndarray:
    with chart_style():
        figure = new_figure(1, 1)
        figure.text(0.5, 0.5, text, fontsize=40, ha="center", va="center")
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def test_the_chart_font_is_a_cjk_font() -> None:
    assert chart_family() in CJK_FAMILIES  # the test command installs fonts-noto-cjk


def test_each_chinese_character_renders_as_its_own_glyph_not_the_box() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Glyph ... missing": that is the point
        box = _bitmap(MISSING)
    shapes = [_bitmap(ch) for ch in TITLE]
    for ch, shape in zip(TITLE, shapes, strict=True):
        assert (shape < 128).any(), f"{ch} drew nothing"
        assert not np.array_equal(shape, box), f"{ch} drew the missing-glyph box"
    assert len({shape.tobytes() for shape in shapes}) == len(TITLE)


def test_an_svg_chart_carries_an_outline_for_each_chinese_character() -> None:
    with chart_style():
        figure = new_figure(4, 1)
        figure.text(0.5, 0.5, TITLE)
        svg = as_svg(figure, title=TITLE)
    assert svg.startswith("<svg") and f"<title>{TITLE}</title>" in svg
    glyphs = set(re.findall(r'<path id="(NotoSans[^"]*)"', svg))
    assert len(glyphs) == len(set(TITLE))


def test_the_same_chart_gives_the_same_svg() -> None:
    def draw() -> str:
        with chart_style():
            figure = new_figure(3, 2)
            figure.subplots().bar([0, 1], [2, 3])
            return as_svg(figure)

    assert draw() == draw()
