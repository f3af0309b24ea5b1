"""The ``csat`` command."""

from __future__ import annotations

import logging

import typer

from cli import apikeys, campaigns, data, demo, exporting, reporting, staff, telegram, tickets
from cli.common import console, database_errors, run_sync, safe_url, settings
from cli.help_format import natural_help

app = typer.Typer(help="csat-bot: customer-satisfaction surveys in Telegram.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(data.survey_app, name="survey")
app.add_typer(data.import_app, name="import")
app.add_typer(campaigns.campaign_app, name="campaign")
app.add_typer(telegram.webhook_app, name="webhook")
app.add_typer(apikeys.apikey_app, name="apikey")
app.add_typer(staff.staff_app, name="staff")
app.add_typer(tickets.tickets_app, name="tickets")
app.command("demo")(run_sync(demo.demo))
app.command("serve")(telegram.serve)
app.command("simulator")(telegram.simulator)
app.command("report")(reporting.report)
app.command("export")(exporting.export)


@db_app.command("upgrade")
@run_sync
def db_upgrade(
    revision: str = typer.Option("head", help="Alembic revision to go to (default: the newest)"),
) -> None:
    """Create or migrate the database schema (Alembic)."""
    from storage.migrate import upgrade

    url = settings().database_url
    with database_errors(url, connecting=True):
        upgrade(url, revision)
    console.print(f"database at [bold]{safe_url(url)}[/bold] is at revision {revision}")


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log more.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


natural_help(app)  # last: every command and sub-app is registered by now
