"""The schema, as named sets of sqlite-utils migrations: one set per feature.

Each set records by name which of its migrations a database has had, so a set's names and
order never change; a new column or index is a new migration at the end of its set. The
queries on these tables live in one module per table group (``chats``, ``events``,
``inbox``, ``broadcasts``, ``reminders``, ``tickets``).
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from bot.storage import automation, waiting
from bot.storage.documents import evidence

core = Migrations("tpbot.core")  # chats, answers log (events), the update ledger (inbox)
operators = Migrations("tpbot.operators")  # broadcasts, deliveries, reminders, muted chats
tickets = Migrations("tpbot.tickets")  # support tickets and their relayed messages
console = Migrations("tpbot.console")  # the operators' console: sign-in links and sessions


def all_sets() -> list[Migrations]:
    """Every feature's schema, applied in this order on start."""
    return [core, operators, tickets, console, evidence]


@core()
def m001_chats_events_updates(db: Database) -> None:
    db.table("chats").create(
        {
            "id": int,
            "type": str,
            "title": str,
            "language": str,
            "state": str,
            "history": str,  # JSON list of previous states, for /back
            "seq": int,  # bumps on every change: buttons carry it, so old ones are detected
            "audit_step": str,
            "audit_submitted_on": str,
            "audit_due_on": str,
            "active": int,
            "created_at": str,
            "updated_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"type", "language", "state", "history", "seq", "active"},
        defaults={"history": "[]", "seq": 0, "active": 1},
    )
    db.table("chats").create_index(["state"])
    db.table("chats").create_index(["updated_at"])
    db.table("events").create(
        {
            "id": int,
            "chat_id": int,
            "user_id": int,
            "update_id": int,
            "kind": str,  # start / answer / back / reset / language / migrate ...
            "step": str,
            "answer": str,
            "to_state": str,
            "detail": str,
            "at": str,
        },
        pk="id",
    )
    db.table("events").create_index(["chat_id", "id"])
    db.table("handled_updates").create({"update_id": int, "at": str}, pk="update_id")


@core()
def m002_drop_state_index(db: Database) -> None:
    # Every answer changes ``state``, and keeping this index cost about a quarter of an
    # answer's write. Its only readers are rare operator queries (a broadcast's stage/step
    # audience, /stats), for which one scan of ``chats`` is cheap enough.
    db.execute("DROP INDEX IF EXISTS idx_chats_state")


@core()
def m003_drop_updated_at_index(db: Database) -> None:
    # Every answer changes ``updated_at``, so this index cost a page write per answer; the
    # reminders sync, its one reader, follows the answers log (``events`` ids) instead.
    db.execute("DROP INDEX IF EXISTS idx_chats_updated_at")


@core()
def m004_inbox(db: Database) -> None:
    # Incoming updates, kept before they are acknowledged (see ``bot.storage.inbox``).
    db.table("inbox").create({"update_id": int, "body": str, "received_at": str}, pk="update_id")


@core()
def m005_flow_versions(db: Database) -> None:
    # The flow version each chat was last moved under, and each change was made under.
    db.table("chats").add_column("flow_version", int, not_null_default=1)
    db.table("events").add_column("flow_version", int)


@core()
def m006_step_since(db: Database) -> None:
    # When the chat came to its current step: the console's "working days at this step".
    # Answers that keep the step open (a "not yet") leave it alone; ``updated_at`` does not.
    db.table("chats").add_column("step_since", str)
    db.execute(
        "UPDATE chats SET step_since = COALESCE((SELECT MAX(e.at) FROM events e "
        "WHERE e.chat_id = chats.id AND e.to_state = chats.state), updated_at, created_at)"
    )


@core()
def m007_update_ledger(db: Database) -> None:
    # One record of whether an update was handled: the inbox row goes new → owed (its change
    # is saved, the reply not confirmed) → done, in the change's own transaction. It takes
    # over ``handled_updates`` and the answers log's update ids as the record of handled ones.
    db.table("inbox").add_column("chat_id", int)
    db.table("inbox").add_column("status", str, not_null_default="new")
    db.execute(
        "UPDATE inbox SET status = 'done', body = NULL WHERE update_id IN "
        "(SELECT update_id FROM handled_updates) OR update_id IN "
        "(SELECT update_id FROM events WHERE update_id IS NOT NULL)"
    )
    db.execute(
        "INSERT OR IGNORE INTO inbox (update_id, received_at, status) "
        "SELECT update_id, at, 'done' FROM handled_updates"
    )
    db.execute("DROP TABLE handled_updates")


@core()
def m008_language_detail_json(db: Database) -> None:
    # A language switch logged its code bare ("zh"); every detail is now one JSON object of
    # a known shape per kind (bot.storage.event_details), so readers never guess.
    db.execute(
        "UPDATE events SET detail = json_object('language', detail) "
        "WHERE kind = 'language' AND detail IS NOT NULL AND NOT json_valid(detail)"
    )


@core()
def m009_reopened_steps(db: Database) -> None:
    # A rejected audit's walk through only the steps its reason reopened, then back to the
    # submission (bot.services.flow.reopened); NULL for every chat not on such a walk.
    db.table("chats").add_column("reopened", str)


@operators()
def m001_broadcasts_deliveries_reminders(db: Database) -> None:
    db.table("broadcasts").create(
        {
            "id": int,
            "created_by": int,  # operator's user id (0 for the command line)
            "operator_chat_id": int,  # where the live progress is shown (None: CLI)
            "operator_language": str,
            "progress_message_id": int,
            "status": str,  # draft / scheduled / running / done / cancelled
            "awaiting": str,  # draft only: which input the conversation waits for
            "audience": str,  # e.g. "all", "stage:2,unfinished" (see services.audience)
            "content": str,  # JSON {"en": {kind, html, file_id}, "zh": {...}}
            "send_at": str,  # UTC ISO; None: immediately
            "total": int,
            "runner": str,  # lease holder while running
            "heartbeat_at": str,
            "created_at": str,
            "started_at": str,
            "finished_at": str,
        },
        pk="id",
        not_null={"status", "audience", "content", "created_at"},
        defaults={"audience": "all", "content": "{}", "total": 0},
    )
    db.table("broadcasts").create_index(["status", "send_at"])
    db.table("deliveries").create(
        {
            "broadcast_id": int,
            "chat_id": int,
            "status": str,
            "error": str,
            "message_id": int,
            "attempts": int,
            "updated_at": str,
        },
        pk=("broadcast_id", "chat_id"),
        not_null={"status"},
        defaults={"attempts": 0},
        foreign_keys=[("broadcast_id", "broadcasts", "id")],
    )
    db.table("deliveries").create_index(["broadcast_id", "status"])
    db.table("reminders").create(
        {
            "chat_id": int,
            "kind": str,  # audit / audit_ask / idle
            "status": str,  # pending / sent / done / muted
            "due_at": str,  # UTC ISO
            "count": int,  # follow-ups of this kind already sent for this step
            "seq": int,  # the chat's seq when this reminder was (re)computed
            "audit_key": str,  # "<step>@<submitted date>": which audit the count is for
            "sent_at": str,
            "error": str,
        },
        pk="chat_id",
        not_null={"kind", "status", "due_at", "count", "seq"},
        defaults={"count": 0},
    )
    db.execute("CREATE INDEX idx_reminders_due ON reminders (due_at) WHERE status = 'pending'")
    db.table("muted_chats").create({"chat_id": int, "muted_at": str}, pk="chat_id")
    db.table("operator_meta").create({"key": str, "value": str}, pk="key")
    # Audiences filter chats by language and activity (stage/step audiences scan the chats).
    db.table("chats").create_index(["language"], if_not_exists=True)


@operators()
def m002_automation_pause(db: Database) -> None:
    # An operator's pause / resume of a company's nudges (bot.storage.automation).
    automation.create_schema(db)


@tickets()
def m001_tickets(db: Database) -> None:
    db.table("tickets").create(
        {
            "id": int,  # the ticket number operators see
            "chat_id": int,  # the asking chat: where operators' answers go
            "chat_type": str,
            "user_id": int,  # who last asked
            "name": str,  # user's name or group title, for the card and the topic name
            "language": str,  # the chat's language when it last asked
            "status": str,  # open / closed
            "relaying": int,  # 1 while the chat's messages go to the support group
            "card_pending": int,  # 1 until the card of this (re)opening is posted
            "support_chat_id": int,  # the support group its topic / header live in
            "thread_id": int,  # forum topic, if the support group is a forum
            "header_message_id": int,  # latest card (plain support group: what to reply to)
            "blocked": int,  # 1 when the user blocked the bot
            "opened_count": int,
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"chat_id", "status", "relaying", "card_pending", "blocked", "opened_count"},
        defaults={"relaying": 0, "card_pending": 1, "blocked": 0, "opened_count": 1},
    )
    db.table("tickets").create_index(["chat_id"], unique=True)
    db.table("tickets").create_index(["support_chat_id", "thread_id"])
    db.table("ticket_messages").create(
        {
            "id": int,
            "ticket_id": int,
            "support_chat_id": int,
            "support_message_id": int,  # the message in the support group
            "user_message_id": int,  # its counterpart in the user's chat (none for a card)
            "direction": str,  # card / in (user → support) / out (operator → user)
            "at": str,
        },
        pk="id",
        foreign_keys=[("ticket_id", "tickets", "id")],
    )
    db.table("ticket_messages").create_index(["support_chat_id", "support_message_id"])
    db.table("ticket_messages").create_index(["ticket_id", "user_message_id"])


@tickets()
def m002_assignee_and_rating(db: Database) -> None:
    # Who took a ticket (the card and the topic name show it; the console's "mine" and
    # "unassigned waiting" filters find them by the index), the card as posted (edited to say
    # who took it), and the users' ratings: one per closing, with who held the ticket then.
    db.table("tickets").add_column("assignee_id", int)
    db.table("tickets").add_column("assignee_name", str)
    db.table("tickets").add_column("assigned_at", str)
    db.table("tickets").add_column("assigned_after", int)  # its latest ticket_messages id then
    db.table("tickets").add_column("card_html", str)
    db.execute("CREATE INDEX IF NOT EXISTS idx_tickets_assignee ON tickets (assignee_id, status)")
    db.table("ticket_ratings").create(
        {
            "ticket_id": int,
            "closing": int,  # the ticket's opened_count when it closed: one rating each
            "chat_id": int,
            "rating": int,  # 1 to 5
            "operator_id": int,  # who held the ticket when it closed (None: nobody took it)
            "operator_name": str,
            "user_id": int,  # who tapped
            "rated_at": str,
        },
        pk=("ticket_id", "closing"),
        not_null={"rating", "rated_at"},
        foreign_keys=[("ticket_id", "tickets", "id")],
    )


@tickets()
def m003_waiting(db: Database) -> None:
    # How long a ticket waits for us, and whether that wait was escalated (bot.storage.waiting).
    waiting.create_schema(db)


@console()
def m001_sign_in(db: Database) -> None:
    # Only hashes of the secrets are kept: a copy of the database signs nobody in.
    db.table("console_links").create(
        {"token_hash": str, "user_id": int, "created_at": str, "expires_at": str, "used_at": str},
        pk="token_hash",
        not_null={"user_id", "expires_at"},
    )
    db.table("console_sessions").create(
        {
            "session_hash": str,
            "user_id": int,
            "csrf": str,  # the token every form post must carry
            "language": str,
            "created_at": str,
            "expires_at": str,
        },
        pk="session_hash",
        not_null={"user_id", "csrf", "expires_at"},
    )


@console()
def m002_deliveries_by_chat(db: Database) -> None:
    # A company page lists the broadcasts the chat received; written only while sending.
    db.table("deliveries").create_index(["chat_id"], if_not_exists=True)


@console()
def m003_board_indexes(db: Database) -> None:
    # The board's search and sort by name, and its "audit overdue" filter. Neither column is
    # written by an answer (a name at /start or on a rename, an audit's dates on entering or
    # leaving it), so the bot's updates do not pay for these; chats(state / updated_at /
    # step_since) stay unindexed (benchmarks/README.md, "The console at 100,000 and
    # 1,000,000 companies").
    db.execute("CREATE INDEX IF NOT EXISTS idx_chats_title ON chats (title COLLATE NOCASE)")
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_chats_audit_due ON chats (audit_due_on) "
        "WHERE audit_step IS NOT NULL"
    )


@console()
def m004_init_data_used(db: Database) -> None:
    # A Mini App's initData signs in once: the hash of its signature is kept until it would be
    # refused as too old anyway.
    db.table("console_init_data").create(
        {"signature_hash": str, "expires_at": str}, pk="signature_hash", not_null={"expires_at"}
    )
