"""Shared plumbing of the CLI: settings, a database session, printing domain errors."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import create_engine, create_sessionmaker
from survey.errors import SurveyError
from survey.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
P = ParamSpec("P")
T = TypeVar("T")


def settings() -> Settings:
    """Settings from the environment, read once per command."""
    return Settings()


@asynccontextmanager
async def db_session(url: str | None = None) -> AsyncIterator[AsyncSession]:
    """One transaction on the configured database, committed on success."""
    engine = create_engine(url or settings().database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


def run_async(func: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Run an async command body; domain errors become a one-line message and exit 1."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return asyncio.run(func(*args, **kwargs))
        except (SurveyError, ValueError, LookupError) as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None

    return wrapper


async def gather_limited(jobs: list[Awaitable[T]], limit: int) -> list[T]:
    """Await jobs with at most ``limit`` running at once."""
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Awaitable[T]) -> T:
        async with semaphore:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))
