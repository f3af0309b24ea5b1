"""The letters themselves (pure), the respondents import's e-mail column, and which sender
claims which outbox rows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.dispatch import default_renderers
from campaigns.imports import RESPONDENTS, import_records
from mailing.compose import compose, to_message
from mailing.render import MAIL_KINDS
from storage import outbox
from storage.models import Respondent
from storage.types import utcnow
from survey.import_files import ImportFormat
from survey.vocabulary import OutboxKind
from tests.mailing.conftest import body_of
from tests.support import seed_campaign

LINK = "https://csat.example.com/s/abc_DEF-123"


def letter(language: str, name: str | None = "Li <Wei>"):
    return compose(
        "reminder_continue",
        to="li@example.com",
        language=language,
        name=name,
        title="Service & quality",
        campaign="2026-Q4",
        count=16,
        minutes=4,
        link=LINK,
    )


def test_a_letter_is_plain_text_with_an_html_alternative_in_the_respondents_language() -> None:
    message = to_message(letter("zh-CN"), sender="Survey <survey@example.com>")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "温馨提醒：「Service & quality」还在等待您的意见"
    assert message["Message-ID"].endswith("@example.com>")
    text, html = body_of(message, "plain"), body_of(message, "html")
    assert "您已开始填写" in text and f"继续填写: {LINK}" in text
    assert "Li &lt;Wei&gt;" in html and "Service &amp; quality" in html  # escaped, not markup
    assert html.count(f'href="{LINK}"') == 2 and "<img" not in html and "src=" not in html


def test_an_unknown_language_reads_english_and_a_nameless_respondent_is_greeted() -> None:
    english = letter("fr", name=None)
    assert english.subject == "A friendly reminder: “Service & quality”"
    assert english.body.startswith("Hello there!") and english.button == "Continue the survey"


async def test_the_respondents_import_takes_an_optional_email_column(sessions) -> None:
    await seed_campaign(sessions)  # customers C1-C3 and respondents r1-r4
    text = (
        "external_id,customer_id,name,email\n"
        "r1,C1,Alice,alice@example.com\n"
        "r2,C1,Bob,not-an-address\n"
        "r5,C2,Eve,\n"
    )
    async with sessions() as session, session.begin():
        result = await import_records(
            session, RESPONDENTS, text, fmt=ImportFormat.CSV, source="people.csv"
        )
    assert [(e.line, e.field) for e in result.errors] == [(3, "email")]
    again = "external_id,customer_id,name\nr1,C1,Alice\n"  # a file without the column
    async with sessions() as session, session.begin():
        await import_records(session, RESPONDENTS, again, fmt=ImportFormat.CSV, source="again.csv")
    async with sessions() as session:
        emails = dict(
            (await session.execute(select(Respondent.external_id, Respondent.email))).tuples().all()
        )
    assert emails["r1"] == "alice@example.com"  # kept: a blank or missing address changes nothing
    assert emails["r5"] is None


async def test_the_bots_dispatcher_and_the_mail_sender_claim_only_their_own_rows(sessions) -> None:
    now = utcnow() + timedelta(minutes=1)  # the rows are due from the moment they are queued
    async with sessions() as session, session.begin():
        await outbox.enqueue(session, kind=OutboxKind.INVITATION, dedupe_key="a", chat_id=1)
        await outbox.enqueue(session, kind=OutboxKind.EMAIL_INVITATION, dedupe_key="b")
        await outbox.enqueue(session, kind=OutboxKind.EMAIL_REMINDER, dedupe_key="c")
    async with sessions() as session, session.begin():
        chat = await outbox.claim_due(session, worker="bot", now=now, kinds=default_renderers())
        mail = await outbox.claim_due(session, worker="mail", now=now, kinds=MAIL_KINDS)
    assert [r.dedupe_key for r in chat] == ["a"]
    assert sorted(r.dedupe_key for r in mail) == ["b", "c"]
