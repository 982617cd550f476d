"""Safeguarding flags: an answer with words of distress, told to the organisers who may see it, handled by one."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.store.connection import iso
from bot.store.organiser_messages import Write, organiser_language_of
from bot.store.outbox_rows import Addressed, enqueue

# A flag goes to the organisers at once: the live bot wakes its sender for it, as for a group walk's cards.


def write_safeguarding_flag(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """Flag an answer with words of distress, and tell every organiser of the participant's channel at once."""
    answer_id = data.get("answer_id")
    if data.get("outside"):  # typed outside a question: no answer to tie it to (bot/organise/safeguarding.py)
        answer_id = None
    elif answer_id is None:
        row = db.execute(
            "SELECT id FROM answers WHERE participant_id = ? AND conversation = ? AND prompt_id = ?"
            " ORDER BY id DESC LIMIT 1",
            (participant_id, data.get("conversation"), data.get("prompt_id")),
        ).fetchone()
        answer_id = row[0] if row else None
    else:
        row = db.execute(
            "SELECT conversation, prompt_id FROM answers WHERE id = ? AND participant_id = ?",
            (answer_id, participant_id),
        ).fetchone()
        if row is None:
            return
        data = {**data, "conversation": row[0], "prompt_id": row[1]}
    # What the message to organisers says is kept with the flag: with no organiser yet, it goes to the first one.
    keys = ("pseudonym", "channel", "prompt_id", "question", "excerpt", "words", "kinds", "attach", "outside")
    detail = {key: data.get(key) for key in keys if key in data}
    cursor = db.execute(
        "INSERT INTO safeguarding_flags (participant_id, answer_id, words, kinds, created_at, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            participant_id,
            answer_id,
            json.dumps(data["words"], ensure_ascii=False),
            json.dumps(data.get("kinds", [])),
            iso(now),
            json.dumps(detail, ensure_ascii=False),
        ),
    )
    flag_id = cursor.lastrowid
    assert flag_id is not None
    addresses = organisers_of(db, data["channel"], participant_id) | set(data.get("organisers", []))
    tell_organisers(db, flag_id, participant_id, detail, sorted(addresses), now)


def organisers_of(db: sqlite3.Connection, channel: str, participant_id: int) -> set[str]:
    """Network organisers, and the organisers of the participant's own community (bot/organise/scope.py)."""
    found = db.execute(
        "SELECT o.address FROM organisers o WHERE o.channel = ? AND o.active = 1 AND (NOT EXISTS (SELECT 1 FROM"
        " organiser_communities c WHERE c.channel = o.channel AND c.address = o.address) OR EXISTS (SELECT 1 FROM"
        " organiser_communities c JOIN participants p ON p.community = c.community WHERE c.channel = o.channel"
        " AND c.address = o.address AND p.id = ?))",
        (channel, participant_id),
    )
    return {row[0] for row in found.fetchall()}


def tell_organisers(
    db: sqlite3.Connection,
    flag_id: int,
    participant_id: int,
    detail: dict[str, Any],
    addresses: list[str],
    now: datetime,
) -> None:
    """Queue the flag to these organisers, each in their own language; with none, it waits (`told_at` empty)."""
    # Rendered here, in the organiser package, so the store does not need to know organiser words.
    from bot.organise.flag_text import flag_message

    for address in addresses:
        language = organiser_language_of(db, detail["channel"], address)
        # Tied to the participant it is about (not the organiser it goes to), so their /forget removes it too.
        message = flag_message(flag_id, detail, language)
        if detail.get("attach"):  # a voice note's flag carries the recording itself (bot/jobs/runners.py)
            message = replace(message, data={**message.data, **detail["attach"]})
        enqueue(db, [Addressed(detail["channel"], address, participant_id, message)], now)
    if addresses:
        db.execute("UPDATE safeguarding_flags SET told_at = ? WHERE id = ?", (iso(now), flag_id))


def tell_waiting_flags(db: sqlite3.Connection, channel: str, addresses: list[str], now: datetime) -> int:
    """Flags raised while no organiser of this channel existed, sent now to these organisers; how many."""
    rows = db.execute(
        "SELECT f.id, f.participant_id, f.detail FROM safeguarding_flags f JOIN participants p"
        " ON p.id = f.participant_id WHERE f.told_at IS NULL AND f.handled_at IS NULL AND p.channel = ? ORDER BY f.id",
        (channel,),
    ).fetchall()
    told = 0
    for flag_id, participant_id, detail in rows:
        # Only to those of the added organisers who may see this participant's community (bot/organise/scope.py).
        allowed = sorted(set(addresses) & organisers_of(db, channel, participant_id))
        if allowed:
            tell_organisers(db, flag_id, participant_id, {**json.loads(detail), "channel": channel}, allowed, now)
            told += 1
    return told


def flag(db: sqlite3.Connection, flag_id: int) -> dict[str, Any] | None:
    row = db.execute(
        "SELECT f.*, p.pseudonym, p.channel, p.address, p.language FROM safeguarding_flags f"
        " JOIN participants p ON p.id = f.participant_id WHERE f.id = ?",
        (flag_id,),
    ).fetchone()
    return dict(row) if row else None


def handle_flag(flag_id: int, by: str, now: datetime) -> Write:
    def write(db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE safeguarding_flags SET handled_by = ?, handled_at = ? WHERE id = ? AND handled_by IS NULL",
            (by, iso(now), flag_id),
        )

    return write


def message_to_participant(participant_id: int, channel: str, address: str, message: Outgoing, now: datetime) -> Write:
    def write(db: sqlite3.Connection) -> None:
        enqueue(db, [Addressed(channel, address, participant_id, message)], now)

    return write


def flag_list(
    db: sqlite3.Connection, *, open_only: bool, limit: int, communities: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """The flags; of a community organiser's communities only (bot/organise/scope.py)."""
    where = "f.handled_at IS NULL" if open_only else "f.handled_at IS NOT NULL"
    order = "f.id" if open_only else "f.handled_at DESC"
    mine = f" AND p.community IN ({', '.join('?' for _ in communities)})" if communities is not None else ""
    rows = db.execute(
        f"SELECT f.id, f.words, f.created_at, f.handled_at, f.handled_by, f.told_at, f.detail, p.pseudonym"
        f" FROM safeguarding_flags f JOIN participants p ON p.id = f.participant_id WHERE {where}{mine}"
        f" ORDER BY {order} LIMIT ?",
        (*sorted(communities or ()), limit),
    )
    return [dict(row) for row in rows]


def what_was_done(db: sqlite3.Connection, flag_ids: list[int]) -> dict[int, str]:
    """The last organiser action on each flag (the log holds the flag's number, never a pseudonym)."""
    found: dict[int, str] = {}
    for action, detail in db.execute(
        "SELECT action, detail FROM organiser_actions WHERE action IN ('safeguarding-care', 'safeguarding-handled')"
        " ORDER BY id"
    ):
        flag = json.loads(detail).get("flag")
        if flag in flag_ids:
            found[flag] = action
    return found


def flagged_participant(db: sqlite3.Connection, answer_id: int) -> tuple[int, str, str] | None:
    """(participant id, pseudonym, channel) of a flagged answer; None when the answer carries no flag."""
    if db.execute("SELECT 1 FROM safeguarding_flags WHERE answer_id = ?", (answer_id,)).fetchone() is None:
        return None
    row = db.execute(
        "SELECT p.id, p.pseudonym, p.channel FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.id = ?",
        (answer_id,),
    ).fetchone()
    return (int(row[0]), str(row[1]), str(row[2])) if row else None
