"""The full workbook is formatted for reading: bold frozen headers, a filter over each table,
widths fitted to the content, one unit per column with its number format (rates as fractions
shown as percentages, scores to one decimal, counts as integers, real date-times), and codes as
words in the workbook's language (zh-CN by default, en on request)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from campaigns.exports.units import Unit
from campaigns.exports.widths import display_width, fitted_widths
from tests.admin.test_exports import AT, export_client, seed_exports, url
from tests.cli.test_export_command import csat_bytes

pytestmark = pytest.mark.both_backends

BOOK = "/campaigns/2026-Q4/exports/workbook.xlsx"
AS_IN_REPORT = (  # rates (fractions already) and scores, as the report has them
    "satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high", "favourable_rate",
    "favourable_ci_low", "favourable_ci_high", "top3_rate", "mean_score", "mean_score_ci_low",
    "mean_score_ci_high",
)  # fmt: skip
TABLE_SHEETS = ("summary", "factors", "customers", "business units", "roles", "tickets", "answers")


async def workbook_and_report(sessions, query: str = "") -> tuple[Workbook, dict[str, Any]]:  # type: ignore[no-untyped-def]
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        response = await client.get(BOOK + query)
        report = (await client.get("/campaigns/2026-Q4/report")).json()
    assert response.status_code == 200, response.text
    return load_workbook(io.BytesIO(response.content)), report


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """Each row as {header: cell}."""
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def width(sheet: Worksheet, column: str) -> float:
    header = [c.value for c in sheet[1]]
    letter = get_column_letter(header.index(column) + 1)
    return float(sheet.column_dimensions[letter].width)


async def test_every_sheet_has_a_bold_frozen_header_and_a_filter_over_the_table(sessions) -> None:
    book, _ = await workbook_and_report(sessions)
    for name in TABLE_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert all(c.font.bold for c in sheet[1]), name
        last = get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", name
    assert book["tickets"].auto_filter.ref == "A1:Y4"  # 25 columns, 3 tickets
    assert book["answers"].max_row == 1 + 19  # every answer is inside the filter


async def test_columns_have_their_units_number_format(sessions) -> None:
    book, _ = await workbook_and_report(sessions)
    gi = records(book["factors"])[0]
    assert gi["satisfaction_rate"].number_format == "0.0%"
    assert gi["loyalty"].number_format == "0.0%"
    assert gi["mean_score"].number_format == "0.0" and gi["mean_score"].value == 75
    assert gi["n_customers"].number_format == "0" and gi["n_customers"].value == 2
    assert gi["weighted_score_deff"].number_format == "0.00"
    ticket = records(book["tickets"])[0]
    assert ticket["score"].number_format == "0"  # an answer level, a whole number
    assert ticket["severity"].number_format == "0.0"
    created = ticket["created_at"]
    assert created.is_date and created.number_format == "yyyy-mm-dd hh:mm:ss"
    assert created.value == datetime(2026, 11, 21, 8, 0)  # UTC, as Excel has no time zones
    answer = records(book["answers"])[0]
    assert answer["answered_at"].is_date and answer["answered_at"].value == AT.replace(tzinfo=None)
    assert answer["level"].number_format == "0" and answer["level"].data_type == "n"


async def test_rates_are_the_reports_figures_as_fractions(sessions) -> None:
    book, report = await workbook_and_report(sessions)
    by_factor = {r["factor"].value: r for r in records(book["factors"])}
    for figures in report["factors"]:
        row = by_factor[figures["group"]]
        for column in AS_IN_REPORT:
            expected = figures[column]
            got = row[column].value
            assert got is None if expected is None else got == pytest.approx(expected), column
        # The report keeps loyalty in percent points: the workbook shows it as a fraction.
        for column in ("loyalty", "loyalty_ci_low", "loyalty_ci_high"):
            expected = figures[column]
            got = row[column].value
            assert got is None if expected is None else got == pytest.approx(expected / 100)
    assert by_factor["QU"]["loyalty"].value == 1.0  # 100 % loyal, not 100 as a number
    summary = {r["item"].value: r for r in records(book["summary"])}
    satisfaction = summary["satisfaction rate"]
    assert satisfaction["rate"].value == report["summary"]["satisfaction_rate"]["value"]
    assert satisfaction["rate"].number_format == "0.0%"
    assert summary["loyalty"]["rate_target"].value == report["targets"]["loyalty"] / 100 == 0.6
    assert summary["mean score"]["score"].value == report["summary"]["mean_score"]["value"]
    assert summary["mean score"]["score"].number_format == "0.0"
    assert summary["answers"]["count"].value == report["summary"]["n_answers"]
    assert summary["answers"]["count"].number_format == "0"


async def test_intervals_are_low_and_high_columns_in_their_figures_unit(sessions) -> None:
    book, report = await workbook_and_report(sessions)
    summary = {r["item"].value: r for r in records(book["summary"])}
    response = summary["response rate"]
    rate = report["response"]["rate"]
    assert (response["rate_ci_low"].value, response["rate_ci_high"].value) == pytest.approx(
        (rate["ci_low"], rate["ci_high"])
    )
    assert {response[c].number_format for c in ("rate", "rate_ci_low", "rate_ci_high")} == {"0.0%"}
    score = summary["mean score"]
    assert score["score_ci_low"].value < score["score"].value < score["score_ci_high"].value
    assert {score[c].number_format for c in ("score", "score_ci_low", "score_ci_high")} == {"0.0"}
    nps = summary["NPS"]
    assert nps["nps_ci_low"].value == report["summary"]["nps"]["ci_low"] == -100
    # No column mixes units: the rate column holds rates only, the score column scores only.
    assert all(r["rate"].value is None for r in records(book["summary"]) if r["score"].value)
    unit = {c.value: set() for c in book["summary"][1]}
    for row in records(book["summary"]):
        for column, cell in row.items():
            if cell.value is not None:
                unit[column].add(cell.number_format)
    assert all(len(formats) == 1 for formats in unit.values()), unit


async def test_grades_kinds_and_statuses_are_words_in_chinese_by_default(sessions) -> None:
    book, _ = await workbook_and_report(sessions)
    grades = {r["factor"].value: r["grade"].value for r in records(book["factors"])}
    assert grades["QU"] == "比较满意" and grades["GI"] == "一般满意" and grades["TS"] == "不满意"
    ticket = records(book["tickets"])[0]
    assert (ticket["status"].value, ticket["role"].value) == ("待处理", "质量")
    answers = records(book["answers"])
    assert {a["kind"].value for a in answers} == {"评分", "推荐意愿", "意见"}
    assert {a["channel"].value for a in answers} == {"Telegram"}
    assert {a["language"].value for a in answers} == {"English", "中文"}
    summary = {r["item"].value: r for r in records(book["summary"])}
    assert summary["grade"]["text"].value == "一般满意"


async def test_english_workbook_on_request(sessions) -> None:
    book, _ = await workbook_and_report(sessions, "?lang=en")
    grades = {r["factor"].value: r["grade"].value for r in records(book["factors"])}
    assert grades["QU"] == "fairly satisfied" and grades["TS"] == "dissatisfied"
    assert records(book["tickets"])[0]["status"].value == "open"
    assert {a["kind"].value for a in records(book["answers"])} == {"rating", "NPS", "comment"}
    summary = {r["item"].value: r for r in records(book["summary"])}
    assert summary["representative"]["text"].value == "no"


async def test_an_unknown_language_is_refused(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        response = await client.get(BOOK + "?lang=fr")
    assert response.status_code == 422 and "zh-CN" in response.text


async def test_widths_fit_the_content(sessions) -> None:
    book, _ = await workbook_and_report(sessions)
    tickets = book["tickets"]
    assert width(tickets, "customer_name") > width(tickets, "id")
    answers = book["answers"]
    # The =HYPERLINK comment (27 characters) is the longest text of the answers.
    assert width(answers, "text") >= 27 > width(answers, "level")
    assert width(answers, "answered_at") >= len("2026-11-21 08:00:00")
    assert width(book["summary"], "text") <= 60  # a long note does not make a huge column


def test_chinese_characters_count_double() -> None:
    assert display_width("很好") == 4 and display_width("ok") == 2
    chinese, latin = fitted_widths(
        ["a", "b"], [Unit.TEXT, Unit.TEXT], [("很满意很满意很满意", "abcdefghi")]
    )
    assert chinese == 18 + 2 and latin == 9 + 2


async def test_single_table_xlsx_keeps_the_data_values_with_a_filter(sessions) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        content = (await client.get(url("answers", "xlsx"))).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.auto_filter.ref == f"A1:S{sheet.max_row}" and sheet.freeze_panes == "A2"
    first = records(sheet)[0]
    assert first["kind"].value == "likert" and first["answered_at"].value == "2026-11-21T08:00:00Z"


async def test_csat_export_writes_the_workbook_in_the_language_asked(
    db_url: str, sessions, tmp_path: Path
) -> None:
    await seed_exports(sessions)
    out = tmp_path / "book.xlsx"
    code, _, err = await csat_bytes(
        db_url, "export", "2026-Q4", "--what", "workbook", "--lang", "en", "--out", str(out)
    )
    assert code == 0, err
    grades = {r["factor"].value: r["grade"].value for r in records(load_workbook(out)["factors"])}
    assert grades["QU"] == "fairly satisfied"
    code, _, err = await csat_bytes(
        db_url, "export", "2026-Q4", "--what", "workbook", "--lang", "fr", "--out", str(out)
    )
    assert code != 0 and "no workbook language 'fr'" in err.replace("\n", "")
