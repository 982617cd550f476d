"""The one source of truth in SQLite: the gateway, and the intents the event path and the sender use most.

Every call runs a plain function over the connection through the gateway (bot/store/gateway.py); the SQL lives in
this package beside its migrations (an event's rows in events.py, the outbox's in outbox_rows.py and
outbox_state.py, the inbox's in inbox.py). `Database` (bot/store/interface.py) is what the rest of the bot may rely
on, so another backend (PostgreSQL for a network that outgrows one machine) implements the same (docs/scaling.md).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.store import inbox, outbox_state
from bot.store.connection import transact
from bot.store.events import apply_event, read_participant
from bot.store.gateway import MIN_SQLITE, SqliteGateway
from bot.store.group_commit import GroupCommit
from bot.store.interface import Database
from bot.store.mydata import participant_record
from bot.store.outbox_rows import OutboxRow, mark_sent_rows, record_parts
from bot.store.records import Writers

__all__ = ["MIN_SQLITE", "Store"]


@dataclass
class _SentMarks:
    ids: list[int]
    now: datetime
    done: asyncio.Future[None]  # what the waiters await
    write: asyncio.Future[None] | None = None  # once begun


def _settle(done: asyncio.Future[None], write: asyncio.Future[None]) -> None:
    """Hand a group's waiters the outcome of its write."""
    if done.done():
        return
    if write.cancelled():
        done.cancel()
    elif (error := write.exception()) is not None:
        done.set_exception(error)
        done.exception()  # retrieved: waiters that were cancelled meanwhile leave no "never retrieved" warning
    else:
        done.set_result(None)


