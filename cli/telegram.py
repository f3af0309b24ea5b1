"""``csat serve``, ``csat webhook …`` and ``csat simulator``."""

from __future__ import annotations

import signal
from types import FrameType
from typing import TYPE_CHECKING

import typer

from cli.common import console, run_async, settings

if TYPE_CHECKING:
    from telegram import Bot

    from survey.settings import Settings

# Seconds uvicorn gives a webhook request in flight to finish once told to stop; then the bot
# (bot.scheduler.STOP_GRACE_SECONDS) stops: together within 3 s of SIGTERM.
GRACEFUL_SHUTDOWN_SECONDS = 1
# Longer than a proxy's or a client's idle time (load balancers keep 60 s): a server that
# closes an idle kept-alive connection first races the next request sent on it.
KEEP_ALIVE_SECONDS = 75
# `python -m simulator`'s options (simulator/__main__.py OPTIONS), written out here: importing
# the simulator costs every csat command a quarter of a second. tests/cli/test_help.py checks
# that both commands have the same options, defaults and help.
SIM_HOST, SIM_PORT = "127.0.0.1", 8081
SIM_TOKEN, SIM_BOT_USERNAME = "123456:TEST-token", "csat_test_bot"
webhook_app = typer.Typer(
    help="Register the webhook with the Bot API (once, not per worker).", no_args_is_help=True
)


def make_app(config: Settings):  # type: ignore[no-untyped-def]
    """The FastAPI app with the bot in it when a token is set, and the e-mail sender when
    SMTP is configured."""
    from admin.app import create_app
    from bot.application import BotService, build_application
    from dashboard.install import install as install_dashboard
    from mailing.hosting import mail_channel
    from web.install import install as install_web

    factory = None
    if config.token:

        def factory(sessions):  # type: ignore[no-untyped-def]
            application = build_application(config, sessions, polling=not config.webhook_mode)
            return BotService(application, scheduler=config.scheduler)

    mail = mail_channel(config)
    channels = [install_web, install_dashboard, *([mail] if mail else [])]
    return create_app(config, bot_factory=factory, channels=channels)


def serve(
    host: str | None = typer.Option(None, help="Defaults to CSAT_HOST"),
    port: int | None = typer.Option(None, help="Defaults to CSAT_PORT"),
) -> None:
    """Run the admin API, the bot (webhook or long polling) and the scheduler in one process."""
    import uvicorn

    from mailing.hosting import mail_problem

    config = settings()
    if not config.token:
        console.print(
            "[yellow]CSAT_TELEGRAM_TOKEN is not set: the bot is off; "
            "serving the admin API only.[/yellow]"
        )
    else:
        mode = f"webhook at {config.webhook_url}" if config.webhook_mode else "long polling"
        console.print(f"bot on ({mode}) via {config.telegram_api_url}")
    if problem := mail_problem(config):
        console.print(f"[yellow]{problem}.[/yellow]")
    elif config.smtp_host:
        console.print(f"e-mail invitations and reminders via {config.smtp_host}:{config.smtp_port}")
    app = make_app(config)
    signal.signal(signal.SIGTERM, _stopped)
    uvicorn.run(
        app,
        host=host or config.host,
        port=port or config.port,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        access_log=False,  # no line per webhook update: each press would write one
    )


def _stopped(signum: int, frame: FrameType | None) -> None:
    """SIGTERM is how a service is told to stop: once uvicorn has shut down (it raises the
    signal again then), the process exits 0 rather than dying of it."""
    raise SystemExit(0)


def _bot(config: Settings) -> Bot:
    from telegram import Bot

    if not config.token:
        raise ValueError("CSAT_TELEGRAM_TOKEN is not set")
    return Bot(config.token, base_url=f"{config.telegram_api_url}/bot")


@webhook_app.command("set")
@run_async
async def webhook_set(drop_pending: bool = typer.Option(False, help="Drop queued updates")) -> None:
    """setWebhook to CSAT_WEBHOOK_URL with CSAT_WEBHOOK_SECRET."""
    from bot.application import ALLOWED_UPDATES

    config = settings()
    if not config.webhook_url or not config.secret:
        raise ValueError("set CSAT_WEBHOOK_URL and CSAT_WEBHOOK_SECRET first")
    async with _bot(config) as bot:
        await bot.set_webhook(
            config.webhook_url,
            secret_token=config.secret,
            drop_pending_updates=drop_pending,
            allowed_updates=ALLOWED_UPDATES,
        )
    console.print(f"webhook set to {config.webhook_url}")


@webhook_app.command("delete")
@run_async
async def webhook_delete() -> None:
    """deleteWebhook: go back to long polling."""
    async with _bot(settings()) as bot:
        await bot.delete_webhook()
    console.print("webhook deleted")


@webhook_app.command("info")
@run_async
async def webhook_info() -> None:
    """getWebhookInfo."""
    async with _bot(settings()) as bot:
        info = await bot.get_webhook_info()
    console.print(
        f"url: {info.url or '(none: long polling)'}\n"
        f"pending updates: {info.pending_update_count}\n"
        f"last error: {info.last_error_message or '-'}"
    )


def simulator(
    host: str = typer.Option(SIM_HOST, help="Address to listen on"),
    port: int = typer.Option(SIM_PORT, help="Port to listen on (0 picks a free port)"),
    token: str = typer.Option(SIM_TOKEN, help="Bot token it accepts"),
    bot_username: str = typer.Option(SIM_BOT_USERNAME, help="Username of the simulated bot"),
    no_limits: bool = typer.Option(
        False, "--no-limits", help="Disable flood control (Telegram's rate limits)"
    ),
) -> None:
    """Run the local Bot API simulator (offline Telegram) until interrupted, with a chat page
    at http://HOST:PORT/ to answer surveys by hand: the same as `python -m simulator`."""
    import simulator.__main__ as sim_cli

    sim_cli.run(host, port, token, bot_username, no_limits)
