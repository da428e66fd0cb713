"""A rejected audit in the chat: the reason question's buttons, and what the chat is told once
the reason is known (the reason's fix and the steps it reopened), for the chat and the console."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import RejectionButton
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import Step
from bot.services.flow.reasons_spec import OTHER, REJECTED
from bot.services.flow.rejections import Rejected
from bot.telegram.render import Renderer


def reason_keyboard(renderer: Renderer, progress: ChatProgress, step: Step) -> InlineKeyboardMarkup:
    """One button per reason of ``step``, and "other / not stated", for the chat's counter."""
    lang = progress.language
    choices = [(r.id, renderer.t(lang, r.label)) for r in step.rejection_reasons]
    choices.append((OTHER, renderer.t(lang, "reject-other")))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    label, callback_data=RejectionButton(progress.seq, step.id, rid).encode()
                )
            ]
            for rid, label in choices
        ]
    )


def reason_question(renderer: Renderer, progress: ChatProgress, step: Step) -> str:
    lang = progress.language
    rejected = step.answer(REJECTED)
    echo = renderer.echo(progress, step, rejected.label) if rejected else ""
    return "\n\n".join(part for part in (echo, renderer.t(lang, "reject-ask")) if part)


def rejection_text(renderer: Renderer, rejected: Rejected) -> str:
    """The echo of the reason, its fix (or, not stated, the answer's own help) and what
    reopened: the line above the step the chat is at now."""
    progress, step, reason = rejected.progress, rejected.step, rejected.reason
    lang = progress.language
    t = renderer.t
    label = t(lang, reason.label) if reason is not None else t(lang, "reject-other")
    parts = [t(lang, "reject-echo", step=t(lang, step.name), reason=label)]
    if reason is not None:
        parts.append(t(lang, reason.fix))
        names = " · ".join(t(lang, renderer.spec.steps[s].name) for s in reason.reopen)
        parts.append(t(lang, "reject-reopened", steps=escape(names)))
        join = "、".join if lang == "zh" else ", ".join
        if rejected.documents:
            titles = join(t(lang, d.title) for d in rejected.documents)
            parts.append(t(lang, "reject-documents", documents=escape(titles)))
        if rejected.asked:  # another step's, asked for on the walk
            titles = join(t(lang, d.title) for d in rejected.asked)
            parts.append(t(lang, "reject-documents-asked", documents=escape(titles)))
    else:
        answer = step.answer(REJECTED)
        if answer is not None and answer.help:
            parts.append(t(lang, answer.help, **renderer.step_args(progress, None)))
    return "\n\n".join(parts)
