"""Moderation of free texts, voice notes and photos before they are quoted; and announcements to a community."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.store.connection import iso
from bot.store.organiser_messages import Write
from bot.store.outbox_rows import Addressed, enqueue

# Participants who count: they agreed to the current or an earlier consent text and finished onboarding.
ENROLLED = "p.stage = 'ready' AND p.consent_version IS NOT NULL"

# Free texts, and voice notes and photos (with their words) since they are kept and heard (bot/organise/media_cards.py).
FREE_TEXT = (
    "a.answer_type IN ('text', 'voice', 'photo') AND (json_extract(a.value, '$.text') IS NOT NULL"
    " OR json_extract(a.value, '$.voice') IS NOT NULL OR json_extract(a.value, '$.photo') IS NOT NULL)"
)


def in_communities(communities: frozenset[str] | None) -> tuple[str, tuple[str, ...]]:
    """A condition on `p.community` for a community organiser (none for a network organiser)."""
    if communities is None:
        return "", ()
    return f" AND p.community IN ({', '.join('?' for _ in communities)})", tuple(sorted(communities))


def pending_texts(db: sqlite3.Connection, communities: frozenset[str] | None = None) -> int:
    where, params = in_communities(communities)
    row = db.execute(
        "SELECT COUNT(*) FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.moderation = 'pending' AND {FREE_TEXT}{where}",
        params,
    ).fetchone()
    return int(row[0]) if row else 0


def next_pending_text(
    db: sqlite3.Connection, after_id: int = 0, exclude: int = 0, communities: frozenset[str] | None = None
) -> dict[str, Any] | None:
    """The oldest free text still waiting for an organiser after `after_id`, then from the start again (texts put
    off for later come round last); never `exclude`, the one just decided."""
    where, params = in_communities(communities)
    sql = (
        "SELECT a.id, a.conversation, a.prompt_id, a.value, a.minority, a.created_at, p.pseudonym, p.role,"
        " p.language FROM answers a JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.moderation = 'pending' AND {FREE_TEXT} AND a.id > ? AND a.id != ?{where} ORDER BY a.id LIMIT 1"
    )
    row = db.execute(sql, (after_id, exclude, *params)).fetchone()
    if row is None and after_id:
        return next_pending_text(db, 0, exclude, communities)
    if row is None:
        return None
    record = dict(row)
    record["text"] = json.loads(record.pop("value")).get("text", "")
    return record


def moderation_of(db: sqlite3.Connection, answer_id: int) -> str | None:
    row = db.execute("SELECT moderation FROM answers WHERE id = ?", (answer_id,)).fetchone()
    return row[0] if row else None


def set_moderation(answer_id: int, status: str) -> Write:
    def write(db: sqlite3.Connection) -> None:
        db.execute("UPDATE answers SET moderation = ? WHERE id = ?", (status, answer_id))

    return write


# -- announcements ---------------------------------------------------------------------------------------------------
def create_announcement(db: sqlite3.Connection, community: str, texts: dict[str, str], by: str, now: datetime) -> int:
    """A draft, inside the organiser action's transaction (with its audience and its log line)."""
    cursor = db.execute(
        "INSERT INTO announcements (community, texts, created_by, created_at) VALUES (?, ?, ?, ?)",
        (community, json.dumps(texts, ensure_ascii=False), by, iso(now)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def announcement(db: sqlite3.Connection, announcement_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM announcements WHERE id = ?", (announcement_id,)).fetchone()
    if row is None:
        return None
    record = dict(row)
    record["texts"] = json.loads(record["texts"])
    return record


def community_members(db: sqlite3.Connection, community: str) -> int:
    row = db.execute(
        f"SELECT COUNT(*) FROM participants p WHERE p.community = ? AND p.active = 1 AND {ENROLLED}", (community,)
    ).fetchone()
    return int(row[0]) if row else 0


def known_communities(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT DISTINCT community FROM participants")}


def send_announcement(
    announcement_id: int,
    community: str,
    render: Callable[[str | None], Outgoing],
    now: datetime,
    counted: list[int],
    chosen: dict[str, Any] | None = None,
) -> Write:
    """One scheduled outbox row per active participant, in their language: quiet hours and pauses hold them."""

    def write(db: sqlite3.Connection) -> None:
        row = db.execute("SELECT status FROM announcements WHERE id = ?", (announcement_id,)).fetchone()
        if row is None or row[0] != "draft":
            return  # sent or cancelled already: a second press sends nothing twice
        # The audience chosen in the draft (bot/organise/audience.py): communities and filters.
        from bot.store.network import audience

        chosen_communities = (chosen or {}).get("communities") or [community]
        recipients = [tuple(participant) for participant in audience(db, chosen_communities, chosen or {})]
        enqueue(
            db,
            [
                Addressed(channel, address, participant_id, render(language))
                for participant_id, channel, address, language in recipients
            ],
            now,
        )
        db.execute(
            "UPDATE announcements SET status = 'sent', sent_at = ?, recipients = ? WHERE id = ?",
            (iso(now), len(recipients), announcement_id),
        )
        counted.append(len(recipients))

    return write


def cancel_announcement(announcement_id: int) -> Write:
    def write(db: sqlite3.Connection) -> None:
        db.execute(
            "UPDATE announcements SET status = 'cancelled' WHERE id = ? AND status = 'draft'", (announcement_id,)
        )

    return write
