"""Run the simulator on its own: `python -m simulator --port 8081 --token ...`, or
`csat simulator` with the same options. Besides the Bot API it serves a chat page at `/`
where a person talks to the bot as a simulated user, and the control API behind it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import dataclass

from simulator.control import PREFIX as CONTROL_PREFIX
from simulator.limits import Limits
from simulator.simulator import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, BotApiSimulator

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8081


@dataclass(frozen=True)
class Option:
    """One command-line option: its flag, default and help, shared by both commands."""

    flag: str
    default: str | int | bool
    help: str


OPTIONS = (
    Option("--host", DEFAULT_HOST, "Address to listen on"),
    Option("--port", DEFAULT_PORT, "Port to listen on (0 picks a free port)"),
    Option("--token", DEFAULT_TOKEN, "Bot token it accepts"),
    Option("--bot-username", DEFAULT_BOT_USERNAME, "Username of the simulated bot"),
    Option("--no-limits", False, "Disable flood control (Telegram's rate limits)"),
)


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m simulator``."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    for option in OPTIONS:
        if isinstance(option.default, bool):
            parser.add_argument(option.flag, action="store_true", help=option.help)
        else:
            parser.add_argument(
                option.flag, type=type(option.default), default=option.default, help=option.help
            )
    return parser


async def serve(host: str, port: int, token: str, bot_username: str, no_limits: bool) -> None:
    """Serve the simulated Bot API until cancelled; prints its root URL first."""
    limits = Limits.unlimited() if no_limits else Limits()
    sim = BotApiSimulator(token, bot_username, limits, host=host, port=port)
    await sim.start(handle_signals=True)
    print(sim.api_root, flush=True)
    print(f"Bot API simulator for @{bot_username}: {sim.api_root}/bot<token>/<method>")
    print(f"Chat page: {sim.api_root}/ (control API: {sim.api_root}{CONTROL_PREFIX}/...)")
    try:
        await sim.serve_forever()
    finally:
        await sim.stop()


def run(host: str, port: int, token: str, bot_username: str, no_limits: bool) -> None:
    """Serve until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host, port, token, bot_username, no_limits))


def main(argv: list[str] | None = None) -> None:
    """Serve until Ctrl-C."""
    args = build_parser().parse_args(argv)
    run(args.host, args.port, args.token, args.bot_username, args.no_limits)


if __name__ == "__main__":
    main()
