"""Every button's callback data: one small codec per kind, used to build AND to parse it.

Callback data comes back from Telegram as whatever a client sends, so parsing is strict and
in one place: the right prefix, the right number of fields, numbers made of ASCII digits
that fit, tokens from a small alphabet, at most 64 bytes. Anything else parses to None, and
the handler answers it with the "unknown button" notice; nothing malformed reaches a service.

* ``a|<seq>|<step>|<answer>``: an answer to the flow's current step (the chat's change
  counter makes a button of an older message recognisable);
* ``rj|<seq>|<step>|<reason>``: the reason an audit at ``step`` was rejected (``other``: none
  of the flow's);
* ``r|<seq>|yes|no``: confirm or cancel /reset;  ``l|<lang>``: choose a language;
* ``tk|ask`` / ``tk|done``: ask an operator / stop relaying;
* ``tt|<ticket>``: take a ticket (its card's button);  ``rt|<ticket>|<closing>|<1-5>``: the
  user's rating of a closed ticket (``closing``: its opened count when it closed);
* ``bcx|<id>``: cancel a broadcast;  ``bc|<draft>|<action>[|<value>]``: compose one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DATA_LIMIT = 64  # bytes: Telegram's limit for callback_data
MAX_NUMBER = 2**62  # far above any counter or id, far below SQLite's integer limit
_NUMBER = re.compile(r"[0-9]{1,19}")
_TOKEN = re.compile(r"[A-Za-z0-9_:.\-]{1,64}")


def _fields(data: str, prefix: str, count: int) -> list[str] | None:
    if len(data.encode()) > DATA_LIMIT:
        return None
    parts = data.split("|")
    if len(parts) != count or parts[0] != prefix:
        return None
    return parts[1:]


def parse_number(raw: str) -> int | None:
    """A whole number written with ASCII digits, of a size SQLite can store; else None.
    (``str.isdigit`` also accepts "²" or "١٢", which ``int`` then refuses.)"""
    if not _NUMBER.fullmatch(raw):
        return None
    value = int(raw)
    return value if value < MAX_NUMBER else None


def parse_chat_id(raw: str) -> int | None:
    """A Telegram chat id: a whole number, negative for groups (``-100…``); else None."""
    value = parse_number(raw[1:] if raw.startswith("-") else raw)
    if value is None:
        return None
    return -value if raw.startswith("-") else value


def _token(raw: str) -> str | None:
    return raw if _TOKEN.fullmatch(raw) else None


def _seq_step_token(data: str, prefix: str) -> tuple[int, str, str] | None:
    """``prefix|seq|step|token``: a button made for one step at one change counter."""
    fields = _fields(data, prefix, 4)
    if fields is None:
        return None
    seq, step, token = parse_number(fields[0]), _token(fields[1]), _token(fields[2])
    if seq is None or step is None or token is None:
        return None
    return seq, step, token


@dataclass(frozen=True, slots=True)
class AnswerButton:
    PREFIX = "a"
    PATTERN = r"^a\|"

    seq: int
    step: str
    answer: str

    def encode(self) -> str:
        return f"a|{self.seq}|{self.step}|{self.answer}"

    @classmethod
    def parse(cls, data: str) -> AnswerButton | None:
        parsed = _seq_step_token(data, cls.PREFIX)
        return cls(*parsed) if parsed is not None else None

    @staticmethod
    def widest(step: str, answer: str) -> str:
        """The longest data a button of this step and answer can carry (for the flow check)."""
        return AnswerButton(9_999_999, step, answer).encode()


@dataclass(frozen=True, slots=True)
class RejectionButton:
    PREFIX = "rj"
    PATTERN = r"^rj\|"

    seq: int
    step: str
    reason: str

    def encode(self) -> str:
        return f"rj|{self.seq}|{self.step}|{self.reason}"

    @classmethod
    def parse(cls, data: str) -> RejectionButton | None:
        parsed = _seq_step_token(data, cls.PREFIX)
        return cls(*parsed) if parsed is not None else None


@dataclass(frozen=True, slots=True)
class ResetButton:
    PREFIX = "r"
    PATTERN = r"^r\|"

    seq: int
    confirm: bool

    def encode(self) -> str:
        return f"r|{self.seq}|{'yes' if self.confirm else 'no'}"

    @classmethod
    def parse(cls, data: str) -> ResetButton | None:
        fields = _fields(data, cls.PREFIX, 3)
        if fields is None or fields[1] not in ("yes", "no"):
            return None
        seq = parse_number(fields[0])
        return cls(seq, fields[1] == "yes") if seq is not None else None


@dataclass(frozen=True, slots=True)
class LanguageButton:
    PREFIX = "l"
    PATTERN = r"^l\|"

    language: str

    def encode(self) -> str:
        return f"l|{self.language}"

    @classmethod
    def parse(cls, data: str, languages: tuple[str, ...]) -> LanguageButton | None:
        fields = _fields(data, cls.PREFIX, 2)
        if fields is None or fields[0] not in languages:
            return None
        return cls(fields[0])


@dataclass(frozen=True, slots=True)
class TicketButton:
    PREFIX = "tk"
    PATTERN = r"^tk\|"
    ACTIONS = ("ask", "done")

    action: str

    def encode(self) -> str:
        return f"tk|{self.action}"

    @classmethod
    def parse(cls, data: str) -> TicketButton | None:
        fields = _fields(data, cls.PREFIX, 2)
        if fields is None or fields[0] not in cls.ACTIONS:
            return None
        return cls(fields[0])


ASK_BUTTON = TicketButton("ask").encode()
DONE_BUTTON = TicketButton("done").encode()


@dataclass(frozen=True, slots=True)
class TakeButton:
    PREFIX = "tt"
    PATTERN = r"^tt\|"

    ticket_id: int

    def encode(self) -> str:
        return f"tt|{self.ticket_id}"

    @classmethod
    def parse(cls, data: str) -> TakeButton | None:
        fields = _fields(data, cls.PREFIX, 2)
        number = parse_number(fields[0]) if fields is not None else None
        return cls(number) if number is not None else None


@dataclass(frozen=True, slots=True)
class RateButton:
    PREFIX = "rt"
    PATTERN = r"^rt\|"

    ticket_id: int
    closing: int
    rating: int

    def encode(self) -> str:
        return f"rt|{self.ticket_id}|{self.closing}|{self.rating}"

    @classmethod
    def parse(cls, data: str) -> RateButton | None:
        fields = _fields(data, cls.PREFIX, 4)
        if fields is None:
            return None
        numbers = [parse_number(field) for field in fields]
        if any(number is None for number in numbers) or not 1 <= (numbers[2] or 0) <= 5:
            return None
        return cls(*(int(number or 0) for number in numbers))


@dataclass(frozen=True, slots=True)
class CancelBroadcastButton:
    PREFIX = "bcx"
    PATTERN = r"^bcx\|"

    broadcast_id: int

    def encode(self) -> str:
        return f"bcx|{self.broadcast_id}"

    @classmethod
    def parse(cls, data: str) -> CancelBroadcastButton | None:
        fields = _fields(data, cls.PREFIX, 2)
        number = parse_number(fields[0]) if fields is not None else None
        return cls(number) if number is not None else None


@dataclass(frozen=True, slots=True)
class ComposeButton:
    PREFIX = "bc"
    PATTERN = r"^bc\|"
    ACTIONS = ("zh", "aud", "menu", "unf", "set", "when", "x", "go", "now")

    draft_id: int
    action: str
    value: str = ""

    def encode(self) -> str:
        tail = f"|{self.value}" if self.value else ""
        return f"bc|{self.draft_id}|{self.action}{tail}"

    @classmethod
    def parse(cls, data: str) -> ComposeButton | None:
        fields = _fields(data, cls.PREFIX, 4) or _fields(data, cls.PREFIX, 3)
        if fields is None or fields[1] not in cls.ACTIONS:
            return None
        draft_id = parse_number(fields[0])
        value = _token(fields[2]) if len(fields) == 3 else ""
        if draft_id is None or value is None:
            return None
        return cls(draft_id, fields[1], value)
