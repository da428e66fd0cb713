"""The ``/stats`` chart: the funnel model as a horizontal bar chart, PNG bytes drawn with Pillow.

One small function instead of a plotting stack: a title and a subtitle line, labels on the
left, one bar per row scaled to the largest value, the value and its percentage at the end of
each bar. Chinese labels need a CJK font; when none is installed the chart is labelled in
English rather than with boxes.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

from bot.services.flow.flow_spec import FlowSpec
from bot.services.funnel.funnel import Funnel
from bot.services.funnel.step_funnel import percent_text
from bot.services.i18n import Catalog, format_date

CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
)
BAR_COLOR = (255, 80, 0)  # Tmall orange
TEXT_COLOR = (40, 40, 40)
MUTED_COLOR = (100, 100, 100)
WIDTH, ROW, LABEL_WIDTH, MARGIN, VALUE_WIDTH = 980, 44, 440, 24, 130


class Bar(NamedTuple):
    label: str
    value: int
    percent: str  # shown after the value, e.g. "45%"; "" for none

    @property
    def value_text(self) -> str:
        return f"{self.value:,} · {self.percent}" if self.percent else f"{self.value:,}"


def cjk_font_file() -> str | None:
    return next((path for path in CJK_FONT_FILES if Path(path).exists()), None)


def _font(size: int, cjk: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = cjk_font_file() if cjk else None
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def bar_chart(title: str, bars: Sequence[Bar], *, subtitle: str = "", cjk: bool = False) -> bytes:
    """PNG bytes of ``bars`` as horizontal bars, top to bottom in the given order."""
    font, title_font = _font(16, cjk), _font(20, cjk)
    head = 28 + (24 if subtitle else 0)
    height = MARGIN * 3 + head + ROW * len(bars)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title, fill=TEXT_COLOR, font=title_font)
    if subtitle:
        draw.text((MARGIN, MARGIN + 30), subtitle, fill=MUTED_COLOR, font=font)
    largest = max((bar.value for bar in bars), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - MARGIN - VALUE_WIDTH
    top = MARGIN * 2 + head
    for row, bar in enumerate(bars):
        y = top + row * ROW
        draw.text((MARGIN, y + 10), _fit(draw, bar.label, font), fill=TEXT_COLOR, font=font)
        length = round(bar_space * bar.value / largest)
        x0 = LABEL_WIDTH
        if length:
            draw.rectangle((x0, y + 6, x0 + length, y + ROW - 6), fill=BAR_COLOR)
        draw.text((x0 + length + 8, y + 10), bar.value_text, fill=TEXT_COLOR, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _fit(draw: ImageDraw.ImageDraw, label: str, font: object) -> str:
    """Shorten ``label`` with an ellipsis until it fits the label column."""
    limit = LABEL_WIDTH - MARGIN * 2
    text = label
    while text and draw.textlength(text, font=font) > limit:  # type: ignore[arg-type]
        text = text[:-1]
    return text if text == label else text.rstrip() + "…"


def chart_bars(
    funnel: Funnel, spec: FlowSpec, catalog: Catalog, lang: str, *, by_step: bool = False
) -> list[Bar]:
    """The chart's rows, top to bottom: each stage (or, ``by_step``, each step but the finish,
    by its title as a place) with the chats that reached it, then the certified ones;
    percentages of the started."""
    t = catalog.text
    flow = funnel.flow
    bars: list[Bar] = []
    if by_step:
        for stat in flow.steps:
            step = spec.steps[stat.step_id]
            if step.kind != "finish":
                label = f"{spec.stage_of(step.id).number} · {t(lang, step.name)}"
                bars.append(Bar(label, stat.reached, percent_text(stat.reached, flow.started)))
    else:
        for stage in spec.stages:
            value = flow.stage(stage.id).reached
            label = f"{stage.number} · {t(lang, stage.title)}"
            bars.append(Bar(label, value, percent_text(value, flow.started)))
    finished = t(lang, "stats-chart-finished")
    bars.append(Bar(finished, flow.finished, percent_text(flow.finished, flow.started)))
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
        started=funnel.flow.started,
    )
    return bar_chart(
        catalog.text(label_lang, title),
        chart_bars(funnel, spec, catalog, label_lang, by_step=by_step),
        subtitle=subtitle,
        cjk=label_lang == "zh",
    )
