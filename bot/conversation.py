"""The Telegram adapter of the survey service: each incoming update is one database
transaction; presses and typed text become survey events, the outcome becomes a ``Reply``.

Entry points return a ``Reply`` to carry out after commit, or None for an update that was
processed before (Telegram re-delivers when it got no 2xx; SPEC §9). The chat row keeps what
only Telegram needs (the live prompt's message id, the chat's mode) and the respondent's
progress flags for the service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.closed_survey import OUTSIDE_THE_SURVEY, press_answers, survey_closed
from bot.outcomes import again_or_none, outcome_reply, prompt_reply, resume, retire_prompt
from bot.people import COMPLAINT_DEPARTMENT, erase_personal_data, feedback_reply, mark_feedback
from bot.prompt_ids import PromptIds
from bot.render import Prompt, forget_prompt, language_prompt
from bot.reply import Reply
from bot.texts import t, telegram_language
from storage.campaigns import open_invitation
from storage.models import ChatSession
from storage.sessions import keep_progress, lock_chat_session, progress_of
from storage.types import utcnow
from storage.write_queue import queued_transaction
from survey import actions as act
from survey import events as ev
from survey.errors import (
    CampaignClosed,
    InvalidAnswer,
    InvitationCompleted,
    InvitationError,
    InvitationExpired,
    InvitationInUse,
)
from survey.routing import StaffRouting
from survey.schema import SUPPORTED_LANGUAGES
from survey.vocabulary import ChatMode
from surveying.response import Response, load_response
from surveying.service import claim_request, respond, view

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


Handler = Callable[[AsyncSession, ChatSession, Response | None], Awaitable[Reply]]


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
        self._prompt_ids = PromptIds(sessions)
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
        async with queued_transaction(self._sessions) as session:
            if not await claim_request(session, update_id):
                return None
            chat = await lock_chat_session(session, sender.user_id)
            if chat.language is None and chat.invitation_id is None:
                chat.language = telegram_language(sender.language_code)
            response = await _load(session, chat)
            if response is not None and answers(chat) and not response.takes_answers(utcnow()):
                return survey_closed(chat)
            reply = await handler(session, chat, response)
            retire_prompt(chat.prompt_message_id, reply)
            return reply

    async def start(self, update_id: int, sender: Sender, token: str | None) -> Reply | None:
        """``/start [token]``: open an invitation, or resume the one in progress."""

        async def handle(session: AsyncSession, chat: ChatSession, found: Response | None) -> Reply:
            chat.mode = ChatMode.SURVEY
            if not token:
                return resume(chat.language, found)
            try:
                invitation = await open_invitation(session, token, sender.user_id)
            except InvitationError as exc:
                key = INVITATION_MESSAGES.get(type(exc), "invitation_not_found")
                return Reply(notices=[t(key, chat.language)])
            if chat.invitation_id != invitation.id:
                chat.invitation_id = invitation.id
                chat.begun = False
                chat.language = invitation.respondent.language
            chat.cursor, chat.choosing_change = None, False
            response = await _load(session, chat)
            assert response is not None
            return prompt_reply(view(response))

        return await self._run(update_id, sender, handle, answers=lambda chat: not token)

    async def press(
        self, update_id: int, sender: Sender, data: str | None, message_id: int | None
    ) -> Reply | None:
        """A button press (callback query)."""

        async def handle(session: AsyncSession, chat: ChatSession, found: Response | None) -> Reply:
            lang = chat.language
            try:
                action = act.decode(data)
            except InvalidAnswer:
                return again_or_none(chat.language, found, t("bad_button", lang))
            match action:
                case ev.ChooseLanguage(language) if found is None:
                    chat.language = language
                    reply = Reply(notices=[t("language_set", language)])
                    if message_id is not None:
                        reply.close = (message_id, t("choose_language", language))
                    return reply
                case act.ConfirmForget(confirmed) if chat.mode == ChatMode.FORGET:
                    return await erase_personal_data(session, chat, found, confirmed, message_id)
                case act.MarkFeedback(answer_id, complaint):
                    staffed = self.routing.reaches(COMPLAINT_DEPARTMENT)
                    return await mark_feedback(
                        session, chat, found, answer_id, complaint, message_id, staffed=staffed
                    )
            if found is None or not isinstance(action, act.SurveyButton):
                return again_or_none(chat.language, found, t("stale_button", lang))
            return await _answer(session, chat, found, action, message_id)

        return await self._run(update_id, sender, handle, answers=lambda chat: press_answers(data))

    async def text(self, update_id: int, sender: Sender, text: str) -> Reply | None:
        """A plain text message: a typed answer, follow-up text, comment or feedback."""

        async def handle(session: AsyncSession, chat: ChatSession, found: Response | None) -> Reply:
            body, notices = self._cut(text, chat.language)
            if chat.mode == ChatMode.FEEDBACK:
                reply = await feedback_reply(session, chat, found, body)
            elif found is None:
                reply = Reply(notices=[t("no_survey", chat.language)])
            else:
                typed = ev.Typed(body)
                reply = await _answer(session, chat, found, typed, chat.prompt_message_id)
            reply.notices[:0] = notices
            return reply

        return await self._run(
            update_id, sender, handle, answers=lambda chat: chat.mode != ChatMode.FEEDBACK
        )

    async def command(self, update_id: int, sender: Sender, name: str) -> Reply | None:
        """``/help``, ``/language``, ``/cancel``, ``/feedback``, ``/forget`` and unknown ones."""

        async def handle(session: AsyncSession, chat: ChatSession, found: Response | None) -> Reply:
            lang = chat.language
            match name:
                case "help":
                    reply = Reply(notices=[t("help", lang)])
                    return reply if found is None else prompt_reply(view(found), reply)
                case "language":
                    languages = found.survey.languages if found else SUPPORTED_LANGUAGES
                    return Reply(prompt=language_prompt(lang, languages))
                case "cancel":
                    chat.mode = ChatMode.SURVEY
                    return Reply(notices=[t("paused", lang)])
                case "feedback":
                    chat.mode = ChatMode.FEEDBACK
                    return Reply(prompt=Prompt(t("feedback_prompt", lang)))
                case "forget":
                    chat.mode = ChatMode.FORGET
                    return Reply(prompt=forget_prompt(lang))
            return again_or_none(chat.language, found, t("unknown_command", lang))

        return await self._run(
            update_id, sender, handle, answers=lambda chat: name not in OUTSIDE_THE_SURVEY
        )

    async def unreadable(self, update_id: int, sender: Sender) -> Reply | None:
        """Stickers, photos, voice, files: a polite word and the current question again."""

        async def handle(session: AsyncSession, chat: ChatSession, found: Response | None) -> Reply:
            return again_or_none(chat.language, found, t("text_only", chat.language))

        return await self._run(update_id, sender, handle)

    async def remember_prompt(self, user_id: int, message_id: int) -> None:
        """Note which message carries the live keyboard (typed answers close it). Its id is
        known only once Telegram took the message, after the update's transaction: a short
        one follows, shared by the chats whose ids arrive meanwhile (bot/prompt_ids.py;
        holding the update's locks over a Bot API call would make every other writer wait
        on SQLite)."""
        await self._prompt_ids.remember(user_id, message_id)

    def _cut(self, text: str, lang: str | None) -> tuple[str, list[str]]:
        if len(text) <= self.max_text:
            return text, []
        return text[: self.max_text], [t("text_cut", lang, limit=self.max_text)]


async def _load(session: AsyncSession, chat: ChatSession) -> Response | None:
    if chat.invitation_id is None:
        return None
    return await load_response(session, progress_of(chat), invitation_id=chat.invitation_id)


async def _answer(
    session: AsyncSession,
    chat: ChatSession,
    response: Response,
    event: ev.Event,
    message_id: int | None,
) -> Reply:
    """One survey event through the service; the chat keeps the progress it returns."""
    outcome = await respond(session, response, event)
    keep_progress(chat, outcome.progress)
    if outcome.refused is None and not isinstance(event, ev.ToggleCause | ev.ChooseLanguage):
        chat.version += 1
    return outcome_reply(outcome, message_id)
