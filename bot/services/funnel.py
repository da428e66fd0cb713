"""The funnel: where chats are and where they get stuck; a PNG chart; a CSV export.

Counts come from ``chats`` (one grouped query); stage durations and "reached" counts from the
answers log ``events``: for each chat, when it first entered each stage and when it first
moved past it (to a later stage, or to the finish). "Median days per stage" is the median of
those durations over the chats that completed the stage. "Started" counts the chats the log
put at any step; the chart's percentages are of them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlite_utils import Database

from bot.services.chart import Bar, bar_chart, cjk_font_file
from bot.services.clock import iso
from bot.services.csv_cells import csv_writer
from bot.services.flow_spec import FlowSpec
from bot.services.i18n import Catalog, format_date, format_number, plural_number
from bot.services.step_funnel import percent_text
from bot.storage import chats, events, reminders


@dataclass
class Funnel:
    total: int = 0
    finished: int = 0
    idle: int = 0
    blocked: int = 0
    muted: int = 0
    by_step: dict[str, int] = field(default_factory=dict)  # unfinished, active chats
    by_stage: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    reached: dict[str, int] = field(default_factory=dict)  # stage id → chats that got there
    median_days: dict[str, float] = field(default_factory=dict)  # stage id → median days
    started: int = 0  # chats the log put at any step
    step_reached: dict[str, int] = field(default_factory=dict)  # step id → chats that got there


def funnel_stats(db: Database, spec: FlowSpec, now: dt.datetime, idle_days: int) -> Funnel:
    result = Funnel()
    cutoff = iso(now - dt.timedelta(days=idle_days))
    for state, language, active, finished, idle, count in chats.progress_counts(db, cutoff):
        result.total += count
        result.by_language[language] = result.by_language.get(language, 0) + count
        if not active:
            result.blocked += count
            continue
        if finished:
            result.finished += count
            continue
        if idle:
            result.idle += count
        result.by_step[state] = result.by_step.get(state, 0) + count
        step = spec.steps.get(state)
        if step is not None:
            result.by_stage[step.stage] = result.by_stage.get(step.stage, 0) + count
    result.muted = reminders.muted_count(db)
    _journeys(db, spec, result)
    return result


def _journeys(db: Database, spec: FlowSpec, result: Funnel) -> None:
    number = {s.id: s.number for s in spec.stages}
    last = max(number.values(), default=0)
    durations: dict[str, list[float]] = {s.id: [] for s in spec.stages}
    reached: dict[str, int] = {s.id: 0 for s in spec.stages}
    step_reached: dict[str, int] = dict.fromkeys(spec.steps, 0)
    by_number = {s.number: s.id for s in spec.stages}

    def close(entered: dict[int, dt.datetime], seen: set[str]) -> None:
        for k in entered:
            reached[by_number[k]] += 1
        for step_id in seen:
            step_reached[step_id] += 1
        result.started += bool(seen)

    current_chat: int | None = None
    entered: dict[int, dt.datetime] = {}
    done: set[int] = set()
    seen: set[str] = set()
    for chat_id, to_state, at in events.moves_by_chat(db):
        if chat_id != current_chat:
            if current_chat is not None:
                close(entered, seen)
            current_chat, entered, done, seen = chat_id, {}, set(), set()
        step = spec.steps.get(to_state)
        if step is None:
            continue
        seen.add(to_state)
        moment = dt.datetime.fromisoformat(at)
        k = number[step.stage]
        past = last + 1 if step.kind == "finish" else k
        for earlier, started in entered.items():
            if earlier < past and earlier not in done:
                done.add(earlier)
                days = (moment - started).total_seconds() / 86400
                durations[by_number[earlier]].append(days)
        if step.kind != "finish":
            entered.setdefault(k, moment)
    if current_chat is not None:
        close(entered, seen)
    result.reached = reached
    result.step_reached = step_reached
    result.median_days = {
        stage: statistics.median(values) for stage, values in durations.items() if values
    }


def stats_text(funnel: Funnel, spec: FlowSpec, catalog: Catalog, lang: str) -> str:
    t = catalog.text

    def n(value: float) -> str:
        return format_number(value, lang)

    lines = [
        f"<b>{t(lang, 'stats-title')}</b>",
        t(
            lang,
            "stats-totals",
            total=n(funnel.total),
            finished=n(funnel.finished),
            idle=n(funnel.idle),
            blocked=n(funnel.blocked),
            muted=n(funnel.muted),
        ),
        "",
        f"<b>{t(lang, 'stats-by-stage')}</b>",
    ]
    for stage in spec.stages:
        median = funnel.median_days.get(stage.id)
        lines.append(
            t(
                lang,
                "stats-stage",
                number=stage.number,
                stage=t(lang, stage.title),
                now=n(funnel.by_stage.get(stage.id, 0)),
                reached=n(funnel.reached.get(stage.id, 0)),
                median=t(lang, "stats-no-median")
                if median is None
                else t(lang, "stats-median", days=plural_number(round(median, 1))),
            )
        )
        for step_id, step in spec.steps.items():
            count = funnel.by_step.get(step_id, 0)
            if step.stage == stage.id and count:
                lines.append(t(lang, "stats-step", step=t(lang, step.name), count=n(count)))
    languages = [
        t(lang, "stats-language", language=_language_name(catalog, code), count=count)
        for code, count in sorted(funnel.by_language.items())
    ]
    if languages:  # no chat yet: no line rather than "Languages: –"
        lines += ["", t(lang, "stats-languages", languages=" · ".join(languages))]
    return "\n".join(lines)


def _language_name(catalog: Catalog, code: str) -> str:
    """A chat's language by its own name (English, 中文), or its code if it is not ours."""
    return catalog.text(code, "language-name") if catalog.has(code, "language-name") else code


