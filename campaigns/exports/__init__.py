"""Exports of a campaign: answers, scores and tickets as CSV (streamed), XLSX and JSON, and
the full workbook (summary, score sheets, tickets, answers, trend chart), formatted for
reading in zh-CN or en.

``build_export`` is the one entry point, shared by the admin routes and ``csat export``.
Text cells of CSV and XLSX are neutralised against formula injection (``cells``).
"""

from campaigns.exports.builder import (
    EXPORTS,
    FORMATS,
    MEDIA_TYPES,
    SCORES_BY,
    ExportFile,
    build_export,
    check_export,
    filename,
)
from campaigns.exports.cells import neutralise
from campaigns.exports.labels import DEFAULT_LANGUAGE, LANGUAGES, check_language
from survey.records import FORMULA_STARTS

__all__ = [
    "DEFAULT_LANGUAGE",
    "EXPORTS",
    "FORMATS",
    "FORMULA_STARTS",
    "LANGUAGES",
    "MEDIA_TYPES",
    "SCORES_BY",
    "ExportFile",
    "build_export",
    "check_export",
    "check_language",
    "filename",
    "neutralise",
]
