"""Respondents answering at once: ``csat serve`` (webhook mode, real subprocesses) against the
Bot API simulator, side by side with a bare python-telegram-bot echo bot on the same simulator.

    .venv/bin/python bench/conversation.py [--respondents 200] [--backend sqlite|postgresql]
                                           [--processes 1|2] [--survey service-14]

Each respondent opens its deep link and presses Begin (warm-up, not measured), then answers
the Likert questions with a 5, in two phases:

- latency: the first half of the questions, each after a pause as a person reads (uniform
  between half and one and a half times ``--think`` seconds, 3 by default, seeded), so the
  load is what that many people answering at once make;
- throughput: the rest, each pressed as soon as the next question is there (the bot is
  saturated: this gives answers/s and CPU per answer).

As Telegram does, the simulator pushes at most ``max_connections`` (40, setWebhook's default)
updates to the webhook at once; a press waits its turn and the wait counts in its latency.
A press is timed from the moment it is made to the arrival at the simulator of the
``sendMessage`` carrying the next question (p50/p95/p99); press -> webhook answered too.
Server CPU is user + system time of the server processes (/proc/PID/stat) over a phase.

The echo bot (this file with ``--echo-bot PORT``: Starlette + uvicorn + PTB's
``Application.process_update``, one ``sendMessage`` per text) gets the same number of
updates from the same simulated people, as texts, and gives updates/s, CPU per update and
its latency. It runs as many processes as ``--processes`` asks of csat serve, pushed to in
turn as they are, so that each side shares the machine with as many servers. It runs before
the csat server and again after it, and the ratios take the mean of its two throughput
phases: the machine's speed drifts over a run, and a short phase of the echo bot alone moved
by up to 30 % from run to run. The ratio lines come last, with the targets of issue 12.

The simulator applies no flood limits here (``Limits.unlimited()``): this measures our code,
not Telegram's limits (bench/group_rate.py and bench/sending.py do those). With two
processes on SQLite both write one file, so they take turns at its lock (a deployment with
several processes uses PostgreSQL); updates refused with 503 are delivered again, as Telegram
does, and counted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

# Run as a script from the repository root: make the project's packages importable.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret_1"
FIRST_USER = 7_000_001
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WEBHOOK_CONNECTIONS = 40  # setWebhook's max_connections by default: pushed at once at most
REDELIVERY_DELAY = 0.2  # seconds before the simulator pushes a refused update again
MAX_DELIVERIES = 20
STARTUP_SECONDS = 60.0
FIVE = "5"  # the label of the top Likert button begins so (bot/render.py likert_keyboard)


# --- the echo bot (a subprocess of this script) --------------------------------------------


def run_echo_bot(port: int, api_root: str, token: str) -> None:
    """A bare PTB echo bot behind a webhook: what any PTB bot costs per update."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    application = Application.builder().token(token).base_url(f"{api_root}/bot").updater(None)
    ptb = application.build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    ptb.add_handler(MessageHandler(filters.TEXT, echo))

    async def webhook(request: Request) -> JSONResponse:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return JSONResponse({"ok": False}, status_code=403)
        update = Update.de_json(await request.json(), ptb.bot)
        await ptb.process_update(update)
        return JSONResponse({"ok": True})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with ptb:
            yield

    app = Starlette(
        routes=[Route("/telegram/webhook", webhook, methods=["POST"])], lifespan=lifespan
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# --- measuring ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Figures:
    """One measured phase."""

    name: str
    events: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)  # press -> next question (s)
    round_trips: list[float] = field(default_factory=list)  # press -> webhook answered (s)
    redeliveries: int = 0
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.events * 1000

    def lines(self, unit: str) -> list[str]:
        ms = [x * 1000 for x in self.latencies]
        trips = [x * 1000 for x in self.round_trips]
        per = ", ".join(f"{m} {n / self.events:.2f}" for m, n in sorted(self.calls.items()))
        return [
            f"{self.name}: {self.events} {unit}s in {self.seconds:.1f} s"
            f" = {self.rate:.1f} {unit}s/s",
            f"  press -> reply   p50 {percentile(ms, 0.5):.0f} ms"
            f"  p95 {percentile(ms, 0.95):.0f} ms"
            f"  p99 {percentile(ms, 0.99):.0f} ms  max {max(ms):.0f} ms",
            f"  press -> webhook answered  p50 {percentile(trips, 0.5):.0f} ms"
            f"  p99 {percentile(trips, 0.99):.0f} ms  (mean {statistics.fmean(trips):.0f} ms)",
            f"  server CPU {self.cpu:.2f} s = {self.cpu_ms:.2f} ms per {unit}",
            f"  Bot API calls per {unit}: {per}; redelivered updates: {self.redeliveries}",
        ]


