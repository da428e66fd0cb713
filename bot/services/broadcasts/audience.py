"""Who a broadcast goes to: an audience as operators write it, and the chats it selects.

Combined with commas, all must hold: ``all``, ``stage:N`` (N as numbered in the flow: 0 =
before stage 1), ``step:NAME``, ``lang:en|zh``, ``idle:DAYS`` (no progress for at least DAYS
days), ``unfinished``. Chats that blocked the bot (inactive) or muted reminders are never in
an audience. The same parser serves the chat, the command line and the console.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.callbacks import parse_number
from bot.services.calendar.clock import iso
from bot.services.flow.flow_spec import FlowSpec
from bot.services.i18n import LANGUAGES, Catalog
from bot.storage.chat_query import ChatQuery

MAX_IDLE_DAYS = 36_500


class AudienceError(ValueError):
    """An audience that cannot be parsed; the message says what is allowed."""


@dataclass(frozen=True)
class Audience:
    terms: tuple[tuple[str, str], ...]  # (kind, value), kind in all/stage/step/lang/idle/...

    @property
    def text(self) -> str:
        return ",".join(f"{k}:{v}" if v else k for k, v in self.terms)


def parse_audience(raw: str, spec: FlowSpec) -> Audience:
    terms: list[tuple[str, str]] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        kind, _, value = part.partition(":")
        kind, value = kind.strip().lower(), value.strip()
        if kind in ("all", "unfinished") and not value:
            if kind == "unfinished":
                terms.append((kind, ""))
            continue
        number = parse_number(value)
        valid = {
            "stage": number is not None and any(s.number == number for s in spec.stages),
            "step": value in spec.steps,
            "lang": value in LANGUAGES,
            "idle": number is not None and 0 < number <= MAX_IDLE_DAYS,
        }
        if valid.get(kind):
            terms.append((kind, value))
        else:
            stages = ", ".join(str(s.number) for s in spec.stages)
            raise AudienceError(
                f"unknown audience {part!r}: use all, stage:N ({stages}), step:NAME, "
                f"lang:en|zh, idle:DAYS or unfinished, combined with commas"
            )
    return Audience(tuple(terms) or (("all", ""),))


def describe_audience(audience: Audience | str, spec: FlowSpec, catalog: Catalog, lang: str) -> str:
    """The audience in words, as the chat, the compose page and the broadcasts list show it:
    "Companies in stage 3 “…”, not certified yet". One that no longer parses (the flow changed
    since) is shown as written."""
    if isinstance(audience, str):
        written = audience
        try:
            audience = parse_audience(written, spec)
        except AudienceError:
            return written
    conditions: list[str] = []
    for kind, value in audience.terms:
        if kind == "stage":
            stage = next(s for s in spec.stages if s.number == int(value))
            title = catalog.text(lang, stage.title)
            words = catalog.text(lang, "audience-in-stage", number=stage.number, stage=title)
            conditions.append(words)
        elif kind == "step":
            name = catalog.text(lang, spec.steps[value].name)
            conditions.append(catalog.text(lang, "audience-at-step", step=name))
        elif kind == "lang":
            conditions.append(
                catalog.text(lang, "audience-using", language=catalog.text(value, "language-name"))
            )
        elif kind == "idle":
            conditions.append(catalog.text(lang, "audience-idle-for", days=int(value)))
        elif kind == "unfinished":
            conditions.append(catalog.text(lang, "audience-not-certified"))
    if not conditions:
        return catalog.text(lang, "audience-all")
    joined = catalog.text(lang, "audience-join").join(conditions)
    return catalog.text(lang, "audience-companies", conditions=joined)


def chat_filter(audience: Audience, spec: FlowSpec, now: dt.datetime) -> ChatQuery:
    """The chats ``audience`` selects at ``now`` (active and not muted ones only): stages
    become their steps, idle a cutoff."""
    states: frozenset[str] | None = None
    languages: set[str] = set()
    updated_before: str | None = None
    unfinished = False
    for kind, value in audience.terms:
        if kind == "stage":
            stage = next(s for s in spec.stages if s.number == int(value))
            steps = frozenset(sid for sid, step in spec.steps.items() if step.stage == stage.id)
            states = steps if states is None else states & steps
        elif kind == "step":
            states = frozenset({value}) if states is None else states & {value}
        elif kind == "lang":
            languages.add(value)
        elif kind == "idle":
            cutoff = iso(now - dt.timedelta(days=int(value)))
            updated_before = cutoff if updated_before is None else min(updated_before, cutoff)
        elif kind == "unfinished":
            unfinished = True
    if len(languages) > 1:  # two languages at once: no chat is in both
        states = frozenset()
    return ChatQuery(
        active=True,
        muted=False,
        states=None if states is None else tuple(sorted(states)),
        language=next(iter(languages), None),
        updated_before=updated_before,
        unfinished=unfinished,
    )
