"""``csat demo`` end to end: the whole closed loop a quality manager runs, on a SQLite file,
telling the same story at 15:00 and at 03:00 in the company's time zone."""

from __future__ import annotations

import asyncio
import csv
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.demo_seed import daytime_zone
from cli.main import app
from storage.apikeys import find_api_key
from storage.engine import create_engine, create_sessionmaker
from storage.frames import ANSWER_COLUMNS
from storage.models import Answer, Campaign, Invitation, Respondent, Ticket, TicketEvent
from survey.vocabulary import Channel

TEMPORARY = re.compile(r"database: (\S+) \(temporary, removed at the end\)")
# The lines a seed decides, whatever the hour and however fast the machine is.
FIGURES = {
    "plan": r"plan preview \(seed 2026\): .*",
    "invitations": r"invitations: \d+ sent in chat, \d+ web links handed to account owners",
    "answers": r"answers: \{.*\} \(chat \d+, web \d+\)",
    "response rate": r"Response rate\s+[\d.]+ %.*? \d+ invitations",
    "reminders": r"a week later: \d+ reminders?",
    "split": r"tickets classified 20/80: .*",
}


def zone_at(hour: int) -> str:
    """A time zone where it is ``hour`` o'clock now: what ``CSAT_TIMEZONE`` (the company's
    zone, Asia/Shanghai by default) is set to, to run the demo at that hour there."""
    offset = (hour - datetime.now(UTC).hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"


def figures(text: str) -> dict[str, str]:
    found = {name: re.search(pattern, text) for name, pattern in FIGURES.items()}
    missing = [name for name, match in found.items() if match is None]
    assert not missing, f"not printed: {missing}\n{text}"
    return {name: match[0] for name, match in found.items() if match is not None}


async def demo(*args: str, hour: int) -> str:
    """``csat demo ARGS`` in a process of its own, with the company's clock at ``hour``; what
    it printed. Two of them run side by side: a demo mostly waits (on Telegram's limits)."""
    env = os.environ | {"CSAT_TIMEZONE": zone_at(hour), "COLUMNS": "200"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from cli.main import app; app()",
        "demo",
        *args,
        cwd=Path(__file__).parents[2],  # this checkout's code
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    output, _ = await process.communicate()
    text = output.decode()
    assert process.returncode == 0, text
    return text


@pytest.mark.parametrize("shanghai", [3, 15])
def test_the_respondents_live_where_it_is_daytime(shanghai: int) -> None:
    now = datetime(2026, 12, 1, shanghai, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    zone = daytime_zone(now, night_start=21, night_end=8)
    for later in (timedelta(0), timedelta(hours=4), timedelta(days=7)):
        assert 8 <= (now + later).astimezone(ZoneInfo(zone)).hour < 21


@pytest.mark.long_running(150)
async def test_the_demo_runs_a_whole_campaign_and_tells_the_same_story_at_night(
    tmp_path: Path,
) -> None:
    """Two demos at once, at 15:00 and at 03:00 in the company's zone: the first keeps its
    database to be read here, the second uses (and removes) a temporary one."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "day"
    text, night = await asyncio.gather(
        demo("--database", url, "--out", str(out), hour=15),
        demo("--out", str(tmp_path / "night"), hour=3),
    )
    sent = re.search(r"invitations: (\d+) sent in chat, (\d+) web links", text)
    assert sent is not None and int(sent[1]) > 0 and int(sent[2]) > 0
    taken = re.search(r"staff: (\d+) alerts in 4 department groups, (\d+) tickets taken", text)
    assert taken is not None and int(taken[1]) >= int(taken[2]) > 0
    week = re.search(r"a week later: .* staff took (\d+) more tickets \((\d+) in all\)", text)
    assert week is not None and int(week[2]) == int(taken[2]) + int(week[1])
    assert "tickets classified 20/80" in text
    chase = re.search(r"to chase by hand: (\d+) respondents?", text)
    assert chase is not None
    assert "Summary" in text and "Key drivers" in text
    # every interval names its method, and the report says how it was computed (issue 11)
    assert "(Wilson)" in text and "(clustered Wilson)" in text and "(t)" in text
    assert "Methods (95 % confidence)" in text and "Benjamini–Hochberg" in text

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            campaign = await session.scalar(select(Campaign))
            tickets = list(await session.scalars(select(Ticket)))
            takes = await session.scalar(
                select(func.count()).select_from(TicketEvent).where(TicketEvent.action == "taken")
            )
            # Expired on close, the invitations of people the bot never reached
            unreached = await session.scalar(
                select(func.count())
                .select_from(Invitation)
                .join(Respondent, Respondent.id == Invitation.respondent_id)
                .where(Invitation.state == "expired", Respondent.telegram_user_id.is_(None))
            )
            invited = await session.scalar(
                select(func.count()).select_from(Invitation).where(Invitation.sent_at.is_not(None))
            )
            completed = await session.scalar(
                select(func.count()).select_from(Invitation).where(Invitation.state == "completed")
            )
            reminded = await session.scalar(select(func.sum(Invitation.reminder_count)))
            # Who answered in which channel, and whether the bot knows them (a Telegram id)
            channels = (
                await session.execute(
                    select(Answer.channel, Respondent.telegram_user_id.is_not(None))
                    .join(Respondent, Respondent.id == Answer.respondent_id)
                    .group_by(Answer.channel, Answer.respondent_id, Respondent.telegram_user_id)
                )
            ).all()
            ticket_channels = set(
                await session.scalars(
                    select(Answer.channel).join(Ticket, Ticket.answer_id == Answer.id)
                )
            )
    finally:
        await engine.dispose()
    assert campaign is not None and campaign.status == "closed" and campaign.plan["seed"] == 2026
    rate = re.search(r"Response rate\s+([\d.]+) %.*? (\d+) invitations", text)
    assert rate is not None and int(rate[2]) == invited
    assert float(rate[1]) == round(100 * completed / invited, 1) and completed > invited / 2
    reminders = re.search(r"a week later: (\d+) reminders?", text)
    assert reminders is not None and 0 < int(reminders[1]) == reminded
    assert len(tickets) == int(week[2]) == takes  # every ticket taken, once
    assert int(chase[1]) == unreached
    assert all(t.owner and t.kind in ("opinion_ticket", "internal_memo") for t in tickets)
    assert {t.status for t in tickets} <= {"acknowledged", "in_progress"}
    # The respondents without a chat answered on the web form at their web link; the others
    # in chat, and some of those again after a reminder (after the answers line was printed)
    split = re.search(r"answers: \{.*\} \(chat (\d+), web (\d+)\)", text)
    resumed = re.search(r"sent; (\d+) respondents? came back and finished", text)
    assert split is not None and resumed is not None
    chat, web = int(split[1]), int(split[2])
    assert chat > 0 and web > 0
    assert {channel for channel, _ in channels} == {Channel.TELEGRAM, Channel.WEB}
    assert sum(channel == Channel.WEB for channel, _ in channels) == web
    in_chat = sum(channel == Channel.TELEGRAM for channel, _ in channels)
    assert chat <= in_chat <= chat + int(resumed[1])
    assert all(known == (channel == Channel.TELEGRAM) for channel, known in channels)
    assert web <= int(sent[2])  # the web links handed out
    assert ticket_channels == {Channel.TELEGRAM, Channel.WEB}  # web low scores open tickets

    with (out / "demo-answers.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ANSWER_COLUMNS
    workbook = load_workbook(out / "demo-workbook.xlsx")
    assert {"summary", "factors", "customers", "tickets"} <= set(workbook.sheetnames)
    assert (out / "demo.json").exists() and (out / "demo-trend.png").exists()
    # It ends with the management review, HTML and PDF, and where the dashboard was
    for folder, said in ((out, text), (tmp_path / "night", night)):
        html = (folder / "demo-review-zh-CN.html").read_text(encoding="utf-8")
        assert "顾客满意度管理评审报告" in html and '<html lang="zh-CN">' in html
        assert (folder / "demo-review-zh-CN.pdf").read_bytes().startswith(b"%PDF-")
        said = " ".join(said.split())
        assert f"management review: {folder / 'demo-review-zh-CN.html'}" in said
        assert re.search(
            r"dashboard: the demo's app served it at http://127\.0\.0\.1:\d+/dashboard", said
        )
    kept = " ".join(text.split())
    assert f"CSAT_DATABASE_URL={url} csat serve" in kept and "/dashboard and sign in" in kept
    viewer = re.search(r"this demo's viewer key: (csat_\S+)\)", kept)
    assert viewer is not None and "csat apikey create --role viewer" in kept
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            key = await find_api_key(session, viewer[1])
    finally:
        await engine.dispose()
    assert key is not None and key.role == "viewer"  # it signs in to the kept database
    assert "database was temporary and is removed" in " ".join(night.split())

    # The same seed tells the same story at 03:00 (the second demo: a temporary database)
    assert figures(night) == figures(text)
    temporary = TEMPORARY.search(night)
    assert temporary is not None and not Path(temporary[1]).parent.exists()
    # What the README says the demo does, in the figures it prints
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    said = re.search(
        r"a population of (\d+) customers with (\d+) respondents .*?: (\d+) of the \1 "
        r"customers, their (\d+) respondents\)",
        readme,
    )
    assert said is not None
    customers, respondents, sampled, invited = said.groups()
    assert respondents == "60"  # the default --respondents
    assert f": {sampled} of {customers} customers" in text and f", {invited} respondents," in text


def test_a_failed_demo_removes_its_database_too() -> None:
    result = CliRunner().invoke(app, ["demo", "--survey", "no-such-template"])
    assert result.exit_code == 1
    temporary = TEMPORARY.search(result.output)
    assert temporary is not None and not Path(temporary[1]).parent.exists()
    assert "no such template" in result.output


@pytest.mark.long_running(8)
def test_an_interrupted_demo_removes_its_database(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [sys.executable, "-c", "from cli.main import app; app()", "demo", "--out", str(tmp_path)],
        cwd=Path(__file__).parents[2],  # this checkout's code
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"COLUMNS": "200"},
        # Ctrl-C as a terminal sends it: a shell that started this run in the background
        # (without job control) left SIGINT ignored, and the demo would inherit that.
        preexec_fn=_default_sigint,
    )
    assert demo.stdout is not None
    lines = []
    for line in demo.stdout:
        lines.append(line)
        if line.startswith("invitations:"):  # the campaign is under way
            break
    demo.send_signal(signal.SIGINT)
    rest, _ = demo.communicate(timeout=60)
    temporary = TEMPORARY.search("".join(lines))
    assert temporary is not None, "".join(lines) + rest
    assert not Path(temporary[1]).parent.exists(), rest
    assert "Traceback" not in rest


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_an_unreachable_database_is_one_line_naming_it() -> None:
    url = "postgresql+asyncpg://nobody:secret@127.0.0.1:1/nothing"
    result = CliRunner().invoke(app, ["demo", "--database", url])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: the database at postgresql+asyncpg://nobody:***@127.0.0.1:1/nothing is "
        "unreachable: [Errno 111] Connect call failed ('127.0.0.1', 1)"
    ]
