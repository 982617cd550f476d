"""What the participant made of a transcript read back to them ("I heard…", `bot/features/heard/feature.py`).

Each writer checks that the answer is the participant's own, in the transaction of the button or message.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from bot.store.connection import iso
from bot.store.jobs import add_job
from bot.store.records import writer


def transcribed_answer(db: sqlite3.Connection, participant_id: int, answer_id: int) -> bool:
    """The answer is theirs and has a transcript (what an "I heard…" button may act on)."""
    row = db.execute(
        "SELECT 1 FROM answers a JOIN transcripts t ON t.answer_id = a.id WHERE a.id = ? AND a.participant_id = ?",
        (answer_id, participant_id),
    ).fetchone()
    return row is not None


def _theirs(db: sqlite3.Connection, participant_id: int, answer_id: Any) -> bool:
    row = db.execute("SELECT 1 FROM answers WHERE id = ? AND participant_id = ?", (answer_id, participant_id))
    return row.fetchone() is not None


@writer("heard_confirm")
def confirm(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    if _theirs(db, participant_id, data["answer_id"]):
        db.execute("UPDATE transcripts SET confirmed_at = ? WHERE answer_id = ?", (iso(now), data["answer_id"]))


@writer("heard_typed")
def typed(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """Their own words replace the engine's: quoted from now on, and translated afresh (the old one is wrong)."""
    answer_id = data["answer_id"]
    if not _theirs(db, participant_id, answer_id):
        return
    db.execute(
        "UPDATE transcripts SET corrected = ?, confirmed_at = ? WHERE answer_id = ?",
        (data["text"], iso(now), answer_id),
    )
    db.execute("DELETE FROM translations WHERE answer_id = ? AND field = 'transcript'", (answer_id,))
    if data.get("translate", True):
        add_job(db, "translate", answer_id, now, field="transcript")


@writer("heard_redo")
def recorded_again(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """A new recording replaces the old one; the old transcript and translation go with it."""
    answer_id = data["answer_id"]
    if not _theirs(db, participant_id, answer_id):
        return
    value = {"voice": data["voice"], "duration": data.get("duration", 0)}
    if data.get("kind", "voice") != "voice":
        value["media"] = data["kind"]
    db.execute(
        "INSERT INTO answer_history (answer_id, value, replaced_at) SELECT id, value, ? FROM answers WHERE id = ?",
        (iso(now), answer_id),
    )
    db.execute(
        "UPDATE answers SET value = ?, updated_at = ? WHERE id = ?",
        (json.dumps(value, ensure_ascii=False), iso(now), answer_id),
    )
    for table in ("transcripts", "translations", "jobs"):
        db.execute(f"DELETE FROM {table} WHERE answer_id = ?", (answer_id,))
    db.execute(
        "INSERT OR REPLACE INTO media (answer_id, participant_id, kind, source, status, created_at)"
        " VALUES (?, ?, ?, ?, 'waiting', ?)",
        (answer_id, participant_id, data.get("kind", "voice"), data["voice"], iso(now)),
    )
    add_job(db, "download", answer_id, now)
