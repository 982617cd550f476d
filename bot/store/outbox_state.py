"""What becomes of an outbox row after it is written: claimed, retried, given up on, released after a crash.

Plain functions over the connection, run by the gateway (`Store` in bot/store/sqlite.py names them as intents).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from bot.store.connection import iso, parse_iso
from bot.store.forget import UNOWNED
from bot.store.outbox_rows import PRIVATE_KINDS, OutboxRow, claim_rows

# Scheduled messages to someone who blocked the bot or paused wait; replies always go.
MAY_GO = "(o.scheduled = 0 OR (p.active = 1 AND p.paused = 0))"


def claim_due(
    db: sqlite3.Connection,
    channel: str,
    now: datetime,
    address: str | None,
    include_scheduled: bool,
    limit: int,
) -> list[OutboxRow]:
    """Mark due rows as in flight and hand them out (inside a write): a row is claimed by one sender only."""
    conditions = ["o.channel = ?", "o.status = 'pending'", "o.due_at <= ?"]
    params: list[Any] = [channel, iso(now)]
    if address is not None:
        conditions.append("o.address = ?")
        params.append(address)
    if not include_scheduled:
        conditions.append("o.scheduled = 0")
    conditions.append(MAY_GO)
    sql = (
        "SELECT o.*, p.language FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id"
        f" WHERE {' AND '.join(conditions)} ORDER BY o.due_at, o.id LIMIT ?"
    )
    params.append(limit)
    return [
        OutboxRow(
            id=row["id"],
            participant_id=row["participant_id"],
            channel=row["channel"],
            address=row["address"],
            kind=row["kind"],
            payload=json.loads(row["payload"]),
            due_at=parse_iso(row["due_at"]) or now,
            attempts=row["attempts"] + 1,
            scheduled=bool(row["scheduled"]),
            language=row["language"],
            first_due_at=parse_iso(row["first_due_at"]),
            parts_sent=row["parts_sent"],
        )
        for row in claim_rows(db, sql, params)
    ]


def mark_retry(db: sqlite3.Connection, row_id: int, error: str, retry_at: datetime) -> None:
    db.execute(
        "UPDATE outbox SET status = 'pending', first_due_at = COALESCE(first_due_at, due_at), due_at = ?,"
        " last_error = ? WHERE id = ?",
        (iso(retry_at), error[:500], row_id),
    )


def mark_failed(db: sqlite3.Connection, row_id: int, error: str, status: str) -> None:
    # A message that will never go out keeps no one's words (an organiser who never opened the bot).
    db.execute(
        f"UPDATE outbox SET status = ?, last_error = ?,"
        f" payload = CASE WHEN kind IN {PRIVATE_KINDS} THEN '{{}}' ELSE payload END WHERE id = ?",
        (status, error[:500], row_id),
    )
    db.execute(f"{UNOWNED} AND id = ?", (row_id,))  # a farewell that never went


def release_in_flight(db: sqlite3.Connection) -> int:
    return db.execute("UPDATE outbox SET status = 'pending' WHERE status = 'sending'").rowcount


def next_due(db: sqlite3.Connection, channel: str, address: str | None, include_scheduled: bool) -> datetime | None:
    sql = (
        "SELECT MIN(o.due_at) FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id"
        f" WHERE o.channel = ? AND o.status = 'pending' AND {MAY_GO}"
    )
    if not include_scheduled:
        sql += " AND o.scheduled = 0"
    params: tuple[str, ...] = (channel,)
    if address is not None:
        sql += " AND o.address = ?"
        params = (channel, address)
    row = db.execute(sql, params).fetchone()
    return parse_iso(row[0]) if row else None


def all_rows(db: sqlite3.Connection, channel: str | None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM outbox" + (" WHERE channel = ?" if channel else "") + " ORDER BY id"
    return [dict(row) for row in db.execute(sql, (channel,) if channel else ())]


def set_active(db: sqlite3.Connection, channel: str, address: str, active: bool, now: datetime) -> None:
    db.execute(
        "UPDATE participants SET active = ?, updated_at = ? WHERE channel = ? AND address = ?",
        (int(active), iso(now), channel, address),
    )


COUNTED = {"participants", "answers", "outbox", "inbox"}


def count(db: sqlite3.Connection, table: str) -> int:
    if table not in COUNTED:
        raise ValueError(table)
    row = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0
