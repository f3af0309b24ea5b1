"""The ticket card and history in the staff language: Chinese words, times with their zone
(issue 9 #12)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from cli.hosting import AppServer
from simulator import BotApiSimulator
from tests.support import begin, make_settings, seed_campaign

STAFF_CHAT = -1004444
SOON = 8.0
STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d \(Asia/Shanghai\)"


@pytest.fixture
async def chinese_staff(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    values = {"staff_chat_id": STAFF_CHAT, "staff_language": "zh-CN", "scheduler_interval": 1.0}
    server = AppServer(make_settings(db_url, sim).model_copy(update=values))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


async def test_chinese_ticket_history_is_in_words_and_every_time_names_its_zone(
    chinese_staff: AppServer, sim: BotApiSimulator, sessions
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    await bob.press("2")
    await bob.press("Done")
    await bob.press("Skip")
    await sim.wait_for(lambda: staff.messages, timeout=SOON, what="the staff alert")
    (alert,) = staff.messages
    assert re.search(rf"整改计划期限：{STAMP}$", alert.text, re.MULTILINE), alert.text
    wang = sim.user(3001, "Lei", "Wang", username="wanglei")
    await wang.press("我来处理", chat=staff)
    await wang.press("查看工单", chat=staff, message_id=alert.message_id)
    history = (staff.last_text or "").split("处理记录：\n")[1].splitlines()
    who_did_what = [line.split(" · ", 1)[1].split(" — ")[0].split(" · ") for line in history]
    assert who_did_what == [
        ["受访者 #2", "创建"],
        ["受访者 #2", "补充原因和说明"],
        ["机器人", "已发送预警"],
        ["Lei Wang (@wanglei)", "认领"],
    ]
    assert all(re.fullmatch(STAMP, line.split(" · ")[0]) for line in history)