def chart_bars(
    funnel: Funnel, spec: FlowSpec, catalog: Catalog, lang: str, *, by_step: bool = False
) -> list[Bar]:
    """The chart's rows, top to bottom: each stage (or, ``by_step``, each step but the finish)
    with the chats that reached it, then the certified ones; percentages of the started."""
    t = catalog.text
    bars: list[Bar] = []
    if by_step:
        for step in spec.steps.values():
            if step.kind != "finish":
                value = funnel.step_reached.get(step.id, 0)
                label = f"{spec.stage_of(step.id).number} · {t(lang, step.title)}"
                bars.append(Bar(label, value, percent_text(value, funnel.started)))
    else:
        for stage in spec.stages:
            value = funnel.reached.get(stage.id, 0)
            label = f"{stage.number} · {t(lang, stage.title)}"
            bars.append(Bar(label, value, percent_text(value, funnel.started)))
    finished = t(lang, "stats-chart-finished")
    bars.append(Bar(finished, funnel.finished, percent_text(funnel.finished, funnel.started)))
    return bars


def funnel_chart(
    funnel: Funnel,
    spec: FlowSpec,
    catalog: Catalog,
    lang: str,
    *,
    day: dt.date,
    by_step: bool = False,
) -> bytes:
    """A horizontal bar chart (PNG) of chats reaching each stage (or step), and finishing,
    with the percentage of the started and ``day`` (when it was drawn) under the title.

    Labels are in ``lang`` when a font for it is installed (Chinese needs a CJK font);
    otherwise in English rather than as empty boxes.
    """
    label_lang = lang if lang == "en" or cjk_font_file() else "en"
    title = "stats-chart-steps-title" if by_step else "stats-chart-title"
    subtitle = catalog.text(
        label_lang,
        "stats-chart-subtitle",
        date=format_date(day, label_lang),
        started=funnel.started,
    )
    return bar_chart(
        catalog.text(label_lang, title),
        chart_bars(funnel, spec, catalog, label_lang, by_step=by_step),
        subtitle=subtitle,
        cjk=label_lang == "zh",
    )


CSV_COLUMNS = (
    "chat_id",
    "type",
    "title",
    "language",
    "stage_number",
    "stage",
    "step",
    "step_title",
    "finished_at",
    "active",
    "muted",
    "idle_days",
    "audit_step",
    "audit_submitted_on",
    "audit_due_on",
    "created_at",
    "updated_at",
)


def write_csv(db: Database, spec: FlowSpec, catalog: Catalog, out: TextIO, now: dt.datetime) -> int:
    """Every chat and its progress, one row each (the step it is at by its English name, as
    the console's CSV gives it); returns the row count."""
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in chats.export_rows(db):
        step = spec.steps.get(row.state)
        stage = spec.stage_of(row.state) if step else None
        idle = ""
        if row.updated_at:
            idle_seconds = (now - dt.datetime.fromisoformat(row.updated_at)).total_seconds()
            idle = f"{idle_seconds / 86400:.1f}"
        values: list[Any] = [
            row.id,
            row.type,
            row.title or "",
            row.language,
            stage.number if stage else "",
            catalog.text("en", stage.title) if stage else "",
            row.state,
            catalog.text("en", step.name) if step else "",
            row.finished_at or "",
            row.active,
            int(row.muted),
            idle,
            row.audit_step or "",
            row.audit_submitted_on or "",
            row.audit_due_on or "",
            row.created_at or "",
            row.updated_at or "",
        ]
        writer.writerow(values)
        count += 1
    return count


class FunnelService:
    """The funnel of the chats in this database, for ``/stats`` (the CLI calls the functions)."""

    def __init__(self, db: Database, spec: FlowSpec, idle_days: int) -> None:
        self.db = db
        self.spec = spec
        self.idle_days = idle_days

    def stats(self, now: dt.datetime) -> Funnel:
        return funnel_stats(self.db, self.spec, now, self.idle_days)
