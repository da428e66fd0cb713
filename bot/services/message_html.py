"""Telegram's HTML dialect: which tags a message may use, checked before anything is sent.

Telegram rejects a whole message whose HTML uses another tag or leaves one open; a broadcast
file is checked here first (``tmall-tp-bot broadcast``, its ``--dry-run`` too), so the mistake
is named with its line instead of failing for every chat.
"""

from __future__ import annotations

from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.faults: list[str] = []
        self.open: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag not in ALLOWED_TAGS:
            self.faults.append(f"line {line}: <{tag}> is not a tag Telegram allows")
            return
        if tag == "a" and not dict(attrs).get("href"):
            self.faults.append(f"line {line}: <a> needs an href")
        self.open.append((tag, line))

    def handle_endtag(self, tag: str) -> None:
        line = self.getpos()[0]
        if tag not in ALLOWED_TAGS:
            return
        if not self.open or self.open[-1][0] != tag:
            self.faults.append(f"line {line}: </{tag}> closes nothing that is open")
            return
        self.open.pop()


def html_faults(text: str) -> list[str]:
    """What Telegram would refuse in ``text`` (HTML parse mode); empty if nothing."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    faults = checker.faults
    faults.extend(f"line {line}: <{tag}> is never closed" for tag, line in checker.open)
    return faults


class _VisibleText(HTMLParser):
    """The text of an HTML message as a reader sees it: tags left out, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _visible_text(text: str) -> str:
    reader = _VisibleText()
    reader.feed(text)
    reader.close()
    return "".join(reader.parts).strip()


def plain_preview(text: str, limit: int = 300) -> str:
    """The message as a reader sees it, tags left out, shortened."""
    plain = _visible_text(text)
    return plain if len(plain) <= limit else plain[: limit - 1] + "…"


def visible_length(text: str) -> int:
    """How long Telegram takes ``text`` (HTML parse mode) to be: the text a reader sees, tags
    left out and entities decoded, in UTF-16 code units (as Telegram counts)."""
    return len(_visible_text(text).encode("utf-16-le")) // 2
