"""The gateway (bot/store/gateway.py): every read and write a plain function in aiosqlite's database thread, a
write one whole transaction, a read never a half-done write; the one private aiosqlite call pinned here."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.gateway import UnfinishedTransaction, WriteInRead


async def test_a_write_runs_whole_in_the_database_thread_even_when_its_caller_is_cancelled(store: Store) -> None:
    """Store.write sends BEGIN, the function and COMMIT as one call to aiosqlite's thread (through its
    `_execute`, which this pins): a caller cancelled meanwhile cannot leave the transaction open or half done."""
    threads: list[str] = []

    def slow(db: sqlite3.Connection, key: str) -> None:
        threads.append(threading.current_thread().name)
        db.execute("INSERT INTO inbox (channel, update_key, raw, received_at) VALUES ('t', ?, '', 'now')", (key,))
        time.sleep(0.05)  # in the database thread: the event loop goes on and cancels the caller meanwhile

    task = asyncio.create_task(store.write(slow, "1"))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.write(slow, "2")  # queued behind the first: it finds no transaction left open
    assert await store.count("inbox") == 2
    assert threads[0] != threading.current_thread().name


async def test_a_read_never_sees_a_write_half_done(store: Store) -> None:
    """A read asked for while another task's write is half way waits for its COMMIT (or ROLLBACK), in the one
    database thread: it sees all of that write or none of it, never the rows written so far."""
    halfway, go_on = threading.Event(), threading.Event()

    def two_rows(db: sqlite3.Connection, fail: bool) -> None:
        db.execute("INSERT INTO inbox (channel, update_key, raw, received_at) VALUES ('t', 'a', '', 'now')")
        halfway.set()
        go_on.wait(5)
        db.execute("INSERT INTO inbox (channel, update_key, raw, received_at) VALUES ('t', 'b', '', 'now')")
        if fail:
            raise sqlite3.OperationalError("disk I/O error")

    for fail, seen in ((True, 0), (False, 2)):
        halfway.clear()
        go_on.clear()
        writing = asyncio.create_task(store.write(two_rows, fail))
        await asyncio.to_thread(halfway.wait, 5)
        reading = asyncio.create_task(store.count("inbox"))  # asked while the first row is written, uncommitted
        await asyncio.sleep(0.02)
        assert not reading.done()  # it waits for the whole write
        go_on.set()
        if fail:
            with pytest.raises(sqlite3.OperationalError):
                await writing
        else:
            await writing
        assert await reading == seen


async def test_a_read_refuses_to_run_inside_an_open_transaction(store: Store) -> None:
    """Every write is one whole function in the database thread; were a transaction ever left open between trips,
    a read would be refused rather than show rows that may yet be rolled back."""
    await store._run(sqlite3.Connection.execute, "BEGIN")
    with pytest.raises(UnfinishedTransaction):
        await store.count("inbox")
    await store._run(sqlite3.Connection.execute, "ROLLBACK")
    assert await store.count("inbox") == 0

    def sneaky(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO inbox (channel, update_key, raw, received_at) VALUES ('t', 'x', '', 'now')")

    with pytest.raises(WriteInRead):  # a write passed to read() is a bug caught in the first test that runs it
        await store.read(sneaky)


def test_only_the_store_speaks_sql_and_only_the_gateway_touches_aiosqlite_internals() -> None:
    """One way to the database: features call `read(fn)` / `write(fn)` with the store's functions; no SQL, no
    connection and no transaction of their own outside bot/store, and aiosqlite's private `_execute` in one place."""
    root = Path(__file__).resolve().parent.parent / "bot"
    talks_sql = re.compile(
        r"\.execute(many)?\(|\bimport aiosqlite\b|\bfrom aiosqlite\b|\.transaction\(\)|\bin_thread\b"
        r"|\bfetch_(one|all)\b|\bstore\.db\b|\bstore\.call\("
    )
    offenders, private = [], []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        if "._execute(" in text:
            private.append(relative)
        # Exports read through a read-only connection of their own (bot/organise/export*.py, issue 14).
        if relative.startswith("store/") or relative.startswith("organise/export"):
            continue
        if talks_sql.search(text):
            offenders.append(relative)
    assert offenders == []
    assert private == ["store/gateway.py"]
