"""The ``csat`` command."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

# Every module here imports only what its commands' options need; each command imports the
# rest (pandas, SciPy, matplotlib, python-telegram-bot, FastAPI, SQLAlchemy) when it runs, so
# that `csat --help` and a mistyped option answer at once (issue 12).
from cli import apikeys, campaigns, data, exporting, reporting, staff, telegram, tickets
from cli.common import console, database_errors, run_sync, safe_url, settings
from cli.help_format import natural_help


def demo(
    respondents: int = typer.Option(60, min=50, help="How many respondents the customers have"),
    survey: str = typer.Option("ecss-5", help="Questionnaire template"),
    seed: int = typer.Option(2026, help="Random seed of the sample and the simulated answers"),
    database: str | None = typer.Option(
        None, help="Database URL (default: a temporary SQLite file, removed at the end)"
    ),
    out: Path = typer.Option(Path("reports"), help="Where the report and the exports go"),
) -> None:
    """Run a campaign of simulated respondents through the simulator and the real bot."""
    # cli/demo.py imports the simulator, the bot and the app at its top: only the demo pays.
    # Its options are written out here for that reason; tests/cli/test_startup.py checks that
    # they are cli.demo.demo's.
    from cli.demo import demo as run_demo

    run_demo(respondents=respondents, survey=survey, seed=seed, database=database, out=out)


# Plain (click's) help and usage errors, not Rich's panels: Typer's Rich help imports rich's
# Markdown, Syntax and Traceback (markdown-it, Pygments), which took `csat --help` past three
# times `import typer` (issue 12 part 6). Sub-apps take the root's mode.
app = typer.Typer(
    help="csat-bot: customer-satisfaction surveys in Telegram.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(data.survey_app, name="survey")
app.add_typer(data.import_app, name="import")
app.add_typer(campaigns.campaign_app, name="campaign")
app.add_typer(telegram.webhook_app, name="webhook")
app.add_typer(apikeys.apikey_app, name="apikey")
app.add_typer(staff.staff_app, name="staff")
app.add_typer(tickets.tickets_app, name="tickets")
app.command("demo")(run_sync(demo))
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
