"""Sample client companies for the demo's console: ``tmall-tp-bot demo --console --sample N``.

Each company walks the real flow through the real ``Application`` (offline Bot API), on a
clock that starts some weeks back and moves on as people work: within working hours
(09:30–18:00 in ``TPBOT_TIMEZONE``) on working days, minutes to hours between answers on one
day, days between others, and the audit's working days before its result. So the board, the
history and the funnel show what an agency's portfolio looks like: certified companies, ones
waiting on an audit (some overdue), open tickets waiting for an answer, chats that blocked the
bot, team groups, and companies at every stage with "not yet" loops. The first five samples are
one of each kind; the rest are drawn at random. Names are distinct (:mod:`bot.demo.names`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import build_application
from bot.config import Settings
from bot.demo.names import company_names
from bot.demo.offline_api import BOT_USER, ApiCall, OfflineBotAPI
from bot.demo.updates import UpdateFactory
from bot.services.calendar.workdays import Calendar
from bot.wiring import BotApplication

FIRST_CHAT_ID = 500_000
FIRST_GROUP_ID = -1_002_000_500_000  # team groups: supergroups, counting down
# The support group the sample tickets were relayed to, when the settings name none.
SAMPLE_SUPPORT_CHAT_ID = -1_002_000_000_001
DAY_STARTS, DAY_ENDS = dt.time(9, 30), dt.time(18, 0)
WORKDAY_MINUTES = 510.0

CERTIFIED, AUDIT, TICKET, GROUP, BLOCKED, WALK = (
    "certified",
    "audit",
    "ticket",
    "group",
    "blocked",
    "walk",
)
FIRST_KINDS = (CERTIFIED, AUDIT, TICKET, GROUP, BLOCKED)
KIND_WEIGHTS = {WALK: 40, CERTIFIED: 15, AUDIT: 15, TICKET: 12, GROUP: 10, BLOCKED: 8}
FORWARD = ("begin", "yes", "passed", "tp_only", "continue")
QUESTIONS = {
    "en": (
        "Our Alipay account is still in the founder's name. Can we apply with it?",
        "The audit was due last week and we have heard nothing. What should we do?",
        "Which documents do you need for the brand authorization?",
        "Can the deposit be paid from our Hong Kong company's account?",
    ),
    "zh": (
        "我们的支付宝还是创始人个人名下的，可以用来申请吗？",
        "审核结果上周就该出来了，到现在还没有消息，怎么办？",
        "品牌授权需要准备哪些材料？",
        "保证金可以用香港公司的账户支付吗？",
    ),
}


class _Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


class WorkingTime:
    """Moments within working hours on working days, in one time zone (kept in UTC)."""

    def __init__(self, timezone: str, calendar: Calendar) -> None:
        self.zone = ZoneInfo(timezone)
        self.is_working_day = calendar.is_working_day

    def _day_start(self, day: dt.date) -> dt.datetime:
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, DAY_STARTS, self.zone)

    def at_work(self, at: dt.datetime) -> dt.datetime:
        """``at``, or the next moment someone is at work after it."""
        local = at.astimezone(self.zone)
        if not self.is_working_day(local.date()) or local.time() >= DAY_ENDS:
            local = self._day_start(local.date() + dt.timedelta(days=1))
        elif local.time() < DAY_STARTS:
            local = self._day_start(local.date())
        return local.astimezone(dt.UTC)

    def after(self, at: dt.datetime, minutes: float) -> dt.datetime:
        """``minutes`` of working time after ``at``."""
        local = self.at_work(at).astimezone(self.zone)
        while True:
            left = (dt.datetime.combine(local.date(), DAY_ENDS, self.zone) - local).total_seconds()
            if minutes * 60 < left:
                return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)
            minutes -= left / 60
            local = self._day_start(local.date() + dt.timedelta(days=1))


def _gap(rng: random.Random, step_kind: str, brisk: bool) -> float:
    """Working minutes before the next answer: the audit's days at an audit, else mostly
    minutes to hours on the same day, sometimes days."""
    if step_kind == "audit":
        return rng.uniform(2, 6) * WORKDAY_MINUTES
    roll = rng.random()
    if roll < (0.75 if brisk else 0.55):
        return rng.uniform(12, 180)
    if roll < (0.97 if brisk else 0.9):
        return rng.uniform(1, 3) * WORKDAY_MINUTES
    return rng.uniform(3, 8) * WORKDAY_MINUTES


def _pick(rng: random.Random, answers: list[str], forward_only: bool) -> str:
    """Mostly forward ("yes", "passed"...), sometimes "not yet" or a loop."""
    forward = [a for a in answers if a in FORWARD]
    if forward and (forward_only or rng.random() < 0.8):
        return forward[0]
    return rng.choice(answers)


class _Seeder:
    def __init__(
        self, application: BotApplication, api: OfflineBotAPI, clock: _Clock, end: dt.datetime
    ) -> None:
        self.application, self.api, self.clock, self.end = application, api, clock, end
        self.services = application.bot_data.services
        self.working = WorkingTime(self.services.settings.timezone, self.services.calendar)
        self.factory = UpdateFactory(
            application.bot, first_update_id=self.services.ledger.newest_update_id() + 1
        )

    async def feed(self, update: Any) -> None:
        await self.application.process_update(update)

    def wait(self, minutes: float) -> bool:
        """Move the clock on by ``minutes`` of working time; False (and no move) past the end."""
        later = self.working.after(self.clock.now, minutes)
        if later > self.end:
            return False
        self.clock.now = later
        return True

    async def company(self, rng: random.Random, kind: str, n: int, name: str, zh: bool) -> None:
        lang = "zh" if zh else "en"
        user = self.factory.user(FIRST_CHAT_ID + n, name, "zh-hans" if zh else "en")
        chat: dict[str, Any] | None = None
        chat_id = user["id"]
        if kind == GROUP:
            chat_id = FIRST_GROUP_ID - n
            title = f"{name}天猫项目群" if zh else f"{name} – Tmall TP team"
            chat = self.factory.chat(chat_id, "supergroup", title)
            user = self.factory.user(FIRST_CHAT_ID + n, rng.choice(("Li", "Wang", "Anna")), lang)
        days_back = rng.uniform(45, 75) if kind == CERTIFIED else rng.uniform(4, 70)
        self.clock.now = self.working.after(
            self.end - dt.timedelta(days=days_back), rng.uniform(0, WORKDAY_MINUTES)
        )
        if kind == GROUP:
            added = {
                "chat": chat,
                "from": user,
                "date": int(self.clock.now.timestamp()),
                "old_chat_member": {"status": "left", "user": BOT_USER},
                "new_chat_member": {"status": "member", "user": BOT_USER},
            }
            await self.feed(self.factory.from_dict({"my_chat_member": added}))
            self.wait(rng.uniform(2, 20))
        await self.feed(self.factory.command(user, "/start", chat))
        message = _last_with_buttons(self.api.take())
        presses = 60 if kind in (CERTIFIED, AUDIT) else rng.randint(1, 22)
        for _ in range(presses):
            progress = self.services.progress.get(chat_id)
            if message is None or progress is None:
                break
            step_kind = self.services.spec.steps[progress.state].kind
            if kind == AUDIT and step_kind == "audit":
                break  # waiting on the audit's result
            by_id = {  # an answer, or a rejected audit's reason
                data.rsplit("|", 1)[1]: data
                for label, data in _buttons(message)
                if data.startswith(("a|", "rj|"))
            }
            if not by_id or not self.wait(_gap(rng, step_kind, brisk=kind == CERTIFIED)):
                break
            chosen = by_id[_pick(rng, list(by_id), forward_only=kind in (CERTIFIED, AUDIT))]
            await self.feed(self.factory.press(user, chosen, message, chat))
            message = _last_with_buttons(self.api.take()) or message
        if kind in (TICKET, BLOCKED):
            # later, or at the latest now: the sample is one of its kind either way
            later = rng.uniform(10, 240) if kind == TICKET else rng.uniform(1, 5) * WORKDAY_MINUTES
            if not self.wait(later):
                self.clock.now = self.end
        if kind == TICKET:
            question = rng.choice(QUESTIONS[lang])
            await self.feed(self.factory.command(user, f"/ask {question}"))
        elif kind == BLOCKED:
            private = {"id": chat_id, "type": "private", "first_name": name}
            blocked = {
                "chat": private,
                "from": user,
                "date": int(self.clock.now.timestamp()),
                "old_chat_member": {"status": "member", "user": BOT_USER},
                "new_chat_member": {"status": "kicked", "user": BOT_USER, "until_date": 0},
            }
            await self.feed(self.factory.from_dict({"my_chat_member": blocked}))
        self.api.take()


def sample_chat_id(n: int, kind: str) -> int:
    return FIRST_GROUP_ID - n if kind == GROUP else FIRST_CHAT_ID + n


def kind_of(rng: random.Random, n: int) -> str:
    if n < len(FIRST_KINDS):
        return FIRST_KINDS[n]
    return rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]


async def seed_sample(
    settings: Settings, count: int, *, seed: int = 7, now: Callable[[], dt.datetime] | None = None
) -> int:
    """Walk ``count`` sample companies into the database ``settings`` names; returns how many
    were new (companies seeded by an earlier run are left as they are)."""
    rng = random.Random(seed)
    end = (now or (lambda: dt.datetime.now(dt.UTC)))()
    api = OfflineBotAPI()
    # The sample tickets need a support group to be relayed to (the demo itself has none).
    settings = replace(settings, support_chat_id=settings.support_chat_id or SAMPLE_SUPPORT_CHAT_ID)
    clock = _Clock(end)
    application = build_application(settings, request=api, token="0:demo", clock=clock)
    services = application.bot_data.services
    await application.initialize()
    made = 0
    try:
        kinds = [kind_of(rng, n) for n in range(count)]
        taken = {
            progress.title
            for n, kind in enumerate(kinds)
            if (progress := services.progress.get(sample_chat_id(n, kind))) and progress.title
        }
        names = company_names(rng, taken)
        seeder = _Seeder(application, api, clock, end)
        for n, kind in enumerate(kinds):
            if services.progress.get(sample_chat_id(n, kind)) is not None:
                continue
            picked = next(names, None)
            if picked is None:  # every name is taken
                break
            await seeder.company(rng, kind, n, *picked)
            made += 1
    finally:
        await application.shutdown()
        services.maintenance.close()
    return made


def _buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (button.get("text", ""), button.get("callback_data", ""))
        for row in message["reply_markup"]["inline_keyboard"]
        for button in row
    ]


def _last_with_buttons(calls: list[ApiCall]) -> dict[str, Any] | None:
    found = None
    for call in calls:
        if call.buttons() and isinstance(call.result, dict):
            found = call.result
    return found
