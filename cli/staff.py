"""``csat staff …``: staff members who may work tickets in a private chat with the bot.

Everyone in a staff group that alerts go to (CSAT_STAFF_CHAT_ID, CSAT_DEPARTMENT_CHATS) may act
on that group's tickets without registering; only registered staff may do so one to one.
"""

from __future__ import annotations

import typer

from cli.common import console, db_session, run_async

staff_app = typer.Typer(
    help="Staff who may take and open tickets in a private chat with the bot.",
    no_args_is_help=True,
)
TELEGRAM_ID_MAX = 2**63 - 1  # Telegram ids fit a signed 64-bit integer (BigInteger)


def _telegram_id(value: int) -> int:
    if not 0 < value <= TELEGRAM_ID_MAX:
        raise typer.BadParameter("a Telegram user id is a positive 64-bit integer")
    return value


def _department(value: str | None) -> str | None:
    if value is not None and not 0 < len(value) <= 80:
        raise typer.BadParameter("a department key has 1–80 characters")
    return value


def _name(value: str) -> str:
    if not 0 < len(value.strip()) <= 120 or "\x00" in value:
        raise typer.BadParameter("a name has 1–120 characters")
    return value.strip()


@staff_app.command("add")
@run_async
async def staff_add(
    telegram_id: int = typer.Option(
        ..., "--telegram-id", metavar="ID", callback=_telegram_id, help="Their Telegram user id"
    ),
    name: str = typer.Option(
        ..., callback=_name, help="Shown as the ticket's owner when they take one"
    ),
    department: str | None = typer.Option(
        None,
        callback=_department,
        help="Only this department's tickets (a factor's department key); default: all",
    ),
) -> None:
    """Register a staff member (or change their name or department)."""
    from storage.staff import add_staff_member

    async with db_session() as session:
        member, added = await add_staff_member(
            session, telegram_user_id=telegram_id, name=name, department=department
        )
    scope = f"the {member.department} department's" if member.department else "every"
    verb = "added" if added else "updated"
    console.print(f"{member.name} ({member.telegram_user_id}) {verb}: may act on {scope} tickets")


@staff_app.command("list")
@run_async
async def staff_list() -> None:
    """Registered staff: Telegram id, name, department."""
    from storage.staff import list_staff_members

    async with db_session() as session:
        members = await list_staff_members(session)
    for member in members:
        print(f"{member.telegram_user_id}\t{member.name}\t{member.department or '(all)'}")
    if not members:
        console.print("no staff registered: `csat staff add --telegram-id ID --name NAME`")


@staff_app.command("remove")
@run_async
async def staff_remove(
    telegram_id: int = typer.Option(
        ..., "--telegram-id", metavar="ID", callback=_telegram_id, help="Their Telegram user id"
    ),
) -> None:
    """Unregister a staff member: their presses outside the staff groups are refused again."""
    from storage.staff import remove_staff_member
    from survey.errors import NotFound, Resource

    async with db_session() as session:
        removed = await remove_staff_member(session, telegram_id)
    if not removed:
        message = f"no staff member with Telegram id {telegram_id}"
        raise NotFound(Resource.STAFF_MEMBER, telegram_id, message=message)
    console.print(f"staff member {telegram_id} removed")
