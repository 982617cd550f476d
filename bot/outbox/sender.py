"""The sender: claims due outbox rows, delivers them, records what happened.

Delivery is at least once: a row is marked sent only after the channel accepted it, so a crash in between sends it
again on start, and nothing else is ever repeated. Scheduled rows wait out quiet hours; replies never do.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol
from weakref import WeakValueDictionary

from bot.clock import Clock
from bot.config import QuietHours
from bot.outbox.kinds import Kinds
from bot.store import OutboxRow, Store
from bot.store.faults import forget_traces
from bot.store.outbox_rows import still_waiting

log = logging.getLogger(__name__)

# A message that cannot go for network or server reasons is retried until it goes or expires by its own rule (the
# grace of scheduled messages, counted from when it was first due); never given up after a number of attempts, or a
# Telegram outage of some minutes would lose replies and prompts. The pause grows to this and stays there.
LONGEST_RETRY_PAUSE = 300
CLAIM_BATCH = 100
# Which kinds are rendered at sending and which never expire comes from the kinds registry (bot/outbox/kinds.py),
# filled by the feature packages in bot/features/wiring.py.


def unowned(row: OutboxRow) -> bool:
    """A message to a person's private chat that belongs to no participant (a farewell, a reply to someone
    unknown): once sent, nothing may keep their chat id."""
    return row.participant_id is None and row.kind != "organiser" and not row.address.startswith("-")


class Blocked(Exception):
    """The participant blocked the bot: stop writing to them until they come back."""


class RetryLater(Exception):
    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.after = after


class Undeliverable(Exception):
    """This message can never be delivered as it is (a bad request); retrying would not help."""


class Unauthorized(Exception):
    """The channel refuses the bot itself (a revoked token): no message can go until an operator acts."""


class Channel(Protocol):
    name: str

    async def deliver(self, row: OutboxRow) -> None: ...


# Fills in a row that is rendered when it is sent (a reminder, in the participant's language of that moment);
# None when there is nothing to send any more.
Render = Callable[[OutboxRow], dict[str, Any] | Awaitable[dict[str, Any] | None] | None]


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
        kinds: Kinds | None = None,
    ) -> None:
        self.store = store
        self.channel = channel
        self.clock = clock
        self.quiet_hours = quiet_hours
        self.timezone = timezone
        self.grace = grace
        # Called after a retry is written, so the live bot can arm its wake-up for it (the terminal needs none).
        self.on_retry: Callable[[], Awaitable[None]] | None = None
        # Called when the channel refuses the bot itself (Unauthorized): the live bot stops with a clear error.
        self.on_fatal: Callable[[], None] | None = None
        # Asked just before a row goes: False when its recipient may no longer have it (an organiser's file).
        self.may_deliver: Callable[[OutboxRow], Awaitable[bool]] | None = None
        self.render = render
        self.rendered = (kinds or Kinds()).rendered
        self.never_expire = (kinds or Kinds()).never_expire
        self._slots = asyncio.Semaphore(concurrency)
        # Per chat, the reply waiting for its retry and when it is retried: one written meanwhile waits behind it.
        self._waiting: dict[str, tuple[int, datetime]] = {}
        # One chat's messages go out one after the other, in order; different chats go side by side.
        self._chat_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def quiet(self, now: datetime) -> bool:
        if self.quiet_hours is None:
            return False
        local = now.astimezone(self.timezone) if self.timezone else now  # type: ignore[arg-type]
        return self.quiet_hours.contains(local.time())

    async def flush(self, address: str | None = None) -> int:
        """Send everything due now, in order per chat; returns how many messages were delivered."""
        delivered = 0
        while True:
            now = self.clock.now()
            if address is not None:
                async with self._chat_lock(address):
                    rows = await self.store.claim_due(
                        self.channel.name, now, address=address, include_scheduled=not self.quiet(now)
                    )
                    delivered += await self._send_chat(rows, locked=True)
            else:
                rows = await self.store.claim_due(self.channel.name, now, include_scheduled=not self.quiet(now))
                per_chat: OrderedDict[str, list[OutboxRow]] = OrderedDict()
                for row in rows:
                    per_chat.setdefault(row.address, []).append(row)
                counts = await asyncio.gather(*(self._send_chat(chat_rows) for chat_rows in per_chat.values()))
                delivered += sum(counts)
            if len(rows) < CLAIM_BATCH:
                return delivered

    def _chat_lock(self, address: str) -> asyncio.Lock:
        lock = self._chat_locks.get(address)
        if lock is None:
            lock = self._chat_locks[address] = asyncio.Lock()
        return lock

    async def deliver(self, rows: list[OutboxRow]) -> int:
        """Send rows already claimed (the replies an event just wrote), in order."""
        return await self._send_chat(rows)

    async def _send_chat(self, rows: list[OutboxRow], *, locked: bool = False) -> int:
        if not rows:
            return 0
        if not locked:
            async with self._chat_lock(rows[0].address):
                return await self._send_chat(rows, locked=True)
        sent: list[int] = []
        try:
            async with self._slots:
                return await self._send_rows(rows, sent)
        finally:
            await self.store.mark_sent_many(sent, self.clock.now())
            if any(row.id in sent and unowned(row) for row in rows):
                # A farewell, or a reply to someone the bot does not know: its chat id is blanked now that it went
                # (bot/store/forget.py); the WAL's older copies of it go too.
                await forget_traces(self.store)

    async def _send_rows(self, rows: list[OutboxRow], sent: list[int]) -> int:
        delivered = 0
        waiting = self._waiting.get(rows[0].address)
        if waiting is not None and rows[0].id > waiting[0] and await self._still_waiting(*waiting):
            # An earlier message of this chat waits for its retry: what was written since goes after it, not first.
            await self._behind(rows, waiting[1])
            return 0
        self._waiting.pop(rows[0].address, None)
        for index, row in enumerate(rows):
            outcome, retry_at = await self._send(row)
            if outcome == "sent":
                sent.append(row.id)
                delivered += 1
            elif outcome == "blocked":
                for later in rows[index + 1 :]:
                    await self._hold_for_blocked(later)
                break
            elif outcome == "retry" and retry_at is not None:
                # Keep this chat's order: what follows waits for the one that could not go, and so does what is
                # written for this chat before it went.
                if not row.scheduled:  # a reminder held by quiet hours must not hold the replies back
                    self._waiting[row.address] = (row.id, retry_at)
                await self._behind(rows[index + 1 :], retry_at)
                break
        return delivered

    async def _still_waiting(self, row_id: int, retry_at: datetime) -> bool:
        """The earlier row is still to go: not yet due again (once due, it is claimed before the later ones), and
        not deleted meanwhile by a /forget or retention, which would otherwise hold this chat back for ever."""
        return self.clock.now() < retry_at and await self.store.call(still_waiting, row_id)

    async def _behind(self, rows: list[OutboxRow], retry_at: datetime) -> None:
        """These rows go after an earlier one of their chat, retried at `retry_at`."""
        for row in rows:
            await self.store.mark_retry(row.id, "waiting for an earlier message", retry_at)

    async def _hold_for_blocked(self, row: OutboxRow) -> None:
        """A scheduled message waits until they unblock; a reply to something they said is dropped."""
        if row.scheduled:
            await self.store.mark_retry(row.id, "participant blocked the bot", row.due_at)
        else:
            await self.store.mark_failed(row.id, "participant blocked the bot", status="blocked")

    async def _send(self, row: OutboxRow) -> tuple[str, datetime | None]:
        now = self.clock.now()
        first_due = row.first_due_at or row.due_at
        if row.scheduled and row.kind not in self.never_expire and self._lateness(first_due, now) > self.grace:
            await self.store.mark_failed(row.id, "expired: more than the grace period late", status="expired")
            return "expired", None
        if self.render is not None and row.kind in self.rendered:
            try:
                payload = self.render(row)
                if inspect.isawaitable(payload):
                    payload = await payload
            except Exception as error:  # one row that cannot be rendered must not stop the others
                log.exception("outbox %d: cannot render %s: %s", row.id, row.kind, type(error).__name__)
                await self.store.mark_failed(row.id, f"cannot render: {type(error).__name__}")
                return "failed", None
            if payload is None:
                await self.store.mark_failed(row.id, "nothing to send any more", status="cancelled")
                return "cancelled", None
            row = replace(row, payload=payload)
        if self.may_deliver is not None and not await self.may_deliver(row):
            await self.store.mark_failed(row.id, "the recipient may no longer receive it", status="cancelled")
            return "cancelled", None
        try:
            await self.channel.deliver(row)
        except Blocked:
            await self.store.set_active(row.channel, row.address, False, now)
            await self._hold_for_blocked(row)
            log.info("outbox %d: participant blocked the bot", row.id)
            return "blocked", None
        except RetryLater as error:
            return await self._retry(row, error, now)
        except Unauthorized as error:
            await self.store.mark_retry(row.id, str(error), row.due_at)  # it goes once the token is right again
            if self.on_fatal is not None:
                self.on_fatal()
            return "retry", None
        except Undeliverable as error:
            await self.store.mark_failed(row.id, str(error))
            log.warning("outbox %d: undeliverable: %s", row.id, error)
            return "failed", None
        except Exception as error:  # an error no channel foresaw must not leave the row in flight for good
            log.exception("outbox %d: unexpected %s; retrying later", row.id, type(error).__name__)
            return await self._retry(row, RetryLater(f"unexpected {type(error).__name__}"), now)
        return "sent", None  # marked sent by the caller, together with the rest of the chat's batch

    async def _retry(self, row: OutboxRow, error: RetryLater, now: datetime) -> tuple[str, datetime | None]:
        growing = 5 * 2 ** min(max(row.attempts - 1, 0), 10)
        wait = error.after if error.after is not None else min(growing, LONGEST_RETRY_PAUSE)
        retry_at = now + timedelta(seconds=wait)
        await self.store.mark_retry(row.id, str(error), retry_at)
        if self.on_retry is not None:  # written first, so the wake-up it arms sees this row
            await self.on_retry()
        log.info("outbox %d: retry in %ss (%s)", row.id, wait, error)
        return "retry", retry_at

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
        """When the sender should run next, so the live scheduler can arm one job for it.

        During quiet hours only replies can go; scheduled rows wait for the end of the quiet hours, so the live
        bot does not wake every second all night for rows it may not send.
        """
        now = self.clock.now()
        if not self.quiet(now):
            return await self.store.next_due(self.channel.name)
        replies = await self.store.next_due(self.channel.name, include_scheduled=False)
        quiet_end = self.not_quiet_from(now)
        return quiet_end if replies is None else min(replies, quiet_end)
