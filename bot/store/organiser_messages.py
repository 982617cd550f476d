"""Outbox rows outside a participant's own event (to an organiser, an announcement), and organisers' languages."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

from bot.store.connection import iso

# A change an organiser's action makes, written in the transaction of its replies (`commit_reply`).
Write = Callable[[sqlite3.Connection], None]


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
