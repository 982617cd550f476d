"""What follow-ups read and write: meetings and their invitations, ideas and their status history, minority-round
marks, and the scheduled outbox rows that carry them. Migration 5 made the tables.

Fan-outs (an invitation to a whole community, a status change to everyone who answered a theme) are written with
`executemany` in one transaction, so a meeting with thousands of participants is one short write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.engine.outgoing import Outgoing
from bot.store.connection import iso, parse_iso
from bot.store.outbox_rows import Addressed
from bot.store.records import writer
from bot.store.sqlite import Store

# Participants who count: they agreed to a consent text and finished onboarding (as in bot/store/organise.py).
ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL"


@dataclass(frozen=True)
class Recipient:
    participant_id: int
    channel: str
    address: str


@dataclass(frozen=True)
class NewRow:
    """A follow-up outbox row, rendered when it is sent (the payload holds ids, not text)."""

    recipient: Recipient
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    scheduled: bool = True

    @property
    def addressed(self) -> Addressed:
        """For `bot.store.outbox_rows.enqueue`: the payload holds ids, its text is rendered when it is sent."""
        message = Outgoing("", kind=self.kind, due_at=self.due_at, scheduled=self.scheduled, data=self.payload)
        return Addressed(self.recipient.channel, self.recipient.address, self.recipient.participant_id, message)


def cancel_pending(
    db: sqlite3.Connection,
    kinds: Sequence[str],
    *,
    key: str,
    value: str,
    participant_id: int | None = None,
    status: str = "cancelled",
) -> int:
    """Cancel pending rows of these kinds whose payload `key` is `value` (a meeting's reminders, an idea's news)."""
    marks = ", ".join("?" for _ in kinds)
    sql = (
        f"UPDATE outbox SET status = ? WHERE kind IN ({marks}) AND status = 'pending'"
        f" AND json_extract(payload, '$.{key}') = ?"
    )
    params: list[Any] = [status, *kinds, value]
    if participant_id is not None:
        sql += " AND participant_id = ?"
        params.append(participant_id)
    return db.execute(sql, params).rowcount


# -- meetings --------------------------------------------------------------------------------------------------------
async def meeting(store: Store, meeting_id: str) -> dict[str, Any] | None:
    async with store.db.execute("SELECT * FROM meetings WHERE id = ?", (meeting_id,)) as cursor:
        row = await cursor.fetchone()
    return dict(row) if row else None


async def save_meeting(
    db: aiosqlite.Connection,
    meeting_id: str,
    community: str,
    starts: datetime,
    ends: datetime,
    fingerprint: str,
    cancelled: bool,
    now: datetime,
) -> None:
    await db.execute(
        "INSERT INTO meetings (id, community, starts_at, ends_at, fingerprint, cancelled, first_seen, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET community = excluded.community,"
        " starts_at = excluded.starts_at, ends_at = excluded.ends_at, fingerprint = excluded.fingerprint,"
        " cancelled = excluded.cancelled, updated_at = excluded.updated_at",
        (meeting_id, community, iso(starts), iso(ends), fingerprint, int(cancelled), iso(now), iso(now)),
    )


async def uninvited(store: Store, meeting_id: str, community: str) -> list[tuple[Recipient, datetime | None]]:
    """Enrolled participants of the community not invited to the meeting yet (late joiners too), with when they
    agreed to take part."""
    async with store.db.execute(
        f"SELECT p.id, p.channel, p.address, p.consent_at FROM participants p WHERE p.community = ? AND {ENROLLED}"
        " AND NOT EXISTS (SELECT 1 FROM meeting_invites i WHERE i.meeting = ? AND i.participant_id = p.id)"
        " ORDER BY p.id",
        (community, meeting_id),
    ) as cursor:
        return [(Recipient(row[0], row[1], row[2]), parse_iso(row[3])) for row in await cursor.fetchall()]


async def invite(db: aiosqlite.Connection, meeting_id: str, recipients: Sequence[Recipient], now: datetime) -> None:
    await db.executemany(
        "INSERT OR IGNORE INTO meeting_invites (meeting, participant_id, invited_at) VALUES (?, ?, ?)",
        [(meeting_id, recipient.participant_id, iso(now)) for recipient in recipients],
    )


async def invited(db: aiosqlite.Connection, meeting_id: str) -> list[tuple[Recipient, str | None]]:
    """Everyone whose invitation went out (or who answered it), with their RSVP (None before they answered). An
    invitation still waiting to go (its moment, quiet hours, a pause) shows the meeting as it is when it is sent:
    no news needed."""
    async with db.execute(
        "SELECT p.id, p.channel, p.address, i.rsvp FROM meeting_invites i JOIN participants p"
        " ON p.id = i.participant_id WHERE i.meeting = ? AND (i.rsvp IS NOT NULL OR NOT EXISTS (SELECT 1 FROM"
        " outbox o WHERE o.participant_id = i.participant_id AND o.kind = 'meeting_invite'"
        " AND o.status IN ('pending', 'sending') AND json_extract(o.payload, '$.meeting') = i.meeting)) ORDER BY p.id",
        (meeting_id,),
    ) as cursor:
        return [(Recipient(row[0], row[1], row[2]), row[3]) for row in await cursor.fetchall()]


async def rsvp_of(store: Store, meeting_id: str, participant_id: int | None) -> str | None:
    if participant_id is None:
        return None
    row = await store.fetch_one(
        "SELECT rsvp FROM meeting_invites WHERE meeting = ? AND participant_id = ?", (meeting_id, participant_id)
    )
    return row[0] if row else None


async def rsvp_counts(store: Store, meeting_id: str) -> dict[str, int]:
    async with store.db.execute(
        "SELECT COALESCE(rsvp, 'none'), COUNT(*) FROM meeting_invites WHERE meeting = ? GROUP BY 1", (meeting_id,)
    ) as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


@writer("rsvp")
def write_rsvp(db: sqlite3.Connection, participant_id: int, data: dict[str, Any], now: datetime) -> None:
    """An RSVP replaces the previous one; a reminder for the earlier answer is cancelled (a new one comes with it)."""
    db.execute(
        "INSERT INTO meeting_invites (meeting, participant_id, rsvp, invited_at, answered_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (meeting, participant_id) DO UPDATE SET rsvp = excluded.rsvp, answered_at = excluded.answered_at",
        (data["meeting"], participant_id, data["rsvp"], iso(now), iso(now)),
    )
    cancel_pending(db, ["meeting_reminder"], key="meeting", value=data["meeting"], participant_id=participant_id)


# -- ideas -----------------------------------------------------------------------------------------------------------
def _idea(row: aiosqlite.Row) -> dict[str, Any]:
    record = dict(row)
    record["text"] = json.loads(record["text"])
    record["reason"] = json.loads(record["reason"]) if record["reason"] else None
    return record


async def idea(store: Store, idea_id: str) -> dict[str, Any] | None:
    async with store.db.execute("SELECT * FROM ideas WHERE id = ?", (idea_id,)) as cursor:
        row = await cursor.fetchone()
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


async def idea_count(store: Store) -> int:
    async with store.db.execute("SELECT COUNT(*) FROM ideas") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def insert_idea(
    db: aiosqlite.Connection,
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
    await db.execute(
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


async def update_idea_text(db: aiosqlite.Connection, idea_id: str, theme: str, text: dict[str, str]) -> None:
    await db.execute(
        "UPDATE ideas SET theme = ?, text = ? WHERE id = ?", (theme, json.dumps(text, ensure_ascii=False), idea_id)
    )


async def set_file_status(db: aiosqlite.Connection, idea_id: str, file_status: str) -> None:
    await db.execute("UPDATE ideas SET file_status = ? WHERE id = ?", (file_status, idea_id))


async def set_status(
    db: aiosqlite.Connection,
    idea_id: str,
    status: str,
    reason: dict[str, str] | None,
    by: str,
    announce_at: datetime,
    now: datetime,
) -> None:
    """A new status, and news of it waiting to be told from `announce_at` on (when the meeting is over)."""
    encoded = json.dumps(reason, ensure_ascii=False) if reason else None
    await db.execute(
        "UPDATE ideas SET status = ?, reason = ?, status_at = ?, flagged_at = NULL WHERE id = ?",
        (status, encoded, iso(now), idea_id),
    )
    await db.execute(
        "INSERT INTO idea_history (idea, status, reason, changed_by, changed_at, announce_at) VALUES (?, ?, ?, ?, ?, ?)",
        (idea_id, status, encoded, by, iso(now), iso(announce_at)),
    )


async def news_due(db: aiosqlite.Connection, now: datetime, idea_id: str | None = None) -> list[dict[str, Any]]:
    """Status changes whose moment has come and that nobody has been told about yet, oldest first."""
    sql = (
        "SELECT h.id, h.idea, h.status, h.reason, i.community, i.theme FROM idea_history h JOIN ideas i"
        " ON i.id = h.idea WHERE h.announced_at IS NULL AND h.announce_at <= ?"
    )
    params: list[Any] = [iso(now)]
    if idea_id is not None:
        sql += " AND h.idea = ?"
        params.append(idea_id)
    async with db.execute(sql + " ORDER BY h.id", params) as cursor:
        rows = [dict(row) for row in await cursor.fetchall()]
    for row in rows:
        row["reason"] = json.loads(row["reason"]) if row["reason"] else None
    return rows


async def announced(db: aiosqlite.Connection, history_id: int, recipients: int, now: datetime) -> None:
    await db.execute(
        "UPDATE idea_history SET announced_at = ?, recipients = ? WHERE id = ?", (iso(now), recipients, history_id)
    )


async def history(store: Store, idea_id: str) -> list[dict[str, Any]]:
    async with store.db.execute(
        "SELECT status, reason, changed_by, changed_at, announce_at, announced_at, recipients FROM idea_history"
        " WHERE idea = ? ORDER BY id",
        (idea_id,),
    ) as cursor:
        return [dict(row) for row in await cursor.fetchall()]


async def theme_answerers(db: aiosqlite.Connection, prompts: Sequence[tuple[str, str]]) -> list[Recipient]:
    """Everyone who answered (not skipped) one of these prompts: they hear what became of ideas on that theme."""
    if not prompts:
        return []
    pairs = ", ".join("(?, ?)" for _ in prompts)
    async with db.execute(
        f"SELECT DISTINCT p.id, p.channel, p.address FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE (a.conversation, a.prompt_id) IN (VALUES {pairs}) AND a.answer_type != 'skipped' AND {ENROLLED}"
        " ORDER BY p.id",
        [part for pair in prompts for part in pair],
    ) as cursor:
        return [Recipient(row[0], row[1], row[2]) for row in await cursor.fetchall()]


async def forgotten_ideas(store: Store, before: datetime, final: Iterable[str]) -> list[dict[str, Any]]:
    """Ideas whose status has not changed since `before`, and that were not flagged since then either."""
    finals = list(final)
    marks = ", ".join("?" for _ in finals)
    async with store.db.execute(
        f"SELECT * FROM ideas WHERE status NOT IN ({marks}) AND status_at < ?"
        " AND (flagged_at IS NULL OR flagged_at < ?) ORDER BY status_at",
        (*finals, iso(before), iso(before)),
    ) as cursor:
        return [_idea(row) for row in await cursor.fetchall()]


async def mark_flagged(db: aiosqlite.Connection, idea_id: str, now: datetime) -> None:
    await db.execute("UPDATE ideas SET flagged_at = ? WHERE id = ?", (iso(now), idea_id))


# -- the minority round ----------------------------------------------------------------------------------------------
async def latest_answer_id(store: Store, conversation: str, prompt_id: str) -> int:
    row = await store.fetch_one(
        "SELECT COALESCE(MAX(id), 0) FROM answers WHERE conversation = ? AND prompt_id = ?", (conversation, prompt_id)
    )
    return int(row[0]) if row else 0


async def choices(store: Store, conversation: str, prompt_id: str) -> list[tuple[Recipient, str]]:
    """Each enrolled participant's latest choice (option id, or scale value) on a prompt, minority answers aside."""
    async with store.db.execute(
        "SELECT p.id, p.channel, p.address, a.value FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.conversation = ? AND a.prompt_id = ? AND a.minority = 0 AND a.answer_type IN ('choice', 'scale')"
        f" AND {ENROLLED} ORDER BY a.id",
        (conversation, prompt_id),
    ) as cursor:
        found: dict[int, tuple[Recipient, str]] = {}
        for row in await cursor.fetchall():
            value = json.loads(row[3])
            chosen = value.get("option", value.get("value"))
            if chosen is not None:
                found[row[0]] = (Recipient(row[0], row[1], row[2]), str(chosen))
    return list(found.values())


