"""The one source of truth: participants, answers, conversation state, the outbox and the inbox, in SQLite.

Callers speak in intents (`apply`, `claim_due`, `mark_sent`); the SQL lives in this package with its migrations
(an event's own rows in events.py, the outbox's in outbox_rows.py, the database thread in connection.py), so
another backend (PostgreSQL for deployments that outgrow one machine) implements the same methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.private_files import make_private
from bot.store import walk_dates
from bot.store.connection import T, in_thread, iso, parse_iso, transact
from bot.store.events import apply_event, read_participant
from bot.store.forget import UNOWNED
from bot.store.migrations import MIGRATIONS
from bot.store.outbox_rows import PRIVATE_KINDS, OutboxRow, claim_rows, mark_sent_rows, record_parts

MIN_SQLITE = (3, 35, 0)  # INSERT ... RETURNING


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


def _create_private_file(path: Path) -> None:
    """Create the database owner-only before SQLite does, so answers are never world-readable, not even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(descriptor)


class Store:
    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()
        self._marks: _SentMarks | None = None  # rows delivered, waiting to be marked sent together
        self._marking: set[asyncio.Task[None]] = set()

    async def fetch_one(self, sql: str, params: tuple[Any, ...] = ()) -> aiosqlite.Row | None:
        """One row in one trip to aiosqlite's thread (a cursor takes three: execute, fetch, close)."""
        rows = await self._db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        return list(await self._db.execute_fetchall(sql, params))

    @property
    def db(self) -> aiosqlite.Connection:
        """For feature query modules (`bot/store/<feature>.py`) that read; writes go through `write()` or
        `transaction()`."""
        return self._db

    async def call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(connection, *args)` in the database thread: reads, or writes inside `transaction()`."""
        return await in_thread(self._db, function, *args, **kwargs)

    async def write(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(connection, *args)` as one transaction, BEGIN to COMMIT in one trip to the database thread.

        Once sent there it runs whole: a caller cancelled meanwhile (only at shutdown) gets CancelledError, yet the
        transaction commits; rows it claimed stay in flight and `release_in_flight` sends them at the next start.
        """
        async with self._lock:
            return await in_thread(self._db, transact, function, *args, **kwargs)

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise RuntimeError(
                f"SQLite {sqlite3.sqlite_version} is too old: Samenspraak needs {'.'.join(map(str, MIN_SQLITE))} or newer"
                " (INSERT ... RETURNING)"
            )
        path = Path(path)
        _create_private_file(path)
        db = await aiosqlite.connect(path, isolation_level=None)
        db.row_factory = aiosqlite.Row
        await db.execute("PRAGMA journal_mode=WAL")
        await db.execute("PRAGMA foreign_keys=ON")
        await db.execute("PRAGMA synchronous=NORMAL")
        await db.execute("PRAGMA busy_timeout=5000")
        # Deleted rows (a /forget, retention) are overwritten with zeros, not left in free pages; set explicitly,
        # since only some SQLite builds default to it.
        await db.execute_fetchall("PRAGMA secure_delete=ON")
        store = cls(db, path)
        await store._migrate()
        return store

    async def close(self) -> None:
        await asyncio.gather(*self._marking, return_exceptions=True)  # marks still on their way
        await self._db.close()

    async def _migrate(self) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)"
        )
        # Reserved numbers are built side by side and may land out of order: run every step not yet applied,
        # not only those above the highest one.
        async with self._db.execute("SELECT version FROM schema_migrations") as cursor:
            applied = {row[0] for row in await cursor.fetchall()}
        for version, name, sql in sorted(MIGRATIONS):
            if version in applied:
                continue
            async with self.transaction() as db:
                for statement in sql.split(";"):
                    if statement.strip():
                        await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, iso(datetime.now(UTC)))
                )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One writer at a time; everything inside commits together or not at all."""
        async with self._lock:
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                yield self._db
            except BaseException:
                # Also when cancelled while BEGIN was still queued: aiosqlite runs calls in order, so this
                # rollback comes after it, and the next transaction never finds one left open.
                with contextlib.suppress(sqlite3.OperationalError):
                    await asyncio.shield(self._db.execute("ROLLBACK"))
                raise
            else:
                try:
                    await asyncio.shield(self._db.execute("COMMIT"))
                except sqlite3.Error:
                    # A failed COMMIT (disk full, I/O error) can leave the transaction open; close it, or the next
                    # single-statement write would silently join it and be rolled back with it.
                    with contextlib.suppress(sqlite3.OperationalError):
                        await asyncio.shield(self._db.execute("ROLLBACK"))
                    raise

    # -- participants ------------------------------------------------------------------------------------------
    async def load_participant(self, channel: str, address: str) -> ParticipantState | None:
        return await self.call(read_participant, channel, address)

    async def set_active(self, channel: str, address: str, active: bool, now: datetime) -> None:
        """Blocked (or back): a blocked participant's scheduled messages wait instead of failing over and over."""
        async with self._lock:  # one statement: atomic on its own
            await self._db.execute(
                "UPDATE participants SET active = ?, updated_at = ? WHERE channel = ? AND address = ?",
                (int(active), iso(now), channel, address),
            )

    # -- one event's outcome -----------------------------------------------------------------------------------
    async def apply(
        self, result: Result, now: datetime, *, inbox: tuple[str, str] | None = None
    ) -> ParticipantState | None:
        """Write everything one event changed in one transaction. None if the inbox row was already handled."""
        state, _claimed = await self.apply_and_claim(result, now, inbox=inbox, claim=False)
        return state

    async def apply_and_claim(
        self, result: Result, now: datetime, *, inbox: tuple[str, str] | None = None, claim: bool = True
    ) -> tuple[ParticipantState | None, list[OutboxRow]]:
        """`apply`, and hand out the replies it wrote already claimed for sending (no second round trip).

        The rows are durable before they are sent: if the process dies now, start-up releases and sends them.
        """
        return await self.write(apply_event, result, now, inbox, claim)

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
        conditions = ["o.channel = ?", "o.status = 'pending'", "o.due_at <= ?"]
        params: list[Any] = [channel, iso(now)]
        if address is not None:
            conditions.append("o.address = ?")
            params.append(address)
        if not include_scheduled:
            conditions.append("o.scheduled = 0")
        # Scheduled messages to someone who blocked the bot or paused wait; replies always go.
        conditions.append("(o.scheduled = 0 OR (p.active = 1 AND p.paused = 0))")
        sql = (
            "SELECT o.*, p.language FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY o.due_at, o.id LIMIT ?"
        )
        params.append(limit)
        rows = await self.write(claim_rows, sql, params)
        return [
            OutboxRow(
                id=row["id"],
                participant_id=row["participant_id"],
                channel=row["channel"],
                address=row["address"],
                kind=row["kind"],
                payload=json.loads(row["payload"]),
                due_at=parse_iso(row["due_at"]) or now,
                attempts=row["attempts"] + 1,
                scheduled=bool(row["scheduled"]),
                language=row["language"],
                first_due_at=parse_iso(row["first_due_at"]),
                parts_sent=row["parts_sent"],
            )
            for row in rows
        ]

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
            marks.write = asyncio.ensure_future(in_thread(self._db, transact, mark_sent_rows, marks.ids, marks.now))
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
        async with self._lock:  # one statement: atomic on its own
            await self._db.execute(
                "UPDATE outbox SET status = 'pending', first_due_at = COALESCE(first_due_at, due_at), due_at = ?,"
                " last_error = ? WHERE id = ?",
                (iso(retry_at), error[:500], row_id),
            )

    async def mark_failed(self, row_id: int, error: str, status: str = "failed") -> None:
        # A message that will never go out keeps no one's words (an organiser who never opened the bot).
        async with self._lock:  # one statement: atomic on its own
            await self._db.execute(
                f"UPDATE outbox SET status = ?, last_error = ?,"
                f" payload = CASE WHEN kind IN {PRIVATE_KINDS} THEN '{{}}' ELSE payload END WHERE id = ?",
                (status, error[:500], row_id),
            )
            await self._db.execute(f"{UNOWNED} AND id = ?", (row_id,))  # a farewell that never went

    async def release_in_flight(self) -> int:
        """On start: rows that were being sent when the process died go out again (at least once)."""
        async with self._lock:  # one statement: atomic on its own
            cursor = await self._db.execute("UPDATE outbox SET status = 'pending' WHERE status = 'sending'")
            return cursor.rowcount

    async def next_due(
        self, channel: str, address: str | None = None, *, include_scheduled: bool = True
    ) -> datetime | None:
        """The earliest row that could go out, leaving aside those held for a paused or blocked participant."""
        sql = (
            "SELECT MIN(o.due_at) FROM outbox o LEFT JOIN participants p ON p.id = o.participant_id"
            " WHERE o.channel = ? AND o.status = 'pending' AND (o.scheduled = 0 OR (p.active = 1 AND p.paused = 0))"
        )
        if not include_scheduled:
            sql += " AND o.scheduled = 0"
        params: tuple[str, ...] = (channel,)
        if address is not None:
            sql += " AND o.address = ?"
            params = (channel, address)
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return parse_iso(row[0]) if row else None

    async def outbox_rows(self, channel: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM outbox" + (" WHERE channel = ?" if channel else "") + " ORDER BY id"
        async with self._db.execute(sql, (channel,) if channel else ()) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    # -- inbox -------------------------------------------------------------------------------------------------
    async def inbox_store(self, channel: str, entries: list[tuple[str, str | None, str]], now: datetime) -> None:
        """Keep raw updates before they are confirmed to Telegram, so a crash cannot lose them."""
        await self.write(
            sqlite3.Connection.executemany,
            "INSERT OR IGNORE INTO inbox (channel, update_key, address, raw, received_at) VALUES (?, ?, ?, ?, ?)",
            [(channel, key, address, raw, iso(now)) for key, address, raw in entries],
        )

    async def inbox_open(self, channel: str) -> list[tuple[str, str]]:
        async with self._db.execute(
            "SELECT update_key, raw FROM inbox WHERE channel = ? AND done_at IS NULL ORDER BY CAST(update_key AS INTEGER)",
            (channel,),
        ) as cursor:
            return [(row[0], row[1]) for row in await cursor.fetchall()]

    async def inbox_close_overtaken(self, channel: str, now: datetime) -> int:
        """Updates left open (their handling failed) that a later update of the same chat has overtaken: replayed
        now, they would answer whatever question the participant has reached since. Closed, not handled."""
        async with self._lock:  # one statement: atomic on its own
            cursor = await self._db.execute(
                "UPDATE inbox SET done_at = ?, raw = '' WHERE channel = ? AND done_at IS NULL AND address IS NOT NULL"
                " AND EXISTS (SELECT 1 FROM inbox later WHERE later.channel = inbox.channel"
                " AND later.address = inbox.address AND later.done_at IS NOT NULL"
                " AND CAST(later.update_key AS INTEGER) > CAST(inbox.update_key AS INTEGER))",
                (iso(now), channel),
            )
            return cursor.rowcount

    async def inbox_done(self, channel: str, key: str, now: datetime) -> None:
        """For updates that change nothing stored (an ignored edit, a group message): close them anyway."""
        async with self._lock:  # one statement: atomic on its own
            await self._db.execute(
                "UPDATE inbox SET done_at = ?, raw = '' WHERE channel = ? AND update_key = ? AND done_at IS NULL",
                (iso(now), channel, key),
            )

    # -- reading back ------------------------------------------------------------------------------------------
    async def participant_record(self, participant_id: int) -> dict[str, Any]:
        """Everything stored about one participant, for /mydata."""
        async with self._db.execute("SELECT * FROM participants WHERE id = ?", (participant_id,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return {}
        participant = {key: row[key] for key in row.keys() if key != "id"}  # noqa: SIM118 - a Row iterates values
        async with self._db.execute(
            "SELECT conversation, prompt_id, answer_type, value, created_at, updated_at, walk_stop, minority,"
            " moderation FROM answers WHERE participant_id = ? ORDER BY id",
            (participant_id,),
        ) as cursor:
            answers = [
                {
                    "conversation": r[0],
                    "prompt": r[1],
                    "type": r[2],
                    "value": json.loads(r[3]),
                    "created_at": r[4],
                    "changed_at": r[5] if r[5] != r[4] else None,
                    "walk_stop": r[6],
                    "minority_view": bool(r[7]),
                    # What the team decided about quoting it (free texts): pending, approved or hidden.
                    "moderation": r[8] if r[2] == "text" else None,
                }
                for r in await cursor.fetchall()
            ]
        async with self._db.execute(
            "SELECT kind, due_at, status, sent_at FROM outbox WHERE participant_id = ? ORDER BY id", (participant_id,)
        ) as cursor:  # messages to them, kept a month after sending (their text is in the chat itself)
            messages = [
                {"kind": r[0], "due_at": r[1], "status": r[2], "sent_at": r[3]} for r in await cursor.fetchall()
            ]
        scheduled = [message for message in messages if message["status"] == "pending"]
        record = {"participant": participant, "answers": answers, "scheduled_messages": scheduled}
        record["messages_to_you"] = [message for message in messages if message["status"] != "pending"]
        # Follow-ups (migration 5): what they answered to meeting invitations, and minority questions asked.
        async with self._db.execute(
            "SELECT meeting, rsvp, invited_at, answered_at FROM meeting_invites WHERE participant_id = ?",
            (participant_id,),
        ) as cursor:
            record["meetings"] = [
                {"meeting": r[0], "rsvp": r[1], "invited_at": r[2], "answered_at": r[3]}
                for r in await cursor.fetchall()
            ]
        async with self._db.execute(
            "SELECT kind, key, state, at FROM followup_marks WHERE participant_id = ?", (participant_id,)
        ) as cursor:
            record["follow_ups"] = [
                {"kind": r[0], "about": r[1], "state": r[2], "at": r[3]} for r in await cursor.fetchall()
            ]
        record["earlier_versions_of_answers"] = await self._rows(
            "SELECT a.prompt_id AS prompt, h.value, h.replaced_at FROM answer_history h"
            " JOIN answers a ON a.id = h.answer_id WHERE a.participant_id = ? ORDER BY h.id",
            (participant_id,),
        )
        record["flags_for_the_team"] = await self._rows(
            "SELECT words, created_at, handled_at FROM safeguarding_flags WHERE participant_id = ? ORDER BY id",
            (participant_id,),
        )
        record["group_walks"] = await self._rows(
            "SELECT g.walk, m.joined_at, m.finished_at FROM walk_members m JOIN walk_groups g ON g.id = m.group_id"
            " WHERE m.participant_id = ? OR (m.channel = ? AND m.address = ?) ORDER BY m.joined_at",
            (participant_id, row["channel"], row["address"]),
        )
        record["group_walks_you_led"] = await self._rows(
            "SELECT walk, status, created_at, updated_at FROM walk_groups WHERE channel = ? AND volunteer = ?"
            " ORDER BY id",
            (row["channel"], row["address"]),
        )
        record["walk_sign_ups"] = await self.call(walk_dates.sign_ups_of, participant_id)  # walks on dates
        return record

    async def _rows(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(found) for found in await self.fetch_all(sql, params)]

    async def iter_answers(self, conversation: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """Every answer with who gave it (by pseudonym), oldest first, one row at a time."""
        sql = (
            "SELECT a.id, p.pseudonym, p.channel, p.role, p.language, p.community, a.conversation, a.prompt_id,"
            " a.answer_type, a.value, a.minority, a.walk_stop, a.moderation, a.created_at, a.updated_at"
            " FROM answers a JOIN participants p ON p.id = a.participant_id"
        )
        params: tuple[Any, ...] = ()
        if conversation:
            sql += " WHERE a.conversation = ?"
            params = (conversation,)
        sql += " ORDER BY a.id"
        async with self._db.execute(sql, params) as cursor:
            async for row in cursor:
                record = dict(row)
                record["value"] = json.loads(record["value"])
                yield record

    async def count(self, table: str) -> int:
        if table not in {"participants", "answers", "outbox", "inbox"}:
            raise ValueError(table)
        async with self._db.execute(f"SELECT COUNT(*) FROM {table}") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database (SQLite's online backup), safe while the bot runs."""
        make_private(target)  # also a backup written over an older one

        # The copy is made on aiosqlite's thread, so the target connection must allow use from another thread.
        destination = sqlite3.connect(target, check_same_thread=False)
        try:
            async with self._lock:
                await self._db.backup(destination)
        finally:
            destination.close()
