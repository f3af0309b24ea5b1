"""Applying a button or typed answer to a conversation: one step of the flow, stored."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.render import Prompt, answer_label, closed, question_label, render
from bot.reply import Reply
from bot.texts import pick, t
from storage.answers import drop_follow_up, find_answer, follow_up_row, put_answer, put_comment
from storage.tickets import describe_follow_up, open_or_update_ticket, withdraw_ticket
from storage.types import utcnow
from survey import actions as act
from survey.flow import (
    COMMENT_CURSOR,
    NPS_CURSOR,
    AskCauses,
    AskComment,
    AskLikert,
    AskNps,
    AskWhatHappened,
    ChooseChange,
    Greeting,
    Step,
    Summary,
    needs_follow_up,
    previous_question,
)
from survey.vocabulary import FollowUpStage


def prompt_reply(ctx: Context, reply: Reply | None = None) -> Reply:
    """Add the current step's prompt to a reply."""
    reply = reply or Reply()
    reply.prompt = render(ctx.survey, ctx.state, ctx.step, ctx.respondent.name)
    return reply


def accepts(step: Step, action: act.Action) -> bool:
    """Does this button belong to the step being shown? (stale presses do not)."""
    match step, action:
        case Greeting(), act.Begin():
            return True
        case AskLikert(question, _, _), act.Answer(key, _):
            return question.key == key
        case AskLikert(question, _, _) | AskCauses(question, _) | AskWhatHappened(
            question
        ), act.Back(origin):
            return question.key == origin
        case AskNps(), act.Back("nps") | act.GiveNps(_):
            return True
        case AskComment(), act.Back("comment") | act.SkipComment():
            return True
        case AskCauses(question, _), act.ToggleCause(key, index):
            return question.key == key and index < len(question.attributes)
        case AskCauses(question, _), act.CausesDone(key):
            return question.key == key
        case AskWhatHappened(question), act.SkipText(key):
            return question.key == key
        case Summary(), act.Submit() | act.OpenChangeMenu():
            return True
        case ChooseChange(), act.ChangeAnswer(_):
            return True
    return False


async def apply(ctx: Context, action: act.Action, message_id: int | None) -> Reply:
    """Store what ``action`` means for the current step and say what to show next."""
    step, lang, chat = ctx.step, ctx.chat.language, ctx.chat
    old_prompt = render(ctx.survey, ctx.state, step, ctx.respondent.name)
    reply = Reply()
    choice: str | None = None
    match action:
        case act.Begin():
            chat.begun = True
            choice = t("begin", lang)
        case act.Answer(key, level):
            question = ctx.survey.question(key)
            assert question is not None
            reply.opened_tickets = await record_level(ctx, key, level, question.department)
            chat.cursor = None
            choice = answer_label(question, level, lang)
        case act.Back():
            target = previous_question(ctx.survey, step)
            if target is None:
                reply.callback_text = t("first_question", lang)
                return reply
            chat.cursor = target
            choice = t("went_back", lang)
        case act.ToggleCause(key, index):
            row = await follow_up_row(ctx.session, ctx.invitation, ctx.answers, key)
            attribute = ctx.survey.question(key).attributes[index].key  # type: ignore[union-attr]
            causes = list(row.causes or [])
            row.causes = (
                [c for c in causes if c != attribute]
                if attribute in causes
                else [*causes, attribute]
            )
            new = render(ctx.survey, ctx.state, ctx.step, ctx.respondent.name)
            if message_id is not None and new.keyboard is not None:
                reply.markup = (message_id, new.keyboard)
            return reply
        case act.CausesDone(key):
            row = await follow_up_row(ctx.session, ctx.invitation, ctx.answers, key)
            row.follow_up_stage = FollowUpStage.TEXT
            choice = cause_names(ctx, key, row.causes)
        case act.SkipText(key):
            await finish_follow_up(ctx, key, None)
            choice = t("skipped", lang)
        case act.GiveNps(score):
            await put_answer(
                ctx.session,
                ctx.invitation,
                ctx.answers,
                question="nps",
                kind="nps",
                level=score,
                na=score is None,
            )
            chat.cursor = None
            choice = t("skipped", lang) if score is None else str(score)
        case act.SkipComment():
            await save_comment(ctx, None)
            choice = t("skipped", lang)
        case act.OpenChangeMenu():
            chat.choosing_change = True
            choice = t("change", lang)
        case act.ChangeAnswer(key):
            chat.choosing_change = False
            chat.cursor = key
            question = ctx.survey.question(key)
            choice = question_label(question, lang) if question else closing_label(key, lang)
        case act.Submit():
            ctx.invitation.state = "completed"
            ctx.invitation.completed_at = utcnow()
            choice = t("submit", lang)
    chat.version += 1
    if message_id is not None and choice is not None:
        reply.close = (message_id, closed(old_prompt, choice, lang))
    if isinstance(action, act.Submit):
        reply.prompt = Prompt(t("thank_you", lang))
        return reply
    return prompt_reply(ctx, reply)


async def record_level(
    ctx: Context, key: str, level: int | None, department: str | None
) -> list[int]:
    """Store a Likert answer; open, update or withdraw its ticket. Returns opened ticket ids."""
    session: AsyncSession = ctx.session
    answer, before = await put_answer(
        session,
        ctx.invitation,
        ctx.answers,
        question=key,
        kind="likert",
        level=level,
        na=level is None,
    )
    if needs_follow_up(level):
        await follow_up_row(session, ctx.invitation, ctx.answers, key)
        ticket, created = await open_or_update_ticket(
            session,
            answer=answer,
            invitation=ctx.invitation,
            department=department,
            actor=ctx.actor,
        )
        return [ticket.id] if created else []
    if before is not None and needs_follow_up(before.level):
        await drop_follow_up(session, ctx.answers, key)
        await withdraw_ticket(session, answer, ctx.actor)
    return []


async def save_comment(ctx: Context, text: str | None) -> None:
    """Store the closing comment (None: skipped); a revisited comment returns to the summary."""
    await put_comment(ctx.session, ctx.invitation, ctx.answers, text)
    ctx.chat.cursor = None


def closing_label(key: str, lang: str | None) -> str:
    """The name of the NPS question or the comment, as the change-an-answer menu shows it."""
    labels = {NPS_CURSOR: "nps_label", COMMENT_CURSOR: "comment_label"}
    return t(labels[key], lang) if key in labels else key


async def finish_follow_up(ctx: Context, key: str, text: str | None) -> None:
    """Close the follow-up of a 1–2 with its free text and copy both onto the ticket."""
    row = await follow_up_row(ctx.session, ctx.invitation, ctx.answers, key)
    row.follow_up_stage, row.text = FollowUpStage.DONE, text
    likert = find_answer(ctx.answers, key, "likert")
    if likert is not None:
        ticket_id = await describe_follow_up(
            ctx.session, likert, list(row.causes or []), text, ctx.actor
        )
        if ticket_id is not None:
            ctx.alerts_due.append(ticket_id)


def cause_names(ctx: Context, key: str, causes: list[str]) -> str:
    question = ctx.survey.question(key)
    lang = ctx.chat.language
    if question is None or not causes:
        return t("no_causes", lang)
    names = [pick(a.text, lang) for a in question.attributes if a.key in causes]
    return t(
        "causes_chosen", lang, causes="、".join(names) if lang == "zh-CN" else ", ".join(names)
    )
