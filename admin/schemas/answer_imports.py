"""Body of ``POST /campaigns/{key}/answers`` (records in: survey/records.py AnswerRecord)."""

from __future__ import annotations

from admin.schemas.people import ImportPublic


class AnswerImportPublic(ImportPublic):
    """What an answers import did: answers ``created``, ``updated`` (old value kept in the audit
    trail) and ``unchanged``, lines ``rejected`` (each in ``errors`` by CSV line), and the
    customers, respondents and (completed) invitations it created for them."""

    customers_created: int
    respondents_created: int
    invitations_created: int
