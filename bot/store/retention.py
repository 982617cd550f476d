"""Keeping data no longer than promised: the consent text says how long answers are kept.

Runs at start and once a day in the live bot. Deleting an answer deletes its voice, photo and location references
and its edit history with it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.store.connection import iso
from bot.store.forget import forget_silent
from bot.store.interface import Database

HANDLED_UPDATES_KEPT = timedelta(days=7)  # long enough to recognise a repeated update_id
DELIVERED_MESSAGES_KEPT = timedelta(days=30)
WALK_GROUPS_KEPT = timedelta(days=7)
UNFINISHED_ONBOARDING_KEPT = timedelta(days=30)
UNSENT_FILE_KEPT = timedelta(hours=1)  # an export still being written is touched all the time: never this old


@dataclass(frozen=True)
class Purged:
    answers: int
    inbox: int
    outbox: int


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    day = min(moment.day, 28)  # every month has a 28th: close enough for a retention boundary
    return moment.replace(year=moment.year + year, month=month + 1, day=day)


async def purge(store: Database, now: datetime, retention_months: int) -> Purged:
    return await store.write(_purge, now, retention_months)


def _purge(db: sqlite3.Connection, now: datetime, retention_months: int) -> Purged:
    cutoff = iso(months_before(now, retention_months))
    answers = db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
    inbox = db.execute(
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (iso(now - HANDLED_UPDATES_KEPT),)
    )
    outbox = db.execute(
        "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'expired', 'cancelled', 'blocked') AND created_at < ?",
        (iso(now - DELIVERED_MESSAGES_KEPT),),
    )
    # Messages to no participant (a group chat, an organiser, a farewell) hold names or chat ids: a week.
    db.execute(
        "DELETE FROM outbox WHERE participant_id IS NULL"
        " AND status IN ('sent', 'failed', 'expired', 'cancelled', 'blocked') AND created_at < ?",
        (iso(now - WALK_GROUPS_KEPT),),
    )
    # Someone who has not written for longer than the retention period (the consent text promises "at most N
    # months"), and someone who started onboarding and never agreed a month ago: forgotten as by /forget.
    forget_silent(db, cutoff, iso(now - UNFINISHED_ONBOARDING_KEPT))
    # A group walk lasts an afternoon; its member list (first names of people without consent) a week at most.
    db.execute("DELETE FROM walk_groups WHERE updated_at < ?", (iso(now - WALK_GROUPS_KEPT),))
    return Purged(answers.rowcount, inbox.rowcount, outbox.rowcount)


async def purge_files(store: Database, folder: Path, now: datetime) -> int:
    """Exports and briefs no message will send any more (it failed, was blocked, or a restart lost the job that
    wrote it): they hold everyone's answers, also of people who have since used /forget."""
    rows = await store.read(_unsent_documents)
    return await asyncio.to_thread(_remove_unsent, folder, {str(row[0]) for row in rows}, now)


def _unsent_documents(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT json_extract(payload, '$.document.path') FROM outbox WHERE status IN ('pending', 'sending')"
        " AND json_extract(payload, '$.document.path') IS NOT NULL"
    ).fetchall()


def _remove_unsent(folder: Path, waiting: set[str], now: datetime) -> int:
    if not folder.is_dir():
        return 0
    kept = {Path(path).resolve() for path in waiting}
    removed = 0
    for file in folder.iterdir():
        idle = now.timestamp() - file.stat().st_mtime
        if file.is_file() and file.resolve() not in kept and idle > UNSENT_FILE_KEPT.total_seconds():
            file.unlink(missing_ok=True)
            removed += 1
    return removed
