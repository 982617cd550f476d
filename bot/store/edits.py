"""Edited answers: find the answer a message gave, and replace its value while keeping the earlier one."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from bot.store.connection import iso


def answer_for_message(db: sqlite3.Connection, participant_id: int, ref: str) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT id, conversation, prompt_id, answer_type, value FROM answers"
        " WHERE participant_id = ? AND source_ref = ? ORDER BY id DESC LIMIT 1",
        (participant_id, ref),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row[0],
        "conversation": row[1],
        "prompt_id": row[2],
        "answer_type": row[3],
        "value": json.loads(row[4]),
    }


def write_answer_edit(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    # The participant id in the WHERE clause keeps an edit from ever touching someone else's answer.
    row = db.execute(
        "SELECT value FROM answers WHERE id = ? AND participant_id = ?", (data["answer_id"], participant_id)
    ).fetchone()
    if row is None:
        return
    db.execute(
        "INSERT INTO answer_history (answer_id, value, replaced_at) VALUES (?, ?, ?)",
        (data["answer_id"], row[0], iso(now)),
    )
    db.execute(
        "UPDATE answers SET value = ?, updated_at = ?, moderation = 'pending' WHERE id = ?",
        (json.dumps(data["value"], ensure_ascii=False), iso(now), data["answer_id"]),
    )
