"""Who is an organiser: the ids in `SAMENSPRAAK_ORGANISERS`, plus those added with `samenspraak organiser add ID`.

The database list is read again every few seconds, so adding or removing an organiser needs no restart, and a
participant's message costs no database query for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.config import Settings
from bot.store import Database, OutboxRow
from bot.store import organise as queries

REFRESH_SECONDS = 2.0


class Organisers:
    def __init__(self, store: Database, settings: Settings, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.settings = settings
        self._monotonic = monotonic
        self._known: dict[str, set[str]] = {}
        self._read_at: float | None = None

    async def contains(self, channel: str, address: str) -> bool:
        if channel == "telegram" and address.lstrip("-").isdigit() and int(address) in self.settings.organisers:
            return True
        now = self._monotonic()
        if self._read_at is None or now - self._read_at >= REFRESH_SECONDS:
            known: dict[str, set[str]] = {}
            for row in await self.store.read(queries.organiser_rows):
                if row["active"]:
                    known.setdefault(row["channel"], set()).add(row["address"])
            self._known, self._read_at = known, now
        return address in self._known.get(channel, set())


def file_gate(store: Database, settings: Settings) -> Callable[[OutboxRow], Awaitable[bool]]:
    """For the sender: an export or brief goes only to someone who is an organiser at the moment it is sent, so an
    organiser removed while it was being made does not get it; the file is deleted instead."""

    async def may_deliver(row: OutboxRow) -> bool:
        document = row.payload.get("document")
        if row.kind != "organiser" or not isinstance(document, dict):
            return True
        if await store.read(queries.is_organiser, settings, row.channel, row.address):
            return True
        if document.get("path") and document.get("remove_after_send"):
            await asyncio.to_thread(Path(document["path"]).unlink, missing_ok=True)
        return False

    return may_deliver
