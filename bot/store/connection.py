"""aiosqlite's database thread, and the one text form of a moment in the database.

A trip to that thread (a queue, a wake-up of the event loop, the GIL changing hands) costs more than most of our
statements do: what belongs together goes there as one plain function over the `sqlite3.Connection`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import aiosqlite


def iso(moment: datetime) -> str:
    """One fixed UTC format, so that text comparison in SQL orders moments correctly.

    `isoformat` writes the same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ") at a third of its cost (several per event).
    """
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)  # reads the trailing Z as UTC (Python 3.11+)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


T = TypeVar("T")


async def in_thread(db: aiosqlite.Connection, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `function(connection, *args)` in aiosqlite's database thread: many statements in one trip.

    Under load, trips, not SQL, bounded the bot's throughput (benchmarks/throughput.py). aiosqlite has no public
    call for this; `_execute` is the one its own methods use (pyproject.toml holds the version, tests/test_store.py
    pins the behaviour).
    """
    return await db._execute(function, db._conn, *args, **kwargs)  # type: ignore[no-untyped-call, no-any-return]


def transact(db: sqlite3.Connection, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """BEGIN, `function`, COMMIT, in the database thread: a cancelled caller cannot leave it half done."""
    db.execute("BEGIN IMMEDIATE")
    try:
        value = function(db, *args, **kwargs)
    except BaseException:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.Error:
        # A failed COMMIT (disk full, I/O error) can leave the transaction open: close it, or the next
        # single-statement write would silently join it and be rolled back with it.
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute("ROLLBACK")
        raise
    return value
