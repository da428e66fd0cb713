"""The operators' view of every client company: the board, one company's page, and the CSV.

Plain values in and out. "Working days at the step" and "audit overdue" use the bot's own
calendar (Chinese working days, counted in mainland China's date), so the console and the
chat never disagree about a date.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from sqlite_utils import Database

from bot.callbacks import parse_chat_id
from bot.services.broadcasts.audience import Audience, chat_filter
from bot.services.broadcasts.broadcasts import AudienceSize
from bot.services.broadcasts.composer import Listed, listing
from bot.services.calendar.workdays import Calendar, china_date, start_of_china_day
from bot.services.console.csv_cells import csv_writer
from bot.services.console.handoff_view import DeskTiming, Handoff, handoff_of
from bot.services.flow.chat_progress import ChatProgress
from bot.services.flow.flow_spec import FlowSpec, Stage, Step
from bot.services.flow.journey import step_status
from bot.services.flow.reopened import Reopened
from bot.storage import board as store
from bot.storage import chat_query, chats
from bot.storage.board import LoggedEvent, Received, TicketMessage
from bot.storage.chat_query import MOVES as MOVES
from bot.storage.chat_query import ChatQuery, CompanyRow
from bot.storage.event_details import EventDetail

PER_PAGE = 50
CSV_CHUNK = 64 * 1024  # characters of CSV handed over at a time
SORTS = tuple(store.SORT_COLUMNS)
DOCUMENT_FILTERS = {"review": "received", "revision": "needs_revision"}  # → review state


@dataclass(frozen=True)
class BoardFilter:
    """What the operator asked the board for (the page's query string, validated)."""

    stage: str | None = None
    step: str | None = None
    language: str | None = None
    stuck_days: int | None = None  # at the same step for at least this many working days
    overdue: bool = False
    waiting: bool = False
    documents: str | None = None  # "review": a file to review; "revision": one sent back
    move: str | None = None  # whose move: client / audit / ours (chat_query.MOVES)
    search: str = ""
    sort: str = "activity"
    descending: bool = True
    page: int = 1
    holder: int | None = None  # "mine": open tickets taken by this operator (the signed-in one)
    unassigned: bool = False  # "unassigned waiting": open, waiting for us, taken by nobody


@dataclass(frozen=True)
class Company:
    """One row of the board."""

    chat_id: int
    kind: str  # private / group / supergroup
    name: str
    language: str
    stage: Stage | None
    step: Step | None
    state: str
    days_at_step: int | None
    audit_due: dt.date | None
    overdue: bool
    last_activity: dt.datetime | None
    ticket_id: int | None
    ticket_open: bool
    waiting: bool
    muted: bool
    active: bool
    finished: bool
    holder_id: int | None = None  # who took its ticket
    holder_name: str | None = None
    handoff: Handoff | None = None  # whose move, the nudges' pause, the ticket's waits


@dataclass(frozen=True)
class BoardPage:
    companies: list[Company]
    total: int
    page: int
    pages: int
    filter: BoardFilter


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # start / answer / back / reset / language / migrate / operator-* ...
    at: dt.datetime
    user_id: int | None
    step: Step | None
    answer_label: str | None  # a Fluent id
    to_step: Step | None
    detail: EventDetail | None
    flow_version: int | None


@dataclass(frozen=True)
class CompanyPage:
    company: Company
    progress: ChatProgress  # as read with the rest of the page (its counter guards a move)
    checklist: list[tuple[Step, str]]  # (step, done / current / failed / open)
    timeline: list[TimelineEntry]
    ticket_messages: list[TicketMessage] = field(default_factory=list)
    broadcasts: list[Received] = field(default_factory=list)
    reopened: ReopenedSteps | None = None  # on a rejection's walk of the steps it reopened


@dataclass(frozen=True)
class ReopenedSteps:
    steps: tuple[Step, ...]  # the steps the rejection reopened, in the flow's order
    back_to: Step  # where the walk returns to submit again


def reopened_steps(spec: FlowSpec, progress: ChatProgress) -> ReopenedSteps | None:
    record = Reopened.of(progress)
    back_to = spec.steps.get(record.back_to) if record is not None else None
    if record is None or back_to is None:
        return None
    steps = tuple(spec.steps[s] for s in record.steps if s in spec.steps)
    return ReopenedSteps(steps, back_to) if steps else None


class Portfolio:
    def __init__(
        self,
        db: Database,
        spec: FlowSpec,
        calendar: Calendar,
        support_chat_id: int | None = None,
        timing: DeskTiming | None = None,
    ) -> None:
        self.timing = timing or DeskTiming()
        self.db = db
        self.spec = spec
        self.calendar = calendar
        self.clock = calendar.clock
        self.support_chat_id = support_chat_id
        store.tune_reader(db)

    def today(self) -> dt.date:
        return self.calendar.today()

    # -- the board ----------------------------------------------------------------------------
    def where(self, wanted: BoardFilter) -> ChatQuery:
        """The storage filter for what the operator asked for."""
        states: tuple[str, ...] | None = None
        if wanted.step is not None and wanted.step in self.spec.steps:
            states = (wanted.step,)
        elif wanted.stage is not None:
            states = tuple(
                step_id for step_id, step in self.spec.steps.items() if step.stage == wanted.stage
            )
        at_step_before = None
        if wanted.stuck_days:
            at_step_before = self._start_of_day_after(self.stuck_since(wanted.stuck_days))
        return ChatQuery(
            states=states,
            language=wanted.language,
            at_step_before=at_step_before,
            audit_due_before=self.today().isoformat() if wanted.overdue else None,
            waiting=wanted.waiting,
            review_state=DOCUMENT_FILTERS.get(wanted.documents or ""),
            move=wanted.move,
            search=wanted.search or None,
            search_id=parse_chat_id(wanted.search.strip()),
            exclude=self.support_chat_id,
            held_by=wanted.holder,
            unassigned_waiting=wanted.unassigned,
        )

    def stuck_since(self, working_days: int) -> dt.date:
        """The latest day a chat can have come to its step and be at it ``working_days``
        working days by today."""
        day, counted = self.today(), 0
        while counted < working_days:
            if self.calendar.is_working_day(day):
                counted += 1
            day -= dt.timedelta(days=1)
        return day

    @staticmethod
    def _start_of_day_after(day: dt.date) -> str:
        return start_of_china_day(day + dt.timedelta(days=1)).isoformat(timespec="seconds")

    def board(self, wanted: BoardFilter, per_page: int = PER_PAGE) -> BoardPage:
        where = self.where(wanted)
        total, page, rows = store.board_page(
            self.db, where, wanted.sort, wanted.descending, per_page, wanted.page
        )
        pages = max(1, math.ceil(total / per_page))
        today = self.today()
        return BoardPage([self._company(row, today) for row in rows], total, page, pages, wanted)

    def _company(self, row: CompanyRow, today: dt.date) -> Company:
        step = self.spec.steps.get(row.state)
        stage = self.spec.stage_of(row.state) if step is not None else None
        days = None
        if row.step_since and not row.finished_at:
            days = self.calendar.working_days_between(china_date(row.step_since), today)
        due = dt.date.fromisoformat(row.audit_due_on) if row.audit_due_on else None
        at_audit = row.audit_step is not None and row.audit_step == row.state
        return Company(
            chat_id=row.id,
            kind=row.type,
            name=row.title or str(row.id),
            language=row.language,
            stage=stage,
            step=step,
            state=row.state,
            days_at_step=days,
            audit_due=due if at_audit else None,
            overdue=bool(at_audit and due is not None and due < today),
            last_activity=dt.datetime.fromisoformat(row.updated_at) if row.updated_at else None,
            ticket_id=row.ticket_id,
            ticket_open=row.ticket_status == "open",
            waiting=bool(row.waiting),
            muted=bool(row.muted),
            active=bool(row.active),
            finished=row.finished_at is not None,
            holder_id=row.holder_id,
            holder_name=row.holder_name,
            handoff=handoff_of(row, self.calendar, self.timing, self.clock()),
        )

    def csv_chunks(
        self, wanted: BoardFilter, step_name: Callable[[str], str], size: int = CSV_CHUNK
    ) -> Iterator[str]:
        """The current view (every page of it) as CSV, a BOM first (spreadsheet programs then
        read it as UTF-8), in pieces of about ``size`` characters."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv_writer(out)
        writer.writerow(CSV_COLUMNS)
        today = self.today()
        for row in store.board_all(self.db, self.where(wanted), wanted.sort, wanted.descending):
            company = self._company(row, today)
            handoff = company.handoff
            assert handoff is not None
            writer.writerow(
                [
                    company.chat_id,
                    company.kind,
                    company.name,
                    company.language,
                    company.stage.number if company.stage else "",
                    company.state,
                    step_name(company.state) if company.step else "",
                    "" if company.days_at_step is None else company.days_at_step,
                    company.audit_due.isoformat() if company.audit_due else "",
                    int(company.overdue),
                    row.updated_at or "",
                    "open" if company.ticket_open else (row.ticket_status or ""),
                    int(company.waiting),
                    int(company.muted),
                    int(company.active),
                    int(company.finished),
                    handoff.move or "",
                    handoff.pause.reason if handoff.pause else "",
                    _hours(handoff.wait_hours),
                    _hours(handoff.first_answer_hours),
                ]
            )
            if out.tell() >= size:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    # -- broadcasts -----------------------------------------------------------------------------
    def broadcasts(self, limit: int = 50) -> list[Listed]:
        """The newest broadcasts and each one's delivery report, in one query (the composer's
        list, as every door shows it)."""
        return listing(self.db, limit)

    def audience_size(self, audience: Audience) -> AudienceSize:
        """How many chats ``audience`` reaches now, and how many muted ones it leaves out (the
        compose page's preview; as :meth:`BroadcastService.size`)."""
        where = chat_filter(audience, self.spec, self.clock())
        muted = replace(where, muted=True)
        return AudienceSize(chat_query.count(self.db, where), chat_query.count(self.db, muted))

    # -- one company ----------------------------------------------------------------------------
    def company(self, chat_id: int) -> Company | None:
        row = chat_query.company(self.db, chat_id)
        return self._company(row, self.today()) if row is not None else None

    def company_page(self, chat_id: int) -> CompanyPage | None:
        row = chat_query.company(self.db, chat_id)
        chat = chats.get_chat(self.db, chat_id)
        if row is None or chat is None:
            return None
        progress = ChatProgress.from_row(chat)
        checklist = (
            [(self.spec.steps[s], status) for s, status in step_status(self.spec, progress)]
            if progress.state in self.spec.steps
            else []
        )
        return CompanyPage(
            company=self._company(row, self.today()),
            progress=progress,
            checklist=checklist,
            timeline=[self._entry(event) for event in store.recent_events(self.db, chat_id)],
            ticket_messages=store.ticket_messages(self.db, row.ticket_id) if row.ticket_id else [],
            broadcasts=store.broadcasts_received(self.db, chat_id),
            reopened=reopened_steps(self.spec, progress),
        )

    def _entry(self, event: LoggedEvent) -> TimelineEntry:
        step = self.spec.steps.get(event.step) if event.step else None
        answer = step.answer(event.answer) if step is not None and event.answer else None
        return TimelineEntry(
            kind=event.kind,
            at=dt.datetime.fromisoformat(event.at),
            user_id=event.user_id,
            step=step,
            answer_label=answer.label if answer is not None else None,
            to_step=self.spec.steps.get(event.to_state) if event.to_state else None,
            detail=event.detail,
            flow_version=event.flow_version,
        )


CSV_COLUMNS = (
    "chat_id",
    "type",
    "name",
    "language",
    "stage_number",
    "step",
    "step_title",
    "working_days_at_step",
    "audit_due_on",
    "audit_overdue",
    "last_activity",
    "ticket",
    "waiting_for_us",
    "muted",
    "active",
    "finished",
    "whose_move",
    "nudges_paused",
    "waiting_working_hours",
    "first_answer_working_hours",
)


def _hours(value: float | None) -> str | float:
    return "" if value is None else round(value, 1)