async def marked(store: Store, kind: str, key: str) -> set[int]:
    async with store.db.execute(
        "SELECT participant_id FROM followup_marks WHERE kind = ? AND key = ?", (kind, key)
    ) as cursor:
        return {row[0] for row in await cursor.fetchall()}


def mark_many(
    db: sqlite3.Connection, kind: str, key: str, participant_ids: Iterable[int], state: str, now: datetime
) -> None:
    db.executemany(
        "INSERT INTO followup_marks (participant_id, kind, key, state, at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (participant_id, kind, key) DO UPDATE SET state = excluded.state, at = excluded.at",
        [(participant_id, kind, key, state, iso(now)) for participant_id in participant_ids],
    )


async def mark_of(store: Store, participant_id: int, kind: str, key: str) -> str | None:
    row = await store.fetch_one(
        "SELECT state FROM followup_marks WHERE participant_id = ? AND kind = ? AND key = ?",
        (participant_id, kind, key),
    )
    return row[0] if row else None


@writer("followup_mark")
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


async def next_news(store: Store) -> datetime | None:
    async with store.db.execute("SELECT MIN(announce_at) FROM idea_history WHERE announced_at IS NULL") as cursor:
        row = await cursor.fetchone()
    return parse_iso(row[0]) if row and row[0] else None


def retime_invitations(db: sqlite3.Connection, meeting_id: str, due: datetime, now: datetime) -> int:
    """A meeting moved: invitations still waiting go at the new moment (never after the meeting has begun)."""
    return db.execute(
        "UPDATE outbox SET due_at = ? WHERE kind = 'meeting_invite' AND status = 'pending'"
        " AND json_extract(payload, '$.meeting') = ?",
        (iso(max(due, now)), meeting_id),
    ).rowcount
