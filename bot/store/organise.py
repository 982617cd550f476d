"""What organisers read and change: who is an organiser, what they did, and the replies to their actions.

Queries for the organiser package (`bot/organise/`) live in this package, next to the store they read; migration 4
made the tables. Moderation and announcements are in moderation.py, flags in safeguarding.py, the live view's
counts in live_view.py; their names are here too, as the organiser package has always read them. Exports read
through their own read-only connection (`bot/organise/export.py`), so a big export never holds the bot's thread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.engine.outgoing import Outgoing
from bot.store.connection import iso
from bot.store.events import close_inbox
from bot.store.live_view import enrolled_in, got_round, open_flags, participant_counts, round_progress, stored_ideas
from bot.store.moderation import (
    ENROLLED,
    FREE_TEXT,
    announcement,
    cancel_announcement,
    community_members,
    create_announcement,
    known_communities,
    moderation_of,
    next_pending_text,
    pending_texts,
    send_announcement,
    set_moderation,
)
from bot.store.organiser_messages import Write, language_of, organiser_language_of
from bot.store.outbox_rows import Addressed, OutboxRow, enqueue, insert_and_claim
from bot.store.safeguarding import (
    flag,
    handle_flag,
    message_to_participant,
    organisers_of,
    tell_organisers,
    tell_waiting_flags,
    write_safeguarding_flag,
)

__all__ = [
    "ENROLLED",
    "FREE_TEXT",
    "Write",
    "actions",
    "announcement",
    "cancel_announcement",
    "commit_later",
    "commit_reply",
    "community_members",
    "create_announcement",
    "enrolled_in",
    "flag",
    "got_round",
    "handle_flag",
    "is_organiser",
    "known_communities",
    "language_of",
    "log_action",
    "message_to_participant",
    "moderation_of",
    "next_pending_text",
    "open_flags",
    "organiser_language_of",
    "organiser_rows",
    "organisers",
    "organisers_of",
    "participant_counts",
    "pending_texts",
    "record_action",
    "removed_organisers",
    "round_progress",
    "send_announcement",
    "set_moderation",
    "set_organiser",
    "stored_ideas",
    "tell_organisers",
    "tell_waiting_flags",
    "write_safeguarding_flag",
]


# -- organisers ----------------------------------------------------------------------------------------------------
def is_organiser(db: sqlite3.Connection, settings: Settings, channel: str, address: str) -> bool:
    """Asked on every organiser command and button: the settings' ids, plus those added to the database."""
    if channel == "telegram" and address.lstrip("-").isdigit() and int(address) in settings.organisers:
        return True
    row = db.execute(
        "SELECT 1 FROM organisers WHERE channel = ? AND address = ? AND active = 1", (channel, address)
    ).fetchone()
    return row is not None


def set_organiser(db: sqlite3.Connection, channel: str, address: str, active: bool, by: str, now: datetime) -> bool:
    """Add or remove an organiser (inside a write); False when nothing changed. Logged as an organiser action."""
    row = db.execute("SELECT active FROM organisers WHERE channel = ? AND address = ?", (channel, address)).fetchone()
    if (row is None and not active) or (row is not None and bool(row[0]) == active):
        return False
    if row is None:
        db.execute(
            "INSERT INTO organisers (channel, address, active, added_by, added_at) VALUES (?, ?, 1, ?, ?)",
            (channel, address, by, iso(now)),
        )
    else:
        db.execute(
            "UPDATE organisers SET active = ?, removed_at = ?, added_by = CASE WHEN ? THEN ? ELSE added_by END,"
            " added_at = CASE WHEN ? THEN ? ELSE added_at END WHERE channel = ? AND address = ?",
            (int(active), None if active else iso(now), active, by, active, iso(now), channel, address),
        )
    log_action(db, by, "organiser-add" if active else "organiser-remove", {"channel": channel, "address": address}, now)
    if active:  # a flag raised while there was no organiser reaches the first one added
        tell_waiting_flags(db, channel, [address], now)
    return True


def organisers(db: sqlite3.Connection, settings: Settings, channel: str = "telegram") -> list[str]:
    """Every organiser's address on a channel: from the settings and from the database."""
    found = {str(user_id) for user_id in settings.organisers} if channel == "telegram" else set()
    found |= {
        row[0] for row in db.execute("SELECT address FROM organisers WHERE channel = ? AND active = 1", (channel,))
    }
    return sorted(found)


def removed_organisers(db: sqlite3.Connection, channel: str = "telegram") -> list[str]:
    return [row[0] for row in db.execute("SELECT address FROM organisers WHERE channel = ? AND active = 0", (channel,))]


def organiser_rows(db: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in db.execute("SELECT * FROM organisers ORDER BY channel, address")]


# -- the action log --------------------------------------------------------------------------------------------------
def log_action(db: sqlite3.Connection, organiser: str, action: str, detail: dict[str, Any], now: datetime) -> None:
    """Who did what, when: inside the transaction of the action itself, so no action goes unrecorded."""
    db.execute(
        "INSERT INTO organiser_actions (organiser, action, detail, created_at) VALUES (?, ?, ?, ?)",
        (organiser, action, json.dumps(detail, ensure_ascii=False, sort_keys=True), iso(now)),
    )


def record_action(db: sqlite3.Connection, organiser: str, action: str, detail: dict[str, Any], now: datetime) -> None:
    log_action(db, organiser, action, detail, now)


def actions(db: sqlite3.Connection, limit: int = 100) -> list[dict[str, Any]]:
    return [
        {"organiser": r[0], "action": r[1], "detail": json.loads(r[2]), "created_at": r[3]}
        for r in db.execute(
            "SELECT organiser, action, detail, created_at FROM organiser_actions ORDER BY id DESC LIMIT ?", (limit,)
        )
    ]


# -- the replies to an organiser's action ------------------------------------------------------------------------
def commit_reply(
    db: sqlite3.Connection,
    channel: str,
    address: str,
    messages: Iterable[Outgoing],
    writes: Iterable[Write],
    now: datetime,
    inbox_key: str | None = None,
) -> list[OutboxRow] | None:
    """An organiser action's replies, log lines and changes (inside one write); None for an update seen before.

    Returns the replies, already claimed for sending, as `Dispatcher.handle` hands out a participant's replies.
    """
    if inbox_key is not None and not close_inbox(db, channel, inbox_key, now):
        return None
    for write in writes:
        write(db)
    return insert_and_claim(db, None, channel, address, list(messages), now, claim=True, language=None)


def commit_later(
    db: sqlite3.Connection,
    channel: str,
    address: str,
    messages: Iterable[Outgoing],
    writes: Iterable[Write],
    now: datetime,
) -> None:
    """Slow organiser work done (an export): its changes, and its replies as rows waiting for the sender's round."""
    for write in writes:
        write(db)
    enqueue(db, [Addressed(channel, address, None, message) for message in messages], now)
