"""The font every chart draws in: a sans-serif with Chinese glyphs, so that a zh-CN label is
text and not a row of boxes. Debian's ``fonts-noto-cjk`` provides Noto Sans CJK (the test
command installs it); any other font fontconfig lists for Chinese will do."""

from __future__ import annotations

import functools
import logging
from typing import Final

from matplotlib import font_manager

log = logging.getLogger(__name__)

# Preferred first; the Simplified Chinese face of Noto CJK reads best for zh-CN.
CJK_FAMILIES: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
)
FALLBACK: Final = "DejaVu Sans"  # matplotlib's own: Latin only
# File names of CJK fonts, for a font cache built before the font was installed.
_CJK_FILE_HINTS: Final = ("notosanscjk", "notosanssc", "sourcehansans", "wqy", "droidsansfallback")


@functools.cache
def chart_family() -> str:
    """The font family charts use: the first CJK family installed, else matplotlib's default
    (logged once: Chinese labels will then show as boxes)."""
    family = _installed_cjk_family()
    if family is None:
        _register_cjk_files()
        family = _installed_cjk_family()
    if family is None:
        log.warning(
            "no CJK font is installed (e.g. Debian's fonts-noto-cjk): "
            "Chinese chart labels will show as boxes"
        )
        return FALLBACK
    return family


def chart_fonts() -> list[str]:
    """The ``font.family`` list for ``matplotlib.rc_context``: the CJK family, then the default
    for any glyph it lacks."""
    return [chart_family(), FALLBACK]


def _installed_cjk_family() -> str | None:
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def _register_cjk_files() -> None:
    for path in font_manager.findSystemFonts(fontext="ttf"):  # .ttf, .otf and .ttc
        if any(hint in path.lower().replace("-", "").replace("_", "") for hint in _CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError) as exc:  # an unreadable file must not stop a chart
                log.info("font %s skipped: %s", path, exc)
