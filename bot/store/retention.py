"""Keeping data no longer than promised: the consent text says how long answers are kept.

Runs at start and once a day in the live bot. Deleting an answer deletes its voice, photo and location references
and its edit history with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.connection import iso
from bot.store.sqlite import Store

HANDLED_UPDATES_KEPT = timedelta(days=7)  # long enough to recognise a repeated update_id
DELIVERED_MESSAGES_KEPT = timedelta(days=30)
WALK_GROUPS_KEPT = timedelta(days=7)
UNFINISHED_ONBOARDING_KEPT = timedelta(days=30)


@dataclass(frozen=True)
class Purged:
    answers: int
    inbox: int
    outbox: int


def months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    day = min(moment.day, 28)  # every month has a 28th: close enough for a retention boundary
    return moment.replace(year=moment.year + year, month=month + 1, day=day)


async def purge(store: Store, now: datetime, retention_months: int) -> Purged:
    cutoff = iso(months_before(now, retention_months))
    async with store.transaction() as db:
        answers = await db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,))
        inbox = await db.execute(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (iso(now - HANDLED_UPDATES_KEPT),)
        )
        outbox = await db.execute(
            "DELETE FROM outbox WHERE status IN ('sent', 'failed', 'expired', 'cancelled', 'blocked')"
            " AND created_at < ?",
            (iso(now - DELIVERED_MESSAGES_KEPT),),
        )
        # Messages to no participant (a group chat, an organiser, a farewell) hold names or chat ids: a week.
        await db.execute(
            "DELETE FROM outbox WHERE participant_id IS NULL"
            " AND status IN ('sent', 'failed', 'expired', 'cancelled', 'blocked') AND created_at < ?",
            (iso(now - WALK_GROUPS_KEPT),),
        )
        # Someone who started onboarding and never agreed: their chat id and language, no longer than a month.
        await db.execute(
            "DELETE FROM participants WHERE consent_version IS NULL AND updated_at < ?",
            (iso(now - UNFINISHED_ONBOARDING_KEPT),),
        )
        # A group walk lasts an afternoon; its member list (first names of people without consent) a week at most.
        await db.execute("DELETE FROM walk_groups WHERE updated_at < ?", (iso(now - WALK_GROUPS_KEPT),))
    return Purged(answers.rowcount, inbox.rowcount, outbox.rowcount)
