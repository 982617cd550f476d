"""The background worker: claims due jobs, a bounded number at once, runs them, records each result with its job.

A reply never waits for it: jobs are rows written with the answer, and the worker takes them in its own tasks.
A job whose run fails is tried again later (doubling waits), and given up after `max_attempts`. Each kind has its
own `at_once` places; jobs of a kind without a runner (an engine switched off since) wait until it is back. A restart (or a
kill -9) finds the jobs that were running and runs them again; a result is only written in the transaction that
marks its job done, so none is recorded twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.engines import EngineError
from bot.store import Database
from bot.store.jobs import Job, answer_for_job, claim_jobs, finish_job, next_job_due, release_running, retry_job

log = logging.getLogger(__name__)

MAX_IDLE = 60.0  # seconds: look at the queue now and then even when nobody woke the worker


@dataclass(frozen=True)
class Outcome:
    """What a run leaves: a write for its result (run in the transaction that marks the job done), files it made
    (removed if that transaction finds the answer gone), and whether it queued messages to send."""

    write: Callable[[sqlite3.Connection, datetime], None] | None = None
    files: tuple[Path, ...] = ()
    messages: bool = False


Runner = Callable[[Job, dict[str, Any]], Awaitable[Outcome]]


class JobWorker:
    def __init__(
        self,
        store: Database,
        runners: Mapping[str, Runner],
        clock: Clock,
        *,
        at_once: int = 4,
        backoff: timedelta = timedelta(seconds=30),
        max_backoff: timedelta = timedelta(hours=1),
        max_attempts: int = 8,
        lease: timedelta = timedelta(minutes=15),
        on_messages: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.store = store
        self.runners = dict(runners)
        self.clock = clock
        self.at_once = at_once
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_attempts = max_attempts
        self.lease = lease
        self.on_messages = on_messages
        self._running: set[asyncio.Task[None]] = set()
        self._by_kind: dict[str, set[asyncio.Task[None]]] = {}
        self._woken = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None

    async def recover(self) -> int:
        """Jobs left running by the last process are due again (they recorded nothing)."""
        released = await self.store.write(release_running)
        if released:
            log.warning("%d background job(s) were running at the last stop; running them again", released)
        return released

    async def start(self) -> None:
        await self.recover()
        self._loop_task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop taking jobs; runs still going are cancelled and run again at the next start."""
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self.recover()

    def wake(self) -> None:
        """New jobs were written: look now instead of at the next idle check."""
        self._woken.set()

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_due()
                # Only kinds with a free place: a full kind's due jobs wake nobody until one of its runs ends.
                free = tuple(kind for kind in self.runners if len(self._by_kind.get(kind, ())) < self.at_once)
                due = await self.store.read(next_job_due, free) if free else None
            except Exception as error:  # the database busy or gone for a moment: try again shortly
                log.warning("job queue: %s", type(error).__name__)
                due = None
            now = self.clock.now()
            wait = MAX_IDLE if due is None else min(MAX_IDLE, max(0.05, (due - now).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._woken.wait(), wait)
            self._woken.clear()

    async def run_due(self) -> int:
        """Start as many due jobs as there are free places, each kind with places of its own (a hanging speech
        engine must not hold up downloads and translations); how many started."""
        started = 0
        for kind in self.runners:
            running = self._by_kind.setdefault(kind, set())
            free = self.at_once - len(running)
            if free <= 0:
                continue
            jobs = await self.store.write(claim_jobs, self.clock.now(), free, self.lease, kind)
            for job in jobs:
                task = asyncio.create_task(self._run(job))
                self._running.add(task)
                running.add(task)
                task.add_done_callback(partial(self._ended, running))
            started += len(jobs)
        return started

    def _ended(self, running: set[asyncio.Task[None]], task: asyncio.Task[None]) -> None:
        self._running.discard(task)
        running.discard(task)
        self._woken.set()  # a free place: the next due job can start

    async def drain(self) -> None:
        """Run every job due now, and what they queue, until none is left (the simulator and tests)."""
        while True:
            started = await self.run_due()
            if not self._running and not started:
                return
            if self._running:
                await asyncio.wait(set(self._running), return_when=asyncio.FIRST_COMPLETED)

    async def _run(self, job: Job) -> None:
        try:
            outcome = await self._outcome(job)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            reason = str(error) if isinstance(error, EngineError) else type(error).__name__
            await self._retry(job, reason)
            return
        committed = await self.store.write(self._finish, job.id, outcome, self.clock.now())
        if not committed:
            for file in outcome.files:  # the answer was deleted while the job ran: keep nothing of it
                await asyncio.to_thread(file.unlink, True)
        elif outcome.messages and self.on_messages is not None:
            try:
                await self.on_messages()
            except Exception as error:
                log.warning("job %d: waking the sender failed: %s", job.id, type(error).__name__)

    async def _outcome(self, job: Job) -> Outcome:
        answer = await self.store.read(answer_for_job, job.answer_id)
        if answer is None:
            return Outcome()  # deleted meanwhile: the job row went with it, nothing will be written
        return await self.runners[job.kind](job, answer)

    @staticmethod
    def _finish(db: sqlite3.Connection, job_id: int, outcome: Outcome, now: datetime) -> bool:
        if not finish_job(db, job_id, now):
            return False
        if outcome.write is not None:
            outcome.write(db, now)
        return True

    async def _retry(self, job: Job, reason: str) -> None:
        if job.attempts >= self.max_attempts:
            log.warning("job %d (%s) given up after %d attempts: %s", job.id, job.kind, job.attempts, reason)
            await self.store.write(retry_job, job.id, reason, None)
            return
        wait = min(self.backoff * (2 ** (job.attempts - 1)), self.max_backoff)
        log.warning("job %d (%s) will be tried again in %d s: %s", job.id, job.kind, int(wait.total_seconds()), reason)
        await self.store.write(retry_job, job.id, reason, self.clock.now() + wait)