class Store(SqliteGateway):
    """The SQLite implementation of `Database`: the gateway, and named intents for the hot path."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        super().__init__(db, path)
        self._marks: _SentMarks | None = None  # rows delivered, waiting to be marked sent together
        self._marking: set[asyncio.Task[None]] = set()
        self._events = GroupCommit(self._lock, self._run)  # events decided side by side commit together

    async def close(self) -> None:
        await asyncio.gather(*self._marking, return_exceptions=True)  # marks still on their way
        await self._events.close()
        await super().close()

    # -- participants ------------------------------------------------------------------------------------------
    async def load_participant(self, channel: str, address: str) -> ParticipantState | None:
        return await self.read(read_participant, channel, address)

    async def set_active(self, channel: str, address: str, active: bool, now: datetime) -> None:
        """Blocked (or back): a blocked participant's scheduled messages wait instead of failing over and over."""
        await self.write(outbox_state.set_active, channel, address, active, now)

    async def participant_record(self, participant_id: int) -> dict[str, Any]:
        """Everything stored about one participant, for /mydata."""
        return await self.read(participant_record, participant_id)

    # -- one event's outcome -----------------------------------------------------------------------------------
    async def apply(
        self,
        result: Result,
        now: datetime,
        *,
        inbox: tuple[str, str] | None = None,
        writers: Writers | None = None,
    ) -> ParticipantState | None:
        """Write everything one event changed in one transaction. None if the inbox row was already handled."""
        state, _claimed = await self.apply_and_claim(result, now, inbox=inbox, claim=False, writers=writers)
        return state

    async def apply_and_claim(
        self,
        result: Result,
        now: datetime,
        *,
        inbox: tuple[str, str] | None = None,
        claim: bool = True,
        writers: Writers | None = None,
    ) -> tuple[ParticipantState | None, list[OutboxRow]]:
        """`apply`, and hand out the replies it wrote already claimed for sending (no second round trip).

        The rows are durable before they are sent: if the process dies now, start-up releases and sends them.
        Events that arrive while another write runs share its successor's transaction, each in a savepoint of its
        own (bot/store/group_commit.py): one trip and one commit for many participants' answers.
        """
        outcome: tuple[ParticipantState | None, list[OutboxRow]] = await self._events.write(
            apply_event, result, now, inbox, claim, writers
        )
        return outcome

    # -- outbox ------------------------------------------------------------------------------------------------
    async def claim_due(
        self,
        channel: str,
        now: datetime,
        *,
        address: str | None = None,
        include_scheduled: bool = True,
        limit: int = 100,  # the sender's CLAIM_BATCH
    ) -> list[OutboxRow]:
        """Mark due rows as in flight and hand them out; a row is claimed by one sender only."""
        return await self.write(outbox_state.claim_due, channel, now, address, include_scheduled, limit)

    async def mark_sent(self, row_id: int, now: datetime) -> None:
        await self.mark_sent_many([row_id], now)

    async def mark_sent_many(self, row_ids: list[int], now: datetime) -> None:
        """Rows Telegram has, marked sent once this returns.

        Group commit: rows delivered while another write holds the lock wait for it together and are marked in one
        statement and one commit (under load, dozens of replies at a time), not one trip and one commit each.
        """
        if not row_ids:
            return
        marks = self._marks
        if marks is None:
            marks = self._marks = _SentMarks([], now, asyncio.get_running_loop().create_future())
            task = asyncio.create_task(self._write_marks(marks))
            self._marking.add(task)
            task.add_done_callback(partial(self._writer_ended, marks))
        marks.ids.extend(row_ids)
        marks.now = max(marks.now, now)
        await asyncio.shield(marks.done)  # a cancelled caller leaves the others' marks to be written

    async def _write_marks(self, marks: _SentMarks) -> None:
        async with self._lock:
            self._marks = None  # from here on, rows delivered start the next group
            marks.write = asyncio.ensure_future(self._run(transact, mark_sent_rows, marks.ids, marks.now))
            marks.write.add_done_callback(partial(_settle, marks.done))
            # The waiters hear the write's own outcome (through `_settle`), also if this task is cancelled
            # meanwhile: the write goes on in the database thread regardless.
            with contextlib.suppress(Exception):
                await asyncio.shield(marks.write)

    def _writer_ended(self, marks: _SentMarks, task: asyncio.Task[None]) -> None:
        self._marking.discard(task)
        if marks.write is None:  # cancelled before its write began (the loop shutting down)
            if self._marks is marks:
                self._marks = None
            marks.done.cancel()  # not written: the rows stay in flight and go again at the next start

    async def record_parts(self, row_id: int, parts: int) -> None:
        """Part of a message went (its picture, a first chunk): a retry after a failure sends only the rest."""
        await self.write(record_parts, row_id, parts)

    async def mark_retry(self, row_id: int, error: str, retry_at: datetime) -> None:
        await self.write(outbox_state.mark_retry, row_id, error, retry_at)

    async def mark_failed(self, row_id: int, error: str, status: str = "failed") -> None:
        await self.write(outbox_state.mark_failed, row_id, error, status)

    async def release_in_flight(self) -> int:
        """On start: rows that were being sent when the process died go out again (at least once)."""
        return await self.write(outbox_state.release_in_flight)

    async def next_due(
        self, channel: str, address: str | None = None, *, include_scheduled: bool = True
    ) -> datetime | None:
        """The earliest row that could go out, leaving aside those held for a paused or blocked participant."""
        return await self.read(outbox_state.next_due, channel, address, include_scheduled)

    async def outbox_rows(self, channel: str | None = None) -> list[dict[str, Any]]:
        return await self.read(outbox_state.all_rows, channel)

    async def count(self, table: str) -> int:
        return await self.read(outbox_state.count, table)

    # -- inbox -------------------------------------------------------------------------------------------------
    async def inbox_store(self, channel: str, entries: list[tuple[str, str | None, str]], now: datetime) -> None:
        """Keep raw updates before they are confirmed to Telegram, so a crash cannot lose them."""
        await self.write(inbox.store, channel, entries, now)

    async def inbox_open(self, channel: str) -> list[tuple[str, str]]:
        return await self.read(inbox.still_open, channel)

    async def inbox_close_overtaken(self, channel: str, now: datetime) -> int:
        return await self.write(inbox.close_overtaken, channel, now)

    async def inbox_done(self, channel: str, key: str, now: datetime) -> None:
        await self.write(inbox.done, channel, key, now)


if TYPE_CHECKING:

    def _is_a_database(store: Store) -> Database:
        """mypy checks here that the SQLite store keeps every promise of the interface."""
        return store
