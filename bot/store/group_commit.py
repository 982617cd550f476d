"""Group commit of events: the events handled side by side share one transaction, each inside its own savepoint.

Under load the answers of many participants are decided while one event's write runs. Each write of its own costs
a trip to the database thread and a commit (its pages appended to the write-ahead log), and both cost more than the
event's statements (benchmarks/throughput.py, BENCH_PROFILE). So the writes that queued meanwhile go together: one
trip, BEGIN IMMEDIATE, a SAVEPOINT per event, one COMMIT. An event that fails rolls back to its savepoint alone and
its caller gets the error; the others commit. Every caller returns only after the COMMIT: what an event wrote (its
answer, its outbox rows, its jobs) is durable together, as when it had a transaction of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.store.connection import transact

# How a batch reaches the database thread: the gateway's one trip, as one transaction (BEGIN ... COMMIT).
Run = Callable[..., Awaitable[Any]]


@dataclass
class _Call:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]


@dataclass
class _Batch:
    calls: list[_Call] = field(default_factory=list)


def each_in_a_savepoint(
    db: sqlite3.Connection, calls: list[tuple[Callable[..., Any], tuple[Any, ...]]]
) -> list[tuple[bool, Any]]:
    """Inside the batch's transaction: (True, value) or (False, error) per call, a failed one rolled back alone."""
    outcomes: list[tuple[bool, Any]] = []
    for function, args in calls:
        db.execute("SAVEPOINT event")
        try:
            value = function(db, *args)
        except Exception as error:
            db.execute("ROLLBACK TO event")
            db.execute("RELEASE event")
            outcomes.append((False, error))
        else:
            db.execute("RELEASE event")
            outcomes.append((True, value))
    return outcomes


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if future.done():
        return
    if isinstance(error, asyncio.CancelledError):
        future.cancel()
        return
    future.set_exception(error)
    future.exception()  # retrieved: a caller cancelled meanwhile leaves no "never retrieved" warning


class GroupCommit:
    """Collects the writes that arrive while the writer lock is taken, and writes them in one transaction."""

    def __init__(self, lock: asyncio.Lock, run: Run) -> None:
        self._lock = lock  # the gateway's writer lock: one transaction at a time
        self._run = run
        self._open: _Batch | None = None  # the batch still taking calls
        self._tasks: set[asyncio.Task[None]] = set()

    async def write(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(db, *args)` in the next batch's transaction; its value once that transaction committed."""
        batch = self._open
        if batch is None:
            batch = self._open = _Batch()
            task = asyncio.create_task(self._write(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        batch.calls.append(_Call(function, args, future))
        # Shielded: a cancelled caller (only at shutdown) leaves the others' batch to be written.
        return await asyncio.shield(future)

    async def _write(self, batch: _Batch) -> None:
        try:
            async with self._lock:
                self._open = None  # from here on, new calls start the next batch
                calls = [(call.function, call.args) for call in batch.calls]
                outcomes = await asyncio.shield(self._run(transact, each_in_a_savepoint, calls))
        except BaseException as error:
            if self._open is batch:  # cancelled before its turn: nothing of it was written
                self._open = None
            for call in batch.calls:
                _fail(call.future, error)
            if not isinstance(error, Exception):
                raise
            return
        for call, (ok, value) in zip(batch.calls, outcomes, strict=True):
            if call.future.done():
                continue
            if ok:
                call.future.set_result(value)
            else:
                _fail(call.future, value)

    async def close(self) -> None:
        """Let the batches on their way finish (at shutdown)."""
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._tasks, return_exceptions=True)
