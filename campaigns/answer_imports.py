"""Answers from paper, phone interviews or an earlier tool, loaded into a campaign.

The file is the answers export of SPEC §7, so an export re-imported into a new campaign
gives the same report. What an import decides:

- it is idempotent on (campaign, respondent, question, kind): the same file twice changes
  nothing; a changed level, na or text updates the answer and keeps the old value in the
  audit trail (a different ``answered_at`` alone is no change);
- customers and respondents it does not know are created from the first line naming them;
  known ones are left as stored; every respondent's invitation is completed;
- ``channel`` keeps ``paper``, ``phone`` and ``visit``; any other value becomes ``import``;
- imported 1–2s open no ticket and alert nobody: they are history, not today's complaints
  (the report still counts them, as it counts every 1–2 from the answers);
- every bad line is reported with its number and reason and the good lines are kept; a file
  that is not UTF-8 is refused as a whole.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.answer_checks import fitting_answers
from storage.answer_imports import AnswerImportResult, store_answers
from storage.campaigns import campaign_by_key
from storage.surveys import get_survey
from storage.types import utcnow
from survey.errors import CampaignNotFound, ImportFileError
from survey.import_files import read_csv_records
from survey.records import AnswerRecord

NOT_UTF8 = "line {line} is not UTF-8 text ({reason}); save the file as UTF-8 (CSV UTF-8 in Excel)"


def decoded(data: bytes, *, source: str) -> str:
    """The file's text; one clear error, naming the first bad line, if it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")  # a CSV saved by Excel starts with a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = f"byte 0x{data[exc.start]:02x} {exc.reason}"
        raise ImportFileError(source, line, NOT_UTF8.format(line=line, reason=reason)) from None


async def import_answers(
    session: AsyncSession, campaign_key: str, data: bytes, *, source: str
) -> AnswerImportResult:
    """Load the answers CSV ``data`` into campaign ``campaign_key``; the result's errors
    list each rejected line (file order). Raises CampaignNotFound or ImportFileError."""
    campaign = await campaign_by_key(session, campaign_key)
    if campaign is None:
        raise CampaignNotFound(campaign_key)
    text = decoded(data, source=source)
    # Parsing a large file is CPU work: keep the event loop free meanwhile.
    good, bad = await asyncio.to_thread(read_csv_records, text, AnswerRecord, source=source)
    survey = await get_survey(session, campaign.survey_id)
    fitting, misfits = fitting_answers(survey, good)
    result = await store_answers(session, campaign, fitting, now=utcnow())
    result.errors = sorted([*bad, *misfits, *result.errors], key=lambda e: e.line)
    return result
