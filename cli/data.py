"""``csat survey …`` and ``csat import …``: questionnaires, customers and respondents."""

from __future__ import annotations

from pathlib import Path

import typer

from cli.common import console, db_session, err_console, run_async
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.loader import load_survey, load_template, template_names
from survey.records import CustomerRecord, RespondentRecord, read_records

survey_app = typer.Typer(help="Questionnaires.", no_args_is_help=True)
import_app = typer.Typer(
    help="Bulk imports from CSV (idempotent on external_id).", no_args_is_help=True
)


@survey_app.command("load")
@run_async
async def survey_load(
    source: str = typer.Argument(..., help="A YAML/JSON file or a template name"),
) -> None:
    """Load a questionnaire from a file, or a shipped template by name."""
    survey = load_survey(source) if Path(source).exists() else load_template(source)
    async with db_session() as session:
        row, created = await save_survey(session, survey)
    verb = "loaded" if created else "already loaded"
    console.print(
        f"survey [bold]{row.key}[/bold] v{row.version} {verb}: "
        f"{len(survey.factors)} factors, {len(survey.questions())} questions"
    )


@survey_app.command("templates")
def survey_templates() -> None:
    """List the shipped questionnaire templates."""
    for name in template_names():
        survey = load_template(name)
        console.print(f"{name}: {survey.title.get('en', '')} ({len(survey.questions())} questions)")


@import_app.command("customers")
@run_async
async def import_customers(file: Path) -> None:
    """Customers: external_id,name,customer_class,weight,business_unit,product_line,…"""
    good, bad = read_records(_read(file), CustomerRecord)
    async with db_session() as session:
        result = await upsert_customers(session, good)
    _report(file, result.created, result.updated, [*bad, *result.errors])


@import_app.command("respondents")
@run_async
async def import_respondents(file: Path) -> None:
    """Respondents: external_id,customer_id,name,role,language,timezone,telegram_user_id"""
    good, bad = read_records(_read(file), RespondentRecord)
    async with db_session() as session:
        result = await upsert_respondents(session, good)
    _report(file, result.created, result.updated, [*bad, *result.errors])


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot be read: {exc}") from None


def _report(file: Path, created: int, updated: int, errors: list[Exception]) -> None:
    console.print(f"{file}: {created} created, {updated} updated, {len(errors)} rejected")
    for error in sorted(errors, key=lambda e: getattr(e, "line", 0)):
        err_console.print(f"  {file}: {error}")
    if errors:
        raise typer.Exit(2)
