"""Chat sessions (conversation state per Telegram user) and processed-update dedupe."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import bindparam, delete, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatSession, ProcessedUpdate
from storage.types import utcnow
from storage.upserts import insert_ignore
from survey.flow import Progress
from survey.vocabulary import ChatMode

# Built once: each update claims its id, and a statement made anew costs more than its run.
# Text, not insert().on_conflict_do_nothing(): SQLAlchemy caches no compiled form of the
# latter (it has no cache key), so it was compiled again for every update. SQLite (3.24+)
# and PostgreSQL both take ON CONFLICT DO NOTHING without a conflict target.
_CLAIM = text(
    "INSERT INTO processed_updates (update_id, processed_at) VALUES (:id, :at)"
    " ON CONFLICT DO NOTHING"
).bindparams(
    bindparam("id", type_=ProcessedUpdate.__table__.c.update_id.type),
    bindparam("at", type_=ProcessedUpdate.__table__.c.processed_at.type),
)


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record an update id in this transaction; False when it was processed before. A Core
    INSERT ... ON CONFLICT DO NOTHING on the session's connection (no ORM state)."""
    connection = await session.connection()
    result = await connection.execute(_CLAIM, {"id": update_id, "at": utcnow()})
    return bool(result.rowcount)


_CHAT = (
    select(ChatSession)
    .where(ChatSession.telegram_user_id == bindparam("user"))
    .with_for_update()
    .execution_options(populate_existing=True)
)  # built once: every update locks its chat


async def lock_chat_session(session: AsyncSession, telegram_user_id: int) -> ChatSession:
    """The user's session row, created if new, locked until the transaction ends. One query
    for a chat the bot knows (every update but a person's first)."""
    chat: ChatSession | None = await session.scalar(_CHAT, {"user": telegram_user_id})
    if chat is not None:
        return chat
    await insert_ignore(
        session,
        ChatSession,
        telegram_user_id=telegram_user_id,
        mode=ChatMode.SURVEY,
        begun=False,
        choosing_change=False,
        version=0,
    )
    chat = await session.scalar(_CHAT, {"user": telegram_user_id})
    assert chat is not None  # inserted just above, or by a concurrent first update
    return chat


async def remember_prompt(session: AsyncSession, telegram_user_id: int, message_id: int) -> None:
    """Note which message carries the chat's live keyboard (``remember_prompts`` of one)."""
    await remember_prompts(session, {telegram_user_id: message_id})


# Message ids grow within a chat, so an older prompt's id, written late by an update that ran
# beside a newer one, never replaces the newer one's.
_REMEMBER = (
    update(ChatSession)
    .where(
        ChatSession.telegram_user_id == bindparam("user_id"),
        or_(
            ChatSession.prompt_message_id.is_(None),
            ChatSession.prompt_message_id < bindparam("message_id"),
        ),
    )
    .values(prompt_message_id=bindparam("message_id"))
)


async def remember_prompts(session: AsyncSession, prompts: Mapping[int, int]) -> None:
    """Note the message with each chat's live keyboard (Telegram user id -> message id), in
    one executemany UPDATE without reading the rows first (a Core statement: no ORM state)."""
    if not prompts:
        return
    connection = await session.connection()
    await connection.execute(
        _REMEMBER, [{"user_id": user, "message_id": id_} for user, id_ in prompts.items()]
    )


async def drop_chat_session(session: AsyncSession, telegram_user_id: int) -> None:
    await session.execute(
        delete(ChatSession).where(ChatSession.telegram_user_id == telegram_user_id)
    )


def progress_of(chat: ChatSession) -> Progress:
    """The respondent's progress flags as this chat keeps them."""
    return Progress(chat.language, chat.begun, chat.cursor, chat.choosing_change)


def keep_progress(chat: ChatSession, progress: Progress) -> None:
    """Keep the flags the survey service returned until the chat's next update."""
    chat.language, chat.begun = progress.language, progress.begun
    chat.cursor, chat.choosing_change = progress.cursor, progress.choosing_change
