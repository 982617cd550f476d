"""The outbox sender with a channel that misbehaves: nothing is left in flight, quiet nights stay quiet."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.config import QuietHours, Settings
from bot.engine import Outgoing, ParticipantState, Result, Stage
from bot.outbox import Sender
from bot.store import OutboxRow, Store

BRUSSELS = ZoneInfo("Europe/Brussels")


class Flaky:
    """A channel whose first delivery fails with an error no one foresaw."""

    name = "telegram"

    def __init__(self) -> None:
        self.calls = 0
        self.delivered: list[int] = []

    async def deliver(self, row: OutboxRow) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionResetError("the line went dead")
        self.delivered.append(row.id)


async def write_reply(store: Store, now: datetime, *, scheduled_at: datetime | None = None) -> None:
    state = ParticipantState(channel="telegram", address="5", stage=Stage.READY, language="nl")
    result = Result(state=state)
    result.messages.append(Outgoing(text="hallo"))
    if scheduled_at is not None:
        result.messages.append(Outgoing(text="later", kind="followup", scheduled=True, due_at=scheduled_at))
    await store.apply(result, now)


async def test_an_unforeseen_error_is_retried_not_left_in_flight(store: Store) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 12, tzinfo=UTC))
    channel = Flaky()
    rearmed: list[bool] = []

    async def on_retry() -> None:
        rearmed.append(True)

    sender = Sender(store, channel, clock)
    sender.on_retry = on_retry
    await write_reply(store, clock.now())
    assert await sender.flush() == 0
    rows = await store.outbox_rows("telegram")
    assert [(row["status"], row["attempts"]) for row in rows] == [("pending", 1)]
    assert "unexpected ConnectionResetError" in rows[0]["last_error"]
    assert rearmed == [True]  # the live bot's wake-up is armed for the retry
    clock.advance(timedelta(seconds=6))
    assert await sender.flush() == 1
    assert [row["status"] for row in await store.outbox_rows("telegram")] == ["sent"]


async def test_a_reply_written_while_an_earlier_one_waits_for_its_retry_goes_after_it(store: Store) -> None:
    """Review finding: the reply "saved + question 2" failed and waited for its retry; the participant sent /help,
    and the help came first. Replies written meanwhile now wait behind the earlier one."""
    clock = ManualClock(datetime(2026, 11, 26, 12, tzinfo=UTC))
    channel = Flaky()
    sender = Sender(store, channel, clock)
    await write_reply(store, clock.now())
    assert await sender.flush() == 0  # the first reply fails: retry in 5 seconds
    state = await store.load_participant("telegram", "5")
    assert state is not None
    result = Result(state=state)
    result.messages.append(Outgoing(text="help"))
    _saved, claimed = await store.apply_and_claim(result, clock.now())
    assert await sender.deliver(claimed) == 0  # held behind the first
    clock.advance(timedelta(seconds=6))
    assert await sender.flush() == 2
    first, second = [row["id"] for row in await store.outbox_rows("telegram")]
    assert channel.delivered == [first, second]


async def test_during_quiet_hours_the_wake_up_waits_for_their_end(store: Store) -> None:
    night = datetime(2026, 11, 26, 23, tzinfo=BRUSSELS)
    clock = ManualClock(night)
    sender = Sender(store, Flaky(), clock, quiet_hours=QuietHours(time(21), time(9)), timezone=BRUSSELS)
    await write_reply(store, night - timedelta(days=1), scheduled_at=night - timedelta(hours=1))
    await store.claim_due("telegram", night - timedelta(days=1))  # the reply went out yesterday
    wake = await sender.next_wake()
    assert wake == datetime(2026, 11, 27, 9, tzinfo=BRUSSELS)  # not every second all night


async def test_a_too_old_sqlite_is_refused_with_a_clear_error(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    with pytest.raises(RuntimeError, match=r"SQLite .* too old"):
        await Store.open(settings.db)


async def test_a_reply_waiting_behind_a_deleted_one_is_not_pushed_back_for_ever(store: Store) -> None:
    """Review finding: the chat's waiting mark cleared only when a row with a smaller id was sent. After /forget (or
    retention) deleted the waiting row, every later message of that chat was put back behind it, again and again."""
    clock = ManualClock(datetime(2026, 11, 26, 12, tzinfo=UTC))
    channel = Flaky()
    sender = Sender(store, channel, clock)
    await write_reply(store, clock.now())
    assert await sender.flush() == 0  # the first reply fails: retry in 5 seconds
    with sqlite3.connect(store.path) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(
            "INSERT INTO outbox (channel, address, kind, payload, due_at, created_at, status)"
            " VALUES ('telegram', '6', 'text', '{}', 'x', 'x', 'sent')"
        )  # someone else's message meanwhile: ids are not reused
        db.execute("DELETE FROM participants")  # /forget: their rows go with them
    await write_reply(store, clock.now())  # they /start again
    assert await sender.flush() == 1  # nothing of this chat waits any more: it goes now
    assert len(channel.delivered) == 1
    clock.advance(timedelta(seconds=6))  # and once the deleted row's retry time has passed, no mark is left either
    assert sender._waiting == {}
