"""The sender: claims due outbox rows, delivers them, records what happened.

Delivery is at least once: a row is marked sent only after the channel accepted it, so a crash in between sends it
again on start, and nothing else is ever repeated. Scheduled rows wait out quiet hours; replies never do.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import Clock
from bot.config import QuietHours
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
RENDERED_KINDS = frozenset({"reminder"})


class Blocked(Exception):
    """The participant blocked the bot: stop writing to them until they come back."""


class RetryLater(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Undeliverable(Exception):
    """This message can never be delivered as it is (a bad request); retrying would not help."""


class Channel(Protocol):
    name: str

    async def deliver(self, row: OutboxRow) -> None: ...


# Fills in a row that is rendered when it is sent (a reminder, in the participant's language of that moment);
# None when there is nothing to send any more.
Render = Callable[[OutboxRow], dict[str, Any] | None]


class Sender:
    def __init__(
        self,
        store: Store,
        channel: Channel,
        clock: Clock,
        *,
        quiet_hours: QuietHours | None = None,
        timezone: object = None,
        grace: timedelta = timedelta(hours=12),
        concurrency: int = 32,
        render: Render | None = None,
    ) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.quiet_hours = quiet_hours
        self.timezone = timezone
        self.grace = grace
        self.render = render
        self._slots = asyncio.Semaphore(concurrency)
        self._flushing = asyncio.Lock()

    def quiet(self, now: datetime) -> bool:
        if self.quiet_hours is None:
            return False
        local = now.astimezone(self.timezone) if self.timezone else now  # type: ignore[arg-type]
        return self.quiet_hours.contains(local.time())

    async def flush(self, address: str | None = None) -> int:
        """Send everything due now, in order per chat; returns how many messages were delivered."""
        delivered = 0
        async with self._flushing:
            while True:
                now = self.clock.now()
                rows = await self.store.claim_due(
                    self.channel.name, now, address=address, include_scheduled=not self.quiet(now)
                )
                if not rows:
                    return delivered
                per_chat: OrderedDict[str, list[OutboxRow]] = OrderedDict()
                for row in rows:
                    per_chat.setdefault(row.address, []).append(row)
                counts = await asyncio.gather(*(self._send_chat(chat_rows) for chat_rows in per_chat.values()))
                delivered += sum(counts)

    async def _send_chat(self, rows: list[OutboxRow]) -> int:
        delivered = 0
        async with self._slots:
            for index, row in enumerate(rows):
                outcome, retry_at = await self._send(row)
                if outcome == "sent":
                    delivered += 1
                elif outcome == "blocked":
                    for later in rows[index + 1 :]:
                        await self._hold_for_blocked(later)
                    break
                elif outcome == "retry" and retry_at is not None:
                    # Keep this chat's order: what follows waits for the one that could not go.
                    for later in rows[index + 1 :]:
                        await self.store.mark_retry(later.id, "waiting for an earlier message", retry_at)
                    break
        return delivered

    async def _hold_for_blocked(self, row: OutboxRow) -> None:
        """A scheduled message waits until they unblock; a reply to something they said is dropped."""
        if row.scheduled:
            await self.store.mark_retry(row.id, "participant blocked the bot", row.due_at)
        else:
            await self.store.mark_failed(row.id, "participant blocked the bot", status="blocked")

    async def _send(self, row: OutboxRow) -> tuple[str, datetime | None]:
        now = self.clock.now()
        if row.scheduled and self._lateness(row.due_at, now) > self.grace:
            await self.store.mark_failed(row.id, "expired: more than the grace period late", status="expired")
            return "expired", None
        if self.render is not None and row.kind in RENDERED_KINDS:
            payload = self.render(row)
            if payload is None:
                await self.store.mark_failed(row.id, "nothing to send any more", status="cancelled")
                return "cancelled", None
            row = replace(row, payload=payload)
        try:
            await self.channel.deliver(row)
        except Blocked:
            await self.store.set_active(row.channel, row.address, False, now)
            await self._hold_for_blocked(row)
            log.info("outbox %d: participant blocked the bot", row.id)
            return "blocked", None
        except RetryLater as error:
            if row.attempts >= MAX_ATTEMPTS:
                await self.store.mark_failed(row.id, str(error))
                log.warning("outbox %d: gave up after %d attempts: %s", row.id, row.attempts, error)
                return "failed", None
            wait = error.after if error.after is not None else min(5 * 2 ** (row.attempts - 1), 3600)
            retry_at = now + timedelta(seconds=wait)
            await self.store.mark_retry(row.id, str(error), retry_at)
            log.info("outbox %d: retry in %ss (%s)", row.id, wait, error)
            return "retry", retry_at
        except Undeliverable as error:
            await self.store.mark_failed(row.id, str(error))
            log.warning("outbox %d: undeliverable: %s", row.id, error)
            return "failed", None
        await self.store.mark_sent(row.id, self.clock.now())
        return "sent", None

    def _lateness(self, due: datetime, now: datetime) -> timedelta:
        """How late a scheduled row is, not counting the quiet hours it was rightly held back by."""
        if self.quiet_hours is None or self.timezone is None:
            return now - due
        ended = self.quiet_hours.last_end(now.astimezone(self.timezone))  # type: ignore[arg-type]
        return now - max(due, ended) if due < ended <= now else now - due

    def not_quiet_from(self, moment: datetime) -> datetime:
        """`moment`, or the end of the quiet hours it falls in."""
        if self.quiet_hours is None or not self.quiet(moment):
            return moment
        local = moment.astimezone(self.timezone)  # type: ignore[arg-type]
        return self.quiet_hours.next_end(local).astimezone(moment.tzinfo)

    async def next_wake(self) -> datetime | None:
        """When the sender should run next, so the live scheduler can arm one job for it."""
        return await self.store.next_due(self.channel.name)
