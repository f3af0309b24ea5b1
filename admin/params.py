"""Path parameters shared by the admin routes, bounded as their columns are (see
admin/schemas/fields.py): an id beyond Integer or a key that could not be stored is a 422
naming the parameter; a storable one that names nothing is a 404.

Query filters use the field types directly: ``owner: Annotated[TicketOwner | None, Query()]``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from admin.schemas.fields import CampaignKeyText, DbId, SurveyKeyText

CampaignKeyPath = Annotated[
    CampaignKeyText, Path(description="A campaign key", examples=["2026-Q4"])
]
SurveyKeyPath = Annotated[SurveyKeyText, Path(description="A survey key", examples=["ecss-5"])]
TicketId = Annotated[DbId, Path(description="A ticket's id", examples=[1])]
