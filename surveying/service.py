"""The survey service every channel calls: apply one event to a response and store it.

A channel opens one transaction per incoming update or request, claims its id (a re-delivered
one is dropped), loads the response, calls ``respond`` and renders the ``Outcome``. Telegram
does that with its own chat row in the same transaction (bot/conversation.py); a channel with
nothing of its own to store calls ``handle``, which does all of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.campaigns import campaign_is_open, mark_opened
from storage.sessions import claim_update
from storage.types import utcnow
from storage.write_queue import queued_transaction
from survey.errors import CampaignClosed, InvitationExpired, InvitationNotFound
from survey.events import Event, Refusal
from survey.flow import FlowState, Progress, Step
from survey.schema import Survey
from survey.transition import apply
from survey.vocabulary import Channel
from surveying.response import Response, load_response
from surveying.storing import store


@dataclass(frozen=True, slots=True)
class Outcome:
    """What to show after an event (or, with no event, now): ``step`` rendered from ``state``.

    ``shown`` is the step the event met, rendered from ``before``, so a channel can close that
    prompt with the choice made; ``event`` is the event as understood (typed text resolved);
    ``refused`` says why nothing changed. ``opened_tickets`` and ``alerts_due`` name the
    tickets whose staff alert was queued or released (a channel may wake the sender)."""

    survey: Survey
    state: FlowState
    step: Step
    name: str | None  # the respondent's, for the greeting
    event: Event | None = None
    shown: Step | None = None
    before: FlowState | None = None
    refused: Refusal | None = None
    opened_tickets: tuple[int, ...] = ()
    alerts_due: tuple[int, ...] = ()

    @property
    def progress(self) -> Progress:
        """The flags the channel keeps until its next event."""
        return self.state.progress


def view(response: Response) -> Outcome:
    """The step to show now, no event applied (a resume, /help)."""
    return Outcome(response.survey, response.state, response.step, response.respondent.name)


async def respond(
    session: AsyncSession, response: Response, event: Event, *, now: datetime | None = None
) -> Outcome:
    """Apply ``event`` to the response and store its effects in the session's transaction."""
    before = response.state
    transition = apply(response.survey, before, event)
    stored = await store(session, response, transition.effects, now=now)
    response.state = transition.state
    return Outcome(
        response.survey,
        response.state,
        response.step,
        response.respondent.name,
        event=transition.event,
        shown=transition.shown,
        before=before,
        refused=transition.refused,
        opened_tickets=tuple(stored.opened),
        alerts_due=tuple(stored.alerts_due),
    )


def request_number(channel: Channel, request_id: str) -> int:
    """A request id of a channel other than Telegram as a number to claim: negative, so it never
    meets a Telegram update id (those are positive), and the same for the same request."""
    digest = hashlib.sha256(f"{channel}:{request_id}".encode()).digest()
    return -1 - (int.from_bytes(digest[:8], "big") >> 1)


async def claim_request(session: AsyncSession, request_id: int) -> bool:
    """Record an update or request id in this transaction; False when it was handled before
    (Telegram re-delivers an update that got no 2xx; a browser may post a form twice)."""
    return await claim_update(session, request_id)


async def handle(
    sessions: async_sessionmaker[AsyncSession],
    *,
    request_id: int,
    token: str,
    progress: Progress,
    event: Event | None = None,
    now: datetime | None = None,
    channel: Channel = Channel.WEB,
    interviewer: str | None = None,
) -> Outcome | None:
    """One request of a channel keyed by invitation token: in one transaction, dedupe it,
    load the response, apply ``event`` (None: only look) and store it, its answers marked
    with ``channel`` (and ``interviewer``). None for a request handled before. Raises
    ``InvitationNotFound``, ``CampaignClosed`` or ``InvitationExpired`` (nothing stored) for an
    invitation that takes no answers."""
    now = now or utcnow()
    async with queued_transaction(sessions) as session:
        if not await claim_request(session, request_id):
            return None
        response = await open_response(session, token, progress, now=now)
        response.channel, response.interviewer = channel, interviewer
        if event is None:
            return view(response)
        return await respond(session, response, event, now=now)


async def visit(
    sessions: async_sessionmaker[AsyncSession],
    *,
    token: str,
    progress: Progress,
    now: datetime | None = None,
    opening: bool = True,
) -> Outcome:
    """A link opened (a page loaded, nothing answered): the step to show now; the first visit
    marks the invitation opened and started (not with ``opening`` False: a link preview that
    no person asked for). Raises as ``handle`` does."""
    now = now or utcnow()
    async with queued_transaction(sessions) as session:
        return view(await open_response(session, token, progress, now=now, opening=opening))


async def open_response(
    session: AsyncSession, token: str, progress: Progress, *, now: datetime, opening: bool = True
) -> Response:
    """The response to the invitation ``token``, its link marked as opened (the same for every
    channel keyed by token; Telegram's /start does it in ``storage.campaigns.open_invitation``).
    Raises ``InvitationNotFound``, ``CampaignClosed`` or ``InvitationExpired``; a submitted
    one is returned as it is, to say so."""
    response = await load_response(session, progress, token=token)
    if response is None:
        raise InvitationNotFound(token)
    if response.state.language is None:  # a channel that keeps none starts in theirs
        response.state = replace(response.state, language=response.respondent.language)
    if not response.state.submitted:
        if not response.takes_answers(now):
            if campaign_is_open(response.invitation.campaign, now):
                raise InvitationExpired(token)
            raise CampaignClosed(token)
        if opening:
            mark_opened(response.invitation, now)
    return response
