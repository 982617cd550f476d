"""Ideas from meetings and their status history: what became of them, and news of it to those who answered."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot.store.connection import iso, parse_iso
from bot.store.followup_rows import ENROLLED, Recipient


def _idea(row: sqlite3.Row) -> dict[str, Any]:
    record = dict(row)
    record["text"] = json.loads(record["text"])
    record["reason"] = json.loads(record["reason"]) if record["reason"] else None
    return record


def idea(db: sqlite3.Connection, idea_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM ideas WHERE id = ?", (idea_id,)).fetchone()
    return _idea(row) if row else None


def ideas(db: sqlite3.Connection, community: str | None = None, *, told_only: bool = False) -> list[dict[str, Any]]:
    """Ideas, oldest first; `told_only` keeps those participants have heard of (their meeting is over)."""
    conditions = []
    params: list[Any] = []
    if community:
        conditions.append("community = ?")
        params.append(community)
    if told_only:
        conditions.append(
            "EXISTS (SELECT 1 FROM idea_history h WHERE h.idea = ideas.id AND h.announced_at IS NOT NULL)"
        )
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    return [_idea(row) for row in db.execute(f"SELECT * FROM ideas{where} ORDER BY created_at, id", params).fetchall()]


def idea_count(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT COUNT(*) FROM ideas").fetchone()
    return int(row[0]) if row else 0


def insert_idea(
    db: sqlite3.Connection,
    idea_id: str,
    *,
    meeting_id: str | None,
    community: str,
    theme: str,
    text: dict[str, str],
    status: str,
    reason: dict[str, str] | None,
    source: str,
    file_status: str | None,
    now: datetime,
) -> None:
    db.execute(
        "INSERT INTO ideas (id, meeting, community, theme, text, status, reason, source, file_status, status_at,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            idea_id,
            meeting_id,
            community,
            theme,
            json.dumps(text, ensure_ascii=False),
            status,
            json.dumps(reason, ensure_ascii=False) if reason else None,
            source,
            file_status,
            iso(now),
            iso(now),
        ),
    )


def update_idea_text(db: sqlite3.Connection, idea_id: str, theme: str, text: dict[str, str]) -> None:
    db.execute(
        "UPDATE ideas SET theme = ?, text = ? WHERE id = ?", (theme, json.dumps(text, ensure_ascii=False), idea_id)
    )


def set_file_status(db: sqlite3.Connection, idea_id: str, file_status: str) -> None:
    db.execute("UPDATE ideas SET file_status = ? WHERE id = ?", (file_status, idea_id))


def set_status(
    db: sqlite3.Connection,
    idea_id: str,
    status: str,
    reason: dict[str, str] | None,
    by: str,
    announce_at: datetime,
    now: datetime,
) -> None:
    """A new status, and news of it waiting to be told from `announce_at` on (when the meeting is over)."""
    encoded = json.dumps(reason, ensure_ascii=False) if reason else None
    db.execute(
        "UPDATE ideas SET status = ?, reason = ?, status_at = ?, flagged_at = NULL WHERE id = ?",
        (status, encoded, iso(now), idea_id),
    )
    db.execute(
        "INSERT INTO idea_history (idea, status, reason, changed_by, changed_at, announce_at) VALUES (?, ?, ?, ?, ?, ?)",
        (idea_id, status, encoded, by, iso(now), iso(announce_at)),
    )


def news_due(db: sqlite3.Connection, now: datetime, idea_id: str | None = None) -> list[dict[str, Any]]:
    """Status changes whose moment has come and that nobody has been told about yet, oldest first."""
    sql = (
        "SELECT h.id, h.idea, h.status, h.reason, i.community, i.theme FROM idea_history h JOIN ideas i"
        " ON i.id = h.idea WHERE h.announced_at IS NULL AND h.announce_at <= ?"
    )
    params: list[Any] = [iso(now)]
    if idea_id is not None:
        sql += " AND h.idea = ?"
        params.append(idea_id)
    rows = [dict(row) for row in db.execute(sql + " ORDER BY h.id", params)]
    for row in rows:
        row["reason"] = json.loads(row["reason"]) if row["reason"] else None
    return rows


def announced(db: sqlite3.Connection, history_id: int, recipients: int, now: datetime) -> None:
    db.execute(
        "UPDATE idea_history SET announced_at = ?, recipients = ? WHERE id = ?", (iso(now), recipients, history_id)
    )


def history(db: sqlite3.Connection, idea_id: str) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT status, reason, changed_by, changed_at, announce_at, announced_at, recipients FROM idea_history"
        " WHERE idea = ? ORDER BY id",
        (idea_id,),
    )
    return [dict(row) for row in rows]


def theme_answerers(db: sqlite3.Connection, prompts: Sequence[tuple[str, str]]) -> list[Recipient]:
    """Everyone who answered (not skipped) one of these prompts: they hear what became of ideas on that theme."""
    if not prompts:
        return []
    pairs = ", ".join("(?, ?)" for _ in prompts)
    rows = db.execute(
        f"SELECT DISTINCT p.id, p.channel, p.address FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE (a.conversation, a.prompt_id) IN (VALUES {pairs}) AND a.answer_type != 'skipped' AND {ENROLLED}"
        " ORDER BY p.id",
        [part for pair in prompts for part in pair],
    )
    return [Recipient(row[0], row[1], row[2]) for row in rows]


def forgotten_ideas(db: sqlite3.Connection, before: datetime, final: Iterable[str]) -> list[dict[str, Any]]:
    """Ideas whose status has not changed since `before`, and that were not flagged since then either."""
    finals = list(final)
    marks = ", ".join("?" for _ in finals)
    rows = db.execute(
        f"SELECT * FROM ideas WHERE status NOT IN ({marks}) AND status_at < ?"
        " AND (flagged_at IS NULL OR flagged_at < ?) ORDER BY status_at",
        (*finals, iso(before), iso(before)),
    )
    return [_idea(row) for row in rows]


def mark_flagged(db: sqlite3.Connection, idea_id: str, now: datetime) -> None:
    db.execute("UPDATE ideas SET flagged_at = ? WHERE id = ?", (iso(now), idea_id))


def next_news(db: sqlite3.Connection) -> datetime | None:
    row = db.execute("SELECT MIN(announce_at) FROM idea_history WHERE announced_at IS NULL").fetchone()
    return parse_iso(row[0]) if row and row[0] else None
