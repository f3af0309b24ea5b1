"""Body of ``GET /campaigns/{key}/invitations``: every invitation with both of its links."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from admin.pagination import Paginated
from admin.schemas.campaigns import HandoffPublic
from storage.invitation_lists import Reach
from survey.vocabulary import InvitationState


class InvitationPublic(HandoffPublic):
    """One respondent's invitation: its state, how it reaches them, and the links to hand out
    (the Telegram deep link, and the web link for a phone browser without Telegram)."""

    state: InvitationState
    reach: Reach = Field(
        description="chat (the bot writes to them), email (the web link by e-mail, SMTP on), "
        "or account_owner (only the account owner can pass the links on)"
    )
    sent_at: datetime | None = Field(description="Null until `invite` sent it")
    reminder_count: int


InvitationList = Paginated[InvitationPublic]
