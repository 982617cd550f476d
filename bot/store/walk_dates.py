"""Group walks on dates (migration 12): organisers put a walk on a date, volunteers sign up to lead it, the
community's newcomers are invited and answer yes, maybe or no. Plain functions in the database thread."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from bot.store.connection import iso, parse_iso
from bot.store.outbox_rows import OUTBOX_INSERT, OUTBOX_VALUES, outbox_values
from bot.store.records import writer

ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL AND p.active = 1"
CALL, INVITE = "walk_date_call", "walk_date_invite"  # outbox kinds, rendered when sent


def _fan_out(db: sqlite3.Connection, walk_date: int, community: str, role: str, kind: str, now: datetime) -> int:
    """A scheduled, rendered-when-sent message to every enrolled participant of the community with this role who
    was not asked before; each is marked, so someone who joins later is asked once (`catch_up`)."""
    rows = db.execute(
        f"SELECT p.id, p.channel, p.address FROM participants p WHERE p.community = ? AND p.role = ? AND {ENROLLED}"
        " AND NOT EXISTS (SELECT 1 FROM followup_marks m WHERE m.participant_id = p.id AND m.kind = ? AND m.key = ?)"
        " AND NOT EXISTS (SELECT 1 FROM walk_date_people w WHERE w.participant_id = p.id AND w.walk_date = ?)",
        (community, role, kind, str(walk_date), walk_date),
    ).fetchall()
    values = [outbox_values(r[0], r[1], r[2], kind, {"text": "", "walk_date": walk_date}, now, True, now) for r in rows]
    db.executemany(OUTBOX_INSERT + OUTBOX_VALUES, values)
    db.executemany(
        "INSERT OR IGNORE INTO followup_marks (participant_id, kind, key, state, at) VALUES (?, ?, ?, 'asked', ?)",
        [(r[0], kind, str(walk_date), iso(now)) for r in rows],
    )
    return len(values)


def catch_up(db: sqlite3.Connection, now: datetime) -> int:
    """People who joined after a walk date was put on the calendar: while nobody leads it, a new volunteer is asked
    to; once someone does, a new newcomer is invited. Each once, and only for walk dates still to come."""
    told = 0
    for walk_date, community in db.execute(
        "SELECT id, community FROM walk_dates WHERE status = 'open' AND starts_at > ?", (iso(now),)
    ).fetchall():
        led = db.execute(
            "SELECT 1 FROM walk_date_people WHERE walk_date = ? AND part = 'lead' LIMIT 1", (walk_date,)
        ).fetchone()
        role, kind = ("newcomer", INVITE) if led else ("volunteer", CALL)
        told += _fan_out(db, walk_date, community, role, kind, now)
    return told


def add(db: sqlite3.Connection, walk: str, community: str, starts: datetime, by: str, now: datetime) -> int:
    """Put a walk on a date and ask the community's volunteers who will lead it."""
    cursor = db.execute(
        "INSERT INTO walk_dates (walk, community, starts_at, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        (walk, community, iso(starts), by, iso(now)),
    )
    walk_date = cursor.lastrowid
    assert walk_date is not None
    _fan_out(db, walk_date, community, "volunteer", CALL, now)
    return walk_date


def get(db: sqlite3.Connection, walk_date: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM walk_dates WHERE id = ?", (walk_date,)).fetchone()
    if row is None:
        return None
    found = dict(row)
    found["starts_at"] = parse_iso(found["starts_at"])
    return found


def upcoming(db: sqlite3.Connection, communities: frozenset[str] | None, now: datetime) -> list[dict[str, Any]]:
    """Walk dates still to come (of these communities; all for None), soonest first, with who leads and who comes."""
    sql = "SELECT * FROM walk_dates WHERE status = 'open' AND starts_at > ?"
    params: list[Any] = [iso(now)]
    if communities is not None:
        sql += f" AND community IN ({', '.join('?' for _ in communities)})"
        params += sorted(communities)
    found = []
    for row in db.execute(sql + " ORDER BY starts_at", params).fetchall():
        entry = dict(row)
        entry["starts_at"] = parse_iso(entry["starts_at"])
        people = db.execute(
            "SELECT w.part, w.rsvp, p.pseudonym FROM walk_date_people w JOIN participants p ON p.id = w.participant_id"
            " WHERE w.walk_date = ? ORDER BY w.at",
            (entry["id"],),
        ).fetchall()
        entry["leaders"] = [r[2] for r in people if r[0] == "lead"]
        entry["rsvp"] = {answer: [r[2] for r in people if r[0] == "walker" and r[1] == answer] for answer in RSVP}
        found.append(entry)
    return found


def part_of(db: sqlite3.Connection, walk_date: int, participant_id: int) -> dict[str, str | None]:
    rows = db.execute(
        "SELECT part, rsvp FROM walk_date_people WHERE walk_date = ? AND participant_id = ?",
        (walk_date, participant_id),
    ).fetchall()
    return {row[0]: row[1] for row in rows}


RSVP = ("yes", "maybe", "no")


@writer("walk_date_lead")
def write_lead(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """A volunteer leads the walk; with the first leader the walk will happen, so the newcomers are invited."""
    walk_date = int(data["walk_date"])
    leaders = db.execute(
        "SELECT COUNT(*) FROM walk_date_people WHERE walk_date = ? AND part = 'lead'", (walk_date,)
    ).fetchone()[0]
    db.execute(
        "INSERT OR IGNORE INTO walk_date_people (walk_date, participant_id, part, at) VALUES (?, ?, 'lead', ?)",
        (walk_date, participant_id, iso(now)),
    )
    if leaders == 0:
        community = db.execute("SELECT community FROM walk_dates WHERE id = ?", (walk_date,)).fetchone()[0]
        _fan_out(db, walk_date, community, "newcomer", INVITE, now)


@writer("walk_date_rsvp")
def write_rsvp(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    db.execute(
        "INSERT INTO walk_date_people (walk_date, participant_id, part, rsvp, at) VALUES (?, ?, 'walker', ?, ?)"
        " ON CONFLICT (walk_date, participant_id, part) DO UPDATE SET rsvp = excluded.rsvp, at = excluded.at",
        (int(data["walk_date"]), participant_id, data["rsvp"], iso(now)),
    )


def sign_ups_of(db: sqlite3.Connection, participant_id: int) -> list[dict[str, Any]]:
    """For /mydata: the walk dates someone leads or answered, soonest first."""
    rows = db.execute(
        "SELECT d.walk, d.starts_at, d.status, w.part, w.rsvp, w.at FROM walk_date_people w"
        " JOIN walk_dates d ON d.id = w.walk_date WHERE w.participant_id = ? ORDER BY d.starts_at, w.part",
        (participant_id,),
    ).fetchall()
    keys = ("walk", "starts_at", "walk_status", "part", "rsvp", "at")
    return [dict(zip(keys, tuple(row), strict=True)) for row in rows]


def cancel(db: sqlite3.Connection, walk_date: int) -> None:
    db.execute("UPDATE walk_dates SET status = 'cancelled' WHERE id = ?", (walk_date,))
    db.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE kind IN (?, ?) AND status = 'pending'"
        " AND json_extract(payload, '$.walk_date') = ?",
        (CALL, INVITE, walk_date),
    )


__all__ = ["CALL", "INVITE", "RSVP", "add", "cancel", "catch_up", "get", "part_of", "sign_ups_of", "upcoming"]
