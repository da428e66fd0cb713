"""The typed context every handler and job gets (PTB's ``ContextTypes``).

``context.services`` is the frozen :class:`Services`: one explicit field per feature's
service, built once in ``bot.app``. ``context.language`` is the chat's language, resolved
once per update (the chat's saved language, else the sender's).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, cast

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.config import Settings
from bot.services.broadcasts.broadcasts import BroadcastService
from bot.services.broadcasts.composer import BroadcastComposer
from bot.services.broadcasts.delivery import Delivery
from bot.services.broadcasts.drafts import DraftService
from bot.services.calendar.quiet_hours import QuietHours
from bot.services.calendar.workdays import Calendar
from bot.services.console.console_auth import SignIn
from bot.services.console.roster import Roster
from bot.services.desk.canned import CannedReplies
from bot.services.desk.escalation import Escalations
from bot.services.desk.tickets import TicketService
from bot.services.evidence.evidence import EvidenceService
from bot.services.evidence.locker import Locker
from bot.services.flow.event_log import EventLog
from bot.services.flow.flow_spec import FlowSpec
from bot.services.flow.progress import ProgressService
from bot.services.flow.rejections import Rejections
from bot.services.flow.step_view import StepViews
from bot.services.funnel.funnel import FunnelService
from bot.services.groups.groups import GroupService
from bot.services.i18n import Catalog, language_from_code
from bot.services.ledger import UpdateLedger
from bot.services.maintenance import Maintenance
from bot.services.reminders.pause import AutomationPause
from bot.services.reminders.reminders import ReminderService
from bot.telegram.documents_text import DocumentTexts
from bot.telegram.render import Renderer
from bot.telegram.topic_queue import TopicQueue

# A guard decides whether the sender may run a command here (e.g. admins only in groups);
# it answers the user itself and returns False to refuse.
Guard = Callable[[Update, "BotContext", str], Awaitable[bool]]


@dataclass(frozen=True)
class Services:
    settings: Settings
    catalog: Catalog
    spec: FlowSpec
    calendar: Calendar  # mainland China's days and today, by the same clock as the services
    event_log: EventLog  # the answers log's one writer (progress, corrections)
    progress: ProgressService
    rejections: Rejections  # a rejected audit's reason: its fix, the steps it reopens
    views: StepViews
    renderer: Renderer
    tickets: TicketService
    replies: CannedReplies  # the desk's canned replies (locales/<lang>/replies.ftl)
    escalations: Escalations  # tickets waiting too long, in working hours (the support group)
    groups: GroupService
    broadcasts: BroadcastService
    drafts: DraftService
    composer: BroadcastComposer  # every broadcast action, as at the other doors
    reminders: ReminderService
    pause: AutomationPause  # an operator's pause / resume of a company's nudges (the handoff)
    funnel: FunnelService
    delivery: Delivery
    quiet: QuietHours
    maintenance: Maintenance
    ledger: UpdateLedger
    signin: SignIn
    roster: Roster  # the operators, current (TPBOT_OPERATORS re-read on change)
    evidence: EvidenceService  # documents received, their download queue and review
    locker: Locker  # the documents' bytes, by sha256 (TPBOT_EVIDENCE_DIR)
    document_texts: DocumentTexts
    guards: tuple[Guard, ...] = ()
    topic_queue: TopicQueue = field(default_factory=TopicQueue)  # createForumTopic, paced


class BotData:
    """``application.bot_data``: the services, and the broadcasts this process is sending."""

    def __init__(self) -> None:
        self._services: Services | None = None
        self.broadcast_runs: dict[int, asyncio.Task[Any]] = {}  # broadcasts this process sends

    def attach(self, services: Services) -> None:
        self._services = services

    @property
    def attached(self) -> bool:
        return self._services is not None

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the application was not built with bot.app.build_application")
        return self._services

    @services.setter
    def services(self, services: Services) -> None:
        self._services = services


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """One per update: PTB builds it once and passes it to every handler that runs."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self._update: Update | None = None
        self._language: str | None = None

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> BotContext:
        context = super().from_update(update, application)
        if isinstance(update, Update):
            context._update = update
        return context

    @property
    def bot_application(self) -> BotApplication:
        """``application``, typed with this bot's context and data."""
        return cast(BotApplication, self.application)

    @property
    def services(self) -> Services:
        return self.bot_data.services

    @property
    def language(self) -> str:
        """The chat's language: its saved one if it started, else the sender's."""
        if self._language is None:
            self._language = self._resolve_language()
        return self._language

    @language.setter
    def language(self, language: str) -> None:
        """After a change of language within this update."""
        self._language = language

    @property
    def sender_language(self) -> str:
        """The sender's own Telegram language (for operators, and chats not started)."""
        user = self._update.effective_user if self._update is not None else None
        return language_from_code(user.language_code if user else None)

    def _resolve_language(self) -> str:
        chat = self._update.effective_chat if self._update is not None else None
        progress = self.services.progress.get(chat.id) if chat is not None else None
        return progress.language if progress is not None else self.sender_language


CONTEXT_TYPES = ContextTypes(context=BotContext, bot_data=BotData)

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]
