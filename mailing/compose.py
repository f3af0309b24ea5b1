"""An invitation or reminder as an e-mail: plain text with an HTML alternative, no images.

Pure: the texts come from mailing/texts.py, the message is built with the standard library.
The HTML carries nothing from outside (no images, fonts or styles to fetch), so it reads the
same in a mail client that blocks remote content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Final, Literal

from mailing.texts import mail_text

LetterKind = Literal["invitation", "reminder", "reminder_continue"]
# (subject, body, link label) text keys of each letter
WORDING: Final[dict[LetterKind, tuple[str, str, str]]] = {
    "invitation": ("invitation_subject", "invitation_body", "open_survey"),
    "reminder": ("reminder_subject", "reminder_body", "open_survey"),
    "reminder_continue": ("reminder_subject", "reminder_continue_body", "continue_survey"),
}


@dataclass(frozen=True)
class Letter:
    """What one e-mail says, in the respondent's language."""

    to: str
    language: str
    subject: str
    body: str  # paragraphs separated by blank lines
    button: str  # the link's label
    link: str
    note: str  # how to open it, and that it is personal


def compose(
    kind: LetterKind,
    *,
    to: str,
    language: str,
    name: str | None,
    title: str,
    campaign: str,
    count: int,
    minutes: int,
    link: str,
) -> Letter:
    subject_key, body_key, button_key = WORDING[kind]
    values = {
        "name": name or mail_text("there", language),
        "title": title,
        "campaign": campaign,
        "count": count,
        "minutes": minutes,
    }
    return Letter(
        to=to,
        language=language,
        subject=mail_text(subject_key, language, **values),
        body=mail_text(body_key, language, **values),
        button=mail_text(button_key, language),
        link=link,
        note=mail_text("link_note", language),
    )


def plain_text(letter: Letter) -> str:
    return f"{letter.body}\n\n{letter.button}: {letter.link}\n\n{letter.note}\n"


def html_text(letter: Letter) -> str:
    """The HTML alternative: the same words, the link as a large button (easy to tap)."""
    paragraphs = "".join(
        f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in letter.body.split("\n\n")
    )
    link = html.escape(letter.link, quote=True)
    button = (
        f'<p><a href="{link}" style="display:inline-block;padding:12px 20px;'
        "background:#1a5fb4;color:#ffffff;text-decoration:none;border-radius:6px;"
        f'font-weight:bold">{html.escape(letter.button)}</a></p>'
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(letter.language)}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{html.escape(letter.subject)}</title></head>"
        '<body style="font-family:sans-serif;font-size:16px;line-height:1.5;color:#1c1c1c">'
        f"{paragraphs}{button}"
        f'<p style="font-size:14px"><a href="{link}">{link}</a></p>'
        f'<p style="font-size:14px;color:#4a4a4a">{html.escape(letter.note)}</p>'
        "</body></html>"
    )


def to_message(letter: Letter, *, sender: str) -> EmailMessage:
    """The letter as a MIME message from ``sender``: text/plain, then text/html."""
    message = EmailMessage()
    message["Subject"] = letter.subject
    message["From"] = sender
    message["To"] = letter.to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["Content-Language"] = letter.language
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    message.set_content(plain_text(letter))
    message.add_alternative(html_text(letter), subtype="html")
    return message
