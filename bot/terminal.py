"""The terminal chat simulator: an organiser rehearses a round exactly as a participant on a phone would meet it.

It runs the same dispatcher, engine, store and outbox as the Telegram bot; only the channel differs. Terminal
participants are rehearsals: the Telegram sender never touches them and exports mark them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import ManualClock, parse_offset
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.outbox import Sender
from bot.store import OutboxRow, Store

CHANNEL = "terminal"
PREFIX = "bot> "

SIMULATOR_HELP = """Simulator commands:
  :time +2d | +3h | +15m   move the simulated clock; every message that became due is delivered in order
  :voice [SECONDS]         send a stand-in voice message
  :photo                   send a stand-in photo
  :location LAT LON        share a location, e.g. :location 51.0543 3.7174
  :sticker                 send a sticker (to see how wrong input is answered)
  :now                     show the simulated time
  :quit                    stop
Type a number or a button's label to press it; /help shows the bot's own commands."""


@dataclass
class TerminalChannel:
    """Prints bot messages; remembers the last buttons so that typing `2` or a label presses one."""

    out: TextIO
    files_dir: Path
    name: str = CHANNEL
    buttons: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()

    async def deliver(self, row: OutboxRow) -> None:
        payload = row.payload
        for line in str(payload.get("text", "")).split("\n"):
            self.write(PREFIX + line)
        flat = [(label, data) for button_row in payload.get("buttons", []) for label, data in button_row]
        for number, (label, _data) in enumerate(flat, start=1):
            self.write(f"{PREFIX}[{number}] {label}")
        if flat:
            self.buttons[row.address] = flat
        document = payload.get("document")
        if document:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            target = self.files_dir / document["filename"]
            descriptor = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(document["content"])
            self.write(f"{PREFIX}📎 {document['filename']} ({len(document['content'].encode())} bytes) → {target}")


def read_event(line: str, buttons: list[tuple[str, str]]) -> events.Event | str | None:
    """Turn one typed line into an event; a string is a message for the person at the keyboard."""
    text = line.strip()
    if text.startswith(":"):
        word, _sep, rest = text[1:].partition(" ")
        word = word.lower()
        if word == "voice":
            seconds = int(rest) if rest.strip().isdigit() else 5
            return events.Voice(file_ref=f"terminal-voice-{seconds}s", duration=seconds)
        if word == "photo":
            return events.Photo(file_ref="terminal-photo")
        if word == "sticker":
            return events.Unsupported("sticker")
        if word == "location":
            try:
                latitude, longitude = (float(part) for part in rest.replace(",", " ").split())
            except ValueError:
                return "usage: :location LAT LON, e.g. :location 51.0543 3.7174"
            return events.Location(latitude, longitude)
        return None
    if text.startswith("/") and len(text) > 1:
        name, _sep, args = text[1:].partition(" ")
        return events.Command(name.split("@")[0], args.strip())
    if buttons:
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            return events.Button(buttons[int(text) - 1][1])
        for label, data in buttons:
            if text.casefold() == label.casefold() or text.casefold() == label.split(" ", 1)[-1].casefold():
                return events.Button(data)
    return events.Text(line.rstrip("\n"))


def language_hint() -> str | None:
    """The terminal's locale plays the part of Telegram's language_code."""
    value = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    code = value.split(".")[0].replace("_", "-")
    return None if code in ("", "C", "POSIX") else code


class Simulator:
    def __init__(self, settings: Settings, name: str, out: TextIO, clock: ManualClock | None = None) -> None:
        self.settings = settings
        self.name = name
        self.out = out
        self.clock = clock or ManualClock()

    async def run(self, lines: TextIO, interactive: bool) -> int:
        store = await Store.open(self.settings.db)
        try:
            channel = TerminalChannel(self.out, self.settings.db.parent / "terminal-files")
            dispatcher = Dispatcher(store, self.settings, self.clock)
            sender = Sender(
                store,
                channel,
                self.clock,
                quiet_hours=self.settings.quiet_hours,
                timezone=self.settings.timezone,
                render=dispatcher.render,
            )
            await store.release_in_flight()
            for problem in dispatcher.engine.library.problems:
                self.out.write(f"content: {problem}\n")
            if await store.load_participant(CHANNEL, self.name) is None:
                self.out.write(
                    f"Simulated participant {self.name!r}. Type /start to begin, :help for simulator commands.\n"
                )
            await sender.flush(self.name)
            loop = asyncio.get_running_loop()
            while True:
                if interactive:
                    self.out.write("you> ")
                    self.out.flush()
                line = await loop.run_in_executor(None, lines.readline)
                if not line:
                    return 0
                if not line.strip():
                    continue
                if not interactive:
                    self.out.write(f"you> {line.rstrip()}\n")
                if not await self.step(line, channel, dispatcher, sender):
                    return 0
        finally:
            await store.close()

    async def step(self, line: str, channel: TerminalChannel, dispatcher: Dispatcher, sender: Sender) -> bool:
        text = line.strip()
        if text in (":quit", ":q", ":exit"):
            return False
        if text in (":help", ":?"):
            self.out.write(SIMULATOR_HELP + "\n")
            return True
        if text == ":now":
            self.out.write(f"simulated time: {self._local(self.clock.now())}\n")
            return True
        if text.startswith(":time"):
            try:
                delta = parse_offset(text[5:])
            except ValueError as error:
                self.out.write(f"{error}; try :time +2d, +3h or +15m\n")
                return True
            await self.advance(delta, dispatcher, sender)
            self.out.write(f"⏩ simulated time: {self._local(self.clock.now())}\n")
            return True
        event = read_event(line, channel.buttons.get(self.name, []))
        if event is None:
            self.out.write("unknown simulator command; :help lists them\n")
            return True
        if isinstance(event, str):
            self.out.write(event + "\n")
            return True
        await dispatcher.handle(CHANNEL, self.name, event, hint=language_hint())
        await sender.flush(self.name)
        return True

    async def advance(self, delta: timedelta, dispatcher: Dispatcher, sender: Sender) -> None:
        """Walk the clock forward through every due moment, so each message goes out when it would have."""
        target = self.clock.now() + delta
        for _step in range(10_000):  # a bound, in case a row can never be sent
            due = await dispatcher.store.next_due(CHANNEL, self.name)
            if due is None:
                break
            moment = sender.not_quiet_from(max(due, self.clock.now()))
            if moment > target:
                break
            self.clock.set(moment)
            if await sender.flush(self.name) == 0 and await dispatcher.store.next_due(CHANNEL, self.name) == due:
                break
        self.clock.set(target)
        await sender.flush(self.name)

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.timezone).strftime("%a %Y-%m-%d %H:%M %Z")


def run_chat(settings: Settings, name: str) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for the person typing
    simulator = Simulator(settings, name, sys.stdout)
    return asyncio.run(simulator.run(sys.stdin, interactive))
