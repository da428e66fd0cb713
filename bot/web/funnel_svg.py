"""The funnel model (:mod:`bot.services.funnel.funnel`) as an inline SVG for the operators' console:
no script, no external assets, every text escaped, drawn for a phone's width and scaling to
whatever it is given.

One row per step, grouped under its stage's heading (with the stage's own figures): the step's
title and its share of the chats that started, a light bar for the chats that reached it and
a solid one for those there now (both as a share of the started, so a bar's length is its
percentage), and a line with the counts and the median / p90 working days. The root is
``role="img"`` named by its ``<title>``; its ``<desc>`` reads the whole chart out as text, one
sentence per row, for screen readers; each row's ``<title>`` is its tooltip. Labels come from
the catalog (``console-funnel-*``, the stage titles and the steps' titles as places, "The
roadmap", as the table beside it names them).

SVG text does not wrap, and the fonts are the reader's: long titles are broken at spaces (or
anywhere, in Chinese) by an estimate of their width, wide characters counting one em and
others a little over half; a row's times move to a line of their own when they would not fit.
"""

from __future__ import annotations

import unicodedata
from html import escape

from bot.services.flow.flow_spec import FlowSpec
from bot.services.funnel.funnel import Funnel
from bot.services.funnel.step_funnel import percent_text
from bot.services.i18n import Catalog, format_date, format_number, plural_number

ACCENT = "#FF5000"  # Tmall orange, (255, 80, 0)
INK, MUTED, TRACK = "#222222", "#595959", "#F1F1F1"
WIDTH, PAD = 420, 14  # about a phone's width in CSS pixels: text stays legible at 1:1
INNER = WIDTH - 2 * PAD
SHARE_WIDTH = 110  # room kept right of a step's title for its "45% of started"
FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Noto Sans CJK SC', sans-serif"
_LANG_TAGS = {"en": "en", "zh": "zh-CN"}


def text_width(text: str, size: float) -> float:
    """An estimate of ``text``'s width at font ``size`` (wide characters one em)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in text)


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines that fit ``width`` by :func:`text_width`: at spaces, or
    between any two wide characters."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = line + token
        if line and text_width(candidate.rstrip(), size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Words with the space before them, and each wide character on its own."""
    tokens: list[str] = []
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in "WF"
        if not tokens or wide or ch == " " or unicodedata.east_asian_width(tokens[-1][-1]) in "WF":
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def _text(x: float, y: float, text: str, *, size: float, fill: str = INK, **attrs: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(v)}"' for name, v in attrs.items())
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size:g}" fill="{fill}"{extra}>{escape(text)}</text>'
    )


def _bars(y: float, reached: float, now: float) -> list[str]:
    """The track, the reached bar and the now bar (shares of the started, 0 to 1)."""
    parts = [f'<rect x="{PAD}" y="{y:g}" width="{INNER}" height="10" rx="3" fill="{TRACK}"/>']
    for share, opacity in ((reached, "0.3"), (now, "1")):
        length = round(INNER * min(max(share, 0.0), 1.0), 1)
        if length > 0:
            parts.append(
                f'<rect x="{PAD}" y="{y:g}" width="{max(length, 2):g}" height="10" rx="3" '
                f'fill="{ACCENT}" fill-opacity="{opacity}"/>'
            )
    return parts


