"""Everything stored about one participant, for /mydata: read in one trip, in the database thread."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bot.store import walk_dates


def _rows(db: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [dict(found) for found in db.execute(sql, params)]


def participant_record(db: sqlite3.Connection, participant_id: int) -> dict[str, Any]:
    row = db.execute("SELECT * FROM participants WHERE id = ?", (participant_id,)).fetchone()
    if row is None:
        return {}
    participant = {key: row[key] for key in row.keys() if key != "id"}  # noqa: SIM118 - a Row iterates values
    answers = [
        {
            "conversation": r[0],
            "prompt": r[1],
            "type": r[2],
            "value": json.loads(r[3]),
            "created_at": r[4],
            "changed_at": r[5] if r[5] != r[4] else None,
            "walk_stop": r[6],
            "minority_view": bool(r[7]),
            # What the team decided about quoting it (free texts): pending, approved or hidden.
            "moderation": r[8] if r[2] == "text" else None,
        }
        for r in db.execute(
            "SELECT conversation, prompt_id, answer_type, value, created_at, updated_at, walk_stop, minority,"
            " moderation FROM answers WHERE participant_id = ? ORDER BY id",
            (participant_id,),
        )
    ]
    # Messages to them, kept a month after sending (their text is in the chat itself).
    messages = [
        {"kind": r[0], "due_at": r[1], "status": r[2], "sent_at": r[3]}
        for r in db.execute(
            "SELECT kind, due_at, status, sent_at FROM outbox WHERE participant_id = ? ORDER BY id", (participant_id,)
        )
    ]
    scheduled = [message for message in messages if message["status"] == "pending"]
    record: dict[str, Any] = {"participant": participant, "answers": answers, "scheduled_messages": scheduled}
    record["messages_to_you"] = [message for message in messages if message["status"] != "pending"]
    # Follow-ups (migration 5): what they answered to meeting invitations, and minority questions asked.
    record["meetings"] = [
        {"meeting": r[0], "rsvp": r[1], "invited_at": r[2], "answered_at": r[3]}
        for r in db.execute(
            "SELECT meeting, rsvp, invited_at, answered_at FROM meeting_invites WHERE participant_id = ?",
            (participant_id,),
        )
    ]
    record["follow_ups"] = [
        {"kind": r[0], "about": r[1], "state": r[2], "at": r[3]}
        for r in db.execute(
            "SELECT kind, key, state, at FROM followup_marks WHERE participant_id = ?", (participant_id,)
        )
    ]
    record["earlier_versions_of_answers"] = _rows(
        db,
        "SELECT a.prompt_id AS prompt, h.value, h.replaced_at FROM answer_history h"
        " JOIN answers a ON a.id = h.answer_id WHERE a.participant_id = ? ORDER BY h.id",
        (participant_id,),
    )
    record["flags_for_the_team"] = _rows(
        db,
        "SELECT words, created_at, handled_at FROM safeguarding_flags WHERE participant_id = ? ORDER BY id",
        (participant_id,),
    )
    record["group_walks"] = _rows(
        db,
        "SELECT g.walk, m.joined_at, m.finished_at FROM walk_members m JOIN walk_groups g ON g.id = m.group_id"
        " WHERE m.participant_id = ? OR (m.channel = ? AND m.address = ?) ORDER BY m.joined_at",
        (participant_id, row["channel"], row["address"]),
    )
    record["group_walks_you_led"] = _rows(
        db,
        "SELECT walk, status, created_at, updated_at FROM walk_groups WHERE channel = ? AND volunteer = ? ORDER BY id",
        (row["channel"], row["address"]),
    )
    record["walk_sign_ups"] = walk_dates.sign_ups_of(db, participant_id)  # walks on dates
    return record
