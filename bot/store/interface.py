"""What the rest of the bot may rely on from the store: the seam where another backend fits.

In the spirit of aiogram's `BaseStorage`: a small protocol, one implementation per backend (`Store` in
bot/store/sqlite.py for SQLite). Features call `read(fn, ...)` and `write(fn, ...)` with the store's own functions
(bot/store/<topic>.py) and the named intents below on the hot path; they never see a connection or SQL. A
PostgreSQL backend implements this class and the store functions that use SQLite's dialect (docs/scaling.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.store.outbox_rows import OutboxRow
from bot.store.records import Writers

P = ParamSpec("P")
T = TypeVar("T")


class Database(Protocol):
    path: Path

    async def read(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a store function that reads: it sees committed rows only."""
        ...

    async def write(
        self, function: Callable[Concatenate[sqlite3.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run a store function as one transaction: all of it commits, or none."""
        ...

    async def checkpoint(self) -> None: ...
    async def backup(self, target: Path) -> None: ...
    async def close(self) -> None: ...

    # The hot path, named: one read and one write per inbound message, group-committed marks per delivery.
    async def load_participant(self, channel: str, address: str) -> ParticipantState | None: ...
    async def apply(
        self,
        result: Result,
        now: datetime,
        *,
        inbox: tuple[str, str] | None = None,
        writers: Writers | None = None,
    ) -> ParticipantState | None: ...
    async def apply_and_claim(
        self,
        result: Result,
        now: datetime,
        *,
        inbox: tuple[str, str] | None = None,
        claim: bool = True,
        writers: Writers | None = None,
    ) -> tuple[ParticipantState | None, list[OutboxRow]]: ...
    async def claim_due(
        self,
        channel: str,
        now: datetime,
        *,
        address: str | None = None,
        include_scheduled: bool = True,
        limit: int = 100,
    ) -> list[OutboxRow]: ...
    async def mark_sent(self, row_id: int, now: datetime) -> None: ...
    async def mark_sent_many(self, row_ids: list[int], now: datetime) -> None: ...
    async def record_parts(self, row_id: int, parts: int) -> None: ...
    async def mark_retry(self, row_id: int, error: str, retry_at: datetime) -> None: ...
    async def mark_failed(self, row_id: int, error: str, status: str = "failed") -> None: ...
    async def release_in_flight(self) -> int: ...
    async def next_due(
        self, channel: str, address: str | None = None, *, include_scheduled: bool = True
    ) -> datetime | None: ...
    async def set_active(self, channel: str, address: str, active: bool, now: datetime) -> None: ...
    async def participant_record(self, participant_id: int) -> dict[str, Any]: ...
    async def inbox_store(self, channel: str, entries: list[tuple[str, str | None, str]], now: datetime) -> None: ...
    async def inbox_open(self, channel: str) -> list[tuple[str, str]]: ...
    async def inbox_close_overtaken(self, channel: str, now: datetime) -> int: ...
    async def inbox_done(self, channel: str, key: str, now: datetime) -> None: ...
