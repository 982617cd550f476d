"""The scheduled outbox rows that carry follow-ups, and who receives them.

Fan-outs (an invitation to a whole community, a status change to everyone who answered a theme) are written with
`executemany` in one transaction, so a meeting with thousands of participants is one short write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.store.outbox_rows import Addressed

# Participants who count: they agreed to a consent text and finished onboarding (as in bot/store/moderation.py).
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
