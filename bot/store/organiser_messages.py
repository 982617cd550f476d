"""Outbox rows outside a participant's own event (to an organiser, an announcement), and organisers' languages."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from bot.engine.outgoing import Outgoing
from bot.store.connection import iso
from bot.store.outbox_rows import OutboxRow, insert_and_claim

# A change an organiser's action makes, written in the transaction of its replies (`commit_reply`).
Write = Callable[[sqlite3.Connection], None]


def enqueue(
    db: sqlite3.Connection,
    channel: str,
    address: str,
    message: Outgoing,
    now: datetime,
    participant_id: int | None = None,
    *,
    claim: bool = False,
) -> OutboxRow | None:
    """An outbox row outside a participant's own event (to an organiser, or an announcement to a participant).

    With `claim` the row is written already in flight and returned, for the caller to hand to the sender at once
    (a reply); otherwise it waits for the sender's next round.
    """
    claimed = insert_and_claim(db, participant_id, channel, address, [message], now, claim=claim, language=None)
    return claimed[0] if claimed else None


def enqueue_each(db: sqlite3.Connection, rows: list[tuple[str, str, Outgoing, int | None]], now: datetime) -> None:
    """Many rows in one trip to the database thread (an announcement to every participant)."""
    for channel, address, message, participant_id in rows:
        enqueue(db, channel, address, message, now, participant_id)


def language_of(db: sqlite3.Connection, channel: str, address: str) -> str | None:
    """The language an organiser chose as a participant, if they ever did."""
    row = db.execute(
        "SELECT language FROM participants WHERE channel = ? AND address = ?", (channel, address)
    ).fetchone()
    return row[0] if row else None


def organiser_language_of(db: sqlite3.Connection, channel: str, address: str) -> str | None:
    """The language an organiser chose for organiser messages, else the one they use as a participant."""
    row = db.execute(
        "SELECT language FROM organiser_languages WHERE channel = ? AND address = ?", (channel, address)
    ).fetchone()
    return row[0] if row else language_of(db, channel, address)


def save_organiser_language(db: sqlite3.Connection, channel: str, address: str, language: str, now: datetime) -> None:
    db.execute(
        "INSERT INTO organiser_languages (channel, address, language, changed_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (channel, address) DO UPDATE SET language = excluded.language, changed_at = excluded.changed_at",
        (channel, address, language, iso(now)),
    )
