"""Group commit (bot/store/group_commit.py): events handled side by side share one transaction, each in its own
savepoint, so one failing event loses nothing of the others and every caller returns only once it is durable."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest

from bot.store import Store


def _insert(db: sqlite3.Connection, key: str, pause: float = 0.0) -> str:
    db.execute("INSERT INTO inbox (channel, update_key, raw, received_at) VALUES ('t', ?, '', 'now')", (key,))
    time.sleep(pause)  # in the database thread: more events queue meanwhile
    return key


def _insert_then_fail(db: sqlite3.Connection, key: str) -> str:
    _insert(db, key)
    raise ValueError("this event goes wrong half way")


def _keys(path: Path) -> set[str]:
    """Read by a second connection: only what was committed."""
    with sqlite3.connect(path) as other:
        return {row[0] for row in other.execute("SELECT update_key FROM inbox")}


async def test_events_queued_behind_a_write_commit_together_and_a_failing_one_alone_rolls_back(store: Store) -> None:
    batches: list[int] = []
    original = store._events._run

    async def counting(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        if args and callable(args[0]) and getattr(args[0], "__name__", "") == "each_in_a_savepoint":
            batches.append(len(args[1]))
        return await original(function, *args, **kwargs)

    events = store._events
    events._run = counting  # the batches' one trip to the database thread, counted

    first = asyncio.create_task(events.write(_insert, "first", 0.05))
    await asyncio.sleep(0.01)  # the first batch is in the database thread: the next ones queue behind it
    queued = [asyncio.create_task(events.write(_insert, f"k{number}")) for number in range(5)]
    failing = asyncio.create_task(events.write(_insert_then_fail, "bad"))
    assert await first == "first"
    assert await asyncio.gather(*queued) == [f"k{number}" for number in range(5)]
    with pytest.raises(ValueError, match="half way"):
        await failing
    assert batches == [1, 6]  # the six that queued went in one transaction
    assert _keys(store.path) == {"first", *(f"k{number}" for number in range(5))}  # durable, and no "bad"


async def test_an_event_alone_is_written_at_once(store: Store) -> None:
    assert await store._events.write(_insert, "alone") == "alone"
    assert _keys(store.path) == {"alone"}


async def test_a_cancelled_caller_leaves_the_others_batch_written(store: Store) -> None:
    blocker = asyncio.create_task(store._events.write(_insert, "blocker", 0.05))
    await asyncio.sleep(0.01)
    leaving = asyncio.create_task(store._events.write(_insert, "leaving"))
    staying = asyncio.create_task(store._events.write(_insert, "staying"))
    await asyncio.sleep(0)
    leaving.cancel()
    assert await staying == "staying"
    await blocker
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert {"blocker", "staying"} <= _keys(store.path)
