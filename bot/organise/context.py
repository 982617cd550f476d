"""What an organiser command or button works with: its context (who, in which language, what it replies, logs and
changes), its buttons, and the router each organiser module collects its commands in.

A handler collects replies (`ctx.reply`), log lines (`ctx.log`) and changes (`ctx.change(write)`; with
`messages_others=True` when the change queues messages to other chats, so the live sender goes at once) on its
context; they are written in one transaction together with the inbox mark of the update (bot/organise/commands.py),
so an organiser action is done and logged exactly once. A change whose outcome the answer needs (a new walk date's
number) logs with `await ctx.log_in(db, ...)` and replies with `ctx.reply` from inside the change: replies are
written after changes. Slow work goes in `ctx.later(job)`: in the live bot it runs after the first reply, in the
background, and its own replies follow.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.content.loader import Library
from bot.engine.outgoing import ButtonSpec, Outgoing
from bot.engine.state import ParticipantState
from bot.organise.i18n import OrganiserTranslator
from bot.store import Store
from bot.store import organise as queries

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

Scope = frozenset[str] | None  # an organiser's communities; None: a network organiser (bot/organise/scope.py)


def describe(scope: Scope) -> str | list[str]:
    """For the organiser log: which communities the organiser acted for."""
    return "network" if scope is None else sorted(scope)


@dataclass
class OrganiserContext:
    """One organiser action: who, in which language, and what it replies, logs and changes."""

    dispatcher: Dispatcher
    channel: str
    address: str
    state: ParticipantState  # the organiser's own participant row, if they ever started the bot
    now: datetime
    o: OrganiserTranslator
    replies: list[Outgoing] = field(default_factory=list)
    writes: list[queries.Write] = field(default_factory=list)
    jobs: list[Callable[[OrganiserContext], Awaitable[None]]] = field(default_factory=list)
    others: bool = False  # wrote messages to other chats: wake the sender for them
    scope: frozenset[str] | None = (
        None  # the organiser's communities; None: a network organiser (bot/organise/scope.py)
    )
    commands: Mapping[str, OrganiserCommand] = field(default_factory=dict)  # the organiser table, for /organiser

    @property
    def store(self) -> Store:
        return self.dispatcher.store

    @property
    def settings(self) -> Settings:
        return self.dispatcher.settings

    @property
    def library(self) -> Library:
        return self.dispatcher.engine.library

    @property
    def who(self) -> str:
        """The organiser in the action log: their channel and chat (staff, not participants)."""
        return f"{self.channel}:{self.address}"

    @property
    def files(self) -> Path:
        """Where exports and briefs wait to be sent: beside the database, owner-only."""
        folder = self.settings.organiser_files
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def reply(
        self,
        text: str,
        *buttons: tuple[ButtonSpec, ...],
        document: Path | None = None,
        filename: str | None = None,
        photo: bytes | None = None,
    ) -> None:
        data: dict[str, Any] = {}
        if document is not None:
            data["document"] = {"path": str(document), "filename": filename or document.name, "remove_after_send": True}
        if photo is not None:
            import base64

            data["photo_bytes"] = base64.b64encode(photo).decode("ascii")
        self.replies.append(Outgoing(text=text[:4000], buttons=tuple(buttons), kind="organiser", data=data))

    def log(self, action: str, **detail: Any) -> None:
        """Record who did what, in the same transaction as the action's replies and changes."""

        async def write(db: Any) -> None:
            await self.log_in(db, action, **detail)

        self.writes.append(write)

    async def log_in(self, db: Any, action: str, **detail: Any) -> None:
        """The log line, from inside a change whose outcome it records (a walk date's new id, a round closed)."""
        detail = {"scope": describe(self.scope), **detail}  # the log says for which community they acted
        await queries.log_action(db, self.who, action, detail, self.now)

    def change(self, write: queries.Write, *, messages_others: bool = False) -> None:
        """A change written with the replies; `messages_others` when it queues messages to other chats."""
        self.writes.append(write)
        self.others = self.others or messages_others

    def later(self, job: Callable[[OrganiserContext], Awaitable[None]]) -> None:
        """Slow work (an export of a million answers) after the first reply; its own replies follow when done."""
        self.jobs.append(job)


CommandHandler = Callable[[OrganiserContext, str], Awaitable[None]]
ButtonHandler = Callable[[OrganiserContext, str], Awaitable[None]]


@dataclass(frozen=True)
class OrganiserCommand:
    name: str
    description: str  # an organiser catalog msgid (marked with ON_), shown in the menu and by /organiser
    handler: CommandHandler
    network_only: bool = False  # it acts for every community at once: network organisers only


class OrganiserRouter:
    """One organiser module's commands and buttons, collected by its own decorators and included, by name, in
    the one table of bot/organise/table.py (as aiogram's `include_router`): importing a module registers nothing.

        router = OrganiserRouter()

        @router.command("idea", ON_("record an idea from a meeting, or change its status"))
        async def idea(ctx: OrganiserContext, args: str) -> None: ...

        @router.button("idea-status")            # its buttons carry `org:idea-status:<rest>` (see `button()`)
        async def idea_status(ctx: OrganiserContext, rest: str) -> None: ...
    """

    def __init__(self) -> None:
        self.commands: dict[str, OrganiserCommand] = {}
        self.buttons: dict[str, ButtonHandler] = {}

    def command(
        self, name: str, description: str, *, network_only: bool = False
    ) -> Callable[[CommandHandler], CommandHandler]:
        def collect(handler: CommandHandler) -> CommandHandler:
            self.commands[name] = OrganiserCommand(name, description, handler, network_only)
            return handler

        return collect

    def button(self, action: str) -> Callable[[ButtonHandler], ButtonHandler]:
        if ":" in action:
            raise ValueError("a button action has no ':'")

        def collect(handler: ButtonHandler) -> ButtonHandler:
            self.buttons[action] = handler
            return handler

        return collect


Wake = Callable[[], Coroutine[Any, Any, None]]
wakers: weakref.WeakKeyDictionary[Any, Wake] = weakref.WeakKeyDictionary()
running: set[asyncio.Task[None]] = set()


def attach(dispatcher: Dispatcher, wake: Wake) -> None:
    """In the live bot, slow organiser work runs in the background and wakes the sender when its reply is ready.

    Without a waker (the terminal simulator, the command line) it runs before the event is done.
    """
    wakers[dispatcher] = wake


def wake_sender(dispatcher: Dispatcher) -> None:
    """Rows were written for other chats (a flag to organisers, an announcement): the live sender goes now."""
    wake = wakers.get(dispatcher)
    if wake is not None:
        task = asyncio.create_task(wake())
        running.add(task)
        task.add_done_callback(running.discard)
