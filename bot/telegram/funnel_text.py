"""``/stats``'s text: the funnel model as Telegram HTML, in the operator's language."""

from __future__ import annotations

from html import escape

from bot.services.flow.flow_spec import FlowSpec
from bot.services.funnel.funnel import Funnel
from bot.services.i18n import Catalog, format_number, plural_number


def stats_text(funnel: Funnel, spec: FlowSpec, catalog: Catalog, lang: str) -> str:
    t = catalog.text
    counts = funnel.chats

    def n(value: float) -> str:
        return format_number(value, lang)

    lines = [
        f"<b>{t(lang, 'stats-title')}</b>",
        t(
            lang,
            "stats-totals",
            total=n(counts.total),
            finished=n(counts.finished),
            idle=n(counts.idle),
            blocked=n(counts.blocked),
            muted=n(counts.muted),
        ),
        "",
        f"<b>{t(lang, 'stats-by-stage')}</b>",
    ]
    for stage in spec.stages:
        stat = funnel.stage(stage.id)
        median, p90 = stat.median_workdays, stat.p90_workdays
        lines.append(
            t(
                lang,
                "stats-stage",
                number=stage.number,
                stage=t(lang, stage.title),
                now=n(stat.now),
                reached=n(stat.reached),
                median=t(lang, "stats-no-median")
                if median is None or p90 is None
                else t(
                    lang,
                    "stats-median",
                    median=plural_number(round(median, 1)),
                    p90=plural_number(round(p90, 1)),
                ),
            )
        )
        for step in funnel.flow.steps:
            if step.stage_id == stage.id and step.now and spec.steps[step.step_id].kind != "finish":
                name = t(lang, spec.steps[step.step_id].name)
                lines.append(t(lang, "stats-step", step=name, count=n(step.now)))
    rejected = [r for r in funnel.rejections if r.total]
    if rejected:
        lines += ["", f"<b>{t(lang, 'stats-rejections')}</b>"]
    for step_rejections in rejected:
        name = t(lang, spec.steps[step_rejections.step_id].name)
        lines.append(t(lang, "stats-rejection-step", step=name, count=n(step_rejections.total)))
        for reason in step_rejections.reasons:
            if reason.count:
                lines.append(
                    t(lang, "stats-step", step=t(lang, reason.label), count=n(reason.count))
                )
    languages = [
        t(lang, "stats-language", language=escape(_language_name(catalog, code)), count=n(count))
        for code, count in sorted(funnel.chats.by_language.items())
    ]
    if languages:  # no chat yet: no line rather than "Languages: –"
        lines += ["", t(lang, "stats-languages", languages=" · ".join(languages))]
    return "\n".join(lines)


def _language_name(catalog: Catalog, code: str) -> str:
    """A chat's language by its own name (English, 中文), or its code if it is not ours."""
    return catalog.text(code, "language-name") if catalog.has(code, "language-name") else code
