"""``/respondents``: bulk import (JSON list or CSV, idempotent on external id) and listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from admin.deps import SessionDep, ViewerKey
from admin.pagination import PageDep
from admin.routes.bodies import add_import_route
from admin.schemas.fields import BusinessUnit, CustomerId, Role
from admin.schemas.people import RespondentPublic, RespondentsPublic
from campaigns.imports import RESPONDENTS
from storage.people_lists import respondents_page

router = APIRouter(prefix="/respondents", tags=["respondents"])


@router.get("")
async def list_respondents(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    customer: Annotated[CustomerId | None, Query(description="A customer's external id")] = None,
    business_unit: Annotated[BusinessUnit | None, Query()] = None,
    role: Annotated[Role | None, Query()] = None,
) -> RespondentsPublic:
    """Respondents by external id, optionally of one customer, business unit or role."""
    rows, count = await respondents_page(
        session,
        customer=customer,
        business_unit=business_unit,
        role=role,
        limit=page.limit,
        offset=page.offset,
    )
    return RespondentsPublic(
        data=[RespondentPublic.of(r, customer_id) for r, customer_id in rows],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


IMPORT_DOC = "Create or update respondents by external id; ``customer_id`` is the customer's."
add_import_route(router, RESPONDENTS, name="import_respondents", description=IMPORT_DOC)
