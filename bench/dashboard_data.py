"""What a generated campaign (bench/report_speed.py's ``generate``, stored by
bench/storage_load.py's ``store``) lacks for the dashboard's other pages, added in SQL on a
SQLite database: answers tied to their invitations, invitations sent (in chat, by e-mail, or as
links handed to account owners; 1 % refused by Telegram), customers with account owners, and a
ticket for every 1-2 answer (as the answer path opens them) at every stage of its lifecycle,
with its history.

Nobody in the generated data has a Telegram chat, so every unfinished invitation that was sent
is on the chase list: the worst case for the funnel page.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

OWNERS: Final = 25  # account owners
STAFF: Final = 12  # people tickets are assigned to
# A ticket's status by its answer id modulo 8 (most still active, as a live campaign's are).
STATUS_CASE: Final = """CASE a.id % 8
    WHEN 0 THEN 'open' WHEN 1 THEN 'acknowledged' WHEN 2 THEN 'plan_submitted'
    WHEN 3 THEN 'in_progress' WHEN 4 THEN 'verifying' WHEN 5 THEN 'escalated'
    ELSE 'closed' END"""
DEPARTMENT_CASE: Final = """CASE a.id % 4
    WHEN 0 THEN 'sales' WHEN 1 THEN 'service' WHEN 2 THEN 'quality' ELSE 'logistics' END"""

STATEMENTS: Final = (
    # Answers belong to their respondent's invitation in the campaign (the funnel's "started"
    # and "by channel" read it; the drill-down's comments join on it).
    """UPDATE answers SET invitation_id = (
        SELECT i.id FROM invitations i
        WHERE i.respondent_id = answers.respondent_id AND i.campaign_id = answers.campaign_id)""",
    # Every invitation sent when its campaign opened; 1 % of the unanswered refused.
    """UPDATE invitations SET sent_at = (
        SELECT c.opens_at FROM campaigns c WHERE c.id = invitations.campaign_id)""",
    "UPDATE invitations SET state = 'undelivered' WHERE state = 'sent' AND id % 100 = 0",
    f"""UPDATE customers SET account_owner = 'Owner ' || printf('%02d', id % {OWNERS})
        WHERE id % 10 != 9""",  # a tenth of the customers without one
    # The invitation's message: 6 in 10 in chat, 2 by e-mail, the rest handed on as links.
    """INSERT INTO outbound_messages
        (kind, dedupe_key, chat_id, invitation_id, state, attempts, not_before, sent_at,
         error, created_at)
        SELECT CASE WHEN id % 10 < 6 THEN 'invitation' ELSE 'email_invitation' END,
            'invitation:' || id, NULL, id,
            CASE WHEN state = 'undelivered' THEN 'failed' ELSE 'sent' END, 1,
            sent_at, sent_at,
            CASE WHEN state = 'undelivered' THEN 'Forbidden: bot was blocked by the user' END,
            sent_at
        FROM invitations WHERE id % 10 < 8""",
    # A ticket for every 1-2 answer, alerted when answered, plan due 2 days later.
    f"""INSERT INTO tickets
        (campaign_id, answer_id, customer_id, respondent_id, question, score, causes, comment,
         severity, kind, department, owner, status, plan, plan_due_at, due_at, alerted_at,
         acknowledged_at, closed_at, created_at, updated_at)
        SELECT a.campaign_id, a.id, r.customer_id, a.respondent_id, a.question, a.level, '[]',
            NULL, 3 - a.level,
            CASE WHEN a.id % 5 = 0 THEN 'opinion_ticket' ELSE 'internal_memo' END,
            {DEPARTMENT_CASE},
            CASE WHEN a.id % 8 = 0 THEN NULL ELSE 'Staff ' || (a.id % {STAFF}) END,
            {STATUS_CASE},
            CASE WHEN a.id % 8 IN (0, 1) THEN NULL ELSE 'Call back, agree a fix, follow up.' END,
            datetime(a.answered_at, '+2 days'),
            CASE WHEN a.id % 8 IN (0, 1) THEN NULL ELSE datetime(a.answered_at, '+20 days') END,
            a.answered_at,
            CASE WHEN a.id % 8 = 0 THEN NULL ELSE datetime(a.answered_at, '+1 hours') END,
            CASE WHEN a.id % 8 IN (6, 7) THEN datetime(a.answered_at, '+15 days') END,
            a.answered_at, a.answered_at
        FROM answers a JOIN respondents r ON r.id = a.respondent_id
        WHERE a.kind = 'likert' AND a.level <= 2 AND a.na = 0""",
    # Its history: opened and alerted; taken by its owner; the plan when it has one.
    """INSERT INTO ticket_events (ticket_id, at, actor, action, detail)
        SELECT id, created_at, 'bot', 'opened', 'score ' || score FROM tickets
        UNION ALL SELECT id, alerted_at, 'bot', 'alerted', 'chat -100102' FROM tickets
        UNION ALL SELECT id, acknowledged_at, owner, 'taken', owner || '; open → acknowledged'
            FROM tickets WHERE owner IS NOT NULL
        UNION ALL SELECT id, acknowledged_at, owner, 'plan', plan
            FROM tickets WHERE plan IS NOT NULL""",
)


async def add_dashboard_data(session: AsyncSession) -> dict[str, int]:
    """Add the rows (see the module's docstring); returns the tables' row counts."""
    for statement in STATEMENTS:
        await session.execute(text(statement))
    counts = {}
    for table in ("answers", "invitations", "outbound_messages", "tickets", "ticket_events"):
        counts[table] = int(await session.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
    return counts
