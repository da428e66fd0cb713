"""What the user sees: a step as text with its buttons, the /status checklist, the summary.

Texts come from the Fluent catalog; this module only chooses which messages, fills their
placeables (dates and money formatted for the chat's language) and lays out the buttons.
Answer buttons carry the chat's change counter (``bot.callbacks.AnswerButton``), so any
button of an older message is recognisable, even when the same step comes round again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

from babel.numbers import format_percent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import AnswerButton
from bot.services.calendar.workdays import Calendar
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec, Step
from bot.services.flow.journey import Journey, step_status
from bot.services.flow.step_view import StepView
from bot.services.i18n import Catalog, babel_locale, format_date, format_money
from bot.telegram.documents_text import DocumentTexts

BAR_WIDTH = 10
ANSWER_KEYBOARDS_LIMIT = 10_000
STATUS_MARKS = {"done": "✅", "current": "▶️", "failed": "❌", "open": "⬜"}


# A feature's row of buttons under every step (e.g. "Ask an operator"): ``hook(renderer,
# progress) -> a row of InlineKeyboardButton`` (an empty row adds nothing).
RowHook = Callable[["Renderer", ChatProgress], Sequence[InlineKeyboardButton]]


class Renderer:
    def __init__(
        self,
        catalog: Catalog,
        spec: FlowSpec,
        calendar: Calendar,
        row_hooks: Sequence[RowHook] = (),
        *,
        support: bool = False,
    ) -> None:
        self.catalog = catalog
        self.spec = spec
        self.calendar = calendar
        self.row_hooks = tuple(row_hooks)
        self.support = support  # a support group is set up: /ask is offered
        self.documents: DocumentTexts | None = None  # what a step asks for (bot.app sets it)
        # A step's answer buttons depend only on (language, step, change counter), and PTB's
        # objects are immutable: build each keyboard once.
        self._answer_keyboards: dict[tuple[str, str, int], InlineKeyboardMarkup | None] = {}
        # At most languages × steps × the paths through on-path steps.
        self._fixed_texts: dict[tuple[str, str, frozenset[str]], str] = {}
        self._echoes: dict[tuple[str, str, str], str] = {}  # at most languages × answers
        # The steps listed only on a path through them, and for each set of them a chat has
        # taken: step id → (its number, how many) among its stage's steps on that checklist.
        self._on_path = frozenset(s.id for s in spec.steps.values() if s.on_path)
        self._positions: dict[frozenset[str], dict[str, tuple[int, int]]] = {}

    def t(self, lang: str, message_id: str, **args: Any) -> str:
        return self.catalog.text(lang, message_id, **args)

    def knows(self, progress: ChatProgress) -> bool:
        """False for a chat at a step this flow does not have (a flow edited without a
        migration, started with ``run --allow-stranded``, or a database edited by hand)."""
        return progress.state in self.spec.steps

    def lost_text(self, lang: str) -> str:
        """What such a chat is told instead of its step: the team knows, and how to go on."""
        return self.t(lang, "state-unknown", support="yes" if self.support else "no")

    # -- a step ----------------------------------------------------------------------------
    def step_args(self, progress: ChatProgress, today: dt.date | None) -> dict[str, Any]:
        """The placeables of the step's texts; ``today`` is needed only with audit dates."""
        lang = progress.language
        facts = self.spec.facts
        step = self.spec.steps.get(progress.state)
        args: dict[str, Any] = {
            "deposit": format_money(facts.get("tmall_deposit_cny", 0), "CNY", lang),
            "working_days": (step.working_days if step else None)
            or facts.get("audit_working_days", 0),
        }
        if progress.audit_submitted_on and progress.audit_due_on:
            args["submitted"] = format_date(progress.audit_submitted_on, lang)
            args["due"] = format_date(progress.audit_due_on, lang)
            if self.calendar.is_provisional(progress.audit_due_on):
                year = progress.audit_due_on.year
                args["due"] += self.t(lang, "date-provisional", year=str(year))
            assert today is not None, "audit dates need today's date"
            args["remaining"] = self.calendar.working_days_between(today, progress.audit_due_on)
        return args

    def stage_header(self, progress: ChatProgress) -> str:
        lang = progress.language
        stage = self.spec.stage_of(progress.state)
        title = self.t(lang, stage.title)
        if stage.number == 0:
            return self.t(lang, "header-before-stages", stage=title)
        return self.t(
            lang,
            "header-stage",
            number=stage.number,
            total=len(self.spec.stages) - 1,
            stage=title,
        )

    def taken(self, progress: ChatProgress) -> frozenset[str]:
        """The steps listed only on a path through them that the chat's path went through."""
        if not self._on_path:
            return frozenset()
        return self._on_path.intersection((progress.state, *progress.history))

    def positions(self, taken: frozenset[str]) -> dict[str, tuple[int, int]]:
        """Step id → (its number, how many) among its stage's steps on the checklist of a
        chat that took ``taken`` (the finish apart: /status lists it on its own)."""
        known = self._positions.get(taken)
        if known is None:
            known = self._positions[taken] = {}
            checklist = self.spec.checklist(taken)
            for stage in self.spec.stages:
                ids = [s.id for s in checklist if s.stage == stage.id and s.kind != "finish"]
                known.update((sid, (i + 1, len(ids))) for i, sid in enumerate(ids))
        return known

    def step_header(self, progress: ChatProgress) -> str:
        """The step's number among its stage's steps on the chat's checklist, and its name
        ("Step 2 of 3 · Corporate Alipay"); a detour (off the checklist) shows only its name."""
        lang = progress.language
        step = self.spec.steps[progress.state]
        name = self.t(lang, step.name)
        position = self.positions(self.taken(progress)).get(step.id)
        if position is None:
            return name
        number, total = position
        return self.t(lang, "header-step", number=number, total=total, step=name)

    def step_text(self, view: StepView) -> str:
        progress = view.progress
        lang = progress.language
        step = self.spec.steps.get(progress.state)
        if step is None:
            return self.lost_text(lang)
        # Without audit dates (and the finish's summary) a step's text depends only on the
        # language and the step: most updates show one of those.
        fixed = step.kind != "finish" and not progress.audit_submitted_on
        key = (lang, step.id, self.taken(progress))
        if fixed and (cached := self._fixed_texts.get(key)) is not None:
            return cached
        body = self.t(lang, step.text, **self.step_args(progress, view.today))
        if step.kind == "finish":
            parts = [body]
            if view.journey is not None:
                parts.append(self.summary(progress, view.journey))
            return "\n\n".join(parts)
        stage, header = escape(self.stage_header(progress)), escape(self.step_header(progress))
        text = f"<b>{stage}</b>\n\n<b>{header}</b>\n{body}"
        if fixed:
            self._fixed_texts[key] = text
        return text

    def keyboard(self, progress: ChatProgress) -> InlineKeyboardMarkup | None:
        answers = self.answer_keyboard(progress)
        extra = self.extra_rows(progress)
        if not extra:
            return answers
        return InlineKeyboardMarkup([*(answers.inline_keyboard if answers else ()), *extra])

    def answer_keyboard(self, progress: ChatProgress) -> InlineKeyboardMarkup | None:
        """One button per answer of the chat's current step, carrying its change counter."""
        key = (progress.language, progress.state, progress.seq)
        if key not in self._answer_keyboards:
            if len(self._answer_keyboards) >= ANSWER_KEYBOARDS_LIMIT:
                self._answer_keyboards.clear()
            step = self.spec.steps.get(progress.state)
            if step is None:  # no answers to give at a step the flow does not have
                return None
            rows = [
                [
                    InlineKeyboardButton(
                        self.t(progress.language, answer.label),
                        callback_data=AnswerButton(progress.seq, step.id, answer.id).encode(),
                    )
                ]
                for answer in step.answers
            ]
            self._answer_keyboards[key] = InlineKeyboardMarkup(rows) if rows else None
        return self._answer_keyboards[key]

    def extra_rows(self, progress: ChatProgress) -> list[Sequence[InlineKeyboardButton]]:
        """Buttons every step carries besides its answers (features add theirs here)."""
        return [row for hook in self.row_hooks if (row := hook(self, progress))]

    def echo(self, progress: ChatProgress, step: Step, answer_label_id: str) -> str:
        """The line that records what was just answered, above the next step."""
        lang = progress.language
        key = (lang, step.id, answer_label_id)
        echo = self._echoes.get(key)
        if echo is None:
            echo = self._echoes[key] = self.t(
                lang,
                "answered",
                step=self.t(lang, step.name),
                answer=self.t(lang, answer_label_id),
            )
        return echo

    # -- /status ---------------------------------------------------------------------------
    def status(
        self,
        progress: ChatProgress,
        today: dt.date,
        documents: Mapping[str, tuple[int, int]] | None = None,
    ) -> str:
        """The chat's checklist by stage (the finish on its own line, below the stages), with
        a progress bar and "N of M steps done" counting the lines listed; ``documents``: step
        → (received, asked for), shown beside the steps that ask for files."""
        lang = progress.language
        statuses = step_status(self.spec, progress)
        done = sum(1 for _, status in statuses if status == "done")
        ratio = done / len(statuses) if statuses else 1.0
        filled = round(ratio * BAR_WIDTH)
        bar = "▓" * filled + "░" * (BAR_WIDTH - filled)
        percent = format_percent(ratio, locale=babel_locale(lang))
        lines = [
            f"<b>{escape(self.t(lang, 'status-title'))}</b>",
            f"{bar} {percent}",
            self.t(lang, "status-count", done=done, total=len(statuses)),
        ]
        current_stage = None
        finish_lines = []
        for step_id, status in statuses:
            step = self.spec.steps[step_id]
            title = escape(self.t(lang, step.name if status == "current" else step.title))
            line = f"{STATUS_MARKS[status]} {title}"
            if documents and step_id in documents:
                received, total = documents[step_id]
                count = self.t(lang, "doc-count", received=received, total=total)
                line += f" · 📎 {escape(count)}"
            if step.kind == "finish":
                finish_lines.append(line)
                continue
            stage = self.spec.stage_of(step_id)
            if stage.id != current_stage:
                current_stage = stage.id
                if stage.number == 0:
                    heading = self.t(lang, stage.title)
                else:
                    heading = self.t(
                        lang, "status-stage", number=stage.number, stage=self.t(lang, stage.title)
                    )
                lines.append(f"\n<b>{escape(heading)}</b>")
            lines.append(line)
        if finish_lines:
            lines.append("\n" + "\n".join(finish_lines))
        here = self.spec.steps.get(progress.state)
        if here is None:
            lines.append("\n" + self.t(lang, "status-unknown", step=escape(progress.state)))
        elif not here.checklist:
            lines.append("\n" + self.t(lang, "status-detour", step=self.t(lang, here.name)))
        if progress.audit_due_on and progress.audit_submitted_on:
            args = self.step_args(progress, today)
            lines.append("\n" + self.t(lang, "status-audit", **args))
        return "\n".join(lines)

    # -- the finish ----------------------------------------------------------------------------
    def summary(self, progress: ChatProgress, journey: Journey) -> str:
        lang = progress.language
        lines = [f"<b>{escape(self.t(lang, 'summary-title'))}</b>"]
        for stage in self.spec.stages:
            day = journey.stages_completed.get(stage.id)
            if day is not None:
                lines.append(
                    self.t(
                        lang,
                        "summary-stage",
                        stage=self.t(lang, stage.title),
                        date=format_date(day, lang),
                    )
                )
        for audit in journey.audits:
            lines.append(
                self.t(
                    lang,
                    "summary-audit",
                    step=self.t(lang, self.spec.steps[audit.step].title),
                    submitted=format_date(audit.submitted, lang),
                    passed=format_date(audit.passed or audit.submitted, lang),
                )
            )
        if journey.loops:
            lines.append(self.t(lang, "summary-loops", count=journey.loops))
        if journey.started and journey.finished:
            lines.append(
                self.t(
                    lang,
                    "summary-duration",
                    start=format_date(journey.started, lang),
                    end=format_date(journey.finished, lang),
                    days=(journey.finished - journey.started).days + 1,
                )
            )
        return "\n".join(lines)
