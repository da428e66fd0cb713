"""One way to show a chat its step: the step's text and buttons, with a line above it (what
just happened: an echo of the answer, "your answer was saved", an operator's move, a reminder)
and one below, for a reply, a job and the console alike."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.services.broadcasts.delivery import Payload
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.reopened import Reopened
from bot.services.flow.step_view import StepView
from bot.telegram.render import Renderer
from bot.telegram.sender import buttons_of


@dataclass(frozen=True)
class StepMessage:
    html: str
    keyboard: InlineKeyboardMarkup | None

    def payload(self) -> Payload:
        """As the delivery service sends it (reminders, the console)."""
        return Payload(html=self.html, buttons=buttons_of(self.keyboard))


def step_message(
    renderer: Renderer,
    view: StepView,
    progress: ChatProgress,
    *,
    above: str | None = None,
    below: str | None = None,
) -> StepMessage:
    """The chat's current step, with ``above`` and ``below`` (HTML) around it; a chat at a step
    the flow does not have gets only the way on, said plainly."""
    text = renderer.step_text(view)
    if progress.reopened is not None and (walk := reopened_line(renderer, progress)):
        text = f"{text}\n\n{walk}"
    if view.documents and renderer.documents is not None:
        text = f"{text}\n\n{renderer.documents.ask(progress.language, view.documents)}"
    if renderer.knows(progress):
        text = "\n\n".join(part for part in (above, text, below) if part)
    return StepMessage(text, renderer.keyboard(progress))


def reopened_line(renderer: Renderer, progress: ChatProgress) -> str | None:
    """At a step a rejection reopened: how many are left to redo, and where the chat then
    returns (None elsewhere)."""
    record = Reopened.of(progress)
    owed = record.owed(progress.state) if record is not None else ()
    back_to = renderer.spec.steps.get(record.back_to) if record is not None else None
    if not owed or back_to is None:
        return None
    lang = progress.language
    return renderer.t(lang, "reopened-walk", count=len(owed), step=renderer.t(lang, back_to.name))
