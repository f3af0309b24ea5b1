"""The browser's language, as both server-rendered channels read it."""

from __future__ import annotations

import pytest

from pagekit.languages import accepted_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-TW,zh;q=0.9", "zh-CN"),
        ("en-GB,en;q=0.8", "en"),
        ("fr-FR, de;q=0.7, EN;q=0.3", "en"),  # the first of ours, in any case
        ("fr-FR,de", None),
        ("", None),
        (None, None),
    ],
)
def test_the_first_of_our_languages_the_header_names(
    header: str | None, language: str | None
) -> None:
    assert accepted_language(header) == language
