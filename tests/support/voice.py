"""A participant who reaches the round's voice question, and the parts that take their voice further: the real
dispatcher, store, worker and engine clients, with a real recording sent as the simulator sends one."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.handled import Handled
from bot.jobs.runners import Runners
from bot.jobs.service import build_worker
from bot.jobs.worker import JobWorker
from bot.store import Store
from bot.store import organise as organisers

ROOT = Path(__file__).resolve().parent.parent.parent
AUDIO = ROOT / "conversations" / "audio" / "wonen-ar.ogg"
ROUND = "leven-in-onze-stad"


def voice(path: Path = AUDIO) -> events.Voice:
    return events.Voice(f"file:{path}", 4, size=path.stat().st_size)


@dataclass
class Rig:
    settings: Settings
    store: Store
    dispatcher: Dispatcher
    worker: JobWorker
    runners: Runners
    clock: ManualClock

    @classmethod
    async def open(cls, settings: Settings, **worker_options: Any) -> Rig:
        store = await Store.open(settings.db)
        clock = ManualClock()
        dispatcher = Dispatcher(store, settings, clock)
        worker, runners = build_worker(settings, store, clock, lambda: dispatcher.engine.library, {})
        for name, value in worker_options.items():
            setattr(worker, name, value)
        dispatcher.jobs = worker
        return cls(settings, store, dispatcher, worker, runners, clock)

    async def close(self) -> None:
        await self.worker.stop()
        await self.runners.close()
        await self.store.close()

    async def settle(self, rounds: int = 12) -> None:
        """Run every job to its end, retries included: a job that failed once on a busy test machine is retried
        after its backoff, so the simulated clock moves on to it instead of the test reading half a result."""
        for _ in range(rounds):
            await self.worker.drain()
            waiting = self.rows("SELECT MIN(due_at) FROM jobs WHERE status IN ('pending', 'running')")[0][0]
            if waiting is None:
                return
            due = datetime.fromisoformat(waiting.replace("Z", "+00:00"))
            if due > self.clock.now():
                self.clock.set(due)
        raise AssertionError(f"jobs still waiting: {self.rows('SELECT kind, status, attempts, last_error FROM jobs')}")

    async def send(self, name: str, event: events.Event, *, organiser: bool = False) -> Handled:
        return await self.dispatcher.handle("terminal", name, event, organiser=organiser)

    async def organiser(self, name: str = "org") -> None:
        await organisers.set_organiser(self.store, "terminal", name, True, "test", self.clock.now())

    async def to_voice_question(self, name: str = "amal", language: str = "ar") -> None:
        for event in (
            events.Command("start"),
            events.Button(f"lang:{language}"),
            events.Button("consent:yes"),
            events.Button("role:newcomer"),
            events.Button(f"a:{ROUND}:wonen:4"),
            events.Button(f"a:{ROUND}:vervoer:fiets"),
            events.Button(f"skip:{ROUND}:werk"),
            events.Button(f"skip:{ROUND}:veilig"),
        ):
            await self.send(name, event)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.settings.db) as db:
            return db.execute(sql, params).fetchall()

    def messages_to(self, name: str) -> list[dict[str, Any]]:
        import json

        found = self.rows("SELECT kind, payload FROM outbox WHERE address = ? ORDER BY id", (name,))
        return [{"kind": kind, **json.loads(payload)} for kind, payload in found]


def with_engines(settings: Settings, speech_url: str = "", translate_url: str = "", **more: Any) -> Settings:
    return replace(settings, speech_url=speech_url, translate_url=translate_url, **more)
