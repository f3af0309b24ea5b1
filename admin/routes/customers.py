"""``/customers``: bulk import (JSON list or CSV, idempotent on external id) and listing."""

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
from admin.schemas.fields import BusinessUnit
from admin.schemas.people import CustomerPublic, CustomersPublic, ImportPublic
from storage.models import Customer
from storage.people import upsert_customers
from storage.strangers import UNKNOWN_CUSTOMER
from survey.records import CustomerClass, CustomerRecord

router = APIRouter(prefix="/customers", tags=["customers"])


@router.post(
    "",
    response_model=ImportPublic,
    openapi_extra=import_body(CustomerRecord),
    response_model_exclude_none=True,
    responses=IMPORT_RESPONSES,
)
async def import_customers(
    request: Request, response: Response, session: SessionDep, _key: AdminKey
) -> ImportPublic | JSONResponse:
    """Create or update customers by external id from a JSON list or CSV (`text/csv`)."""
    good, bad = await read_rows(request, CustomerRecord)
    result = await upsert_customers(session, good)
    errors = [*bad, *result.errors]
    return import_outcome(result, errors, response, csv=media_type(request) == CSV)


@router.get("")
async def list_customers(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    business_unit: Annotated[BusinessUnit | None, Query()] = None,
    customer_class: Annotated[CustomerClass | None, Query()] = None,
) -> CustomersPublic:
    """Customers by external id, optionally of one business unit and/or class."""
    # The placeholder under which strangers' feedback is kept is no customer of ours.
    query = (
        select(Customer)
        .where(Customer.external_id != UNKNOWN_CUSTOMER)
        .order_by(Customer.external_id)
    )
    if business_unit is not None:
        query = query.where(Customer.business_unit == business_unit)
    if customer_class is not None:
        query = query.where(Customer.customer_class == customer_class)
    rows, count = await fetch_page(session, query, page)
    return CustomersPublic(
        data=[CustomerPublic.model_validate(row) for (row,) in rows],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )
