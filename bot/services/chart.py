"""A horizontal bar chart as PNG bytes, drawn with Pillow (the funnel for /stats).

One small function instead of a plotting stack: a title and a subtitle line, labels on the
left, one bar per row scaled to the largest value, the value and its percentage at the end of
each bar. Chinese labels need a CJK font; when none is installed the caller is told, so it can
label in English rather than draw boxes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

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
