"""``csat serve``, ``csat webhook …`` and ``csat simulator``."""

from __future__ import annotations

import typer
import uvicorn
from telegram import Bot

import simulator.__main__ as sim_cli
from admin.app import create_app
from bot.application import ALLOWED_UPDATES, BotService, build_application
from cli.common import console, run_async, settings
from mailing.hosting import mail_channel, mail_problem
from simulator.simulator import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN
from survey.settings import Settings
from web.install import install as install_web

_SIM_HELP = {option.flag: option.help for option in sim_cli.OPTIONS}
webhook_app = typer.Typer(
    help="Register the webhook with the Bot API (once, not per worker).", no_args_is_help=True
)


def make_app(config: Settings):  # type: ignore[no-untyped-def]
    """The FastAPI app with the bot in it when a token is set, and the e-mail sender when
    SMTP is configured."""
    factory = None
    if config.token:

        def factory(sessions):  # type: ignore[no-untyped-def]
            application = build_application(config, sessions, polling=not config.webhook_mode)
            return BotService(application, scheduler=config.scheduler)

    mail = mail_channel(config)
    channels = [install_web, *([mail] if mail else [])]
    return create_app(config, bot_factory=factory, channels=channels)


def serve(
    host: str | None = typer.Option(None, help="Defaults to CSAT_HOST"),
    port: int | None = typer.Option(None, help="Defaults to CSAT_PORT"),
) -> None:
    """Run the admin API, the bot (webhook or long polling) and the scheduler in one process."""
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
    uvicorn.run(make_app(config), host=host or config.host, port=port or config.port)


def _bot(config: Settings) -> Bot:
    if not config.token:
        raise ValueError("CSAT_TELEGRAM_TOKEN is not set")
    return Bot(config.token, base_url=f"{config.telegram_api_url}/bot")


@webhook_app.command("set")
@run_async
async def webhook_set(drop_pending: bool = typer.Option(False, help="Drop queued updates")) -> None:
    """setWebhook to CSAT_WEBHOOK_URL with CSAT_WEBHOOK_SECRET."""
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
    host: str = typer.Option(sim_cli.DEFAULT_HOST, help=_SIM_HELP["--host"]),
    port: int = typer.Option(sim_cli.DEFAULT_PORT, help=_SIM_HELP["--port"]),
    token: str = typer.Option(DEFAULT_TOKEN, help=_SIM_HELP["--token"]),
    bot_username: str = typer.Option(DEFAULT_BOT_USERNAME, help=_SIM_HELP["--bot-username"]),
    no_limits: bool = typer.Option(False, "--no-limits", help=_SIM_HELP["--no-limits"]),
) -> None:
    """Run the local Bot API simulator (offline Telegram) until interrupted, with a chat page
    at http://HOST:PORT/ to answer surveys by hand: the same as `python -m simulator`."""
    sim_cli.run(host, port, token, bot_username, no_limits)
