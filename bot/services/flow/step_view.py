"""Everything needed to show a chat's current step, gathered in one trip to the services.

A :class:`StepView` holds the chat's progress, today's date in the calendar's zone when the
step shows audit dates (the working days left), and the journey summary at the finish; the
renderer then only formats it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec
from bot.services.flow.journey import Journey, read_journey
from bot.services.flow.progress import ProgressService
from bot.services.flow.reopened import Reopened


@dataclass(frozen=True, slots=True)
class StepView:
    progress: ChatProgress
    today: dt.date | None = None  # set when the step shows audit dates
    journey: Journey | None = None  # set at the finish
    documents: Sequence[Any] = ()  # the step's documents' states (services.evidence), if any

    @property
    def language(self) -> str:
        return self.progress.language


class StepViews:
    def __init__(
        self,
        db: Database,
        spec: FlowSpec,
        progress: ProgressService,
        documents: Callable[[int, str], Sequence[Any]] | None = None,
        asked: Callable[[int, str, Sequence[tuple[str, str]]], Sequence[Any]] | None = None,
    ) -> None:
        self.db = db
        self.spec = spec
        self.progress = progress
        self.documents = documents  # (chat, step) → the step's documents' states
        self.asked = asked  # (chat, step, other steps' documents) → their states too

    def of(self, progress: ChatProgress) -> StepView:
        journey = None
        step = self.spec.steps.get(progress.state)  # None: a step the flow does not have
        if step is not None and step.kind == "finish":
            journey = read_journey(self.db, self.spec, progress.chat_id)
        today = self.progress.calendar.today() if progress.audit_submitted_on else None
        documents: Sequence[Any] = ()
        if self.documents is not None and self.spec.documents.of(progress.state):
            documents = self.documents(progress.chat_id, progress.state)
        if progress.reopened and self.asked is not None:  # a rejection's walk may ask for more
            record = Reopened.of(progress)
            if record is not None and record.asks_at(progress.state):
                documents = self.asked(progress.chat_id, progress.state, record.documents)
        return StepView(progress, today, journey, documents)
