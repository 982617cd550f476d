"""Forget means gone: the one way a participant is deleted, for their own /forget and for retention alike.

Afterwards no row holds their Telegram id, name or words: their participant row and all that hangs on it (answers,
media, transcripts, translations, jobs, flags, marks: ON DELETE CASCADE), their handled updates (only the key is
kept, so a repeated update is still known as one), the group walks they joined or led by chat, messages to their
chat that belong to no participant, and their first name in what a group chat was told. The files (their media
folder) and the WAL are emptied by the callers after the transaction (bot/media/files.py, bot/store/faults.py).
"""

from __future__ import annotations

import sqlite3

# Rows to no participant (a farewell, a reply to someone unknown, a group chat's walk news): once sent or given up
# on, their words are not needed, and the chat id of a private chat (not a group: negative) is blanked too.
UNOWNED = (
    "UPDATE outbox SET payload = '{}',"
    " address = CASE WHEN kind = 'organiser' OR address LIKE '-%' THEN address ELSE '' END"
    " WHERE participant_id IS NULL"
)
DONE = "('sent', 'failed', 'expired', 'cancelled', 'blocked')"


def forget_participant(db: sqlite3.Connection, channel: str, address: str, participant_id: int | None) -> None:
    """Delete everything stored about one person, inside the caller's transaction."""
    names = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT name FROM walk_members WHERE channel = ? AND address = ? AND name IS NOT NULL",
            (channel, address),
        )
    ]
    if participant_id is not None:
        db.execute("DELETE FROM participants WHERE id = ?", (participant_id,))
    # Updates not handled yet (later in the same batch) are left to be handled, and emptied then.
    db.execute(
        "UPDATE inbox SET raw = '', address = NULL WHERE channel = ? AND address = ? AND done_at IS NOT NULL",
        (channel, address),
    )
    # A walker who tapped "Join the walk" before consenting is kept by chat, not by participant id; a group walk
    # they led holds their chat as its volunteer (its walkers' memberships go with it).
    db.execute("DELETE FROM walk_members WHERE channel = ? AND address = ?", (channel, address))
    db.execute("DELETE FROM walk_groups WHERE channel = ? AND volunteer = ?", (channel, address))
    db.execute("DELETE FROM outbox WHERE channel = ? AND address = ? AND participant_id IS NULL", (channel, address))
    # Group chats were told their first name ("👋 Bert walks along"): what went is emptied, what waits loses it.
    db.execute(f"{UNOWNED} AND status IN {DONE} AND (payload != '{{}}' OR address != '')")
    for name in names:
        db.execute(
            "UPDATE outbox SET payload = replace(payload, ?, '…') WHERE participant_id IS NULL AND channel = ?"
            " AND instr(payload, ?) > 0",
            (name, channel, name),
        )


def forget_silent(db: sqlite3.Connection, cutoff: str, unfinished_cutoff: str) -> int:
    """Retention: everyone silent for longer than the retention period, and everyone who began onboarding and never
    agreed a month ago, forgotten the same way as by their own /forget; how many."""
    people = db.execute(
        "SELECT id, channel, address FROM participants WHERE updated_at < ?"
        " OR (consent_version IS NULL AND updated_at < ?)",
        (cutoff, unfinished_cutoff),
    ).fetchall()
    for participant_id, channel, address in people:
        forget_participant(db, channel, address, participant_id)
    return len(people)
