"""Every text the bot shows exists in each language, with the same placeholders."""

from __future__ import annotations

import re

import pytest

from bot.texts import SCALES, TEXTS, level_label, t, telegram_language
from survey.schema import LEVELS, SUPPORTED_LANGUAGES


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_in_every_language(key: str) -> None:
    variants = TEXTS[key]
    assert set(variants) == set(SUPPORTED_LANGUAGES)
    placeholders = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in variants.items()}
    assert len({frozenset(p) for p in placeholders.values()}) == 1, placeholders
    assert all(text.strip() for text in variants.values()) or key == "there"


def test_scales_have_every_level_and_labels_start_with_the_digit() -> None:
    for scale, languages in SCALES.items():
        for lang in SUPPORTED_LANGUAGES:
            assert sorted(languages[lang]) == list(LEVELS)
            for level in LEVELS:
                assert level_label(scale, level, lang).startswith(f"{level} · ")


def test_language_fallbacks() -> None:
    assert t("begin", None) == "Begin" and t("begin", "zh-CN") == "开始"
    assert [telegram_language(c) for c in ["zh-hans", "zh-TW", "en-US", "de", None]] == [
        "zh-CN",
        "zh-CN",
        "en",
        None,
        None,
    ]
