"""``/customers``: bulk import (JSON list or CSV, idempotent on external id) and listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from admin.deps import SessionDep, ViewerKey
from admin.pagination import PageDep
from admin.routes.bodies import add_import_route
from admin.schemas.fields import BusinessUnit
from admin.schemas.people import CustomerPublic, CustomersPublic
from campaigns.imports import CUSTOMERS
from storage.people_lists import customers_page
from survey.records import CustomerClass

router = APIRouter(prefix="/customers", tags=["customers"])


@router.get("")
async def list_customers(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    business_unit: Annotated[BusinessUnit | None, Query()] = None,
    customer_class: Annotated[CustomerClass | None, Query()] = None,
) -> CustomersPublic:
    """Customers by external id, optionally of one business unit and/or class."""
    rows, count = await customers_page(
        session,
        business_unit=business_unit,
        customer_class=customer_class,
        limit=page.limit,
        offset=page.offset,
    )
    return CustomersPublic(
        data=[CustomerPublic.model_validate(row) for row in rows],
        count=count,
        limit=page.limit,
        offset=page.offset,
    )


IMPORT_DOC = "Create or update customers by external id from a JSON list or CSV (`text/csv`)."
add_import_route(router, CUSTOMERS, name="import_customers", description=IMPORT_DOC)
