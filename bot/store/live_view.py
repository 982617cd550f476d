"""What the live view (/stats) and the meeting brief count: participants, rounds, open flags, ideas."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.store.moderation import ENROLLED, in_communities


def _rows(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in db.execute(sql, params).fetchall()]


def participant_counts(db: sqlite3.Connection, communities: frozenset[str] | None = None) -> dict[str, Any]:
    """Enrolled participants by role, language and channel, and how many paused or blocked the bot."""
    where, params = in_communities(communities)
    rows = _rows(
        db,
        f"SELECT p.role, p.language, p.channel, p.paused, p.active, COUNT(*) FROM participants p WHERE {ENROLLED}"
        f"{where} GROUP BY 1, 2, 3, 4, 5",
        params,
    )
    counts: dict[str, Any] = {"total": 0, "role": {}, "language": {}, "channel": {}, "paused": 0, "blocked": 0}
    for role, language, channel, paused, active, count in rows:
        counts["total"] += count
        counts["role"][role] = counts["role"].get(role, 0) + count
        counts["language"][language] = counts["language"].get(language, 0) + count
        counts["channel"][channel] = counts["channel"].get(channel, 0) + count
        counts["paused"] += count if paused else 0
        counts["blocked"] += 0 if active else count
    return counts


def enrolled_in(db: sqlite3.Connection, communities: set[str]) -> int:
    if not communities:
        return 0
    marks = ", ".join("?" for _ in communities)
    rows = _rows(
        db, f"SELECT COUNT(*) FROM participants p WHERE {ENROLLED} AND p.community IN ({marks})", tuple(communities)
    )
    return int(rows[0][0]) if rows else 0


def got_round(db: sqlite3.Connection, conversation: str) -> int:
    """Enrolled participants who got this round (in it now, or with an answer to it): walkers who never did are not
    counted as not answering."""
    rows = _rows(
        db,
        f"SELECT COUNT(*) FROM participants p WHERE {ENROLLED} AND (p.conversation = ?"
        " OR EXISTS (SELECT 1 FROM answers a WHERE a.participant_id = p.id AND a.conversation = ?))",
        (conversation, conversation),
    )
    return int(rows[0][0]) if rows else 0


def round_progress(db: sqlite3.Connection, conversation: str) -> dict[str, Any]:
    """Per prompt: answers and skips; and how many participants answered anything in this conversation."""
    per_prompt: dict[str, dict[str, int]] = {}
    for prompt_id, answer_type, count in _rows(
        db,
        "SELECT prompt_id, answer_type = 'skipped', COUNT(DISTINCT participant_id) FROM answers"
        " WHERE conversation = ? AND minority = 0 GROUP BY 1, 2",
        (conversation,),
    ):
        entry = per_prompt.setdefault(prompt_id, {"answered": 0, "skipped": 0})
        entry["skipped" if answer_type else "answered"] += count
    rows = _rows(
        db, "SELECT COUNT(DISTINCT participant_id), COUNT(*) FROM answers WHERE conversation = ?", (conversation,)
    )
    return {"prompts": per_prompt, "participants": rows[0][0] if rows else 0, "answers": rows[0][1] if rows else 0}


def open_flags(db: sqlite3.Connection, communities: frozenset[str] | None = None) -> int:
    where, params = in_communities(communities)
    rows = _rows(
        db,
        "SELECT COUNT(*) FROM safeguarding_flags f JOIN participants p ON p.id = f.participant_id"
        f" WHERE f.handled_at IS NULL{where}",
        params,
    )
    return int(rows[0][0]) if rows else 0


def stored_ideas(db: sqlite3.Connection) -> list[dict[str, Any]] | None:
    """Ideas from earlier meetings, if the follow-up feature's tables exist (they are built beside this one).

    Read defensively: whatever columns the `ideas` table has, the common ones are picked up; None when there is no
    such table at all.
    """
    tables = {row[0] for row in _rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "ideas" not in tables:
        return None
    columns = [row[1] for row in _rows(db, "PRAGMA table_info(ideas)")]
    order = next((name for name in ("updated_at", "status_at", "created_at", "id") if name in columns), "rowid")
    return [dict(row) for row in db.execute(f"SELECT * FROM ideas ORDER BY {order}")]
