"""Staff presses on alert buttons, "Take it" and "Open ticket", in a staff group or in the
private chat of a registered staff member (bot/staff_access.py says who counts as staff).

Like the conversation, each press is one transaction that first claims the update id (a
re-delivered update changes nothing) and commits before anything is sent to Telegram. A press
from anyone else is refused politely, logged, and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update, User
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.alerts import alert_keyboard, alert_text, card_lines, load_view, local_time, state_line
from bot.incoming import without_nul
from bot.reply import answer_query
from bot.staff_access import Press, may_act, may_ask
from bot.texts import history_actor, history_label, t, telegram_language
from storage.engine import transaction
from storage.models import Ticket
from storage.sessions import claim_update
from storage.staff import staff_member
from storage.ticket_alerts import alert_is_digest
from storage.tickets import get_ticket, take_ticket, ticket_history
from survey import actions as act
from survey.errors import InvalidAnswer, NotStaff, TicketNotFound
from survey.settings import Settings

log = logging.getLogger(__name__)
STAFF_KEY = "staff"
TAKE_PATTERN = act.pattern(act.TakeTicket)  # the handlers that staff buttons go to
OPEN_PATTERN = act.pattern(act.OpenTicket)
MAX_HISTORY = 30  # newest events shown; the admin API has the full history
MAX_MESSAGE = 4000  # Telegram allows 4096 characters
OWNER_LENGTH = Ticket.owner.type.length or 120


@dataclass
class StaffReply:
    """What to do in Telegram once the press has committed."""

    answer: str | None = None  # the callback answer (a small toast)
    edit: tuple[int, int, str] | None = None  # (chat id, message id, new alert text)
    ticket_id: int | None = None
    message: str | None = None  # sent into the chat where the button was pressed


def owner_name(user: User) -> str:
    """``Wang Lei (@wanglei)``: the presser's full name and handle, as the owner column holds
    it (Telegram's names may be longer, and may carry NUL, which PostgreSQL cannot store)."""
    name = f"{user.full_name} (@{user.username})" if user.username else user.full_name
    return without_nul(name)[:OWNER_LENGTH]


class StaffDesk:
    """Ticket actions of staff members, over the database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = sessions
        self.settings = settings

    @property
    def language(self) -> str:
        return self.settings.staff_language

    async def _authorised(self, session: AsyncSession, press: Press, ticket_id: int) -> Ticket:
        """The ticket, if this press may act on it; NotStaff or TicketNotFound otherwise."""
        member = await staff_member(session, press.user_id)
        if not may_ask(press, member, self.settings):
            raise NotStaff(press.user_id, press.chat_id)
        ticket = await get_ticket(session, ticket_id)
        if not may_act(press, member, ticket, self.settings):
            raise NotStaff(press.user_id, press.chat_id)
        return ticket

    async def take(
        self, update_id: int, ticket_id: int, user: User, pressed: tuple[int, int] | None
    ) -> StaffReply | None:
        """Assign the ticket to the presser unless somebody has it already."""
        lang = self.language
        press = Press(user.id, pressed[0] if pressed else None)
        async with transaction(self._sessions) as session:
            if not await claim_update(session, update_id):
                return None
            try:
                await self._authorised(session, press, ticket_id)
                ticket, won = await take_ticket(
                    session, ticket_id, owner=owner_name(user), owner_telegram_id=user.id
                )
            except NotStaff:
                return refused(press, "take", ticket_id, user)
            except TicketNotFound:
                return StaffReply(answer=t("staff_not_found", lang))
            if not won:
                if ticket.owner is None:
                    return StaffReply(answer=t("staff_not_active", lang, id=ticket.id))
                if ticket.owner_telegram_id == user.id:
                    return StaffReply(answer=t("staff_already_yours", lang, id=ticket.id))
                return StaffReply(answer=t("staff_already_taken", lang, owner=ticket.owner))
            text = alert_text(await load_view(session, ticket), self.settings)
            where = pressed
            if ticket.alert_chat_id is not None and ticket.alert_message_id is not None:
                where = (ticket.alert_chat_id, ticket.alert_message_id)
            digest = await alert_is_digest(session, ticket)
        reply = StaffReply(answer=t("staff_taken", lang, id=ticket.id), ticket_id=ticket.id)
        if digest:  # the digest keeps the other tickets' buttons: the card goes in a message
            reply.message = text
        elif where is not None:
            reply.edit = (where[0], where[1], text)
        return reply

    async def open(
        self, update_id: int, ticket_id: int, user: User, chat_id: int | None
    ) -> StaffReply | None:
        """The ticket's card, state, plan and history as a message into the staff chat."""
        lang, zone = self.language, self.settings.timezone
        press = Press(user.id, chat_id)
        async with transaction(self._sessions) as session:
            if not await claim_update(session, update_id):
                return None
            try:
                ticket = await self._authorised(session, press, ticket_id)
            except NotStaff:
                return refused(press, "open", ticket_id, user)
            except TicketNotFound:
                return StaffReply(answer=t("staff_not_found", lang))
            lines = card_lines(
                await load_view(session, ticket), self.settings, header="staff_ticket"
            )
            lines.append(state_line(ticket, lang))
            if ticket.plan:
                lines.append(t("staff_plan", lang, plan=ticket.plan))
            if ticket.callback_report:
                lines.append(t("staff_callback", lang, report=ticket.callback_report))
            lines.append(t("staff_history", lang))
            for event in (await ticket_history(session, ticket.id))[-MAX_HISTORY:]:
                detail = f" — {event.detail}" if event.detail else ""
                actor = history_actor(event.actor, lang)
                action = history_label(event.action, lang)
                lines.append(f"{local_time(event.at, zone)} · {actor} · {action}{detail}")
        return StaffReply(message="\n".join(lines)[:MAX_MESSAGE])


def refused(press: Press, what: str, ticket_id: int, user: User) -> StaffReply:
    """A polite no, in the presser's language, and a log line for whoever watches the logs."""
    log.warning(
        "refused staff action %r on ticket %s: user %s (%s) in chat %s is not staff there",
        what,
        ticket_id,
        press.user_id,
        user.full_name,
        press.chat_id,
    )
    return StaffReply(answer=t("staff_only", telegram_language(user.language_code)))


def _desk(context: ContextTypes.DEFAULT_TYPE) -> StaffDesk:
    desk: StaffDesk = context.application.bot_data[STAFF_KEY]
    return desk


A = TypeVar("A", act.TakeTicket, act.OpenTicket)


def _decoded(data: str | None, kind: type[A]) -> A | None:
    """The staff action a button carries, or None for a forged or malformed one."""
    try:
        action = act.decode(data)
    except InvalidAnswer:
        return None
    return action if isinstance(action, kind) else None


async def on_take(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Take it" button of an alert."""
    query, desk = update.callback_query, _desk(context)
    assert query is not None
    action = _decoded(query.data, act.TakeTicket)
    if action is None:
        await answer_query(query, t("bad_button", desk.language))
        return
    message = query.message
    pressed = (message.chat.id, message.message_id) if message is not None else None
    reply = await desk.take(update.update_id, action.ticket_id, query.from_user, pressed)
    await _carry_out(update, context, reply)


async def on_open(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "Open ticket" button of an alert."""
    query, desk = update.callback_query, _desk(context)
    assert query is not None
    action = _decoded(query.data, act.OpenTicket)
    if action is None:
        await answer_query(query, t("bad_button", desk.language))
        return
    chat_id = query.message.chat.id if query.message is not None else None
    reply = await desk.open(update.update_id, action.ticket_id, query.from_user, chat_id)
    await _carry_out(update, context, reply)


async def _carry_out(
    update: Update, context: ContextTypes.DEFAULT_TYPE, reply: StaffReply | None
) -> None:
    query = update.callback_query
    assert query is not None
    await answer_query(query, reply.answer if reply else None)
    if reply is None:
        return
    if reply.edit is not None and reply.ticket_id is not None:
        chat_id, message_id, text = reply.edit
        keyboard = alert_keyboard(reply.ticket_id, _desk(context).language)
        try:
            await context.bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=keyboard
            )
        except BadRequest as exc:  # the alert was deleted or already shows this
            log.info("alert edit skipped: %s", exc.message)
    if reply.message is not None and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, reply.message)