# --- the people ------------------------------------------------------------------------------


class People:
    """How the simulated people press: Telegram's cap on updates pushed at once, and the
    pauses of people reading."""

    def __init__(self, sim: Any, think: float, seed: int = 12) -> None:
        self.sim = sim
        self.think = think
        self.pushes = asyncio.Semaphore(WEBHOOK_CONNECTIONS)
        self.random = random.Random(seed)

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(self.think * self.random.uniform(0.5, 1.5))

    async def deliver(self, figures: Figures | None, make: Any) -> None:
        """Make an update (``make()`` returns the delivery coroutine) and push it again until
        the webhook took it (Telegram retries non-2xx)."""
        async with self.pushes:
            delivery = await make()
        for _ in range(MAX_DELIVERIES):
            if delivery.status_code is not None and 200 <= delivery.status_code < 300:
                return
            if figures is not None:
                figures.redeliveries += 1
            await asyncio.sleep(REDELIVERY_DELAY)
            async with self.pushes:
                delivery = await self.sim.redeliver(delivery.update_id)
        raise RuntimeError(f"update {delivery.update_id} was refused {MAX_DELIVERIES} times")


def newest_keyboard(user: Any) -> Any:
    """The bot's newest message with a keyboard in the user's chat. SimChat.keyboard_message
    snapshots (deep-copies) the whole history on each call; with hundreds of people pressing
    that would be the bench's own CPU, so the newest messages are looked at first."""
    chat = user.chat._chat  # the simulator's ChatState
    from simulator import SimMessage

    for message in reversed(chat.messages.values()):
        if message.get("reply_markup") and message["from"]["id"] != user.id:
            return SimMessage.from_json(message, message["from"]["id"])
    raise LookupError(f"no keyboard in chat {user.id}")


async def answer_survey(people: People, user: Any, questions: int, figures: Figures) -> list[float]:
    """Press 5 on ``questions`` Likert questions; the times of the presses."""
    presses = []
    for _ in range(questions):
        await people.pause()
        message = newest_keyboard(user)
        _, data = message.button(FIVE)
        pressed = time.time()
        presses.append(pressed)
        await people.deliver(figures, partial(user.press_data, data, message_id=message.message_id))
        figures.round_trips.append(time.time() - pressed)
    return presses


async def echo_texts(people: People, user: Any, count: int, figures: Figures) -> list[float]:
    """Send ``count`` texts, each once the echo of the one before is there."""
    presses = []
    for n in range(count):
        await people.pause()
        pressed = time.time()
        presses.append(pressed)
        await people.deliver(figures, partial(user.send_text, f"echo {n}"))
        figures.round_trips.append(time.time() - pressed)
    return presses


def reply_latencies(sim: Any, presses: dict[int, list[float]], *, keyboard: bool) -> list[float]:
    """For each press, how long until the next sendMessage (with a keyboard, for the survey)
    to that chat arrived at the simulator."""
    arrivals: dict[int, list[float]] = {}
    for call in sim.calls("sendMessage"):
        if call.ok and (not keyboard or call.params.get("reply_markup")):
            arrivals.setdefault(int(call.params["chat_id"]), []).append(call.at)
    out = []
    for chat_id, times in presses.items():
        sent = sorted(arrivals.get(chat_id, []))
        for pressed in times:
            out.append(next(at for at in sent if at >= pressed) - pressed)
    return out


def method_counts(sim: Any, since: int) -> Counter[str]:
    return Counter(call.method for call in sim.calls()[since:] if call.method != "getUpdates")


# --- the servers -----------------------------------------------------------------------------


def start_csat(
    url: str, api_root: str, token: str, port: int, log: Path
) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "CSAT_DATABASE_URL": url,
        "CSAT_TELEGRAM_TOKEN": token,
        "CSAT_TELEGRAM_API_URL": api_root,
        "CSAT_BOT_USERNAME": "csat_bench_bot",
        "CSAT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
        "CSAT_WEBHOOK_SECRET": SECRET,
        "CSAT_PORT": str(port),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(ROOT / ".venv/bin/csat"), "serve"], env=env, stdout=out, stderr=out, cwd=ROOT
        )


