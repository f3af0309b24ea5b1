"""The conversation service: each incoming update is one database transaction.

Entry points return a ``Reply`` to carry out after commit, or None for an update that was
processed before (Telegram re-delivers when it got no 2xx; SPEC §9).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.closed_survey import OUTSIDE_THE_SURVEY, press_answers, survey_closed
from bot.context import Context, load_context
from bot.people import COMPLAINT_DEPARTMENT, erase_personal_data, feedback_reply, mark_feedback
from bot.render import Prompt, closed, forget_prompt, language_prompt, render
from bot.reply import Reply
from bot.texts import t, telegram_language
from bot.transitions import accepts, apply, finish_follow_up, prompt_reply, save_comment
from storage.answers import follow_up_row
from storage.campaigns import open_invitation, takes_answers
from storage.engine import transaction
from storage.models import ChatSession
from storage.sessions import claim_update, lock_chat_session
from storage.types import utcnow
from survey import actions as act
from survey.errors import (
    CampaignClosed,
    InvalidAnswer,
    InvitationCompleted,
    InvitationError,
    InvitationExpired,
    InvitationInUse,
)
from survey.flow import AskCauses, AskComment, AskLikert, AskNps, AskWhatHappened, Done
from survey.routing import StaffRouting
from survey.schema import SUPPORTED_LANGUAGES

DEFAULT_MAX_TEXT = 1000
INVITATION_MESSAGES: dict[type[InvitationError], str] = {
    InvitationExpired: "invitation_expired",
    InvitationCompleted: "invitation_completed",
    CampaignClosed: "campaign_closed",
    InvitationInUse: "invitation_in_use",
}
KNOWN_COMMANDS = ("start", "help", "language", "cancel", "feedback", "forget")


@dataclass(frozen=True, slots=True)
class Sender:
    """Who an update came from."""

    user_id: int
    language_code: str | None = None


Handler = Callable[[AsyncSession, ChatSession, Context | None], Awaitable[Reply]]


class Conversation:
    """Survey conversations over the database; stateless between updates."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_text: int = DEFAULT_MAX_TEXT,
        routing: StaffRouting | None = None,
    ) -> None:
        self._sessions = sessions
        self.max_text = max_text
        # Where alerts go: a complaint is "passed to our staff" only when a chat receives it.
        self.routing = routing or StaffRouting()

    async def _run(
        self,
        update_id: int,
        sender: Sender,
        handler: Handler,
        *,
        answers: Callable[[ChatSession], bool] = lambda chat: True,
    ) -> Reply | None:
        """One update in one transaction. ``answers`` tells whether the update would answer
        the survey: once its campaign has closed, such an update is told so, and nothing is
        stored (feedback, /forget and the language work on)."""
        async with transaction(self._sessions) as session:
            if not await claim_update(session, update_id):
                return None
            chat = await lock_chat_session(session, sender.user_id)
            if chat.language is None and chat.invitation_id is None:
                chat.language = telegram_language(sender.language_code)
            ctx = await load_context(session, chat)
            if ctx is not None and answers(chat) and not takes_answers(ctx.invitation, utcnow()):
                return survey_closed(chat)
            reply = await handler(session, chat, ctx)
            _retire_prompt(chat, reply)
            if ctx is not None and ctx.alerts_due:
                reply.opened_tickets += ctx.alerts_due  # wakes the scheduler after commit
            return reply

    async def start(self, update_id: int, sender: Sender, token: str | None) -> Reply | None:
        """``/start [token]``: open an invitation, or resume the one in progress."""

        async def handle(session: AsyncSession, chat: ChatSession, ctx: Context | None) -> Reply:
            chat.mode = "survey"
            if not token:
                return _resume(chat, ctx)
            try:
                invitation = await open_invitation(session, token, sender.user_id)
            except InvitationError as exc:
                return Reply(
                    notices=[
                        t(INVITATION_MESSAGES.get(type(exc), "invitation_not_found"), chat.language)
                    ]
                )
            if chat.invitation_id != invitation.id:
                chat.invitation_id = invitation.id
                chat.begun = False
                chat.language = invitation.respondent.language
            chat.cursor, chat.choosing_change = None, False
            new_ctx = await load_context(session, chat)
            assert new_ctx is not None
            return prompt_reply(new_ctx)

        return await self._run(update_id, sender, handle, answers=lambda chat: not token)

    async def press(
        self, update_id: int, sender: Sender, data: str | None, message_id: int | None
    ) -> Reply | None:
        """A button press (callback query)."""

        async def handle(session: AsyncSession, chat: ChatSession, ctx: Context | None) -> Reply:
            try:
                action = act.decode(data)
            except InvalidAnswer:
                return _again(chat, ctx, t("bad_button", chat.language))
            match action:
                case act.ChooseLanguage(language):
                    return await self._choose_language(chat, ctx, language, message_id)
                case act.ConfirmForget(confirmed) if chat.mode == "forget":
                    return await erase_personal_data(session, chat, ctx, confirmed, message_id)
                case act.MarkFeedback(answer_id, complaint):
                    return await mark_feedback(
                        session,
                        chat,
                        ctx,
                        answer_id,
                        complaint,
                        message_id,
                        staffed=self.routing.reaches(COMPLAINT_DEPARTMENT),
                    )
            if ctx is None or not accepts(ctx.step, action):
                return _again(chat, ctx, t("stale_button", chat.language))
            return await apply(ctx, action, message_id)

        return await self._run(update_id, sender, handle, answers=lambda chat: press_answers(data))

    async def text(self, update_id: int, sender: Sender, text: str) -> Reply | None:
        """A plain text message: a typed answer, follow-up text, comment or feedback."""

        async def handle(session: AsyncSession, chat: ChatSession, ctx: Context | None) -> Reply:
            body, notices = self._cut(text, chat.language)
            if chat.mode == "feedback":
                reply = await feedback_reply(session, chat, ctx, body)
                reply.notices[:0] = notices
                return reply
            if ctx is None:
                return Reply(notices=[t("no_survey", chat.language)])
            reply = await self._typed(ctx, body)
            reply.notices[:0] = notices
            return reply

        return await self._run(
            update_id, sender, handle, answers=lambda chat: chat.mode != "feedback"
        )

    async def command(self, update_id: int, sender: Sender, name: str) -> Reply | None:
        """``/help``, ``/language``, ``/cancel``, ``/feedback``, ``/forget`` and unknown ones."""

        async def handle(session: AsyncSession, chat: ChatSession, ctx: Context | None) -> Reply:
            lang = chat.language
            match name:
                case "help":
                    reply = Reply(notices=[t("help", lang)])
                    return reply if ctx is None else prompt_reply(ctx, reply)
                case "language":
                    languages = ctx.survey.languages if ctx else SUPPORTED_LANGUAGES
                    return Reply(prompt=language_prompt(lang, languages))
                case "cancel":
                    chat.mode = "survey"
                    return Reply(notices=[t("paused", lang)])
                case "feedback":
                    chat.mode = "feedback"
                    return Reply(prompt=Prompt(t("feedback_prompt", lang)))
                case "forget":
                    chat.mode = "forget"
                    return Reply(prompt=forget_prompt(lang))
            return _again(chat, ctx, t("unknown_command", lang))

        return await self._run(
            update_id, sender, handle, answers=lambda chat: name not in OUTSIDE_THE_SURVEY
        )

    async def unreadable(self, update_id: int, sender: Sender) -> Reply | None:
        """Stickers, photos, voice, files: a polite word and the current question again."""

        async def handle(session: AsyncSession, chat: ChatSession, ctx: Context | None) -> Reply:
            return _again(chat, ctx, t("text_only", chat.language))

        return await self._run(update_id, sender, handle)

    async def remember_prompt(self, user_id: int, message_id: int) -> None:
        """Note which message carries the live keyboard (typed answers close it)."""
        async with transaction(self._sessions) as session:
            chat = await session.get(ChatSession, user_id, with_for_update=True)
            if chat is not None:
                chat.prompt_message_id = message_id

    def _cut(self, text: str, lang: str | None) -> tuple[str, list[str]]:
        if len(text) <= self.max_text:
            return text, []
        return text[: self.max_text], [t("text_cut", lang, limit=self.max_text)]

    async def _typed(self, ctx: Context, body: str) -> Reply:
        step, lang, prompt_id = ctx.step, ctx.chat.language, ctx.chat.prompt_message_id
        match step:
            case AskLikert(question, _, _):
                level = act.parse_typed_level(body)
                if level is None:
                    return _again(ctx.chat, ctx, t("use_buttons", lang))
                return await apply(ctx, act.Answer(question.key, level), prompt_id)
            case AskNps():
                score = act.parse_typed_nps(body)
                if score is None:
                    return _again(ctx.chat, ctx, t("use_nps_buttons", lang))
                return await apply(ctx, act.GiveNps(score), prompt_id)
            case AskCauses(question, _) | AskWhatHappened(question):
                old = render(ctx.survey, ctx.state, step, ctx.respondent.name)
                await follow_up_row(ctx.session, ctx.invitation, ctx.answers, question.key)
                await finish_follow_up(ctx, question.key, body)
                return _closing(ctx, old, body)
            case AskComment():
                old = render(ctx.survey, ctx.state, step, ctx.respondent.name)
                await save_comment(ctx, body)
                return _closing(ctx, old, body)
            case Done():
                return Reply(notices=[t("already_done", lang)])
        return prompt_reply(ctx)

    async def _choose_language(
        self, chat: ChatSession, ctx: Context | None, language: str, message_id: int | None
    ) -> Reply:
        chat.language = language
        reply = Reply(notices=[t("language_set", language)])
        if message_id is not None:
            reply.close = (message_id, t("choose_language", language))
        if ctx is None:
            return reply
        ctx.respondent.language = language
        return prompt_reply(ctx, reply)


