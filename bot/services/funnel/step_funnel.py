"""The per-step funnel for the operators' console: at each step and stage, how many chats got
there, how many are there now, how many dropped off, and how many Chinese working days they
spent there.

All figures come from one ordered pass over the answers log (``events``, chat by chat, each
row joined to the chat's current step), over the chats with at least one logged move:

* **reached**: chats the log ever put at the step (by any change: answer, /back, /reset, a flow
  migration), once per chat however often it came back.
* **now**: active chats at the step now (``chats.state``); a blocked chat has dropped off. At a
  finish step: every chat there, blocked ones too (certified stays certified).
* **left** (drop-off): reached, but neither there now nor further on, i.e. the chat's current
  step comes earlier in the flow's order (it looped back, used /back or /reset, until it
  reaches the step again) or it is blocked at the step or at one before it. A finish step is
  further than every step. So ``reached = now + left + (further on)``.
* **working days at a step**: a visit runs from the change that put the chat at the step to
  the next change that put it anywhere else (an answer that keeps the step open, a "not yet",
  continues the visit). Its length is the number of Chinese working days after the day it
  began up to and including the day it ended, both days taken in China's time zone, as
  :meth:`Calendar.working_days_between` counts them (same day 0, Friday to Monday 1,
  30 Sep to 8 Oct 2026 also 1: National Day). A chat's time at a step is the sum of its
  visits (loops count each visit).
* **median / p90**: over the chats that have *left* the step, i.e. whose every visit there is
  complete. A chat whose last move put it at the step is left out, time so far and earlier
  visits alike: counting open visits would pull the figures down exactly where chats are
  stuck now, and make them change by the hour. The median is :func:`statistics.median`'s
  (the mean of the two middle values for an even count); p90 is nearest-rank: the smallest
  value that at least 90 % of those chats are at or below (an observed whole number).
* **stages**: the same per stage; a stage visit runs from coming to any of its steps until a
  step of another stage. A finish step counts as past every stage.
* **started**: chats with any logged move; **finished**: those of them at a finish step now.

Speed: the log is read once in ``(chat, id)`` order; a timestamp becomes a working-day number
by one dict lookup on its UTC hour, so a visit's length is the difference of two numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.services.calendar.clock import iso
from bot.services.calendar.workdays import Calendar, china_date
from bot.services.flow.flow_spec import FlowSpec
from bot.storage import events

_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class StepStat:
    step_id: str
    stage_id: str
    reached: int
    now: int
    left: int
    median_workdays: float | None  # None: no chat has left the step yet
    p90_workdays: float | None


@dataclass(frozen=True)
class StageStat:
    stage_id: str
    number: int
    reached: int
    now: int
    left: int
    median_workdays: float | None
    p90_workdays: float | None


@dataclass(frozen=True)
class StepFunnel:
    steps: list[StepStat]  # in the flow's order, finish steps included
    stages: list[StageStat]  # in the flow's order
    started: int
    finished: int
    computed_at: str  # UTC ISO, to the second

    def step(self, step_id: str) -> StepStat:
        return next(s for s in self.steps if s.step_id == step_id)

    def stage(self, stage_id: str) -> StageStat:
        return next(s for s in self.stages if s.stage_id == stage_id)

    def share(self, count: int) -> float:
        """``count`` as a fraction of the chats that started (0 when none did)."""
        return count / self.started if self.started else 0.0


def percent_text(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, rounded half up: ``"45%"``; ``"<1%"`` and
    ``">99%"`` rather than a misleading 0 % or 100 %; ``"–"`` when ``whole`` is 0."""
    if whole <= 0:
        return "–"
    value = part * 100 / whole
    if 0 < value < 1:
        return "<1%"
    if 99 < value < 100:
        return ">99%"
    return f"{int(value + 0.5)}%"


