"""A small world for follow-up tests: timed content, a store, the dispatcher, the follow-up service and a sender
whose channel records what it delivers, all on a clock the test moves."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.outbox import Sender
from bot.store import OutboxRow, Store

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tuesday 1 December 2026, 09:00 in Brussels

ROUND = textwrap.dedent(
    """\
    id: proef
    kind: round
    community: default
    title: {nl: Proefronde, en: Trial round, ar: جولة تجريبية}
    reminders: {after: 1d, count: 1}
    prompts:
      - id: vervoer
        theme: mobility
        type: choice
        text: {nl: "Hoe verplaats je je?", en: "How do you get around?", ar: "كيف تتنقل؟"}
        options:
          - {id: fiets, label: {nl: Fiets, en: Bike, ar: دراجة}}
          - {id: auto, label: {nl: Auto, en: Car, ar: سيارة}}
        minority: {min_answers: 4, share: 0.3}
      - id: werk
        theme: work
        type: text
        when: {after_answer: 2d}
        text: {nl: "Wat helpt je aan werk?", en: "What helps you find work?", ar: "ما الذي يساعدك في العمل؟"}
      - id: buurt
        theme: housing
        type: scale
        when: {cron: "0 10 * * mon"}
        text: {nl: "Hoe is je buurt?", en: "How is your neighbourhood?", ar: "كيف حيّك؟"}
      - id: slot
        theme: open
        type: text
        when: {at: 2026-12-20 10:00}
        text: {nl: "Nog iets?", en: "Anything else?", ar: "شيء آخر؟"}
    """
)

MEETING = textwrap.dedent(
    """\
    id: buurtavond
    kind: meeting
    community: default
    title: {nl: Buurtavond, en: Neighbourhood evening, ar: أمسية الحي}
    date: 2026-12-10 19:00
    duration: 2h
    place: {nl: Buurthuis De Vonk, en: Community centre De Vonk, ar: المركز المجتمعي De Vonk}
    bring: {nl: Een hapje, en: Something to eat, ar: شيئًا للأكل}
    ideas:
      - id: fietsenstalling
        theme: mobility
        status: planned
        text: {nl: Een fietsenstalling, en: A bicycle shed, ar: موقف للدراجات}
      - id: avondles
        theme: work
        status: under-discussion
        text: {nl: Avondlessen Nederlands, en: Evening Dutch lessons, ar: دروس مسائية في الهولندية}
    """
)


def write_content(directory: Path, *, meeting: str | None = MEETING, round_text: str = ROUND) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "proef.yaml").write_text(round_text, encoding="utf-8")
    if meeting is not None:
        (directory / "buurtavond.yaml").write_text(meeting, encoding="utf-8")
    return directory


@dataclass
class Delivered:
    address: str
    kind: str
    text: str
    buttons: list[tuple[str, str]]


@dataclass
class Recorder:
    """A channel that keeps what it is given, so a test reads what each participant saw."""

    name: str = "terminal"
    delivered: list[Delivered] = field(default_factory=list)

    async def deliver(self, row: OutboxRow) -> None:
        buttons = [(label, data) for button_row in row.payload.get("buttons", []) for label, data in button_row]
        self.delivered.append(Delivered(row.address, row.kind, str(row.payload.get("text", "")), buttons))

    def to(self, address: str) -> list[Delivered]:
        return [message for message in self.delivered if message.address == address]

    def texts(self, address: str) -> str:
        return "\n".join(message.text for message in self.to(address))


class World:
    def __init__(self, store: Store, settings: Settings, clock: ManualClock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.dispatcher = Dispatcher(store, settings, clock)
        self.channel = Recorder()
        self.sender = Sender(
            store,
            self.channel,
            clock,
            quiet_hours=settings.quiet_hours,
            timezone=settings.timezone,
            grace=settings.grace,
            render=self.dispatcher.render,
            kinds=self.dispatcher.kinds,
        )

    @classmethod
    async def open(cls, settings: Settings, clock: ManualClock | None = None) -> World:
        store = await Store.open(settings.db)
        world = cls(store, settings, clock or ManualClock(START))
        await world.dispatcher.followups.tick(force=True)
        return world

    async def close(self) -> None:
        await self.store.close()

    async def send(self, name: str, event: events.Event | str, *, organiser: bool = False) -> list[Delivered]:
        """What the participant does, and everything the bot sends in return."""
        if isinstance(event, str):
            event = events.Text(event)
        before = len(self.channel.delivered)
        handled = await self.dispatcher.handle("terminal", name, event, hint="nl", organiser=organiser)
        await self.sender.deliver(list(handled.claimed))  # the replies, already claimed when they were written
        await self.dispatcher.followups.tick(force=True)
        await self.sender.flush()
        return self.channel.delivered[before:]

    async def press(self, name: str, data: str) -> list[Delivered]:
        return await self.send(name, events.Button(data))

    async def join(self, name: str, language: str = "nl") -> list[Delivered]:
        await self.send(name, events.Command("start"))
        await self.press(name, f"lang:{language}")
        await self.press(name, "consent:yes")
        return await self.press(name, "role:resident")

    async def advance(self, delta: timedelta) -> list[Delivered]:
        """Move the clock through every due moment, as `:time` does in the simulator."""
        before = len(self.channel.delivered)
        target = self.clock.now() + delta
        for _step in range(1000):
            due = await self.store.next_due("terminal")
            news = await self.dispatcher.followups.next_moment()
            moments = [self.sender.not_quiet_from(max(due, self.clock.now()))] if due else []
            moments += [max(news, self.clock.now())] if news else []
            if not moments or min(moments) > target:
                break
            self.clock.set(min(moments))
            await self.dispatcher.followups.tick(force=True)
            if (
                await self.sender.flush() == 0
                and await self.store.next_due("terminal") == due
                and await self.dispatcher.followups.next_moment() == news
            ):
                break
        self.clock.set(target)
        await self.dispatcher.followups.tick(force=True)
        await self.sender.flush()
        return self.channel.delivered[before:]

    async def rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        rows = await self.store.outbox_rows()
        return [row for row in rows if kind is None or row["kind"] == kind]


def with_content(settings: Settings, directory: Path, **changes: Any) -> Settings:
    return replace(settings, conversations=directory, **changes)


# Fixtures shared by tests/test_followups.py and tests/test_meetings.py: the dated test content and its world.


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_content(tmp_path / "conversations")


@pytest.fixture
async def world(settings: Settings, content: Path) -> AsyncIterator[World]:
    opened = await World.open(with_content(settings, content))
    yield opened
    await opened.close()
