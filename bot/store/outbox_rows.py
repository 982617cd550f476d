"""Rows of the outbox table: written, claimed for sending and marked sent, inside the database thread.

Every message the bot sends is one of these rows, replies and follow-ups alike (`bot/outbox/` sends them).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.store.connection import iso
from bot.store.forget import UNOWNED

# Outbox rows whose payload holds a participant's data or words: emptied once delivered or given up on.
PRIVATE_KINDS = "('mydata', 'organiser', 'farewell', 'heard')"  # heard: a transcript read back


@dataclass(frozen=True)
class OutboxRow:
    id: int
    participant_id: int | None
    channel: str
    address: str
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    attempts: int
    scheduled: bool
    language: str | None  # the participant's stored language, for anything rendered at sending time
    first_due_at: datetime | None = None  # when a retried row was first due: its expiry counts from then
    parts_sent: int = 0  # of a message sent in parts (text chunks, a picture, a file), how many went already


# Every outbox row is written through these two: the columns, and one row's values in their order.
OUTBOX_INSERT = (
    "INSERT INTO outbox (participant_id, channel, address, kind, payload, due_at, scheduled, created_at, status,"
    " attempts) VALUES "
)


OUTBOX_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def outbox_values(
    participant_id: int | None,
    channel: str,
    address: str,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime,
    scheduled: bool,
    now: datetime,
    sending: bool = False,
) -> tuple[Any, ...]:
    """One row's values; `sending` writes it already claimed, for delivery right away."""
    return (
        participant_id,
        channel,
        address,
        kind,
        json.dumps(payload, ensure_ascii=False),
        iso(due_at),
        int(scheduled),
        iso(now),
        "sending" if sending else "pending",
        1 if sending else 0,
    )


def insert_outbox(
    db: sqlite3.Connection,
    participant_id: int | None,
    channel: str,
    address: str,
    message: Outgoing,
    now: datetime,
    *,
    sending: bool = False,
) -> int:
    """One outbox row; `sending` writes it already claimed, for delivery right away."""
    (row_id,) = insert_outbox_rows(db, participant_id, channel, address, [(message, sending)], now)
    return row_id


def insert_outbox_rows(
    db: sqlite3.Connection,
    participant_id: int | None,
    channel: str,
    address: str,
    messages: list[tuple[Outgoing, bool]],
    now: datetime,
) -> list[int]:
    """One recipient's rows (an event's replies) in one statement; their ids in order.

    Rows of one INSERT get increasing ids in the order of its VALUES, so sorting what RETURNING gives back (in no
    promised order) lines the ids up with the messages.
    """
    if not messages:
        return []
    values = [
        value
        for message, sending in messages
        for value in outbox_values(
            participant_id,
            channel,
            address,
            message.kind,
            message.payload(),
            message.due_at or now,
            message.scheduled,
            now,
            sending,
        )
    ]
    marks = ", ".join(OUTBOX_VALUES for _ in messages)
    rows = db.execute(f"{OUTBOX_INSERT}{marks} RETURNING id", values).fetchall()
    return sorted(row[0] for row in rows)


def insert_and_claim(
    db: sqlite3.Connection,
    participant_id: int | None,
    channel: str,
    address: str,
    messages: list[Outgoing],
    now: datetime,
    *,
    claim: bool,
    language: str | None,
) -> list[OutboxRow]:
    """One recipient's rows; with `claim`, those due now (replies) are written already in flight and handed back,
    for the caller to give to the sender at once. Scheduled ones wait for the sender's rounds."""
    sending = [claim and message.due_at is None and not message.scheduled for message in messages]
    row_ids = insert_outbox_rows(db, participant_id, channel, address, list(zip(messages, sending, strict=True)), now)
    return [
        OutboxRow(
            id=row_id,
            participant_id=participant_id,
            channel=channel,
            address=address,
            kind=message.kind,
            payload=message.payload(),
            due_at=now,
            attempts=1,
            scheduled=False,
            language=language,
        )
        for message, row_id, now_and_unscheduled in zip(messages, row_ids, sending, strict=True)
        if now_and_unscheduled
    ]


@dataclass(frozen=True)
class Addressed:
    """One message for one recipient: a participant's chat, an organiser's, a group chat (no participant)."""

    channel: str
    address: str
    participant_id: int | None
    message: Outgoing


def enqueue(
    db: sqlite3.Connection, rows: Iterable[Addressed], now: datetime, *, claim: bool = False
) -> list[OutboxRow]:
    """The one way to put messages in the outbox outside an event's own replies: for one recipient or many (a
    meeting's invitations, an announcement, a group walk's cards, a flag to every organiser).

    Without `claim` every row waits for the sender, written in one statement. With `claim`, rows due now are
    written already in flight and handed back, for the caller to give to the sender at once (an organiser's reply).
    """
    rows = list(rows)
    if claim:
        return [
            claimed
            for row in rows
            for claimed in insert_and_claim(
                db, row.participant_id, row.channel, row.address, [row.message], now, claim=True, language=None
            )
        ]
    values = [
        value
        for row in rows
        for value in outbox_values(
            row.participant_id,
            row.channel,
            row.address,
            row.message.kind,
            row.message.payload(),
            row.message.due_at or now,
            row.message.scheduled,
            now,
        )
    ]
    for start in range(0, len(rows), BATCH):  # SQLite allows 32,766 values in one statement: 10 a row
        batch = values[start * 10 : (start + BATCH) * 10]
        marks = ", ".join(OUTBOX_VALUES for _ in range(len(batch) // 10))
        db.execute(f"{OUTBOX_INSERT}{marks}", batch)
    return []


BATCH = 1000


def claim_rows(db: sqlite3.Connection, sql: str, params: list[Any]) -> list[sqlite3.Row]:
    rows = db.execute(sql, params).fetchall()
    if rows:
        marks = ", ".join("?" for _ in rows)
        db.execute(
            f"UPDATE outbox SET status = 'sending', attempts = attempts + 1 WHERE id IN ({marks})",
            [row["id"] for row in rows],
        )
    return rows


def mark_sent_rows(db: sqlite3.Connection, row_ids: list[int], now: datetime) -> None:
    # The payload may hold a /mydata file, or participants' words shown to an organiser: once delivered, drop it.
    for start in range(0, len(row_ids), 5000):  # well below SQLite's limit of host parameters
        chunk = row_ids[start : start + 5000]
        db.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL,"
            f" payload = CASE WHEN kind IN {PRIVATE_KINDS} THEN '{{}}' ELSE payload END"
            f" WHERE id IN ({', '.join('?' for _ in chunk)})",
            (iso(now), *chunk),
        )
        # A farewell, a reply to someone unknown, a group's walk news: no participant's row, so retention alone would
        # keep their chat id and words a week; they are not needed once sent.
        db.execute(f"{UNOWNED} AND id IN ({', '.join('?' for _ in chunk)})", chunk)


def still_waiting(db: sqlite3.Connection, row_id: int) -> bool:
    """The row is still to be sent (not deleted by a /forget or retention, not given up on)."""
    return db.execute("SELECT 1 FROM outbox WHERE id = ? AND status = 'pending'", (row_id,)).fetchone() is not None


def record_parts(db: sqlite3.Connection, row_id: int, parts: int) -> None:
    """The first `parts` parts of this row were delivered: a retry sends only the rest."""
    db.execute("UPDATE outbox SET parts_sent = ? WHERE id = ?", (parts, row_id))
