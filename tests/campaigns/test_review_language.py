"""The review in zh-CN says nothing in English: the report's notes and the method notes
(interval methods, sampling unit, weighting, the factor score rule, the choice of test,
multiplicity) are worded in Chinese from the same facts the English report states; in en they
are the report's own sentences."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from campaigns.reports import load_campaign_report
from campaigns.review import build_review
from campaigns.review.methods import INTERVAL_NAMES, ZH_CN_INTERVAL_TEXT
from campaigns.review.notes import ZH_CN, review_notes
from campaigns.review.texts import LANGUAGES
from scoring import CampaignReport
from scoring.methods import Interval
from scoring.notes import NoteKind
from storage.campaigns import campaign_by_key
from storage.surveys import get_survey
from tests.campaigns.review_seed import CAMPAIGNS, LAST, seed_review

pytestmark = pytest.mark.both_backends

# A run of five Latin words is a sentence; names in the data (customers, departments, question
# codes) are shorter.
ENGLISH_RUN = re.compile(r"(?:\b[A-Za-z][A-Za-z'’-]*\b[\s,;:()]+){4}\b[A-Za-z]")


def visible_text(html: str) -> list[str]:
    """The document's text outside its SVG charts and its style sheet."""
    body = re.sub(r"<(svg|style)\b.*?</\1>", "", html, flags=re.S)
    return [t.strip() for t in re.split(r"<[^>]+>", body) if t.strip()]


def english_sentences(report: CampaignReport) -> list[str]:
    m = report.methods
    used = {m.interval_methods[method] for method in m.intervals.values()}
    scheme = [m.sampling_unit, m.weighting, m.factor_score_rule, m.test_choice, m.multiplicity]
    return [*report.notes, *sorted(used), *scheme]


def test_every_note_and_method_has_its_chinese_words() -> None:
    assert set(ZH_CN) == set(NoteKind)
    assert set(ZH_CN_INTERVAL_TEXT) == set(Interval)
    for lang in LANGUAGES:
        assert set(INTERVAL_NAMES[lang]) == set(Interval)


async def test_the_chinese_review_has_no_english_note_or_method(sessions) -> None:  # type: ignore[no-untyped-def]
    seeded = await seed_review(sessions)
    async with sessions() as session, session.begin():
        report = await load_campaign_report(session, LAST)
        zh = (await build_review(session, LAST, lang="zh-CN", now=seeded.review_at)).html
        en = (await build_review(session, LAST, lang="en", now=seeded.review_at)).html
    sentences = english_sentences(report)
    assert len(report.notes) == 2 and len(sentences) >= 10
    for sentence in sentences:
        assert str(escape(sentence)) in en, sentence  # the English review prints them
        assert str(escape(sentence)) not in zh, sentence
    # Each by name: the notes, an interval method, the scheme.
    for english in (
        "Not representative: a 75.0 % response rate (3 of 4 invited completed) is below the "
        "80 % target.",
        "Small sample: only 2 customers have a score;",
        "Wilson score interval over customers",
        "Customers are the sampling unit",
        "Benjamini–Hochberg within each family",
        "changes are tested on customer-level figures",
    ):
        assert english in en and english not in zh
    assert "不具代表性：回复率 75.0 %（邀请 4 份，完成 3 份）低于目标 80 %。" in zh
    assert "小样本：仅 2 家顾客有得分；" in zh
    assert "以顾客计的 Wilson 得分区间（每家顾客只计一次）" in zh
    assert "以顾客为抽样单位" in zh and "Benjamini–Hochberg 校正" in zh
    assert "两次合计不超过 40 家顾客时用蒙特卡洛置换检验" in zh
    assert "英文" not in zh  # no "(in English)" caveats left
    assert not [t for t in visible_text(zh) if ENGLISH_RUN.search(t)]
    assert [t for t in visible_text(en) if ENGLISH_RUN.search(t)]  # the check can fail


async def test_a_first_campaigns_notes_in_chinese(sessions) -> None:  # type: ignore[no-untyped-def]
    seeded = await seed_review(sessions)
    first = CAMPAIGNS[0]
    async with sessions() as session, session.begin():
        report = await load_campaign_report(session, first)
        campaign = await campaign_by_key(session, first)
        assert campaign is not None
        survey = await get_survey(session, campaign.survey_id)
        zh = (await build_review(session, first, lang="zh-CN", now=seeded.review_at)).html
    # The English words are the report's own; zh-CN states the same notes, one for one.
    assert review_notes(report, survey, "en") == list(report.notes)
    assert "No previous campaign: trends compare with the targets only." in report.notes
    chinese = review_notes(report, survey, "zh-CN")
    assert len(chinese) == len(report.notes)
    assert "没有上次调查：趋势只与目标比较。" in chinese
    assert all(note in zh for note in chinese)
    assert not any(str(escape(note)) in zh for note in report.notes)
