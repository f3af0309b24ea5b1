"""Run the simulator on its own: `python -m bot.simulator --port 8081 --token ...`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.simulator.limits import Limits
from bot.simulator.simulator import DEFAULT_BOT_USERNAME, DEFAULT_TOKEN, BotApiSimulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-username", default=DEFAULT_BOT_USERNAME)
    parser.add_argument("--no-limits", action="store_true", help="disable flood control")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    limits = Limits.unlimited() if args.no_limits else Limits()
    sim = BotApiSimulator(args.token, args.bot_username, limits, host=args.host, port=args.port)
    await sim.start(handle_signals=True)
    print(sim.api_root, flush=True)
    print(f"Bot API simulator for @{args.bot_username}: {sim.api_root}/bot<token>/<method>")
    try:
        await sim.serve_forever()
    finally:
        await sim.stop()


def main(argv: list[str] | None = None) -> None:
    """Serve until Ctrl-C."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
