"""The terminal chat simulator: an organiser rehearses a round exactly as a participant on a phone would meet it.

It runs the same dispatcher, engine, store and outbox as the Telegram bot; only the channel differs. Terminal
participants are rehearsals: the Telegram sender never touches them and exports mark them.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.engine.sanity import small_number
from bot.jobs.service import build_worker
from bot.outbox import Sender
from bot.store import OutboxRow, Store
from bot.store import organise as organisers
from bot.terminal_commands import files_of, forget_files, simulator_event, time_offset, usage

CHANNEL = "terminal"
PREFIX = "bot> "

SIMULATOR_HELP = """Simulator commands:
  :time +2d | +3h | +15m   move the simulated clock; every message that became due is delivered in order
  :voice [FILE|SECONDS]    send a voice message: a real recording (e.g. conversations/audio/wonen-ar.ogg)
                           goes the same way as on Telegram; without a file, a stand-in
  :photo [FILE [CAPTION]]  send a photo (a real file, with words if you like), or a stand-in
  :location LAT LON        share a location, e.g. :location 51.0543 3.7174
  :live LAT LON            move a shared live location there (a walk's card comes within a stop's radius)
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
    # Buttons of earlier messages stay tappable on a phone: here by their label (a prompt's, after an invitation).
    earlier: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    stamp: str | None = None  # the simulated time, printed once above the next message delivered

    def write(self, line: str) -> None:
        if self.stamp is not None and line.startswith(PREFIX):
            stamp, self.stamp = self.stamp, None
            self.out.write(stamp + "\n")
        self.out.write(line + "\n")
        self.out.flush()

    async def deliver(self, row: OutboxRow) -> None:
        payload = row.payload
        if payload.get("photo"):  # a walk card's picture: shown by its path, the text below is its caption
            self.write(f"{PREFIX}🖼 {payload['photo']}")
        for line in str(payload.get("text", "")).split("\n"):
            self.write(PREFIX + line)
        flat = [(label, data) for button_row in payload.get("buttons", []) for label, data in button_row]
        for number, (label, _data) in enumerate(flat, start=1):
            self.write(f"{PREFIX}[{number}] {label}")
        if flat:
            self.buttons[row.address] = flat
            self.earlier[row.address] = (flat + self.earlier.get(row.address, []))[:40]
        for key in ("voice", "audio", "video_note"):  # a prompt's recording, or an answer's file for organisers
            if payload.get(key):
                self.write(f"{PREFIX}{'🎥' if key == 'video_note' else '🔊'} {payload[key]}")
        photo_bytes = payload.get("photo_bytes")
        files = files_of(self.files_dir, row.address)  # theirs: /forget removes the folder
        if photo_bytes:  # a chart made by the bot: saved as a picture to open
            files.mkdir(mode=0o700, parents=True, exist_ok=True)
            picture = files / f"picture-{row.id}.png"
            descriptor = os.open(picture, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)  # also a file that was there before
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(base64.b64decode(photo_bytes))
            self.write(f"{PREFIX}🖼 {picture}")
        document = payload.get("document")
        if document and document.get("path"):  # a file the bot wrote (an export, a brief): where to find it
            path = document["path"]
            size = os.path.getsize(path) if os.path.exists(path) else 0  # noqa: ASYNC240 - a local stat, instant
            self.write(f"{PREFIX}📎 {document['filename']} ({size} bytes) → {path}")
        elif document:
            files.mkdir(mode=0o700, parents=True, exist_ok=True)
            target = files / Path(document["filename"]).name
            descriptor = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            os.fchmod(descriptor, 0o600)  # also a file that was there before
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(document["content"])
            self.write(f"{PREFIX}📎 {document['filename']} ({len(document['content'].encode())} bytes) → {target}")


def read_event(
    line: str, buttons: list[tuple[str, str]], earlier: list[tuple[str, str]] | None = None
) -> events.Event | str | None:
    """Turn one typed line into an event; a string is a message for the person at the keyboard."""
    text = line.strip()
    if text.startswith(":"):
        word, _sep, rest = text[1:].partition(" ")
        word = word.lower()
        named = rest.strip()
        if word in ("voice", "photo") and named and not (named.isascii() and named.isdecimal()):
            return _real_file(word, named)  # `:voice FILE.ogg`, `:photo FILE.jpg [CAPTION]`
        return simulator_event(word, rest)  # bot/terminal_commands.py
    if text.startswith("/") and len(text) > 1:
        name, _sep, args = text[1:].partition(" ")
        return events.Command(name.split("@")[0], args.strip())
    # On a scale, a typed number is the value, whatever the button order (right-to-left reverses it).
    typed = small_number(text)  # None for "²" or a 4,301-digit line, which int() cannot read
    for label, data in buttons:  # "۲" (Persian) is 2 as much as "2" is: never a button position on a scale
        if typed is not None and small_number(label.rsplit(" ", 1)[-1]) == typed:
            return events.Button(data)
    if buttons and typed is not None and 1 <= typed <= len(buttons):
        return events.Button(buttons[typed - 1][1])
    # A label names a button of an earlier message too (as tapping an old keyboard would); a bare number only
    # ever means one of the buttons shown last: typed at a walk card, "4" is an answer, not the old scale's "🙂 4".
    for label, data in [*buttons, *([] if text.isdecimal() else earlier or [])]:
        if text.casefold() == label.casefold() or text.casefold() == label.split(" ", 1)[-1].casefold():
            return events.Button(data)
    return events.Text(line.rstrip("\n"))


def _real_file(word: str, rest: str) -> events.Event | str:
    """`:voice FILE` or `:photo FILE [CAPTION]`: a real file, fetched and kept as a Telegram download would be."""
    name, _sep, caption = rest.partition(" ")
    path = Path(name).expanduser()
    if not path.is_file():
        return f"no such file: {name}\n{usage(word)}"
    size = path.stat().st_size
    if word == "voice":
        return events.Voice(file_ref=f"file:{path.resolve()}", duration=0, size=size)
    return events.Photo(file_ref=f"file:{path.resolve()}", caption=caption.strip(), size=size)


def language_hint() -> str | None:
    """The terminal's locale plays the part of Telegram's language_code."""
    value = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    code = value.split(".")[0].replace("_", "-")
    return None if code in ("", "C", "POSIX") else code


class Simulator:
    def __init__(
        self, settings: Settings, name: str, out: TextIO, clock: ManualClock | None = None, *, organiser: bool = False
    ) -> None:
        self.settings = settings
        self.name = name
        self.organiser = organiser
        self.out = out
        self.clock = clock or ManualClock()

    async def run(self, lines: TextIO, interactive: bool) -> int:
        store = await Store.open(self.settings.db)
        runners = None
        try:
            channel = TerminalChannel(self.out, self.settings.db.parent / "terminal-files")
            dispatcher = Dispatcher(store, self.settings, self.clock)
            sender = Sender(
                store,
                channel,
                self.clock,
                quiet_hours=self.settings.quiet_hours,
                timezone=self.settings.timezone,
                grace=self.settings.grace,
                render=dispatcher.render,
                kinds=dispatcher.kinds,
            )
            await store.release_in_flight()
            jobs, runners = build_worker(
                self.settings, store, self.clock, lambda: dispatcher.engine.library, {}, on_messages=None
            )
            dispatcher.jobs = jobs
            await jobs.recover()
            await dispatcher.followups.tick(force=True)  # meetings and ideas in the content files, as on start
            if self.organiser:  # rehearse as an organiser: organiser commands, and safeguarding flags of rehearsals
                await organisers.set_organiser(
                    store, CHANNEL, self.name, True, "cli:chat --organiser", self.clock.now()
                )
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
            if runners is not None:
                await runners.close()
            await store.close()

    async def step(self, line: str, channel: TerminalChannel, dispatcher: Dispatcher, sender: Sender) -> bool:
        text = line.strip()
        word, _sep, rest = text.partition(" ")
        if word in (":quit", ":q", ":exit", ":help", ":?", ":now") and rest.strip():
            self.out.write(usage({":q": "quit", ":exit": "quit", ":?": "help"}.get(word, word[1:])) + "\n")
            return True
        if text in (":quit", ":q", ":exit"):
            return False
        if text in (":help", ":?"):
            self.out.write(SIMULATOR_HELP + "\n")
            return True
        if text == ":now":
            self.out.write(f"simulated time: {self._local(self.clock.now())}\n")
            return True
        if word == ":time":
            delta = time_offset(rest)
            if isinstance(delta, str):
                self.out.write(delta + "\n")
                return True
            await self.advance(delta, dispatcher, sender)
            self.out.write(f"⏩ simulated time: {self._local(self.clock.now())}\n")
            return True
        event = read_event(line, channel.buttons.get(self.name, []), channel.earlier.get(self.name, []))
        if event is None:
            self.out.write("unknown simulator command; :help lists them\n")
            return True
        if isinstance(event, str):
            self.out.write(event + "\n")
            return True
        organiser = await organisers.is_organiser(dispatcher.store, self.settings, CHANNEL, self.name)
        handled = await dispatcher.handle(CHANNEL, self.name, event, hint=language_hint(), organiser=organiser)
        if handled.result.forget and isinstance(channel, TerminalChannel):
            forget_files(channel.files_dir, self.name)  # their /mydata file and charts go with the rest
        await sender.deliver(list(handled.claimed))
        if dispatcher.jobs is not None:  # the background work the answer queued: its "I heard…" comes next
            await dispatcher.jobs.drain()
        await dispatcher.followups.tick(force=True)  # an invitation for a newcomer, the minority round
        await sender.flush(self.name)
        return True

    async def advance(self, delta: timedelta, dispatcher: Dispatcher, sender: Sender) -> None:
        """Walk the clock forward through every due moment, so each message goes out when it would have."""
        target = self.clock.now() + delta
        for _step in range(10_000):  # a bound, in case a row can never be sent
            due = await dispatcher.store.next_due(CHANNEL, self.name)
            news = await dispatcher.followups.next_moment()  # idea news becomes due when its meeting ends
            moments = [sender.not_quiet_from(max(due, self.clock.now()))] if due is not None else []
            moments += [max(news, self.clock.now())] if news is not None else []
            if not moments or min(moments) > target:
                break
            self.clock.set(min(moments))
            if isinstance(sender.channel, TerminalChannel):  # say when, above what goes out at this moment
                sender.channel.stamp = f"⏰ {self._local(self.clock.now())}"
            await dispatcher.followups.tick(force=True)
            if (
                await sender.flush(self.name) == 0
                and await dispatcher.store.next_due(CHANNEL, self.name) == due
                and await dispatcher.followups.next_moment() == news
            ):
                break
        self.clock.set(target)
        await dispatcher.followups.tick(force=True)  # ideas forgotten for weeks are flagged at the moment reached
        await sender.flush(self.name)

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(self.settings.timezone).strftime("%a %Y-%m-%d %H:%M %Z")


def run_chat(settings: Settings, name: str, organiser: bool = False) -> int:
    interactive = sys.stdin.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - line editing and history for the person typing
    simulator = Simulator(settings, name, sys.stdout, organiser=organiser)
    return asyncio.run(simulator.run(sys.stdin, interactive))
