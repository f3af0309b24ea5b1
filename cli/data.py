"""``csat survey …`` and ``csat import …``: questionnaires, customers and respondents."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.answer_imports import import_answers_command
from cli.common import console, db_session, err_console, run_async
from storage.people import ImportResult, upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.errors import ImportRowError
from survey.import_files import read_csv_records, read_json_records
from survey.loader import load_survey, load_template, template_names
from survey.records import CustomerRecord, R, RespondentRecord

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
async def import_customers(
    file: Path = typer.Argument(..., help="A CSV file, or a JSON list of rows (.json)"),
) -> None:
    """Customers: external_id,name,customer_class,weight,business_unit,product_line,…"""
    good, bad = _read_records(file, CustomerRecord)
    async with db_session() as session:
        result = await upsert_customers(session, good)
    _report(file, result, bad)


@import_app.command("respondents")
@run_async
async def import_respondents(
    file: Path = typer.Argument(..., help="A CSV file, or a JSON list of rows (.json)"),
) -> None:
    """Respondents: external_id,customer_id,name,role,language,timezone,telegram_user_id"""
    good, bad = _read_records(file, RespondentRecord)
    async with db_session() as session:
        result = await upsert_respondents(session, good)
    _report(file, result, bad)


def _read_records(file: Path, model: type[R]) -> tuple[list[tuple[int, R]], list[ImportRowError]]:
    """The file's records: CSV, or a JSON list when the name ends in ``.json``."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{file}: cannot be read: {exc}") from None
    if not _is_json(file):
        return read_csv_records(text, model, source=str(file))
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    return read_json_records(items, model, source=str(file))


def _is_json(file: Path) -> bool:
    return file.suffix.lower() == ".json"


def _report(file: Path, result: ImportResult, bad: list[ImportRowError]) -> None:
    """The counts, then each rejected row by line (CSV) or item (JSON); exit 2 if any."""
    errors = sorted([*bad, *result.errors], key=lambda e: e.line)
    console.print(
        f"{file}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {len(errors)} rejected"
    )
    where = "item" if _is_json(file) else "line"
    for error in errors:
        err_console.print(f"  {file}: {where} {error.line}: {error.field}: {error.problem}")
    if errors:
        raise typer.Exit(2)
