"""The inbox: raw updates kept before they are confirmed to Telegram, so a crash cannot lose them."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.store.connection import iso


def store(db: sqlite3.Connection, channel: str, entries: list[tuple[str, str | None, str]], now: datetime) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO inbox (channel, update_key, address, raw, received_at) VALUES (?, ?, ?, ?, ?)",
        [(channel, key, address, raw, iso(now)) for key, address, raw in entries],
    )


def still_open(db: sqlite3.Connection, channel: str) -> list[tuple[str, str]]:
    rows = db.execute(
        "SELECT update_key, raw FROM inbox WHERE channel = ? AND done_at IS NULL ORDER BY CAST(update_key AS INTEGER)",
        (channel,),
    )
    return [(row[0], row[1]) for row in rows]


def close_overtaken(db: sqlite3.Connection, channel: str, now: datetime) -> int:
    """Updates left open (their handling failed) that a later update of the same chat has overtaken: replayed now,
    they would answer whatever question the participant has reached since. Closed, not handled."""
    return db.execute(
        "UPDATE inbox SET done_at = ?, raw = '' WHERE channel = ? AND done_at IS NULL AND address IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM inbox later WHERE later.channel = inbox.channel"
        " AND later.address = inbox.address AND later.done_at IS NOT NULL"
        " AND CAST(later.update_key AS INTEGER) > CAST(inbox.update_key AS INTEGER))",
        (iso(now), channel),
    ).rowcount


def done(db: sqlite3.Connection, channel: str, key: str, now: datetime) -> None:
    """For updates that change nothing stored (an ignored edit, a group message): close them anyway."""
    db.execute(
        "UPDATE inbox SET done_at = ?, raw = '' WHERE channel = ? AND update_key = ? AND done_at IS NULL",
        (iso(now), channel, key),
    )


def handled(db: sqlite3.Connection, channel: str, key: str) -> bool:
    row = db.execute(
        "SELECT done_at IS NOT NULL FROM inbox WHERE channel = ? AND update_key = ?", (channel, key)
    ).fetchone()
    return bool(row and row[0])
