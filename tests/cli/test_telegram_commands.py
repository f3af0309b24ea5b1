"""``csat webhook set|info|delete`` against the simulator, and serving without a token."""

from __future__ import annotations

import asyncio

import httpx
from typer.testing import CliRunner

from cli.hosting import AppServer
from cli.main import app
from simulator import BotApiSimulator
from survey.settings import Settings
from tests.support import free_port

runner = CliRunner()


async def test_webhook_commands(sim: BotApiSimulator) -> None:
    env = {
        "CSAT_TELEGRAM_TOKEN": sim.token,
        "CSAT_TELEGRAM_API_URL": sim.api_root,
        "CSAT_WEBHOOK_URL": "https://csat.example.com/telegram/webhook",
        "CSAT_WEBHOOK_SECRET": "s3cret-value",
    }

    async def csat(*args: str) -> str:
        result = await asyncio.to_thread(runner.invoke, app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    assert "webhook set" in await csat("webhook", "set")
    assert sim.webhook_url == "https://csat.example.com/telegram/webhook"
    assert "csat.example.com" in await csat("webhook", "info")
    await csat("webhook", "delete")
    assert sim.webhook_url is None
    missing = await asyncio.to_thread(
        runner.invoke, app, ["webhook", "set"], env={**env, "CSAT_WEBHOOK_SECRET": ""}
    )
    assert missing.exit_code != 0


async def test_without_a_token_the_admin_api_is_served_and_the_bot_is_off(db_url: str) -> None:
    port = free_port()
    server = AppServer(Settings(database_url=db_url, port=port, webhook_secret="x", _env_file=None))  # type: ignore[call-arg]
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            health = await client.get("/healthz")
            webhook = await client.post(
                "/telegram/webhook",
                json={"update_id": 1},
                headers={"X-Telegram-Bot-Api-Secret-Token": "x"},
            )
    finally:
        await server.stop()
    assert health.json()["status"] == "ok"
    assert webhook.status_code == 503 and "not running" in webhook.json()["error"]["message"]