class _Canvas:
    """The elements drawn so far and where the next one goes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.y = 0.0

    def lines(self, lines: list[str], size: float, step: float, **attrs: str) -> None:
        for line in lines:
            self.y += step
            self.parts.append(_text(PAD, self.y, line, size=size, **attrs))

    def detail(self, left: str, right: str) -> None:
        """Counts on the left and times on the right, or below them when they do not fit."""
        size = 11.5
        self.y += 15
        self.parts.append(_text(PAD, self.y, left, size=size, fill=MUTED))
        if text_width(left, size) + 16 + text_width(right, size) > INNER:
            self.y += 15
            self.parts.append(_text(PAD, self.y, right, size=size, fill=MUTED))
        else:
            x = WIDTH - PAD
            self.parts.append(_text(x, self.y, right, size=size, fill=MUTED, text_anchor="end"))


def funnel_svg(model: Funnel, spec: FlowSpec, catalog: Catalog, lang: str) -> str:
    """The funnel as an ``<svg>`` element (a string to put inline in a page), in ``lang``;
    the date is the day it was computed on in China."""
    funnel = model.flow

    def t(message_id: str, **args: object) -> str:
        return catalog.text(lang, message_id, **args)

    def n(value: int) -> str:
        return format_number(value, lang)

    def counts(reached: int, now: int, left: int) -> str:
        return t("console-funnel-counts", reached=n(reached), now=n(now), left=n(left))

    def times(median: float | None, p90: float | None) -> str:
        if median is None or p90 is None:
            return t("console-funnel-no-times")
        return t(
            "console-funnel-times",
            median=plural_number(round(median, 1)),
            p90=plural_number(round(p90, 1)),
        )

    day = model.day
    title = t("console-funnel-title")
    summary = t(
        "console-funnel-summary",
        started=n(funnel.started),
        finished=n(funnel.finished),
        date=format_date(day, lang),
    )
    note = t("console-funnel-times-note")
    canvas = _Canvas()
    canvas.lines(wrap(title, 18, INNER), 18, 26, font_weight="700")
    canvas.lines(wrap(summary, 12.5, INNER), 12.5, 20, fill=MUTED)
    canvas.y += 10
    x = float(PAD)
    for opacity, label in (("0.3", t("console-funnel-reached")), ("1", t("console-funnel-now"))):
        canvas.parts.append(
            f'<rect x="{x:g}" y="{canvas.y:g}" width="14" height="10" rx="3" fill="{ACCENT}" '
            f'fill-opacity="{opacity}"/>'
        )
        canvas.parts.append(_text(x + 20, canvas.y + 9.5, label, size=12, fill=MUTED))
        x += 20 + text_width(label, 12) + 24
    canvas.y += 10
    canvas.lines(wrap(note, 11.5, INNER), 11.5, 18, fill=MUTED)
    described = [summary, t("console-funnel-desc"), note]
    colon = t("console-colon")
    by_stage = {stat.stage_id: stat for stat in funnel.stages}
    for stage in spec.stages:
        stat = by_stage.get(stage.id)
        heading = f"{stage.number} · {t(stage.title)}"
        canvas.y += 16
        canvas.parts.append(
            f'<line x1="{PAD}" y1="{canvas.y:g}" x2="{WIDTH - PAD}" y2="{canvas.y:g}" '
            f'stroke="{ACCENT}" stroke-width="2"/>'
        )
        canvas.lines(wrap(heading, 14.5, INNER), 14.5, 20, font_weight="700")
        if stat is not None:
            left = counts(stat.reached, stat.now, stat.left)
            right = times(stat.median_workdays, stat.p90_workdays)
            canvas.detail(left, right)
            described.append(f"{heading}{colon}{left} · {right}")
        else:
            described.append(heading)
        canvas.y += 4
        for step in funnel.steps:
            if step.stage_id != stage.id:
                continue
            name = t(spec.steps[step.step_id].name)
            share = t("console-funnel-percent", percent=percent_text(step.reached, funnel.started))
            left = counts(step.reached, step.now, step.left)
            right = times(step.median_workdays, step.p90_workdays)
            sentence = f"{name}{colon}{share} · {left} · {right}"
            canvas.parts.append("<g>")
            canvas.parts.append(f"<title>{escape(sentence)}</title>")
            canvas.y += 10
            top = canvas.y + 17
            canvas.lines(wrap(name, 13, INNER - SHARE_WIDTH), 13, 17)
            canvas.parts.append(
                _text(WIDTH - PAD, top, share, size=12, fill=MUTED, text_anchor="end")
            )
            canvas.y += 6
            canvas.parts.extend(_bars(canvas.y, funnel.share(step.reached), funnel.share(step.now)))
            canvas.y += 10
            canvas.detail(left, right)
            canvas.parts.append("</g>")
            described.append(sentence)
    height = canvas.y + PAD
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:g}" '
            f'width="100%" style="max-width: 720px; height: auto" role="img" '
            f'aria-labelledby="step-funnel-title step-funnel-desc" '
            f'lang="{escape(_LANG_TAGS.get(lang, lang))}" font-family="{escape(FONT)}">',
            f'<title id="step-funnel-title">{escape(title)}</title>',
            f'<desc id="step-funnel-desc">{escape(chr(10).join(described))}</desc>',
            f'<rect width="{WIDTH}" height="{height:g}" fill="#FFFFFF"/>',
            *canvas.parts,
            "</svg>",
        ]
    )