def median_p90(histogram: dict[int, int]) -> tuple[float | None, float | None]:
    """Median and nearest-rank p90 of values given as value → how many times it occurs."""
    total = sum(histogram.values())
    if not total:
        return None, None
    ordered = sorted(histogram.items())

    def nth(k: int) -> int:  # the k-th smallest value, from 0
        seen = 0
        for value, count in ordered:
            seen += count
            if k < seen:
                return value
        raise IndexError(k)

    middle = total // 2
    median = float(nth(middle)) if total % 2 else (nth(middle - 1) + nth(middle)) / 2
    return median, float(nth((9 * total + 9) // 10 - 1))  # rank ceil(0.9 n), from 1


class WorkdayIndex:
    """A running count of working days per date, so that the working days after one date up
    to and including another are ``index(end) - index(start)``. Grown lazily around the dates
    met, one :meth:`Calendar.is_working_day` per date; timestamps are cached per hour."""

    def __init__(self, calendar: Calendar) -> None:
        self._calendar = calendar
        self._by_date: dict[dt.date, int] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None
        self.by_hour: dict[str, int] = {}  # "YYYY-MM-DDTHH" of a UTC stamp → its date's count

    def of_date(self, day: dt.date) -> int:
        known = self._by_date.get(day)
        if known is not None:
            return known
        counts, working = self._by_date, self._calendar.is_working_day
        if self._first is None or self._last is None:
            self._first = self._last = day
            counts[day] = 0
            return 0
        while day > self._last:
            before = counts[self._last]
            self._last += _ONE_DAY
            counts[self._last] = before + working(self._last)
        while day < self._first:
            after = counts[self._first] - working(self._first)
            self._first -= _ONE_DAY
            counts[self._first] = after
        return counts[day]

    def of_stamp(self, at: str) -> int:
        """The count for the date in China of a stored timestamp (naive ones read as UTC)."""
        value = self.of_date(china_date(at))
        if at.endswith("+00:00"):  # the stored form (clock.iso): the hour decides the date
            self.by_hour[at[:13]] = value
        return value


class _Tally:
    """Counts for one kind of unit (steps or stages), ``ranks`` giving each unit's place."""

    def __init__(self, ranks: list[int]) -> None:
        size = len(ranks)
        self.ranks = ranks
        self.reached = [0] * size
        self.now = [0] * size
        self.left = [0] * size
        self.times: list[dict[int, int]] = [{} for _ in range(size)]

    def add(self, spent: dict[int, int], still_at: int, where: int, here: bool) -> None:
        """One chat: ``spent`` maps each unit it reached to its completed working days there,
        ``still_at`` is the unit its log leaves it at, ``where`` the unit it is at now (-1:
        none; ``len(ranks)``: past them all) and ``here`` whether being there counts as now."""
        ranks, reached, left, times = self.ranks, self.reached, self.left, self.times
        where_rank = -1 if where < 0 else ranks[where] if where < len(ranks) else len(ranks)
        for unit, days in spent.items():
            reached[unit] += 1
            if unit != still_at:
                histogram = times[unit]
                histogram[days] = histogram.get(days, 0) + 1
            if (unit == where and not here) or (unit != where and where_rank < ranks[unit]):
                left[unit] += 1


def step_funnel(db: Database, spec: FlowSpec, calendar: Calendar, now: dt.datetime) -> StepFunnel:
    """The per-step and per-stage funnel of every chat in the log (see the module's notes);
    ``now`` is when it was computed (open visits are not timed, so it changes no figure)."""
    return funnel_of_moves(events.moves_with_current_step(db), spec, calendar, now)


Moves = Iterable[tuple[int, str, str, str, int]]  # (chat, to_state, at, its state, active)


def funnel_of_moves(
    moves: Moves, spec: FlowSpec, calendar: Calendar, now: dt.datetime
) -> StepFunnel:
    """:func:`step_funnel` of log rows given chat by chat, oldest first, as
    :func:`bot.storage.events.moves_with_current_step` streams them."""
    ids = list(spec.steps)
    count, stage_count = len(ids), len(spec.stages)
    position = {step_id: i for i, step_id in enumerate(ids)}
    stage_number = {stage.id: k for k, stage in enumerate(spec.stages)}
    finish = [spec.steps[step_id].kind == "finish" for step_id in ids]
    # Where a step lies: its place in the flow; finish steps after every step and stage.
    rank = [count if finish[i] else i for i in range(count)]
    stage_rank = [
        stage_count if finish[i] else stage_number[spec.steps[ids[i]].stage] for i in range(count)
    ]
    steps, stages = _Tally(rank), _Tally(list(range(stage_count)))
    index = WorkdayIndex(calendar)
    by_hour, of_stamp = index.by_hour, index.of_stamp
    started = finished = 0

    def close_chat(
        step_days: dict[int, int],
        stage_days: dict[int, int],
        at_step: int,
        at_stage: int,
        state: str,
        active: int,
    ) -> None:
        nonlocal started, finished
        if not step_days:
            return
        started += 1
        where = position.get(state, -1)
        if where < 0:  # at no step of this flow: it dropped off wherever it was
            steps.add(step_days, at_step, -1, False)
            stages.add(stage_days, at_stage, -1, False)
            return
        done = finish[where]
        here = done or bool(active)
        if done:
            finished += 1
        if here:
            steps.now[where] += 1
            if not done:
                stages.now[stage_rank[where]] += 1
        steps.add(step_days, at_step, where, here)
        stages.add(stage_days, at_stage, stage_rank[where], here)

    chat: int | None = None
    state, active = "", 0
    step_days: dict[int, int] = {}
    stage_days: dict[int, int] = {}
    at_step = at_stage = -1
    step_since = stage_since = 0
    last: str | None = None
    for chat_id, to_state, at, current_state, current_active in moves:
        if chat_id != chat:
            if chat is not None:
                close_chat(step_days, stage_days, at_step, at_stage, state, active)
            chat, state, active = chat_id, current_state, current_active
            step_days, stage_days = {}, {}
            at_step = at_stage = -1
            last = None
        if to_state == last:  # an answer that kept the step open: the same visit
            continue
        last = to_state
        day = by_hour.get(at[:13]) if at.endswith("+00:00") else None
        if day is None:
            day = of_stamp(at)
        if at_step >= 0:
            step_days[at_step] += day - step_since
        step = position.get(to_state, -1)
        at_step, step_since = step, day
        if step < 0:
            group = -1
        else:
            group = stage_rank[step]
            if step not in step_days:
                step_days[step] = 0
        if group != at_stage:
            if 0 <= at_stage < stage_count:
                stage_days[at_stage] += day - stage_since
            at_stage, stage_since = group, day
            if 0 <= group < stage_count and group not in stage_days:
                stage_days[group] = 0
    if chat is not None:
        close_chat(step_days, stage_days, at_step, at_stage, state, active)
    return StepFunnel(
        steps=[
            StepStat(
                step_id,
                spec.steps[step_id].stage,
                steps.reached[i],
                steps.now[i],
                steps.left[i],
                *median_p90(steps.times[i]),
            )
            for i, step_id in enumerate(ids)
        ],
        stages=[
            StageStat(
                stage.id,
                stage.number,
                stages.reached[k],
                stages.now[k],
                stages.left[k],
                *median_p90(stages.times[k]),
            )
            for k, stage in enumerate(spec.stages)
        ],
        started=started,
        finished=finished,
        computed_at=iso(now),
    )
