"""Daily feedback (/feedback) and erasure of personal data (/forget)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.render import feedback_kind_prompt
from bot.reply import Reply
from bot.texts import t
from storage.feedback import put_feedback
from storage.models import Answer, ChatSession, Respondent, Ticket
from storage.strangers import find_stranger, stranger
from storage.tickets import open_or_update_ticket
from storage.types import utcnow
from survey.vocabulary import AnswerKind, ChatMode, FeedbackKind
from surveying.response import Response

COMPLAINT_DEPARTMENT = None  # a complaint's ticket has no department: the default staff chat


async def _respondent(
    session: AsyncSession, chat: ChatSession, ctx: Response | None
) -> Respondent | None:
    if ctx is not None:
        return ctx.respondent
    respondent: Respondent | None = await session.scalar(
        select(Respondent).where(Respondent.telegram_user_id == chat.telegram_user_id).limit(1)
    )
    return respondent


async def feedback_reply(
    session: AsyncSession, chat: ChatSession, ctx: Response | None, text: str
) -> Reply:
    """Store spontaneous feedback outside any campaign; ask whether it is a complaint."""
    chat.mode = ChatMode.SURVEY
    respondent = await _respondent(session, chat, ctx)
    if respondent is None:
        return await _stranger_feedback(session, chat, text)
    answer = await put_feedback(session, respondent.id, text)
    return Reply(prompt=feedback_kind_prompt(chat.language, answer.id))


async def _stranger_feedback(session: AsyncSession, chat: ChatSession, text: str) -> Reply:
    """Feedback from someone the bot does not know yet: kept, and staff alerted at once, as
    only they can find out who wrote it (storage/strangers.py)."""
    respondent = await stranger(session, chat.telegram_user_id)
    answer = await put_feedback(session, respondent.id, text, FeedbackKind.FEEDBACK)
    detail = f"feedback from Telegram user {chat.telegram_user_id}, not known yet"
    ticket_id = await _open_complaint(session, answer, respondent, detail)
    return Reply(notices=[t("feedback_unknown", chat.language)], opened_tickets=[ticket_id])


async def mark_feedback(
    session: AsyncSession,
    chat: ChatSession,
    ctx: Response | None,
    answer_id: int,
    complaint: bool,
    message_id: int | None,
    *,
    staffed: bool = False,
) -> Reply:
    """The respondent says whether their feedback is a complaint; a complaint opens a ticket.
    ``staffed``: a staff chat receives its alert, so it may be said to be passed on."""
    lang = chat.language
    respondent = await _respondent(session, chat, ctx)
    answer = await session.get(Answer, answer_id)
    if (
        respondent is None
        or answer is None
        or answer.kind != AnswerKind.FEEDBACK
        or answer.respondent_id != respondent.id
        or answer.feedback_kind is not None
    ):
        return Reply(callback_text=t("stale_button", lang))
    answer.feedback_kind = FeedbackKind.COMPLAINT if complaint else FeedbackKind.FEEDBACK
    thanks = "feedback_thanks"
    if complaint:  # "passed to our staff" only when a staff chat will receive the alert
        thanks = "complaint_thanks" if staffed else "complaint_recorded"
    reply = Reply(notices=[t(thanks, lang)])
    if message_id is not None:
        choice = t("feedback_complaint" if complaint else "feedback_plain", lang)
        reply.close = (
            message_id,
            f"{t('feedback_kind', lang)}\n\n{t('chosen', lang, choice=choice)}",
        )
    if complaint:
        detail = "complaint sent with /feedback"
        reply.opened_tickets.append(await _open_complaint(session, answer, respondent, detail))
    return reply


async def _open_complaint(
    session: AsyncSession, answer: Answer, respondent: Respondent, detail: str
) -> int:
    """The ticket of a complaint (no score, no campaign) and its alert, in this transaction,
    so the alert cannot be lost; returns the ticket's id."""
    ticket, _ = await open_or_update_ticket(
        session,
        answer=answer,
        invitation=None,
        department=COMPLAINT_DEPARTMENT,
        actor=f"respondent:{respondent.id}",
        detail=detail,
    )
    return ticket.id


async def erase_personal_data(
    session: AsyncSession,
    chat: ChatSession,
    ctx: Response | None,
    confirmed: bool,
    message_id: int | None,
) -> Reply:
    """``/forget``: erase name, ids and free texts; scores stay, anonymised."""
    lang = chat.language
    chat.mode = ChatMode.SURVEY
    reply = Reply()
    if message_id is not None:
        choice = t("forget_yes" if confirmed else "forget_no", lang)
        reply.close = (
            message_id,
            f"{t('forget_confirm', lang)}\n\n{t('chosen', lang, choice=choice)}",
        )
    if not confirmed:
        reply.notices.append(t("forget_cancelled", lang))
        return reply
    respondents = list(
        await session.scalars(
            select(Respondent).where(Respondent.telegram_user_id == chat.telegram_user_id)
        )
    )
    if ctx is not None and ctx.respondent not in respondents:
        respondents.append(ctx.respondent)
    placeholder = await find_stranger(session, chat.telegram_user_id)
    if placeholder is not None:  # their feedback from before the bot knew them
        respondents.append(placeholder)
    now = utcnow()
    for respondent in respondents:
        respondent.name = None
        respondent.external_id = f"forgotten-{respondent.id}"
        respondent.telegram_user_id = None
        respondent.email = None
        respondent.timezone = None
        respondent.forgotten_at = now
        await session.execute(
            update(Answer)
            .where(Answer.respondent_id == respondent.id, Answer.text.is_not(None))
            .values(text=None)
        )
        await session.execute(
            update(Ticket).where(Ticket.respondent_id == respondent.id).values(comment=None)
        )
    chat.invitation_id = None
    chat.language, chat.begun, chat.cursor, chat.prompt_message_id = lang, False, None, None
    reply.notices.append(t("forgotten", lang))
    return reply
