"""What a review PDF is checked for, with Debian's poppler-utils (installed by scripts/test.sh):
its text (pdftotext), its fonts (pdffonts: a CJK face embedded), its page size (pdfinfo: A4),
and its first page rendered to PNG (pdftoppm) with ink on it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from PIL import Image

A4_POINTS = (595.276, 841.89)


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def pdf_text(path: Path, page: int | None = None) -> str:
    """The PDF's text, or one page's (counted from 1)."""
    pages = () if page is None else ("-f", str(page), "-l", str(page))
    return run("pdftotext", "-layout", *pages, str(path), "-")


def embedded_cjk_fonts(path: Path) -> list[str]:
    """The embedded fonts whose name says CJK (Noto Sans CJK SC, Source Han, WenQuanYi…)."""
    rows = run("pdffonts", str(path)).splitlines()[2:]
    return [
        row.split()[0]
        for row in rows
        if re.search(r"CJK|Han|WenQuanYi|SC", row) and " yes " in f" {row} "
    ]


def page_size(path: Path) -> tuple[float, float]:
    info = run("pdfinfo", str(path))
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert match is not None, info
    return float(match[1]), float(match[2])


def page_count(path: Path) -> int:
    match = re.search(r"Pages:\s+(\d+)", run("pdfinfo", str(path)))
    assert match is not None
    return int(match[1])


def first_page_png(path: Path, folder: Path, dpi: int = 60) -> Path:
    run("pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(path),
        str(folder / path.stem))  # fmt: skip
    return folder / f"{path.stem}.png"


def ink_share(png: Path) -> float:
    """The share of the page's pixels that are not white: 0 for a blank page."""
    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)
