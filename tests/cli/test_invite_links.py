"""``csat campaign invite`` prints both links of every respondent (the Telegram deep link and
the web link) and with ``--qr DIR`` writes a QR code of each, read back here with a real
decoder; ``csat campaign chase`` carries both links; a missing setting is said plainly."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import segno
import zxingcpp
from PIL import Image

from campaigns.qr_codes import BORDER, SCALE, file_stem, qr_code
from storage.campaigns import deep_link, web_link
from tests.support import invoke_csat, seed_campaign

PUBLIC_URL = "https://csat.example.com"
USERNAME = "csat_test_bot"
LINKS = {"CSAT_BOT_USERNAME": USERNAME, "CSAT_PUBLIC_URL": PUBLIC_URL}


def lines_of(output: str) -> list[list[str]]:
    return [line.split("\t") for line in output.splitlines() if re.match(r"^r\d\t", line)]


def decoded(png: Path) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(Image.open(png).convert("L"))]


def svg_path(svg: str) -> str:
    """The path data of a segno SVG: the dark modules, so equal paths mean equal matrices."""
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    (path,) = [e for e in root.iter() if e.tag.endswith("path")]
    return path.attrib["d"]


async def test_invite_prints_both_links_and_writes_a_qr_code_of_each_web_link(
    db_url: str, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    folder = tmp_path / "qr"
    result = await invoke_csat(
        db_url, "campaign", "invite", "2026-Q4", "--qr", str(folder), **LINKS
    )
    assert result.exit_code == 0, result.output
    assert lines_of(result.output) == [
        [r, deep_link(USERNAME, token), web_link(PUBLIC_URL, token)] for r, token in tokens.items()
    ]
    assert "no web links" not in result.output
    assert "QR codes of 4 web links: 8 files in" in " ".join(result.output.split())
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{r}.{suffix}" for r in tokens for suffix in ("png", "svg")
    )
    for respondent, token in tokens.items():
        link = web_link(PUBLIC_URL, token)
        png = folder / f"{respondent}.png"
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert decoded(png) == [link]  # a phone's camera reads the same link back
        expected = tmp_path / "expected.svg"
        segno.make_qr(link, error="m").save(str(expected), kind="svg", scale=SCALE, border=BORDER)
        svg = (folder / f"{respondent}.svg").read_text()
        assert svg_path(svg) == svg_path(expected.read_text())

    again = await invoke_csat(db_url, "campaign", "invite", "2026-Q4", **LINKS)
    assert lines_of(again.output) == lines_of(result.output)  # the same links, nothing re-sent

    chase = await invoke_csat(db_url, "campaign", "chase", "2026-Q4", **LINKS)
    assert chase.exit_code == 0, chase.output
    rows = lines_of(chase.output)
    assert [(row[0], row[3], row[-2:]) for row in rows] == [
        (r, "never opened the bot", [deep_link(USERNAME, t), web_link(PUBLIC_URL, t)])
        for r, t in tokens.items()
    ]


async def test_without_a_public_url_the_deep_link_is_printed_and_coded_and_the_gap_named(
    db_url: str, sessions, tmp_path: Path
) -> None:
    tokens = await seed_campaign(sessions)
    result = await invoke_csat(
        db_url, "campaign", "invite", "2026-Q4", "--qr", str(tmp_path), CSAT_BOT_USERNAME=USERNAME
    )
    assert result.exit_code == 0, result.output
    assert lines_of(result.output) == [[r, deep_link(USERNAME, t)] for r, t in tokens.items()]
    assert "no web links: set CSAT_PUBLIC_URL" in " ".join(result.output.split())
    assert decoded(tmp_path / "r1.png") == [deep_link(USERNAME, tokens["r1"])]


async def test_only_a_public_url_prints_web_links_and_neither_is_refused(
    db_url: str, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    neither = await invoke_csat(db_url, "campaign", "invite", "2026-Q4")
    assert neither.exit_code != 0
    assert "set CSAT_BOT_USERNAME" in neither.output and "CSAT_PUBLIC_URL" in neither.output
    web_only = await invoke_csat(
        db_url, "campaign", "invite", "2026-Q4", CSAT_PUBLIC_URL=PUBLIC_URL
    )
    assert web_only.exit_code == 0, web_only.output
    assert lines_of(web_only.output)[0] == ["r1", "-", web_link(PUBLIC_URL, tokens["r1"])]


def test_qr_file_names_are_made_safe_and_codes_are_never_micro() -> None:
    assert file_stem("../etc/passwd") == "_.._etc_passwd"
    assert file_stem("R-01_a.b") == "R-01_a.b"
    assert not qr_code("https://x.example/s/t").is_micro