def start_echo(api_root: str, token: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, __file__, "--echo-bot", str(port), api_root, token],
            stdout=out,
            stderr=out,
            cwd=ROOT,
        )


async def wait_listening(ports: list[int], processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    for port, process in zip(ports, processes, strict=True):
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on port {port}")
            await asyncio.sleep(0.1)


@contextlib.contextmanager
def running(processes: list[subprocess.Popen[bytes]]) -> Iterator[None]:
    try:
        yield
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


async def point_webhook(sim: Any, ports: list[int]) -> None:
    """setWebhook as ``csat webhook set`` does; with two processes the simulator pushes to
    each in turn (a load balancer)."""
    import httpx

    urls = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{sim.base_url}{sim.token}/setWebhook",
            json={
                "url": urls[0],
                "secret_token": SECRET,
                "allowed_updates": ["message", "callback_query"],
            },
        )
        answer.raise_for_status()
    sim.webhook_targets = urls if len(urls) > 1 else None


# --- the database ---------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    from storage.migrate import upgrade_async

    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='csat-bench-')) / 'csat.db'}"
        await upgrade_async(url)
        yield url
        return
    from tests.databases import scratch_postgres

    async with scratch_postgres("csat_bench") as url:
        yield url


async def seed(url: str, template: str, count: int) -> tuple[list[str], int]:
    """A survey, ``count`` respondents of as many customers, one campaign inviting them all;
    the invitation tokens and the number of Likert questions."""
    from sqlalchemy import select

    from storage.campaigns import create_campaign, invite
    from storage.engine import create_engine, create_sessionmaker, transaction
    from storage.models import Respondent
    from storage.people import upsert_customers, upsert_respondents
    from storage.surveys import save_survey
    from survey.loader import load_template
    from survey.records import CustomerRecord, RespondentRecord

    survey = load_template(template)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with transaction(sessions) as session:
        row, _ = await save_survey(session, survey)
        customers = [
            (n + 2, CustomerRecord(external_id=f"C{n}", name=f"Customer {n}", customer_class="B"))
            for n in range(count)
        ]
        await upsert_customers(session, customers)
        people = [
            (
                n + 2,
                RespondentRecord(
                    external_id=f"R{n}", customer_id=f"C{n}", name=f"R{n}", language="en"
                ),
            )
            for n in range(count)
        ]
        await upsert_respondents(session, people)
        campaign = await create_campaign(session, key="bench", survey_row=row)
        respondents = list(await session.scalars(select(Respondent).order_by(Respondent.id)))
        tokens = [i.token for i in await invite(session, campaign, respondents)]
    await engine.dispose()
    return tokens, len(survey.questions())


# --- the run ----------------------------------------------------------------------------------


async def phase(
    sim: Any, users: list[Any], name: str, pids: list[int], work: Any, *, keyboard: bool
) -> Figures:
    """Run ``work(user, figures)`` for every user at once; CPU of ``pids`` over it."""
    figures = Figures(name)
    since = len(sim.calls())
    cpu = sum(cpu_seconds(pid) for pid in pids)
    began = time.perf_counter()
    presses = await asyncio.gather(*(work(user, figures) for user in users))
    figures.seconds = time.perf_counter() - began
    figures.cpu = sum(cpu_seconds(pid) for pid in pids) - cpu
    figures.events = sum(len(p) for p in presses)
    figures.calls = method_counts(sim, since)
    by_chat = {user.id: list(p) for user, p in zip(users, presses, strict=True)}
    figures.latencies = reply_latencies(sim, by_chat, keyboard=keyboard)
    return figures