def _closing(ctx: Context, old: Prompt, choice: str) -> Reply:
    reply = Reply()
    if ctx.chat.prompt_message_id is not None:
        reply.close = (ctx.chat.prompt_message_id, closed(old, choice[:200], ctx.chat.language))
    ctx.chat.version += 1
    return prompt_reply(ctx, reply)


def _retire_prompt(chat: ChatSession, reply: Reply) -> None:
    """A new keyboard is on its way: the previous prompt's keyboard goes, so that only one is
    live in the chat (a re-asked question would otherwise leave two that answer the same)."""
    old = chat.prompt_message_id
    if old is None or reply.prompt is None or reply.prompt.keyboard is None:
        return
    if reply.markup is not None or (reply.close is not None and reply.close[0] == old):
        return
    reply.markup = (old, None)


def _resume(chat: ChatSession, ctx: Context | None) -> Reply:
    if ctx is None:
        return Reply(notices=[t("no_survey", chat.language)])
    return prompt_reply(ctx)


def _again(chat: ChatSession, ctx: Context | None, notice: str) -> Reply:
    """A polite word, then the current question again."""
    reply = Reply(callback_text=notice, notices=[notice])
    if ctx is None:
        reply.notices.append(t("no_survey", chat.language))
        return reply
    return prompt_reply(ctx, reply)
