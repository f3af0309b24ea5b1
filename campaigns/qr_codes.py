"""QR codes of invitation links, for printed letters and posters (``csat campaign invite --qr``).

One PNG and one SVG per respondent, named by the respondent's external id, each holding one
link (the web link where there is a public URL, else the Telegram deep link). Always a full QR
code (``segno.make_qr``), never a Micro QR, which phone cameras do not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import segno

SCALE = 8  # pixels a module in the PNG: a 64-character link is about 500 px wide
BORDER = 4  # the quiet zone the standard asks for, in modules
ERROR_LEVEL = "m"  # survives a crease or a smudge on paper
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def file_stem(external_id: str) -> str:
    """A file name made of the external id: characters other than letters, digits, ``.``,
    ``_`` and ``-`` become ``_`` (no paths, nothing hidden)."""
    stem = UNSAFE.sub("_", external_id)
    return f"_{stem}" if stem.startswith(".") else stem


def qr_code(link: str) -> segno.QRCode:
    return segno.make_qr(link, error=ERROR_LEVEL)


def write_qr_codes(directory: Path, links: Iterable[tuple[str, str]]) -> list[Path]:
    """Write ``<external id>.png`` and ``.svg`` for each (external id, link) into
    ``directory`` (made if missing); returns the files written. Two ids with the same file
    name get ``-2``, ``-3`` … after the second."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    used: dict[str, int] = {}
    for external_id, link in links:
        stem = file_stem(external_id)
        used[stem] = used.get(stem, 0) + 1
        if used[stem] > 1:
            stem = f"{stem}-{used[stem]}"
        code = qr_code(link)
        for suffix in ("png", "svg"):
            path = directory / f"{stem}.{suffix}"
            code.save(str(path), kind=suffix, scale=SCALE, border=BORDER)
            written.append(path)
    return written
