"""Answers read back whole: every answer with who gave it (by pseudonym), oldest first."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def every_answer(db: sqlite3.Connection, conversation: str | None = None) -> list[dict[str, Any]]:
    """For checks and small reads; exports stream through their own read-only connection (bot/organise/export*)."""
    sql = (
        "SELECT a.id, p.pseudonym, p.channel, p.role, p.language, p.community, a.conversation, a.prompt_id,"
        " a.answer_type, a.value, a.minority, a.walk_stop, a.moderation, a.created_at, a.updated_at"
        " FROM answers a JOIN participants p ON p.id = a.participant_id"
    )
    params: tuple[Any, ...] = ()
    if conversation:
        sql += " WHERE a.conversation = ?"
        params = (conversation,)
    records = [dict(row) for row in db.execute(sql + " ORDER BY a.id", params)]
    for record in records:
        record["value"] = json.loads(record["value"])
    return records
