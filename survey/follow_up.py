"""The rule of a 1–2, in one place for every channel and for imported answers: a low score
opens a follow-up (causes, then "what happened") and a corrective-action ticket; raising it to
3 or more voids both; lowering it again reopens them (seed 001 ECSS §6.4.2)."""

from __future__ import annotations

from dataclasses import replace

from survey.effects import (
    AnswerStored,
    Effect,
    FollowUpStored,
    FollowUpVoided,
    TicketDescribed,
    TicketOpened,
    TicketWithdrawn,
)
from survey.flow import FlowState, FollowUp, needs_follow_up
from survey.vocabulary import AnswerKind, FollowUpStage


def give_level(
    state: FlowState, question: str, level: int | None
) -> tuple[FlowState, list[Effect]]:
    """Store a Likert answer (None: unable to comment) with what it means for the follow-up
    and the ticket."""
    was_low = question in state.likert and needs_follow_up(state.likert[question])
    likert = {**state.likert, question: level}
    follow_ups = dict(state.follow_ups)
    effects: list[Effect] = [AnswerStored(AnswerKind.LIKERT, question, level=level)]
    if level is not None and needs_follow_up(level):
        if question not in follow_ups:  # a follow-up under way (a 2 lowered to 1) goes on
            follow_ups[question] = FollowUp()
            effects.append(FollowUpStored(question, FollowUpStage.CAUSES))
        effects.append(TicketOpened(question, level))
    elif was_low:
        follow_ups.pop(question, None)
        effects += [FollowUpVoided(question), TicketWithdrawn(question)]
    return replace(state, likert=likert, follow_ups=follow_ups), effects


def finish_follow_up(
    state: FlowState, question: str, text: str | None, causes: tuple[str, ...] | None = None
) -> tuple[FlowState, list[Effect]]:
    """End a follow-up with its text (None: skipped) and the causes chosen so far (or
    ``causes``); the ticket gets both and its staff alert may go."""
    chosen = state.follow_ups.get(question, FollowUp()).causes if causes is None else causes
    follow_ups = {**state.follow_ups, question: FollowUp(FollowUpStage.DONE, chosen, text)}
    effects: list[Effect] = [
        FollowUpStored(question, FollowUpStage.DONE, chosen, text),
        TicketDescribed(question, chosen, text),
    ]
    return replace(state, follow_ups=follow_ups), effects


def set_causes(
    state: FlowState, question: str, stage: FollowUpStage, causes: tuple[str, ...]
) -> tuple[FlowState, list[Effect]]:
    """The causes chosen so far, still at ``stage`` (causes, or text once they are done)."""
    follow_ups = {**state.follow_ups, question: FollowUp(stage, causes)}
    return replace(state, follow_ups=follow_ups), [FollowUpStored(question, stage, causes)]
