"""The ticket board, the ticket page and the funnel page in one router for ``dashboard.install``."""

from __future__ import annotations

from fastapi import APIRouter

from dashboard.funnel_page import funnel_router
from dashboard.tickets_board import tickets_board_router
from dashboard.tickets_page import tickets_page_router


def tickets_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for part in (tickets_board_router, tickets_page_router, funnel_router):
        router.include_router(part())
    return router
