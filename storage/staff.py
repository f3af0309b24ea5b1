"""Registered staff members: who may act on tickets from a private chat with the bot.

Members of the staff groups that alerts go to need no registration: the group's admin decides
who is in it. Registration is for people who work tickets one to one with the bot.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StaffMember


async def add_staff_member(
    session: AsyncSession, *, telegram_user_id: int, name: str, department: str | None
) -> tuple[StaffMember, bool]:
    """Register (or update) a staff member by Telegram id; True when newly added."""
    member = await staff_member(session, telegram_user_id)
    if member is not None:
        member.name, member.department = name, department
        return member, False
    member = StaffMember(telegram_user_id=telegram_user_id, name=name, department=department)
    session.add(member)
    await session.flush()
    return member, True


async def staff_member(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    member: StaffMember | None = await session.scalar(
        select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    )
    return member


async def list_staff_members(session: AsyncSession) -> list[StaffMember]:
    return list(
        await session.scalars(
            select(StaffMember).order_by(StaffMember.department, StaffMember.name)
        )
    )


async def remove_staff_member(session: AsyncSession, telegram_user_id: int) -> bool:
    """Unregister; False when nobody had this id."""
    result = await session.execute(
        delete(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