async def main(respondents: int, backend: str, processes: int, template: str, think: float) -> None:
    from simulator import BotApiSimulator, Limits

    print(f"load average before: {load()} ({os.cpu_count()} cores)")
    print(
        f"{respondents} respondents at once, {backend}, {processes} csat serve process(es), "
        f"survey {template}, pauses of {think:g} s on average in the latency phase"
    )
    logs = Path(tempfile.mkdtemp(prefix="csat-bench-logs-"))
    reading, hurrying = People(sim=None, think=think), People(sim=None, think=0)
    async with database(backend) as url, BotApiSimulator(limits=Limits.unlimited()) as sim:
        reading.sim = hurrying.sim = sim
        tokens, questions = await seed(url, template, respondents)
        first = questions // 2
        users = [sim.user(FIRST_USER + n, first_name=f"R{n}") for n in range(respondents)]

        def phases(work: Any, pids: list[int], name: str, *, keyboard: bool) -> Any:
            async def run() -> tuple[Figures, Figures]:
                slow = await phase(
                    sim, users, f"{name}, latency", pids,
                    lambda u, f: work(reading, u, first, f), keyboard=keyboard,
                )  # fmt: skip
                fast = await phase(
                    sim, users, f"{name}, throughput", pids,
                    lambda u, f: work(hurrying, u, questions - first, f), keyboard=keyboard,
                )  # fmt: skip
                return slow, fast

            return run()

        async def echo_bot(when: str) -> tuple[Figures, Figures]:
            # As many echo processes as csat serve ones, pushed to in turn: both sides share
            # the 2 cores with the same number of servers.
            ports = [free_port() for _ in range(processes)]
            echo = [
                start_echo(sim.api_root, sim.token, port, logs / f"echo-{when}-{port}.log")
                for port in ports
            ]
            with running(echo):
                await wait_listening(ports, echo)
                await point_webhook(sim, ports)
                await asyncio.gather(
                    *(hurrying.deliver(None, lambda u=u: u.send_text("hi")) for u in users)
                )
                name = f"echo bot x{processes} ({when})"
                figures: tuple[Figures, Figures] = await phases(
                    echo_texts, [p.pid for p in echo], name, keyboard=False
                )
                return figures

        # The echo bot before and after: the baseline of the same run, twice, as the
        # machine's speed drifts over a run (a short phase of the echo bot alone moved by
        # up to 30 % from run to run).
        echo_before = await echo_bot("before")

        ports = [free_port() for _ in range(processes)]
        servers = [
            start_csat(url, sim.api_root, sim.token, p, logs / f"csat-{p}.log") for p in ports
        ]
        with running(servers):
            await wait_listening(ports, servers)
            print(f"csat serve pids: {' '.join(str(p.pid) for p in servers)}", flush=True)
            await point_webhook(sim, ports)

            async def opening(user: Any, token: str) -> None:
                await hurrying.deliver(None, lambda: user.send_text(f"/start {token}"))
                message = newest_keyboard(user)
                _, data = message.button("Begin")
                await hurrying.deliver(
                    None, lambda: user.press_data(data, message_id=message.message_id)
                )

            await asyncio.gather(*(opening(u, t) for u, t in zip(users, tokens, strict=True)))
            name = f"csat serve x{processes} ({backend})"
            slow, fast = await phases(answer_survey, [p.pid for p in servers], name, keyboard=True)
        echo_after = await echo_bot("after")

    for figures, unit in [
        *((f, "update") for f in echo_before),
        *((f, "update") for f in echo_after),
        (slow, "answer"),
        (fast, "answer"),
    ]:
        for line in figures.lines(unit):
            print(line)
    print(f"logs: {logs}")
    print(f"load average after: {load()}")
    echo_slow = echo_before[0]
    echo_fast = [echo_before[1], echo_after[1]]
    echo_cpu = statistics.fmean(f.cpu_ms for f in echo_fast)
    echo_rate = statistics.fmean(f.rate for f in echo_fast)
    p99 = percentile(slow.latencies, 0.99) * 1000
    echo_p99 = percentile(echo_slow.latencies, 0.99) * 1000
    print(f"p99 press -> next question: {p99:.0f} ms (echo {echo_p99:.0f} ms; target <= 500 ms)")
    print(
        f"CPU per answer / echo CPU per update: {fast.cpu_ms / echo_cpu:.2f} (target <= 3;"
        f" echo before and after: {echo_fast[0].cpu_ms:.2f} and {echo_fast[1].cpu_ms:.2f} ms)"
    )
    print(
        f"answers/s / echo updates/s: {fast.rate / echo_rate:.2f} (target >= 0.33;"
        f" echo before and after: {echo_fast[0].rate:.0f} and {echo_fast[1].rate:.0f}/s)"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--processes", type=int, choices=[1, 2], default=1)
    parser.add_argument("--think", type=float, default=3.0, help="mean pause (s), latency phase")
    parser.add_argument("--survey", default="service-14", help="a template (csat survey templates)")
    return parser.parse_args()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--echo-bot":
        run_echo_bot(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        args = arguments()
        asyncio.run(main(args.respondents, args.backend, args.processes, args.survey, args.think))
