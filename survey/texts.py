"""The survey's own texts, in each language (SPEC §3): what every channel shows a respondent
— the greeting, the questions' frame, the level labels, "unable to comment", Back, the
follow-up, NPS, comment, summary and thanks. A channel adds its own phrases (bot/texts.py,
web/texts.py); none inlines a string.
"""

from __future__ import annotations

import re
from typing import Any

FALLBACK_LANGUAGE = "en"
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}
ELLIPSIS = "…"
CLAUSE_MARKS = "，、；：。？！,;:.?!"
CJK = re.compile(r"[\u3400-\u9fff]")

SURVEY_TEXTS: dict[str, dict[str, str]] = {
    "choose_language": {
        "zh-CN": "请选择语言 / Please choose your language:",
        "en": "Please choose your language / 请选择语言:",
    },
    "greeting": {
        "zh-CN": "{name}您好！感谢您参加「{title}」。\n共 {count} 个问题，大约需要 {minutes} 分钟。"
        "每个回答都会立即保存，您可以随时暂停，稍后继续。",
        "en": "Hello {name}! Thank you for taking part in “{title}”.\nThere are {count} questions; "
        "it takes about {minutes} min. Each answer is saved at once, so you can pause and "
        "come back any time.",
    },
    "there": {"zh-CN": "", "en": "there"},
    "begin": {"zh-CN": "开始", "en": "Begin"},
    "question": {
        "zh-CN": "{number}/{total} · {factor}\n\n{text}",
        "en": "{number}/{total} · {factor}\n\n{text}",
    },
    "question_alone": {"zh-CN": "{number}/{total}\n\n{text}", "en": "{number}/{total}\n\n{text}"},
    "unable": {"zh-CN": "无法回答", "en": "Unable to comment"},
    "back": {"zh-CN": "◀ 返回", "en": "◀ Back"},
    "chosen": {"zh-CN": "✓ {choice}", "en": "✓ {choice}"},
    "went_back": {"zh-CN": "◀ 已返回上一题", "en": "◀ Went back"},
    "causes": {
        "zh-CN": "{sorry}主要是哪些原因？（可多选，选好后点“完成”）",
        "en": "{sorry} What were the main causes? (choose any, then press Done)",
    },
    # The apology before the causes: a satisfaction question is named by its label, an
    # agreement statement is quoted as the respondent disagreed with it.
    "sorry_dissatisfied": {
        "zh-CN": "很抱歉您对「{subject}」不满意。",
        "en": "We are sorry that you are not satisfied with “{subject}”.",
    },
    "sorry_disagree": {
        "zh-CN": "很抱歉您不同意「{statement}」。",
        "en": "We are sorry that you disagree that {statement}.",
    },
    "done": {"zh-CN": "完成", "en": "Done"},
    "causes_chosen": {"zh-CN": "原因：{causes}", "en": "Causes: {causes}"},
    "no_causes": {"zh-CN": "（未选择）", "en": "(none chosen)"},
    "what_happened": {
        "zh-CN": "能简单说说发生了什么吗？请直接输入文字，或点“跳过”。",
        "en": "Could you tell us briefly what happened? Type your answer, or press Skip.",
    },
    "skip": {"zh-CN": "跳过", "en": "Skip"},
    "skipped": {"zh-CN": "（已跳过）", "en": "(skipped)"},
    "nps": {
        "zh-CN": "您有多大可能把我们推荐给同行或朋友？（0 = 完全不可能，10 = 非常可能）",
        "en": "How likely are you to recommend us to a colleague? (0 = not at all, 10 = extremely)",
    },
    "comment": {
        "zh-CN": "最后，您还有什么意见或建议吗？请直接输入，或点“跳过”。",
        "en": "Finally, any comment or suggestion for us? Type it, or press Skip.",
    },
    "summary": {
        "zh-CN": "您的回答：\n{lines}\n\n确认无误请点“提交”，或修改某个回答。",
        "en": "Your answers:\n{lines}\n\nPress Submit if all is right, or change an answer.",
    },
    "submit": {"zh-CN": "提交", "en": "Submit"},
    "change": {"zh-CN": "修改回答", "en": "Change an answer"},
    "choose_change": {"zh-CN": "要修改哪个问题？", "en": "Which answer would you like to change?"},
    "summary_line": {"zh-CN": "{number}. {label} — {value}", "en": "{number}. {label} — {value}"},
    "nps_label": {"zh-CN": "推荐意愿", "en": "Recommendation"},
    "comment_label": {"zh-CN": "意见和建议", "en": "Comment"},
    "thank_you": {
        "zh-CN": "已提交，衷心感谢您的宝贵意见！我们会认真分析并持续改进。",
        "en": "Submitted. Thank you very much for your time and feedback! "
        "We will study every answer and act on it.",
    },
    "invitation_not_found": {
        "zh-CN": "抱歉，这个邀请链接无效。请检查链接，或联系您的客户经理。",
        "en": "Sorry, this invitation link is not valid. Please check it or ask your account manager.",
    },
    "invitation_completed": {
        "zh-CN": "这份调查您已经提交过了，谢谢！",
        "en": "This survey was already submitted. Thank you!",
    },
    "text_cut": {
        "zh-CN": "您的文字较长，只保存了前 {limit} 个字符。",
        "en": "Your text was long; the first {limit} characters were kept.",
    },
    "first_question": {"zh-CN": "这已经是第一题了。", "en": "This is the first question."},
    "language_set": {"zh-CN": "语言已切换为中文。", "en": "Language set to English."},
}

