"""``/respondents``: bulk import (JSON list or CSV, idempotent on external id) and listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from admin.deps import AdminKey, SessionDep, ViewerKey
from admin.pagination import PageDep, fetch_page
from admin.routes.bodies import (
    CSV,
    IMPORT_RESPONSES,
    import_body,
    import_outcome,
    media_type,
    read_rows,
)
from admin.schemas.fields import BusinessUnit, CustomerId, Role
from admin.schemas.people import ImportPublic, RespondentPublic, RespondentsPublic
from storage.models import Customer, Respondent
from storage.people import upsert_respondents
from survey.records import RespondentRecord

router = APIRouter(prefix="/respondents", tags=["respondents"])


@router.post(
    "",
    response_model=ImportPublic,
    openapi_extra=import_body(RespondentRecord),
    response_model_exclude_none=True,
    responses=IMPORT_RESPONSES,
)
async def import_respondents(
    request: Request, response: Response, session: SessionDep, _key: AdminKey
) -> ImportPublic | JSONResponse:
    """Create or update respondents by external id; ``customer_id`` is the customer's."""
    good, bad = await read_rows(request, RespondentRecord)
    result = await upsert_respondents(session, good)
    errors = [*bad, *result.errors]
    return import_outcome(result, errors, response, csv=media_type(request) == CSV)


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
    query = (
        select(Respondent, Customer.external_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .order_by(Respondent.external_id)
    )
    if customer is not None:
        query = query.where(Customer.external_id == customer)
    if business_unit is not None:
        query = query.where(Customer.business_unit == business_unit)
    if role is not None:
        query = query.where(Respondent.role == role)
    rows, count = await fetch_page(session, query, page)
    return RespondentsPublic(
        data=[
            RespondentPublic(
                external_id=r.external_id,
                customer_id=customer_id,
                name=r.name,
                role=r.role,
                language=r.language,
                timezone=r.timezone,
                telegram_user_id=r.telegram_user_id,
                forgotten=r.forgotten_at is not None,
            )
            for r, customer_id in rows
        ],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )
