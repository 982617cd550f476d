"""What follow-ups read and write: the minority round's marks here; meetings (meetings.py), ideas (ideas.py) and
the scheduled rows that carry them (followup_rows.py) beside it, their names here as the follow-ups always read
them. Migration 5 made the tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.store.connection import iso
from bot.store.followup_rows import ENROLLED, NewRow, Recipient, cancel_pending
from bot.store.ideas import (
    announced,
    forgotten_ideas,
    history,
    idea,
    idea_count,
    ideas,
    insert_idea,
    mark_flagged,
    news_due,
    next_news,
    set_file_status,
    set_status,
    theme_answerers,
    update_idea_text,
)
from bot.store.meetings import (
    invite,
    invited,
    meeting,
    retime_invitations,
    rsvp_counts,
    rsvp_of,
    save_meeting,
    uninvited,
    write_rsvp,
)

__all__ = [
    "ENROLLED",
    "NewRow",
    "Recipient",
    "announced",
    "cancel_pending",
    "choices",
    "forgotten_ideas",
    "history",
    "idea",
    "idea_count",
    "ideas",
    "insert_idea",
    "invite",
    "invited",
    "latest_answer_id",
    "mark_flagged",
    "mark_many",
    "mark_of",
    "marked",
    "meeting",
    "news_due",
    "next_news",
    "prompt_on_its_way",
    "retime_invitations",
    "rsvp_counts",
    "rsvp_of",
    "save_meeting",
    "set_file_status",
    "set_status",
    "theme_answerers",
    "uninvited",
    "update_idea_text",
    "write_mark",
    "write_rsvp",
]


# -- the minority round ----------------------------------------------------------------------------------------------
def latest_answer_id(db: sqlite3.Connection, conversation: str, prompt_id: str) -> int:
    row = db.execute(
        "SELECT COALESCE(MAX(id), 0) FROM answers WHERE conversation = ? AND prompt_id = ?", (conversation, prompt_id)
    ).fetchone()
    return int(row[0]) if row else 0


def choices(db: sqlite3.Connection, conversation: str, prompt_id: str) -> list[tuple[Recipient, str]]:
    """Each enrolled participant's latest choice (option id, or scale value) on a prompt, minority answers aside."""
    rows = db.execute(
        "SELECT p.id, p.channel, p.address, a.value FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.conversation = ? AND a.prompt_id = ? AND a.minority = 0 AND a.answer_type IN ('choice', 'scale')"
        f" AND {ENROLLED} ORDER BY a.id",
        (conversation, prompt_id),
    )
    found: dict[int, tuple[Recipient, str]] = {}
    for row in rows:
        value = json.loads(row[3])
        chosen = value.get("option", value.get("value"))
        if chosen is not None:
            found[row[0]] = (Recipient(row[0], row[1], row[2]), str(chosen))
    return list(found.values())


def marked(db: sqlite3.Connection, kind: str, key: str) -> set[int]:
    rows = db.execute("SELECT participant_id FROM followup_marks WHERE kind = ? AND key = ?", (kind, key))
    return {row[0] for row in rows}


def mark_many(
    db: sqlite3.Connection, kind: str, key: str, participant_ids: Iterable[int], state: str, now: datetime
) -> None:
    db.executemany(
        "INSERT INTO followup_marks (participant_id, kind, key, state, at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (participant_id, kind, key) DO UPDATE SET state = excluded.state, at = excluded.at",
        [(participant_id, kind, key, state, iso(now)) for participant_id in participant_ids],
    )


def mark_of(db: sqlite3.Connection, participant_id: int, kind: str, key: str) -> str | None:
    row = db.execute(
        "SELECT state FROM followup_marks WHERE participant_id = ? AND kind = ? AND key = ?",
        (participant_id, kind, key),
    ).fetchone()
    return row[0] if row else None


def write_mark(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    mark_many(db, data["kind"], data["key"], [participant_id], data["state"], now)


def prompt_on_its_way(db: sqlite3.Connection, participant_id: int) -> bool:
    """A delayed prompt whose moment has come is waiting in the outbox (quiet hours, a pause, a restart)."""
    found = db.execute(
        "SELECT 1 FROM outbox WHERE participant_id = ? AND kind = 'next_prompt' AND status IN ('pending', 'sending')"
        " LIMIT 1",
        (participant_id,),
    )
    return found.fetchone() is not None