SCALES: dict[str, dict[str, dict[int, str]]] = {
    "satisfaction": {
        "zh-CN": {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"},
        "en": {
            5: "Extremely satisfied",
            4: "Satisfied",
            3: "Neutral",
            2: "Dissatisfied",
            1: "Extremely dissatisfied",
        },
    },
    "agreement": {
        "zh-CN": {5: "非常同意", 4: "同意", 3: "一般", 2: "不同意", 1: "非常不同意"},
        "en": {
            5: "Strongly agree",
            4: "Agree",
            3: "Neutral",
            2: "Disagree",
            1: "Strongly disagree",
        },
    },
}


def text(table: dict[str, dict[str, str]], key: str, language: str | None, **values: Any) -> str:
    """The text ``key`` of ``table`` in ``language`` (falling back to English), filled in."""
    variants = table[key]
    template = variants.get(language or FALLBACK_LANGUAGE) or variants[FALLBACK_LANGUAGE]
    return template.format(**values) if values else template


def t(key: str, language: str | None, **values: Any) -> str:
    """The survey text ``key`` in ``language``, filled with ``values``."""
    return text(SURVEY_TEXTS, key, language, **values)


def level_label(scale: str, level: int, language: str | None) -> str:
    """``4 · Satisfied``: level labels begin with the level digit."""
    labels = SCALES[scale].get(language or FALLBACK_LANGUAGE) or SCALES[scale][FALLBACK_LANGUAGE]
    return f"{level} · {labels[level]}"


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending in "…" when cut: at a word boundary,
    or in Chinese (no spaces) preferably after a punctuation mark, else at the limit."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " ":
        spaces = [i for i, c in enumerate(head) if c == " "]
        marks = [i + 1 for i, c in enumerate(head) if c in CLAUSE_MARKS]
        order = (marks, spaces) if CJK.search(head) else (spaces, marks)
        cut = next((max(p) for p in order if p and max(p) > limit // 2), len(head))
        head = head[:cut]
    return head.rstrip(" " + CLAUSE_MARKS) + ELLIPSIS


def pick(texts: dict[str, str], language: str | None) -> str:
    """A questionnaire text in the wanted language, else the first one there is."""
    if language and texts.get(language):
        return texts[language]
    return texts.get(FALLBACK_LANGUAGE) or next(iter(texts.values()))
