"""The ``/broadcast`` dialog as states, declared as data and run by one ``transitions.Machine``
(the same way as the flow's, :mod:`bot.services.flow.engine`).

Each state is what the draft waits for; it is the draft's ``awaiting`` column, so the dialog
survives a restart. Four states wait for a typed message (:data:`WAITS_FOR_MESSAGE`), the
others for a button. A button shown in a message stays pressable after the dialog moved on,
so a trigger's sources are every state in which its button can still be on screen; a press
the machine does not allow from the draft's state is answered as out of date.

Why not PTB's ``ConversationHandler``: its state lives in memory (or in PTB's persistence, a
second record beside the draft's row) and does not know which draft a button belongs to; here
the draft's row is the one record, restored after a restart, and the table says for each
trigger in which states its button may still be pressed.
"""

from __future__ import annotations

from transitions import Machine, MachineError

CONTENT = "content"  # the main message
ZH_CHOICE = "zh-choice"  # add a Chinese variant, or not
ZH = "zh"  # the Chinese variant
AUDIENCE = "audience"  # the audience menu
IDLE = "idle"  # idle for how many days (a button, or a typed number)
SUMMARY = "summary"  # the preview and count: confirm, schedule, change audience, discard
TIME = "time"  # the send time, typed
CONFIRMED = "confirmed"
DISCARDED = "discarded"

STATES = (CONTENT, ZH_CHOICE, ZH, AUDIENCE, IDLE, SUMMARY, TIME, CONFIRMED, DISCARDED)
WAITS_FOR_MESSAGE = frozenset({CONTENT, ZH, IDLE, TIME})
COMPOSED = [AUDIENCE, IDLE, SUMMARY, TIME]  # where the audience menu or a summary can be shown

TRANSITIONS: list[dict[str, str | list[str]]] = [
    {"trigger": "content_taken", "source": CONTENT, "dest": ZH_CHOICE},
    {"trigger": "add_zh", "source": ZH_CHOICE, "dest": ZH},
    {"trigger": "skip_zh", "source": ZH_CHOICE, "dest": AUDIENCE},
    {"trigger": "zh_taken", "source": ZH, "dest": AUDIENCE},
    {"trigger": "change_audience", "source": COMPOSED, "dest": AUDIENCE},
    {"trigger": "browse", "source": COMPOSED, "dest": AUDIENCE},  # by stage, step, language
    {"trigger": "toggle_unfinished", "source": COMPOSED, "dest": AUDIENCE},
    {"trigger": "pick_idle", "source": COMPOSED, "dest": IDLE},
    {"trigger": "audience_set", "source": COMPOSED, "dest": SUMMARY},
    {"trigger": "idle_taken", "source": IDLE, "dest": SUMMARY},
    {"trigger": "ask_time", "source": COMPOSED, "dest": TIME},
    {"trigger": "time_taken", "source": TIME, "dest": SUMMARY},
    {"trigger": "confirm", "source": COMPOSED, "dest": CONFIRMED},
    {"trigger": "discard", "source": [s for s in STATES if s not in (CONFIRMED, DISCARDED)],
     "dest": DISCARDED},
]  # fmt: skip


class _Cursor:
    __slots__ = ("state",)

    def __init__(self) -> None:
        self.state = ""


class ComposeDialog:
    """The declared dialog: which state a trigger leads to from a state, if any."""

    def __init__(self) -> None:
        self.machine = Machine(
            model=None,
            states=list(STATES),
            transitions=TRANSITIONS,
            initial=CONTENT,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        self._cursor = _Cursor()

    def next(self, state: str, trigger: str) -> str | None:
        """The state ``trigger`` leads to from ``state``; None if the dialog does not allow it."""
        event = self.machine.events.get(trigger)
        if event is None or state not in STATES:
            return None
        cursor = self._cursor
        cursor.state = state
        try:
            event.trigger(cursor)
        except MachineError:
            return None
        return cursor.state


def state_of(awaiting: str | None) -> str:
    """A draft's state from its ``awaiting`` column (a draft kept before the dialog had named
    states waited for a button there: the audience menu's)."""
    return awaiting if awaiting in STATES else AUDIENCE
