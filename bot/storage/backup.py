"""A consistent copy of the live database, through SQLite's online backup API.

Unlike ``cp``, the copy includes what is still in the write-ahead log and never catches a
commit half-written; the bot may go on writing meanwhile (under WAL a reader blocks nobody).
The copy is then checked with ``PRAGMA quick_check`` and turned into a single self-contained
file (rollback journal, no ``-wal``/``-shm`` to carry along).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path


class BackupFailed(Exception):
    """The copy could not be made, or it is damaged; the message is one line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int  # bytes
    tables: int


def backup(source: Path, target: Path) -> BackupResult:
    """Copy the database ``source`` to the new file ``target`` (never overwritten), then
    check the copy. Nothing is left at ``target`` if the copy fails or is damaged."""
    if target.exists():
        raise BackupFailed(f"{target} already exists; name another file with --output")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(source, partial)
        tables = _check(partial)
        os.link(partial, target)  # fails, rather than overwrites, if one appeared meanwhile
    except FileExistsError:
        raise BackupFailed(f"{target} already exists; name another file with --output") from None
    except OSError as exc:
        raise BackupFailed(f"cannot write {target} ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(target, target.stat().st_size, tables)


def _copy(source: Path, partial: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()  # left over from an interrupted backup
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    try:
        src.execute("PRAGMA busy_timeout=5000")
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one file: no -wal beside the copy
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(f"cannot copy {source} ({exc})") from None
    finally:
        src.close()


def _check(path: Path) -> int:
    """``quick_check`` on the copy; returns how many tables it has."""
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        found = [row[0] for row in conn.execute("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            detail = "; ".join(" ".join(str(line).split()) for line in found)[:160]
            raise BackupFailed(
                f"the copy failed quick_check ({detail}): the database itself is damaged; "
                "keep your earlier backups"
            )
        return int(
            conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        )
    except sqlite3.DatabaseError as exc:
        raise BackupFailed(
            f"the copy failed quick_check ({exc}); keep your earlier backups"
        ) from None
    finally:
        conn.close()
