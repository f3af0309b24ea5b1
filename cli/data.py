"""``csat survey …`` and ``csat import …``: questionnaires, customers and respondents."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.answer_imports import import_answers_command
from cli.common import console, db_session, err_console, run_async

if TYPE_CHECKING:
    from campaigns.imports import Importer
    from survey.import_files import ImportFormat, ImportResult
    from survey.records import R

survey_app = typer.Typer(help="Questionnaires.", no_args_is_help=True)
import_app = typer.Typer(
    help="Bulk imports from CSV or a JSON list (idempotent on external_id).",
    no_args_is_help=True,
)
import_app.command("answers")(import_answers_command)


@survey_app.command("load")
@run_async
async def survey_load(
    source: str = typer.Argument(..., help="A YAML/JSON file or a template name"),
) -> None:
    """Load a questionnaire from a file, or a shipped template by name."""
    from storage.surveys import save_survey
    from survey.loader import load_survey, load_template

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
    from survey.loader import load_template, template_names

    for name in template_names():
        survey = load_template(name)
        console.print(f"{name}: {survey.title.get('en', '')} ({len(survey.questions())} questions)")


@import_app.command("customers")
@run_async
async def import_customers(
    file: Path = typer.Argument(..., help="A CSV file, or a JSON list of rows (.json)"),
) -> None:
    """Customers: external_id,name,customer_class,weight,business_unit,product_line,…"""
    from campaigns.imports import CUSTOMERS

    await _import(file, CUSTOMERS)


@import_app.command("respondents")
@run_async
async def import_respondents(
    file: Path = typer.Argument(..., help="A CSV file, or a JSON list of rows (.json)"),
) -> None:
    """Respondents: external_id,customer_id,name,role,language,timezone,telegram_user_id"""
    from campaigns.imports import RESPONDENTS

    await _import(file, RESPONDENTS)


async def _import(file: Path, importer: Importer[R]) -> None:
    """Import ``file`` (CSV, or a JSON list when its name ends in ``.json``) and report."""
    from campaigns.imports import import_records
    from survey.errors import ImportFileError
    from survey.import_files import ImportFormat

    fmt = ImportFormat.JSON if file.suffix.lower() == ".json" else ImportFormat.CSV
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(str(file), None, f"cannot be read: {exc}") from None
    async with db_session() as session:
        result = await import_records(session, importer, text, fmt=fmt, source=str(file))
    _report(file, result, fmt)


def _report(file: Path, result: ImportResult, fmt: ImportFormat) -> None:
    """The counts, then each rejected row by line (CSV) or item (JSON); exit 2 if any."""
    console.print(
        f"{file}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {len(result.errors)} rejected"
    )
    for error in result.errors:
        err_console.print(f"  {file}: {fmt.row_unit} {error.line}: {error.field}: {error.problem}")
    if result.errors:
        raise typer.Exit(2)
