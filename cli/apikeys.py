"""``csat apikey …``: keys of the admin API, shown once and stored hashed (SPEC §7)."""

from __future__ import annotations

import typer

from cli.common import console, db_session, err_console, run_async
from survey.vocabulary import ApiKeyRole

apikey_app = typer.Typer(help="Admin API keys (roles: admin, staff, viewer).", no_args_is_help=True)


@apikey_app.command("create")
@run_async
async def apikey_create(
    role: str = typer.Option(..., help=f"One of {', '.join(ApiKeyRole)}"),
    name: str | None = typer.Option(None, help="Who uses it; tickets' history shows it"),
) -> None:
    """Create a key and print it once: only its hash is stored."""
    from storage.apikeys import create_api_key

    async with db_session() as session:
        row, key = await create_api_key(session, name=name or f"{role} key", role=role)
    # The key alone on stdout, so `KEY=$(csat apikey create …)` captures just it.
    print(key)
    err_console.print(
        f"key #{row.id} {row.name!r} ({row.role}) created. It will not be shown again: "
        "store it now.",
        style="yellow",
        highlight=False,
    )


@apikey_app.command("list")
@run_async
async def apikey_list() -> None:
    """List keys: id, prefix, name, role, last use, revocation (never the keys themselves)."""
    from storage.apikeys import list_api_keys

    async with db_session() as session:
        rows = await list_api_keys(session)
    for row in rows:
        used = row.last_used_at.isoformat(timespec="seconds") if row.last_used_at else "never"
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        print(f"{row.id}\t{row.prefix}…\t{row.name}\t{row.role}\tused {used}\t{state}")
    if not rows:
        console.print("no API keys yet: `csat apikey create --role admin`", style="dim")


@apikey_app.command("revoke")
@run_async
async def apikey_revoke(key_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Revoke a key by id: requests with it answer 401 from now on."""
    from storage.apikeys import revoke_api_key
    from survey.errors import NotFound, Resource

    async with db_session() as session:
        revoked = await revoke_api_key(session, key_id)
    if not revoked:
        raise NotFound(Resource.API_KEY, key_id, message=f"no active API key #{key_id}")
    console.print(f"key #{key_id} revoked")
