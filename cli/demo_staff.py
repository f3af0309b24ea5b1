"""The demo's service staff: they watch their department's group, take each alert's ticket
with one tap, and the quality manager's desk then records corrective-action plans over the API."""

from __future__ import annotations

import asyncio
import random

import httpx

from simulator import BotApiSimulator, SimChat, SimUser
from survey import actions as act
from survey.errors import InvalidAnswer

STAFF_NAMES = ["Wang Lei", "Chen Jing", "Sam Porter", "Liu Fang", "Ivy Zhang"]
PLANS = [
    "Call the customer back, agree a delivery buffer, weekly status mail for a quarter.",
    "回访客户，复核报价流程，两周内给出改进方案。",
    "Root-cause analysis with the plant; 8D report and a re-training of the line.",
]


class StaffDesk:
    """Staff members in department groups who press "Take it" on every new alert."""

    def __init__(self, sim: BotApiSimulator, groups: dict[str, SimChat]) -> None:
        self._groups = groups
        self._staff = {
            department: sim.user(
                900_000 + n, first_name=STAFF_NAMES[n % len(STAFF_NAMES)], username=f"staff{n}"
            )
            for n, department in enumerate(groups)
        }
        self._seen: set[tuple[int, int]] = set()  # (chat, message) of every alert read
        self._taken: set[int] = set()  # ticket ids

    async def watch(self, stop: asyncio.Event) -> None:
        """Take new alerts until ``stop`` is set, then once more for the last ones."""
        while not stop.is_set():
            await self.take_new()
            await asyncio.sleep(0.5)
        await self.take_new()

    async def take_new(self) -> None:
        """Read each new alert once; take its ticket unless the desk already has it (an overdue
        reminder repeats the button of a ticket taken days ago)."""
        for department, group in self._groups.items():
            member: SimUser = self._staff[department]
            for message in group.messages:
                key = (group.id, message.message_id)
                takes = [
                    ticket
                    for row in message.buttons
                    for _, data in row
                    if (ticket := _take_ticket(data)) is not None
                ]
                if not takes or key in self._seen:
                    continue
                self._seen.add(key)
                ticket = takes[0]
                if ticket not in self._taken:
                    self._taken.add(ticket)
                    await member.press_data(
                        act.encode(act.TakeTicket(ticket)),
                        message_id=message.message_id,
                        chat=group,
                    )

    @property
    def alerts_seen(self) -> int:
        return len(self._seen)

    @property
    def taken(self) -> int:
        return len(self._taken)


def _take_ticket(data: str | None) -> int | None:
    """The ticket id behind a "Take it" button, None for any other button."""
    try:
        action = act.decode(data)
    except InvalidAnswer:
        return None
    return action.ticket_id if isinstance(action, act.TakeTicket) else None


async def submit_plans(api: httpx.AsyncClient, rng: random.Random, share: float = 0.6) -> int:
    """The desk records a plan on some acknowledged tickets and starts work on them."""
    listing = await api.get("/tickets", params={"status": "acknowledged", "limit": 500})
    listing.raise_for_status()
    done = 0
    for ticket in listing.json()["data"]:
        if rng.random() > share:
            continue
        path = f"/tickets/{ticket['id']}"
        plan = {"status": "plan_submitted", "plan": rng.choice(PLANS), "note": "plan agreed"}
        (await api.patch(path, json=plan)).raise_for_status()
        (await api.patch(path, json={"status": "in_progress"})).raise_for_status()
        done += 1
    return done
