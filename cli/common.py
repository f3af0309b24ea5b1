"""Shared plumbing of the CLI: settings, the database, keys on the command line, and the one
error printer every command goes through."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

# Every csat command imports this module, so it imports no database, Bot API or settings code
# at the top: each function imports what it uses (`csat --help` stays fast, issue 12).
if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from survey.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)
P = ParamSpec("P")
T = TypeVar("T")
USAGE_ERROR = 2  # click's exit code for a bad command line
NO_SCHEMA = "has no schema: run csat db upgrade"
OLD_SCHEMA = "has an older schema: run csat db upgrade"


class DatabaseFailure(Exception):
    """The database cannot serve a command: unreachable, without its schema, read-only.

    ``url`` is shown without its password; None when the failing database is not known.
    """

    def __init__(self, url: str | None, problem: str) -> None:
        self.url = url
        self.problem = problem
        super().__init__(f"the database at {url} {problem}" if url else f"the database {problem}")


def settings() -> Settings:
    """Settings from the environment, read once per command."""
    from survey.settings import Settings

    return Settings()


def safe_url(url: str) -> str:
    """``url`` as it may be printed: without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@asynccontextmanager
async def database(url: str | None = None) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the configured database once it answers; its errors become one
    ``DatabaseFailure`` naming it."""
    from storage.engine import create_engine, create_sessionmaker

    url = url or settings().database_url
    with database_errors(url, connecting=True):
        engine = create_engine(url)
    try:
        with database_errors(url, connecting=True):
            async with engine.connect():
                pass
        with database_errors(url):
            yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def db_session(url: str | None = None) -> AsyncIterator[AsyncSession]:
    """One transaction on the configured database, committed on success."""
    async with database(url) as sessions, sessions() as session, session.begin():
        yield session


@contextmanager
def database_errors(url: str, *, connecting: bool = False) -> Iterator[None]:
    """Turn the database's own errors raised inside into a ``DatabaseFailure`` for ``url``;
    while ``connecting``, a socket or driver error means it is unreachable too."""
    import asyncpg  # type: ignore[import-untyped]
    from sqlalchemy.exc import ArgumentError, DBAPIError

    if connecting and (missing := _missing_directory(url)):
        # Said before connecting: SQLite would only say "unable to open database file", and
        # aiosqlite (0.22) can print a thread's traceback when its connection fails.
        raise DatabaseFailure(safe_url(url), f"is unreachable: {missing}")
    try:
        yield
    except DBAPIError as exc:
        raise database_failure(exc, url, connecting=connecting) from exc
    except (ArgumentError, ImportError) as exc:
        if not connecting:
            raise
        # Not a URL, or no driver installed for it: SQLAlchemy says which without the URL.
        raise DatabaseFailure(None, f"URL cannot be used: {exc}") from None
    except (OSError, asyncpg.PostgresError) as exc:
        # SQLAlchemy passes these through unwrapped while connecting (refused, unknown host,
        # wrong password, no such database); later they are not the database's.
        if not connecting:
            raise
        raise DatabaseFailure(safe_url(url), f"is unreachable: {_first_line(exc)}") from exc


def database_failure(
    exc: DBAPIError, url: str | None, *, connecting: bool = False
) -> DatabaseFailure:
    """What the database at ``url`` (None: not known) told us, in the words a user acts on."""
    shown = safe_url(url) if url else None
    reason = _first_line(exc.orig)
    words = reason.lower()
    state = str(getattr(exc.orig, "sqlstate", "") or "")  # PostgreSQL's error code
    if state == "42P01" or "no such table" in words:
        return DatabaseFailure(shown, NO_SCHEMA)
    if state == "42703" or "no such column" in words:
        return DatabaseFailure(shown, OLD_SCHEMA)
    if state == "25006" or "readonly database" in words or "read-only" in words:
        return DatabaseFailure(shown, f"is read-only: {reason}")
    if connecting or exc.connection_invalidated or "unable to open database file" in words:
        return DatabaseFailure(shown, f"is unreachable: {reason}")
    return DatabaseFailure(shown, f"failed: {reason}")


def _first_line(exc: BaseException | None) -> str:
    # asyncpg's errors reach us as "<class 'asyncpg.exceptions.X'>: message".
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.split(">: ", 1)[1] if text.startswith("<class ") and ">: " in text else text


def _missing_directory(url: str) -> str | None:
    """For a SQLite file in a directory that does not exist, say so."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # create_engine says what is wrong with it
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    folder = Path(parsed.database.removeprefix("file:")).parent
    return None if folder.is_dir() else f"the directory {folder} does not exist"


