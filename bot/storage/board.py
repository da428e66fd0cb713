"""The console's reads: the portfolio board (chats with their ticket and mute state) and what
a company page shows (its tickets' messages, the broadcasts it received).

Read-only, plain SQL. The board has no index on a column an answer changes (``state``,
``updated_at``, ``step_since``): each would cost every answer page writes, and the bot's updates
matter more than an operator's page (benchmarks/README.md has the figures at 1M chats). So:

* **by activity, newest first** (the default), a page is found from the answers log's newest
  entries (its ids follow time): every change of ``updated_at`` is logged with the same time,
  so the chats changed after the oldest entry looked at are all among the chats those entries
  name; once enough of them match, they hold the page, in exact board order. Otherwise (a
  deep page, a rare filter, a frozen clock) a scan of ``chats`` does.
* the page's chats are found on ``chats`` alone, then only its rows are joined with their
  ticket and mute state;
* a filtered board that must scan gives its count and its page in one scan;
* the rarely written columns have indexes (migration ``console`` m003): the name (search,
  sort by name) and the audit's expected date of chats at an audit (``overdue``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import NamedTuple

from sqlite_utils import Database

from bot.storage.chat_query import (
    SELECT_COMPANIES,
    ChatQuery,
    CompanyRow,
    companies,
    conditions,
    where_sql,
)
from bot.storage.event_details import EventDetail, decode

SORT_COLUMNS = {
    "activity": "c.updated_at",
    "name": "c.title COLLATE NOCASE",
    "since": "c.step_since",
    "audit": "c.audit_due_on",
    "id": "c.id",
}

# Looking for a page of the board by activity among the chats the newest log entries name:
# this many entries first, four times more each round, at most WALK_MOST (then a scan).
WALK_FIRST = 2_000
WALK_MOST = 200_000
MMAP_BYTES = 2**34  # SQLite keeps it to its own limit (2 GB by default)


def tune_reader(db: Database) -> None:
    """Set up a connection the console reads through: the file memory-mapped, so a scan of
    ``chats`` reads the pages in place instead of copying each one."""
    db.execute(f"PRAGMA mmap_size={MMAP_BYTES}")


def _counted_by_scan(where: ChatQuery) -> bool:
    """Whether counting the chats that match needs more than an index: a filter on the
    chats' step or time at it (the ones an index would cost every answer), or one that an
    index narrows (ticket, audit, name), where counting and finding the page come together."""
    return (
        where.states is not None
        or where.at_step_before is not None
        or where.audit_due_before is not None
        or where.waiting
        or where.review_state is not None
        or bool(where.search)
        or where.updated_before is not None
        or where.unfinished
        or where.active is not None
        or where.muted is not None
        or where.held_by is not None
        or where.unassigned_waiting
        or where.move is not None
    )


def _order(sort: str, descending: bool, key: str | None = None) -> str:
    column = key or SORT_COLUMNS.get(sort, SORT_COLUMNS["activity"])
    direction = "DESC" if descending else "ASC"
    last = "c.id" if key is None else "id"
    return f"{column} {direction} NULLS LAST, {last} {direction}"


def _recent_page(
    db: Database, where: ChatQuery, limit: int, offset: int, total: int | None
) -> list[int] | None:
    """The chat ids of a page of the board by activity (newest first) from the answers log's
    newest entries; None when they do not settle it.

    Every change of a chat's ``updated_at`` is logged with that same time, and the log's ids
    follow time. So every chat changed after the oldest entry looked at (``edge``) is named by
    the entries looked at, and the chats changed after ``edge`` come first on the board: if
    enough of them match to fill the page, the page is theirs.
    """
    if (
        where.at_step_before is not None
        or where.audit_due_before is not None
        or (where.updated_before is not None)
    ):
        return None  # such chats have not moved lately: the log's newest entries seldom help
    if where.waiting or where.search or where.review_state is not None or where.move:
        return None
    if where.held_by is not None or where.unassigned_waiting:
        return None  # a few chats, found by the tickets' index: the scan's IN list is quick
    newest = db.execute("SELECT MAX(id) FROM events").fetchone()[0]
    if not newest:
        return None
    clauses, params = conditions(where)
    extra = "".join(f" AND {clause}" for clause in clauses)
    window = max(WALK_FIRST, 4 * (offset + limit))
    while window <= WALK_MOST and window < newest:
        floor = newest - window
        edge = db.execute(
            "SELECT at FROM events WHERE id > ? ORDER BY id LIMIT 1", [floor]
        ).fetchone()
        if edge is None or edge[0] is None:
            return None
        ids = [
            row[0]
            for row in db.execute(
                "SELECT c.id FROM chats c WHERE c.id IN (SELECT chat_id FROM events WHERE id > ?) "
                f"AND c.updated_at > ?{extra} ORDER BY c.updated_at DESC, c.id DESC "
                "LIMIT ? OFFSET ?",
                [floor, edge[0], *params, limit, offset],
            )
        ]
        # A full page; or fewer, and they are the last of all that match.
        if len(ids) == limit or (total is not None and offset + len(ids) >= total):
            return ids
        window *= 4
    return None


def _page_ids(
    db: Database,
    where: ChatQuery,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
    total: int | None = None,
) -> list[int]:
    if (sort not in SORT_COLUMNS or sort == "activity") and descending:
        found = _recent_page(db, where, limit, offset, total)
        if found is not None:
            return found
    clause, params = where_sql(where)
    cursor = db.execute(
        f"SELECT c.id FROM chats c{clause} ORDER BY {_order(sort, descending)} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [row[0] for row in cursor]


def _scan_page(
    db: Database, where: ChatQuery, sort: str, descending: bool, limit: int, offset: int
) -> tuple[int, list[int]]:
    """How many chats match, and a page of their ids: one pass over the chats."""
    clause, params = where_sql(where)
    column = SORT_COLUMNS.get(sort, SORT_COLUMNS["activity"])
    cursor = db.execute(
        f"WITH m AS MATERIALIZED (SELECT c.id AS id, {column} AS k FROM chats c{clause}) "
        "SELECT NULL, COUNT(*) FROM m UNION ALL SELECT id, NULL FROM "
        f"(SELECT id FROM m ORDER BY {_order(sort, descending, 'k')} LIMIT ? OFFSET ?)",
        [*params, limit, offset],
    )
    total, ids = 0, []
    for chat_id, count in cursor:
        if chat_id is None:
            total = int(count)
        else:
            ids.append(int(chat_id))
    return total, ids


def _rows_of(db: Database, ids: list[int], sort: str, descending: bool) -> list[CompanyRow]:
    if not ids:
        return []
    cursor = db.execute(
        f"{SELECT_COMPANIES} WHERE c.id IN ({', '.join('?' for _ in ids)}) "
        f"ORDER BY {_order(sort, descending)}",
        ids,
    )
    return [CompanyRow._make(row) for row in cursor.fetchall()]


def board_page(
    db: Database, where: ChatQuery, sort: str, descending: bool, limit: int, page: int
) -> tuple[int, int, list[CompanyRow]]:
    """How many chats match, the page shown (``page``, or the last one if it is beyond it)
    and that page's rows, sorted by ``sort`` (a key of :data:`SORT_COLUMNS`)."""
    page = max(1, page)
    if _counted_by_scan(where):
        total, ids = _scan_page(db, where, sort, descending, limit, (page - 1) * limit)
        last = max(1, -(-total // limit))
        if page > last:
            page = last
            total, ids = _scan_page(db, where, sort, descending, limit, (page - 1) * limit)
    else:
        total = board_count(db, where)
        page = min(page, max(1, -(-total // limit)))
        ids = _page_ids(db, where, sort, descending, limit, (page - 1) * limit, total)
    return total, page, _rows_of(db, ids, sort, descending)


def board_count(db: Database, where: ChatQuery) -> int:
    # Counted with the support group, then less it if it matches: with no other condition
    # SQLite counts the table from its pages' headers instead of comparing every id with it.
    clause, params = where_sql(replace(where, exclude=None))
    total = int(db.execute(f"SELECT COUNT(*) FROM chats c{clause}", params).fetchone()[0])
    if where.exclude is None:
        return total
    also = clause.replace(" WHERE ", " AND ", 1)
    excluded = db.execute(
        f"SELECT COUNT(*) FROM chats c WHERE c.id = ?{also}", [where.exclude, *params]
    ).fetchone()[0]
    return total - int(excluded)


def board_all(db: Database, where: ChatQuery, sort: str, descending: bool) -> Iterator[CompanyRow]:
    """Every matching chat, in board order (streamed: the CSV of the current view)."""
    return companies(db, where, _order(sort, descending))


class TicketMessage(NamedTuple):
    direction: str  # card / in / out
    at: str | None


def ticket_messages(db: Database, ticket_id: int, limit: int = 200) -> list[TicketMessage]:
    """The newest messages relayed for a ticket, oldest first."""
    cursor = db.execute(
        "SELECT direction, at FROM (SELECT id, direction, at FROM ticket_messages "
        "WHERE ticket_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
        [ticket_id, limit],
    )
    return [TicketMessage._make(row) for row in cursor.fetchall()]


class Received(NamedTuple):
    broadcast_id: int
    status: str
    error: str | None
    updated_at: str | None
    broadcast_status: str
    created_at: str


def broadcasts_received(db: Database, chat_id: int, limit: int = 50) -> list[Received]:
    """The broadcasts addressed to the chat, newest first, and how each delivery went."""
    cursor = db.execute(
        "SELECT d.broadcast_id, d.status, d.error, d.updated_at, b.status, b.created_at "
        "FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id WHERE d.chat_id = ? "
        "ORDER BY d.broadcast_id DESC LIMIT ?",
        [chat_id, limit],
    )
    return [Received._make(row) for row in cursor.fetchall()]


class LoggedEvent(NamedTuple):
    """An answers-log entry as a company's timeline shows it, its detail decoded."""

    kind: str
    step: str | None
    answer: str | None
    to_state: str | None
    detail: EventDetail | None
    at: str
    user_id: int | None
    flow_version: int | None


def recent_events(db: Database, chat_id: int, limit: int = 300) -> list[LoggedEvent]:
    """The chat's newest answers-log entries, oldest first."""
    cursor = db.execute(
        "SELECT kind, step, answer, to_state, detail, at, user_id, flow_version FROM "
        "(SELECT * FROM events WHERE chat_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
        [chat_id, limit],
    )
    return [
        LoggedEvent(kind, step, answer, to, decode(kind, detail), at, user, version)
        for kind, step, answer, to, detail, at, user, version in cursor.fetchall()
    ]
