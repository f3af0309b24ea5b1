"""What the e-mails say, in each language: subject, body and the link's label per letter.

The respondent's language decides (zh-CN when they have none: seed 001 is a Chinese procedure);
a language missing here falls back to English.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LANGUAGE = "zh-CN"
FALLBACK_LANGUAGE = "en"

MAIL_TEXTS: dict[str, dict[str, str]] = {
    "invitation_subject": {
        "zh-CN": "诚邀您参加「{title}」",
        "en": "You are invited: “{title}”",
    },
    "invitation_body": {
        "zh-CN": "{name}您好！\n\n诚邀您参加「{title}」（{campaign}）。共 {count} 个问题，大约需要 "
        "{minutes} 分钟；每个回答都会立即保存，您可以随时暂停，稍后继续。您的意见对我们非常重要！",
        "en": "Hello {name}!\n\nWe would like to invite you to “{title}” ({campaign}). There are "
        "{count} questions; it takes about {minutes} min. Each answer is saved at once, so you "
        "can pause and come back any time. Your opinion matters to us!",
    },
    "reminder_subject": {
        "zh-CN": "温馨提醒：「{title}」还在等待您的意见",
        "en": "A friendly reminder: “{title}”",
    },
    "reminder_body": {
        "zh-CN": "{name}您好！\n\n温馨提醒：「{title}」（{campaign}）还在等待您的意见，大约只需 "
        "{minutes} 分钟。",
        "en": "Hello {name}!\n\nA friendly reminder: “{title}” ({campaign}) is still waiting for "
        "your opinion. It takes about {minutes} min.",
    },
    "reminder_continue_body": {
        "zh-CN": "{name}您好！\n\n您已开始填写「{title}」（{campaign}），但还没有提交。"
        "您的回答都已保存，打开下面的链接即可从上次停下的地方继续。",
        "en": "Hello {name}!\n\nYou started “{title}” ({campaign}) but have not submitted it yet. "
        "Your answers are saved: open the link below to continue where you left off.",
    },
    "open_survey": {"zh-CN": "开始填写", "en": "Take the survey"},
    "continue_survey": {"zh-CN": "继续填写", "en": "Continue the survey"},
    "link_note": {
        "zh-CN": "用手机或电脑的浏览器（包括微信内置浏览器）打开即可。"
        "此链接仅供您本人使用，请勿转发。",
        "en": "It opens in any phone or computer browser. The link is yours alone: please do not "
        "forward it.",
    },
    "there": {"zh-CN": "", "en": "there"},
}


def mail_text(key: str, language: str | None, **values: Any) -> str:
    """The text ``key`` in ``language`` (else English), filled with ``values``."""
    variants = MAIL_TEXTS[key]
    template = variants.get(language or DEFAULT_LANGUAGE) or variants[FALLBACK_LANGUAGE]
    return template.format(**values) if values else template


def pick(texts: dict[str, str], language: str | None) -> str:
    """A questionnaire text (the survey's title) in ``language``, else the first there is."""
    if language and texts.get(language):
        return texts[language]
    return texts.get(FALLBACK_LANGUAGE) or next(iter(texts.values()))
