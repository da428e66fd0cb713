"""The operators (``TPBOT_OPERATORS``), kept current while the bot runs.

Set in the ``.env`` file, the list is read again when that file changes (looked at, at most
once a second, when someone's operator rights are checked) or at once on SIGHUP: removing an
id locks that person out at their next click, in the chat and in the console, with no restart.
Set in the process environment instead (``docker run -e``, compose's ``env_file``), it wins
over the file, as at start, and stays as it was for the life of the process.
A malformed new list is refused: the previous one stays, and the log says why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dotenv import dotenv_values

from bot.config_checks import ConfigError, user_ids

log = logging.getLogger(__name__)

VARIABLE = "TPBOT_OPERATORS"
LOOK_EVERY = 1.0  # seconds between looks at the file's modification time


class Roster:
    def __init__(
        self,
        ids: frozenset[int],
        env_file: Path | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``env_file``: the ``.env`` to follow, or None when the list is fixed (set in the
        environment, or no file to follow)."""
        self._ids = ids
        self.env_file = env_file
        self._clock = clock
        self._looked = clock()
        self._stamp = self._file_stamp()

    @property
    def reloadable(self) -> bool:
        return self.env_file is not None

    def ids(self) -> frozenset[int]:
        """The operators now: the file is looked at again if a second has passed."""
        if self.env_file is not None and self._clock() - self._looked >= LOOK_EVERY:
            self._looked = self._clock()
            stamp = self._file_stamp()
            if stamp != self._stamp:
                self._stamp = stamp
                self._read()
        return self._ids

    def reload(self) -> None:
        """Read the file now (SIGHUP), changed or not."""
        if self.env_file is None:
            log.info("operators: %s comes from the environment: restart to change it", VARIABLE)
            return
        self._looked, self._stamp = self._clock(), self._file_stamp()
        if not self._read():
            log.info("operators: %s unchanged, %d listed", VARIABLE, len(self._ids))

    def __contains__(self, user_id: object) -> bool:
        return user_id in self.ids()

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self.ids()))

    def __len__(self) -> int:
        return len(self.ids())

    def _file_stamp(self) -> tuple[int, ...] | None:
        if self.env_file is None:
            return None
        try:
            stat = self.env_file.stat()
        except OSError:
            return None
        # The size and inode too: a quick second write can keep the same coarse mtime.
        return stat.st_mtime_ns, stat.st_size, stat.st_ino

    def _read(self) -> bool:
        """Take the file's list; True if it changed. A missing file changes nothing."""
        assert self.env_file is not None
        if self._stamp is None:
            return False
        try:
            raw = dotenv_values(self.env_file).get(VARIABLE) or ""
            ids = user_ids(VARIABLE, raw.strip())
        except (OSError, UnicodeDecodeError) as exc:
            log.warning(
                "operators: cannot read %s (%s); the list stays as it was", self.env_file, exc
            )
            return False
        except ConfigError as exc:
            log.warning("operators: %s in %s; the list stays as it was", exc, self.env_file)
            return False
        if ids == self._ids:
            return False
        added, removed = sorted(ids - self._ids), sorted(self._ids - ids)
        self._ids = ids
        log.info(
            "operators: %s changed in %s: %d listed (added %s, removed %s)",
            VARIABLE,
            self.env_file,
            len(ids),
            ", ".join(map(str, added)) or "none",
            ", ".join(map(str, removed)) or "none",
        )
        return True
