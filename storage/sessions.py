"""Chat sessions (conversation state per Telegram user) and processed-update dedupe."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatSession, ProcessedUpdate
from storage.upserts import insert_ignore


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record an update id in this transaction; False when it was processed before."""
    return await insert_ignore(session, ProcessedUpdate, update_id=update_id)


async def lock_chat_session(session: AsyncSession, telegram_user_id: int) -> ChatSession:
    """The user's session row, created if new, locked until the transaction ends."""
    await insert_ignore(
        session,
        ChatSession,
        telegram_user_id=telegram_user_id,
        mode="survey",
        begun=False,
        choosing_change=False,
        version=0,
    )
    chat = await session.scalar(
        select(ChatSession)
        .where(ChatSession.telegram_user_id == telegram_user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert chat is not None  # inserted just above or already there
    return chat


async def drop_chat_session(session: AsyncSession, telegram_user_id: int) -> None:
    await session.execute(
        delete(ChatSession).where(ChatSession.telegram_user_id == telegram_user_id)
    )
