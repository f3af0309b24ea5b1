"""``csat import answers FILE --campaign KEY``: answers from paper, phone or an earlier tool."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import console, db_session, err_console, run_async

if TYPE_CHECKING:
    from storage.answer_imports import AnswerImportResult

REJECTED_EXIT = 2  # as the customers and respondents imports: some lines were not imported


@run_async
async def import_answers_command(
    file: Path = typer.Argument(..., help="An answers CSV, as `csat export --what answers` writes"),
    campaign: str = typer.Option(..., "--campaign", help="The campaign the answers belong to"),
) -> None:
    """Answers: the columns of the answers export (campaign,survey,customer_id,…,channel).

    Unknown customers and respondents are created; importing a file again changes nothing.
    Imported answers open no tickets and alert nobody; channel keeps paper, phone or visit,
    anything else is recorded as import.
    """
    from campaigns.answer_imports import import_answers
    from survey.keys import check_campaign_key

    key = check_campaign_key(campaign)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValueError(f"{file}: cannot be read: {exc.strerror or exc}") from None
    async with db_session() as session:
        result = await import_answers(session, key, data, source=str(file))
    report(file, key, result)


def report(file: Path, campaign: str, result: AnswerImportResult) -> None:
    """The counts, then each rejected line; exit 2 if any (the good lines are kept)."""
    from scoring.wording import counted

    console.print(
        f"{file}: {counted(result.created, 'answer')} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {counted(len(result.errors), 'line')} rejected; "
        f"campaign {campaign}: {counted(result.customers_created, 'new customer')}, "
        f"{counted(result.respondents_created, 'new respondent')}, "
        f"{counted(result.invitations_created, 'new invitation')}",
        highlight=False,
        markup=False,
    )
    for error in result.errors:
        err_console.print(
            f"  {file}: line {error.line}: {error.field}: {error.problem}",
            highlight=False,
            markup=False,
        )
    if result.errors:
        raise typer.Exit(REJECTED_EXIT)
