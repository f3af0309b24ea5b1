"""Every text the bot shows exists in each language, with the same placeholders."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.alerts import local_time
from bot.texts import (
    SCALES,
    TEXTS,
    history_actor,
    history_label,
    level_label,
    shorten,
    t,
    telegram_language,
)
from survey.loader import load_template
from survey.schema import LEVELS, SUPPORTED_LANGUAGES

TEMPLATES = ["ecss-5", "service-14", "weighted-4"]


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


CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
# an ASCII , ? ( ) : ; ! next to a Chinese character (digits, Latin words, placeholders and
# times such as 17:00 keep theirs)
ASCII_MARK_BY_CJK = re.compile(rf"(?<={CJK})\s*[,?():;!]|[,?():;!]\s*(?={CJK})")
ASCII_PARENS_AROUND_CJK = re.compile(rf"\([^()]*{CJK}[^()]*\)")


def chinese_strings() -> list[tuple[str, str]]:
    """(where, text) of every zh-CN string the bot can show: texts, scales, templates."""
    found = [(key, variants["zh-CN"]) for key, variants in TEXTS.items()]
    found += [(f"{scale}.{level}", text) for scale, v in SCALES.items()
              for level, text in v["zh-CN"].items()]  # fmt: skip
    for name in TEMPLATES:
        survey = load_template(name)
        found.append((f"{name}.title", survey.title["zh-CN"]))
        for factor in survey.factors:
            texts = [factor.text, factor.label or {}]
            texts += [a.text for a in factor.attributes]
            for item in factor.items:
                texts += [item.text, item.label or {}, *(a.text for a in item.attributes)]
            found += [(f"{name}.{factor.key}", t["zh-CN"]) for t in texts if "zh-CN" in t]
    return found


def test_chinese_texts_use_full_width_punctuation() -> None:
    bad = [
        (where, text)
        for where, text in chinese_strings()
        if ASCII_MARK_BY_CJK.search(text) or ASCII_PARENS_AROUND_CJK.search(text)
    ]
    assert bad == []


def test_the_punctuation_check_catches_ascii_marks() -> None:
    assert ASCII_MARK_BY_CJK.search("总体而言,您")
    assert ASCII_MARK_BY_CJK.search("如何?")
    assert ASCII_PARENS_AROUND_CJK.search("品质(含RoHS)")
    assert not ASCII_MARK_BY_CJK.search("截止 17:00，共 {count} 个（0 = 否，10 = 是）")


HISTORY_ACTIONS = [
    "opened", "follow_up", "alerted", "taken", "score_changed", "withdrawn", "plan",
    "callback_report", "due_at", "owner", "note", "classified", "reopened", "acknowledged",
    "plan_submitted", "in_progress", "verifying", "closed", "escalated",
]  # fmt: skip


@pytest.mark.parametrize("action", HISTORY_ACTIONS)
def test_ticket_history_actions_are_words_in_each_language(action: str) -> None:
    chinese = history_label(action, "zh-CN")
    assert re.search(CJK, chinese) and not re.search(r"[a-z_]{3,}", chinese)
    assert "_" not in history_label(action, "en")
    assert history_actor("bot", "zh-CN") == "机器人"
    assert history_actor("respondent:12", "zh-CN") == "受访者 #12"


def test_times_shown_to_staff_name_their_zone() -> None:
    moment = datetime(2026, 10, 9, 9, 0, tzinfo=UTC)
    assert local_time(moment, "Asia/Shanghai") == "2026-10-09 17:00 (Asia/Shanghai)"


@pytest.mark.parametrize(
    ("text", "limit", "short"),
    [
        ("How satisfied are you with how quickly we send quotations?", 30,
         "How satisfied are you with…"),
        ("综合考虑采购、质量和服务成本，您对与我司合作的总成本满意程度如何？", 20,
         "综合考虑采购、质量和服务成本…"),
        ("Short enough", 30, "Short enough"),
        ("Averyveryverylongwordwithoutanyspaceatall", 10, "Averyvery…"),
    ],
)  # fmt: skip
def test_shorten_cuts_at_a_word_or_a_chinese_mark(text: str, limit: int, short: str) -> None:
    assert shorten(text, limit) == short and len(short) <= limit
