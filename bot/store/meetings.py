"""Meetings and their invitations: who was invited, who answered what (migration 5 made the tables)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.store.connection import iso, parse_iso
from bot.store.followup_rows import ENROLLED, Recipient, cancel_pending


def meeting(db: sqlite3.Connection, meeting_id: str) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)).fetchone()
    return dict(row) if row else None


def save_meeting(
    db: sqlite3.Connection,
    meeting_id: str,
    community: str,
    starts: datetime,
    ends: datetime,
    fingerprint: str,
    cancelled: bool,
    now: datetime,
) -> None:
    db.execute(
        "INSERT INTO meetings (id, community, starts_at, ends_at, fingerprint, cancelled, first_seen, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET community = excluded.community,"
        " starts_at = excluded.starts_at, ends_at = excluded.ends_at, fingerprint = excluded.fingerprint,"
        " cancelled = excluded.cancelled, updated_at = excluded.updated_at",
        (meeting_id, community, iso(starts), iso(ends), fingerprint, int(cancelled), iso(now), iso(now)),
    )


def uninvited(db: sqlite3.Connection, meeting_id: str, community: str) -> list[tuple[Recipient, datetime | None]]:
    """Enrolled participants of the community not invited to the meeting yet (late joiners too), with when they
    agreed to take part."""
    rows = db.execute(
        f"SELECT p.id, p.channel, p.address, p.consent_at FROM participants p WHERE p.community = ? AND {ENROLLED}"
        " AND NOT EXISTS (SELECT 1 FROM meeting_invites i WHERE i.meeting = ? AND i.participant_id = p.id)"
        " ORDER BY p.id",
        (community, meeting_id),
    )
    return [(Recipient(row[0], row[1], row[2]), parse_iso(row[3])) for row in rows]


def invite(db: sqlite3.Connection, meeting_id: str, recipients: Sequence[Recipient], now: datetime) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO meeting_invites (meeting, participant_id, invited_at) VALUES (?, ?, ?)",
        [(meeting_id, recipient.participant_id, iso(now)) for recipient in recipients],
    )


def invited(db: sqlite3.Connection, meeting_id: str) -> list[tuple[Recipient, str | None]]:
    """Everyone whose invitation went out (or who answered it), with their RSVP (None before they answered). An
    invitation still waiting to go (its moment, quiet hours, a pause) shows the meeting as it is when it is sent:
    no news needed."""
    rows = db.execute(
        "SELECT p.id, p.channel, p.address, i.rsvp FROM meeting_invites i JOIN participants p"
        " ON p.id = i.participant_id WHERE i.meeting = ? AND (i.rsvp IS NOT NULL OR NOT EXISTS (SELECT 1 FROM"
        " outbox o WHERE o.participant_id = i.participant_id AND o.kind = 'meeting_invite'"
        " AND o.status IN ('pending', 'sending') AND json_extract(o.payload, '$.meeting') = i.meeting)) ORDER BY p.id",
        (meeting_id,),
    )
    return [(Recipient(row[0], row[1], row[2]), row[3]) for row in rows]


def rsvp_of(db: sqlite3.Connection, meeting_id: str, participant_id: int | None) -> str | None:
    if participant_id is None:
        return None
    row = db.execute(
        "SELECT rsvp FROM meeting_invites WHERE meeting = ? AND participant_id = ?", (meeting_id, participant_id)
    ).fetchone()
    return row[0] if row else None


def rsvp_counts(db: sqlite3.Connection, meeting_id: str) -> dict[str, int]:
    rows = db.execute(
        "SELECT COALESCE(rsvp, 'none'), COUNT(*) FROM meeting_invites WHERE meeting = ? GROUP BY 1", (meeting_id,)
    )
    return {row[0]: row[1] for row in rows}


def write_rsvp(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """An RSVP replaces the previous one; a reminder for the earlier answer is cancelled (a new one comes with it)."""
    db.execute(
        "INSERT INTO meeting_invites (meeting, participant_id, rsvp, invited_at, answered_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting, participant_id) DO UPDATE SET rsvp = excluded.rsvp, answered_at = excluded.answered_at",
        (data["meeting"], participant_id, data["rsvp"], iso(now), iso(now)),
    )
    cancel_pending(db, ["meeting_reminder"], key="meeting", value=data["meeting"], participant_id=participant_id)


def retime_invitations(db: sqlite3.Connection, meeting_id: str, due: datetime, now: datetime) -> int:
    """A meeting moved: invitations still waiting go at the new moment (never after the meeting has begun)."""
    return db.execute(
        "UPDATE outbox SET due_at = ? WHERE kind = 'meeting_invite' AND status = 'pending'"
        " AND json_extract(payload, '$.meeting') = ?",
        (iso(max(due, now)), meeting_id),
    ).rowcount