@contextmanager
def printed_errors() -> Iterator[None]:
    """The one CLI error printer: an error the user can act on (a domain error, a database or
    file that fails, the Bot API refusing) is one line on stderr and exit 1.

    A ``LookupError`` is a bug (the domain says NotFound) and keeps its traceback. ``ValueError``
    is still printed: settings and the scoring functions' input checks refuse with it.
    """
    try:
        yield
    except Exception as exc:
        message = _user_error(exc)
        if message is None:
            raise
        _print_error(message)
        raise typer.Exit(1) from None


def _user_error(exc: Exception) -> str | None:
    """The line ``printed_errors`` prints for ``exc``; None for a bug (its traceback shows).

    The classes are imported here, when something failed, not by every command's start.
    """
    from sqlalchemy.exc import DBAPIError
    from telegram.error import TelegramError

    from survey.errors import SurveyError

    if isinstance(exc, DBAPIError):  # raised outside ``database()``: which one is not known
        return str(database_failure(exc, None))
    if isinstance(exc, SurveyError | DatabaseFailure | ValueError | OSError):
        return str(exc)
    if isinstance(exc, TelegramError):
        return f"the Bot API failed: {exc}"
    return None


def _print_error(message: str) -> None:
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False)


def run_async(func: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Run an async command body through the error printer."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with printed_errors():
            return run_coroutine(func(*args, **kwargs))

    return wrapper


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine on uvloop, as ``csat serve`` runs (uvicorn takes it), else on
    asyncio's loop: less CPU per socket read (a report's million answers from PostgreSQL)."""
    # Imported here: importing either costs every command's start, --help too.
    try:
        import uvloop
    except ImportError:  # Windows: uvloop is not installed there
        import asyncio

        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def run_sync(func: Callable[P, T]) -> Callable[P, T]:
    """Run a synchronous command body through the error printer."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with printed_errors():
            return func(*args, **kwargs)

    return wrapper


def usage_error(message: str) -> NoReturn:
    """A bad command line: one line on stderr and click's exit code 2."""
    _print_error(message)
    raise typer.Exit(USAGE_ERROR)


def _key_checked(check: Callable[[str], str]) -> Callable[[str], str]:
    def callback(value: str) -> str:
        try:
            return check(value)
        except ValueError as exc:
            usage_error(str(exc))

    return callback


# survey.keys brings pydantic: imported when a command line is parsed, not by --help.
def _campaign_key(value: str) -> str:
    from survey.keys import check_campaign_key

    return check_campaign_key(value)


def _survey_key(value: str) -> str:
    from survey.keys import check_survey_key

    return check_survey_key(value)


# The admin API's key rules (survey/keys.py), checked before the command runs.
CampaignKeyArg = Annotated[
    str,
    typer.Argument(metavar="CAMPAIGN", help="A campaign key", callback=_key_checked(_campaign_key)),
]
SurveyKeyOption = Annotated[
    str,
    typer.Option(
        "--survey",
        help="Key of a loaded survey (its newest version is used)",
        callback=_key_checked(_survey_key),
    ),
]


async def gather_limited(jobs: list[Awaitable[T]], limit: int) -> list[T]:
    """Await jobs with at most ``limit`` running at once."""
    import asyncio

    semaphore = asyncio.Semaphore(limit)

    async def one(job: Awaitable[T]) -> T:
        async with semaphore:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))
