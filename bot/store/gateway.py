"""The one way to the database: plain functions over a `sqlite3.Connection`, run in aiosqlite's database thread.

`await gateway.read(fn, *args)` runs `fn(connection, *args)`; `await gateway.write(fn, *args)` runs it as one
transaction, BEGIN IMMEDIATE to COMMIT in one trip. Every function runs whole in that one thread, one after the
other, and no transaction ever spans two trips: so a read runs either before a write began or after it committed,
and never sees another task's uncommitted rows (`_read` refuses to run inside an open transaction, and refuses a
function that changed rows, to keep it so).

A trip to that thread (a queue, a wake-up of the event loop, the GIL changing hands) costs more than most of our
statements do: what belongs together goes there as one function, which is also why this is faster than a cursor.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

import aiosqlite

from bot.private_files import make_private
from bot.store.connection import iso, transact
from bot.store.migrations import MIGRATIONS

MIN_SQLITE = (3, 35, 0)  # INSERT ... RETURNING

P = ParamSpec("P")
T = TypeVar("T")


class UnfinishedTransaction(RuntimeError):
    """A read found a transaction open: something wrote outside `write` (a bug, never a user's doing)."""


class WriteInRead(RuntimeError):
    """A function run by `read` changed rows: it belongs in `write`, as one transaction (a bug, never a user's)."""


def _read(db: sqlite3.Connection, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if db.in_transaction:
        raise UnfinishedTransaction("a read found a transaction open: every write goes through Gateway.write")
    changes = db.total_changes
    value = function(db, *args, **kwargs)
    if db.total_changes != changes:  # counted by SQLite itself: a check that costs nothing
        raise WriteInRead(f"{getattr(function, '__name__', function)} wrote rows: run it with write()")
    return value


def _pragmas(db: sqlite3.Connection) -> None:
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA busy_timeout=5000")
    # Deleted rows (a /forget, retention) are overwritten with zeros, not left in free pages; set explicitly, since
    # only some SQLite builds default to it.
    db.execute("PRAGMA secure_delete=ON").fetchall()


def _migrate(db: sqlite3.Connection) -> None:
    """Each migration not yet applied, in its own transaction.

    Reserved numbers are built side by side and may land out of order: run every step not yet applied, not only
    those above the highest one.
    """
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)")
    applied = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
    for version, name, sql in sorted(MIGRATIONS):
        if version not in applied:
            transact(db, _migration, version, name, sql)


def _migration(db: sqlite3.Connection, version: int, name: str, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, iso(datetime.now(UTC))))


def _create_private_file(path: Path) -> None:
    """Create the database owner-only before SQLite does, so answers are never world-readable, not even briefly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(descriptor)


class SqliteGateway:
    """aiosqlite's connection and thread; the store's one door (bot/store/interface.py says what it promises)."""

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self._db = db
        self.path = path
        self._lock = asyncio.Lock()  # writers queue here, so rows delivered meanwhile can be marked sent together

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise RuntimeError(
                f"SQLite {sqlite3.sqlite_version} is too old: Samenspraak needs {'.'.join(map(str, MIN_SQLITE))} or newer"
                " (INSERT ... RETURNING)"
            )
        path = Path(path)
        _create_private_file(path)
        gateway = cls(await aiosqlite.connect(path, isolation_level=None), path)
        await gateway._run(_pragmas)
        await gateway._run(_migrate)  # migrations keep their own path: one transaction per step
        return gateway

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function(connection, *args)` in aiosqlite's database thread, in one trip.

        The one private use of aiosqlite: it has no public call that runs a function of ours in its thread, and
        under load trips, not SQL, bound the bot's throughput (benchmarks/throughput.py). `_execute` is what its
        own public methods use; pyproject.toml caps the version and tests/test_store.py pins the behaviour.
        """
        result: T = await self._db._execute(function, self._db._conn, *args, **kwargs)  # type: ignore[no-untyped-call]
        return result

    async def read(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`function(connection, *args)`: reads only; it sees committed rows and nothing half written."""
        return await self._run(_read, function, *args, **kwargs)

    async def write(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`function(connection, *args)` as one transaction, BEGIN to COMMIT in one trip to the database thread.

        Once sent there it runs whole: a caller cancelled meanwhile (only at shutdown) gets CancelledError, yet the
        transaction commits; rows it claimed stay in flight and `release_in_flight` sends them at the next start.
        """
        async with self._lock:
            return await self._run(transact, function, *args, **kwargs)

    async def checkpoint(self) -> None:
        """Fold the write-ahead log into the database and empty it: deleted words leave no copy in the log."""
        async with self._lock:  # no transaction of another caller is open meanwhile
            await self._run(_checkpoint)

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

    async def close(self) -> None:
        await self._db.close()


def _checkpoint(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # read out: no statement left open
