"""One event's own rows: the participant it concerns, read, and everything it changed, written in one transaction.

Plain functions run in the database thread (`Store.read`, `Store.write`), so an event costs two trips there.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime

from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState, Stage
from bot.store.connection import iso, parse_iso
from bot.store.forget import forget_participant
from bot.store.outbox_rows import OutboxRow, insert_and_claim
from bot.store.records import UnknownRecord, Writers


def close_inbox(db: sqlite3.Connection, channel: str, key: str, now: datetime) -> bool:
    """Mark a stored update handled, in the transaction that stores what it caused; False if it was handled
    before (do nothing twice). Once handled, the raw update (names, message text) is not needed: only its key."""
    cursor = db.execute(
        "UPDATE inbox SET done_at = ?, raw = '' WHERE channel = ? AND update_key = ? AND done_at IS NULL",
        (iso(now), channel, key),
    )
    if cursor.rowcount:
        return True
    seen = db.execute("SELECT 1 FROM inbox WHERE channel = ? AND update_key = ?", (channel, key)).fetchone()
    return seen is None


def read_participant(db: sqlite3.Connection, channel: str, address: str) -> ParticipantState | None:
    # One query: the participant and the prompts they answered (a unit separator joins the keys).
    row = db.execute(
        "SELECT p.*, (SELECT group_concat(a.conversation || ':' || a.prompt_id, char(31)) FROM answers a"
        " WHERE a.participant_id = p.id) AS answered_keys"
        " FROM participants p WHERE p.channel = ? AND p.address = ?",
        (channel, address),
    ).fetchone()
    if row is None:
        return None
    answered = frozenset(row["answered_keys"].split("\x1f")) if row["answered_keys"] else frozenset()
    return ParticipantState(
        id=row["id"],
        channel=row["channel"],
        address=row["address"],
        pseudonym=row["pseudonym"],
        stage=Stage(row["stage"]),
        language=row["language"],
        community=row["community"],
        role=row["role"],
        consent_version=row["consent_version"],
        consent_at=parse_iso(row["consent_at"]),
        paused=bool(row["paused"]),
        active=bool(row["active"]),
        conversation=row["conversation"],
        prompt=row["prompt"],
        answered=answered,
        pending=row["pending"],
        created_at=parse_iso(row["created_at"]),
        features=json.loads(row["features"] or "{}"),
    )


def save_participant(db: sqlite3.Connection, state: ParticipantState, now: datetime) -> int:
    values = {
        "pseudonym": state.pseudonym,
        "channel": state.channel,
        "address": state.address,
        "stage": state.stage.value,
        "language": state.language,
        "community": state.community,
        "role": state.role,
        "consent_version": state.consent_version,
        "consent_at": iso(state.consent_at) if state.consent_at else None,
        "paused": int(state.paused),
        "active": int(state.active),
        "conversation": state.conversation,
        "prompt": state.prompt,
        "pending": state.pending,
        "features": json.dumps(state.features, ensure_ascii=False, sort_keys=True),
        "updated_at": iso(now),
    }
    if state.id is None:
        values["created_at"] = iso(now)
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = db.execute(f"INSERT INTO participants ({columns}) VALUES ({marks})", tuple(values.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid
    assignments = ", ".join(f"{key} = ?" for key in values)
    db.execute(f"UPDATE participants SET {assignments} WHERE id = ?", (*values.values(), state.id))
    return state.id


def apply_event(
    db: sqlite3.Connection,
    result: Result,
    now: datetime,
    inbox: tuple[str, str] | None,
    claim: bool,
    writers: Writers | None = None,
) -> tuple[ParticipantState | None, list[OutboxRow]]:
    """Everything one event changed, inside its transaction: (None, []) if its update was handled before.

    `writers` write the features' records (bot/features/wiring.py `KINDS.writers`); a record of a kind they do not
    name is refused before anything is written, so the whole event rolls back."""
    state = result.state
    writers = writers or {}
    unknown = sorted({record.kind for record in result.records if record.kind not in writers})
    if unknown:
        raise UnknownRecord(f"no writer for record kind(s) {', '.join(unknown)}: declare them in a feature package")
    if inbox is not None and not close_inbox(db, *inbox, now):
        return None, []
    if result.keep_nothing and state.id is None:
        participant_id = None  # answered, and no row kept of someone we know nothing of (not even their chat id)
        db.execute(
            "UPDATE inbox SET address = NULL WHERE channel = ? AND address = ? AND done_at IS NOT NULL",
            (state.channel, state.address),
        )
    elif result.forget:
        forget_participant(db, state.channel, state.address, state.id)
        participant_id = None
    else:
        participant_id = save_participant(db, state, now)
        if any(message.kind == "reminder" for message in result.messages):
            # A reminder is only for the prompt that is open now: a new prompt ends the earlier one's.
            db.execute(
                "UPDATE outbox SET status = 'cancelled' WHERE participant_id = ? AND kind = 'reminder'"
                " AND status = 'pending'",
                (participant_id,),
            )
        else:  # an answer ends the reminders of its own prompt, not those of a round prompt still open
            db.executemany(
                "UPDATE outbox SET status = 'cancelled' WHERE participant_id = ? AND kind = 'reminder'"
                " AND status = 'pending' AND json_extract(payload, '$.conversation') = ?"
                " AND json_extract(payload, '$.prompt') = ?",
                [(participant_id, answer.conversation, answer.prompt_id) for answer in result.answers],
            )
        db.executemany(
            "INSERT INTO answers (participant_id, conversation, prompt_id, answer_type, value, walk_stop,"
            " minority, source_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    participant_id,
                    answer.conversation,
                    answer.prompt_id,
                    answer.answer_type,
                    json.dumps(answer.value, ensure_ascii=False),
                    answer.walk_stop,
                    int(answer.minority),
                    answer.source_ref,
                    iso(now),
                    iso(now),
                )
                for answer in result.answers
            ],
        )
        for record in result.records:
            writers[record.kind](db, participant_id, record.data, now)
    claimed = insert_and_claim(
        db, participant_id, state.channel, state.address, result.messages, now, claim=claim, language=state.language
    )
    return replace(state, id=participant_id), claimed
