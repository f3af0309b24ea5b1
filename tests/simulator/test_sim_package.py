"""The package surface: `__all__` and the standalone `python -m simulator` with its page."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx

import simulator

_MODULES = {
    "changes",
    "client",
    "control",
    "control_input",
    "deeplinks",
    "delivery",
    "errors",
    "faults",
    "limits",
    "messaging",
    "methods",
    "page",
    "params",
    "recording",
    "server",
    "simulator",
    "state",
    "tls",
    "validation",
    "views",
    "webapps",
}


def test_all_is_complete() -> None:
    public = {name for name in vars(simulator) if not name.startswith("_")}
    assert public - _MODULES == set(simulator.__all__)


def test_standalone_serves_and_stops_on_ctrl_c() -> None:
    command = [sys.executable, "-m", "simulator", "--port", "0", "--token", "42:standalone"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            api_root = process.stdout.readline().strip()
            me = httpx.get(f"{api_root}/bot42:standalone/getMe", timeout=5).json()
            assert me["ok"] and me["result"]["id"] == 42
            process.stdout.readline()  # what the root is for
            assert process.stdout.readline().startswith(f"Chat page: {api_root}/ ")
            page = httpx.get(f"{api_root}/", timeout=5)
            assert page.status_code == 200 and "<title>Telegram simulator</title>" in page.text
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=5) == 0
