"""Walks in the store: group walks led by a volunteer, who walks along, and what the engine needs to know of them.

A walk alone lives in the participant's own feature state; a group walk is shared, so it has its own rows. The
writers below run inside the transaction of the event that caused them (`Result.records`), or inside the group
chat's own transaction (`bot/features/walks/group_chat.py`), so a group's stop, its members' cards and the answer that moved it
commit together or not at all.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.engine.walk_groups import GroupWalk, Member
from bot.store.connection import iso, parse_iso
from bot.store.outbox_rows import Addressed, enqueue
from bot.store.records import writer

# Group walks untouched this long are deleted with their members when the next one starts.
KEEP_IDLE = timedelta(days=7)


# -- reading ---------------------------------------------------------------------------------------------------
def group_by_code(db: sqlite3.Connection, code: str) -> GroupWalk | None:
    row = db.execute("SELECT * FROM walk_groups WHERE code = ?", (code,)).fetchone()
    return _group_view(db, row) if row else None


def open_group_in_chat(db: sqlite3.Connection, channel: str, chat: str) -> GroupWalk | None:
    row = db.execute(
        "SELECT * FROM walk_groups WHERE channel = ? AND chat = ? AND status = 'open' ORDER BY id DESC LIMIT 1",
        (channel, chat),
    ).fetchone()
    return _group_view(db, row) if row else None


def group_led_from(db: sqlite3.Connection, channel: str, address: str) -> GroupWalk | None:
    """The open group walk a volunteer leads from their own private chat, so `/walks` can bring its buttons back."""
    row = db.execute(
        "SELECT * FROM walk_groups WHERE channel = ? AND chat = ? AND volunteer = ? AND status = 'open'"
        " ORDER BY id DESC LIMIT 1",
        (channel, address, address),
    ).fetchone()
    return _group_view(db, row) if row else None


def _group_view(db: sqlite3.Connection, row: sqlite3.Row) -> GroupWalk:
    """The group with its members, and whether each answered at the current stop (for the volunteer's count)."""
    member_rows = db.execute(
        "SELECT m.address, m.participant_id, m.name, p.language, p.stage, p.active FROM walk_members m"
        " LEFT JOIN participants p ON p.id = m.participant_id WHERE m.group_id = ? ORDER BY m.joined_at, m.address",
        (row["id"],),
    ).fetchall()
    answered: set[int] = set()
    if row["stop"] >= 0 and row["stop_at"]:
        found = db.execute(
            "SELECT DISTINCT a.participant_id FROM answers a JOIN walk_members m ON m.participant_id = a.participant_id"
            " WHERE m.group_id = ? AND a.conversation = ? AND a.walk_stop IS NOT NULL AND a.created_at >= ?",
            (row["id"], row["walk"], row["stop_at"]),
        )
        answered = {r[0] for r in found.fetchall()}
    members = tuple(
        Member(
            address=r["address"],
            participant_id=r["participant_id"],
            name=r["name"],
            language=r["language"],
            ready=r["participant_id"] is not None and r["stage"] == "ready" and bool(r["active"]),
            answered=r["participant_id"] in answered,
        )
        for r in member_rows
    )
    return GroupWalk(
        id=row["id"],
        code=row["code"],
        walk=row["walk"],
        channel=row["channel"],
        chat=row["chat"],
        volunteer=row["volunteer"],
        language=row["language"],
        stop=row["stop"],
        status=row["status"],
        ended_at=parse_iso(row["updated_at"]) if row["status"] == "ended" else None,
        members=members,
    )


def membership(db: sqlite3.Connection, participant_id: int) -> dict[str, Any] | None:
    """The group walk this participant walks along with and has not finished: its walk, stop and their progress."""
    row = db.execute(
        "SELECT g.code, g.walk, g.stop, g.status, g.updated_at, m.reflection FROM walk_members m"
        " JOIN walk_groups g ON g.id = m.group_id WHERE m.participant_id = ? AND m.finished_at IS NULL"
        " ORDER BY m.joined_at DESC LIMIT 1",
        (participant_id,),
    ).fetchone()
    if row is None:
        return None
    return {
        "code": row["code"],
        "walk": row["walk"],
        "stop": row["stop"],
        "status": row["status"],
        "ended_at": parse_iso(row["updated_at"]) if row["status"] == "ended" else None,
        "reflection": row["reflection"],
    }


def invitation(db: sqlite3.Connection, channel: str, address: str) -> str | None:
    """The open group walk someone asked to join in a group chat before they had opened the bot (or finished
    starting): their name is kept until they join from their private chat."""
    row = db.execute(
        "SELECT g.code FROM walk_members m JOIN walk_groups g ON g.id = m.group_id WHERE m.channel = ?"
        " AND m.address = ? AND m.name IS NOT NULL AND g.status = 'open' ORDER BY m.joined_at DESC LIMIT 1",
        (channel, address),
    ).fetchone()
    return row[0] if row else None


def follow_up_sent(db: sqlite3.Connection, participant_id: int) -> dict[str, Any] | None:
    """The last walk follow-up delivered to this participant that they have not answered yet."""
    row = db.execute(
        "SELECT payload, sent_at FROM outbox WHERE participant_id = ? AND kind = 'walk_followup' AND status = 'sent'"
        " ORDER BY sent_at DESC LIMIT 1",
        (participant_id,),
    ).fetchone()
    if row is None or not row["sent_at"]:
        return None
    walk = json.loads(row["payload"] or "{}").get("walk")
    if not walk:
        return None
    answered = db.execute(
        "SELECT 1 FROM answers WHERE participant_id = ? AND conversation = ? AND prompt_id = 'follow-up'"
        " AND created_at >= ? LIMIT 1",
        (participant_id, walk, row["sent_at"]),
    ).fetchone()
    if answered is not None:
        return None
    return {"walk": walk, "sent_at": parse_iso(row["sent_at"])}


# -- writing (inside a transaction) ----------------------------------------------------------------------------
def create_group(db: sqlite3.Connection, group: GroupWalk, now: datetime) -> None:
    # Group walks untouched for a week go when a new one starts (ended, or left open by a volunteer who went):
    # the volunteer's address and the names of those who never opened the bot are not kept for long.
    db.execute("DELETE FROM walk_groups WHERE updated_at < ?", (iso(now - KEEP_IDLE),))
    db.execute(
        "INSERT INTO walk_groups (code, walk, channel, chat, volunteer, language, stop, status, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, -1, 'open', ?, ?)",
        (group.code, group.walk, group.channel, group.chat, group.volunteer, group.language, iso(now), iso(now)),
    )


def update_group(db: sqlite3.Connection, code: str, stop: int, status: str, now: datetime) -> None:
    db.execute(
        "UPDATE walk_groups SET stop = ?, stop_at = ?, status = ?, updated_at = ? WHERE code = ?",
        (stop, iso(now), status, iso(now), code),
    )
    if status == "ended":
        # Someone who never opened the bot leaves nothing behind once the walk is over; no name is kept.
        db.execute(
            "DELETE FROM walk_members WHERE participant_id IS NULL AND group_id = (SELECT id FROM walk_groups"
            " WHERE code = ?)",
            (code,),
        )
        db.execute(
            "UPDATE walk_members SET name = NULL WHERE group_id = (SELECT id FROM walk_groups WHERE code = ?)", (code,)
        )


def join_group(
    db: sqlite3.Connection,
    code: str,
    channel: str,
    address: str,
    participant_id: int | None,
    name: str | None,
    now: datetime,
) -> None:
    """Add a walker. `name` only for someone who asked in the group chat before they could be written to; joining
    from their private chat forgets it."""
    row = db.execute("SELECT id FROM walk_groups WHERE code = ?", (code,)).fetchone()
    if row is None:
        return
    if participant_id is not None:
        # One group walk at a time: joining another finishes the earlier one.
        db.execute(
            "UPDATE walk_members SET finished_at = ? WHERE participant_id = ? AND group_id != ? AND finished_at IS NULL",
            (iso(now), participant_id, row[0]),
        )
    db.execute(
        "INSERT INTO walk_members (group_id, channel, address, participant_id, name, joined_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, channel, address) DO UPDATE SET"
        " participant_id = COALESCE(excluded.participant_id, participant_id), name = excluded.name,"
        " finished_at = NULL",
        (row[0], channel, address, participant_id, name, iso(now)),
    )


def member_progress(
    db: sqlite3.Connection, participant_id: int, code: str, reflection: int, finished: bool, now: datetime
) -> None:
    db.execute(
        "UPDATE walk_members SET reflection = ?, finished_at = ? WHERE participant_id = ?"
        " AND group_id = (SELECT id FROM walk_groups WHERE code = ?)",
        (reflection, iso(now) if finished else None, participant_id, code),
    )


def outgoing_from(data: dict[str, Any]) -> Outgoing:
    return Outgoing(
        text=data.get("text", ""),
        kind=data.get("kind", "reply"),
        scheduled=bool(data.get("scheduled")),
        due_at=parse_iso(data.get("due_at")),
        data=data.get("data", {}),
    )


def outgoing_data(message: Outgoing) -> dict[str, Any]:
    """An `Outgoing` as JSON-safe data, to travel in a `Record` to the writer that enqueues it."""
    if message.buttons or message.document or message.menu_language:
        raise ValueError("messages to other walkers carry no buttons or files: they are rendered when sent")
    return {
        "text": message.text,
        "kind": message.kind,
        "scheduled": message.scheduled,
        "due_at": iso(message.due_at) if message.due_at else None,
        "data": message.data,
    }


# -- writers for `Result.records` ------------------------------------------------------------------------------
@writer("walk_group_create")
def _write_create(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    group = GroupWalk(
        id=None,
        code=data["code"],
        walk=data["walk"],
        channel=data["channel"],
        chat=data["chat"],
        volunteer=data["volunteer"],
        language=data["language"],
    )
    create_group(db, group, now)


@writer("walk_group_update")
def _write_update(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    update_group(db, data["code"], data["stop"], data["status"], now)


@writer("walk_join")
def _write_join(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    join_group(db, data["code"], data["channel"], data["address"], participant_id, None, now)


@writer("walk_member")
def _write_member(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    member_progress(db, participant_id, data["code"], data["reflection"], data["finished"], now)


@writer("walk_outbox")
def _write_outbox(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    rows = data["rows"]
    enqueue(
        db,
        [
            Addressed(row["channel"], row["address"], row.get("participant_id"), outgoing_from(row["message"]))
            for row in rows
        ],
        now,
    )
