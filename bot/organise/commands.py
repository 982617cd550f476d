"""The organiser commands and buttons, in a registry that `bot.dispatch` consults for organisers only.

Registering is one line:

    @organiser_command("idea", ON_("record an idea from a meeting, or change its status"))
    async def idea(ctx: OrganiserContext, args: str) -> None:
        ctx.reply(ctx.o.ogettext("..."))
        ctx.log("idea", idea=...)

    @organiser_button("idea-status")            # its buttons carry `org:idea-status:<rest>` (see `button()`)
    async def idea_status(ctx: OrganiserContext, rest: str) -> None: ...

A handler collects replies (`ctx.reply`), log lines (`ctx.log`) and changes (`ctx.change(write)`; with
`messages_others=True` when the change queues messages to other chats, so the live sender goes at once) on its
context; they are written in one transaction together with the inbox mark of the update, so an organiser action is
done and logged exactly once. A change whose outcome the answer needs (a new walk date's number) logs with
`await ctx.log_in(db, ...)` and replies with `ctx.reply` from inside the change: replies are written after changes.
Slow work goes in `ctx.later(job)`: in the live bot it runs after the first reply,
in the background, and its own replies follow. For anyone who is not
an organiser none of this exists: dispatch never asks the registry, and the engine answers the command or button as
it answers any unknown one, revealing nothing.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.callback_data import Organiser, decode, encode
from bot.config import Settings
from bot.content.loader import Library
from bot.engine import events
from bot.engine.outgoing import ButtonSpec, Outgoing, Result
from bot.engine.state import ParticipantState
from bot.i18n import guess_language
from bot.organise.i18n import ON_, OrganiserTranslator, organiser_translator
from bot.organise.stranded import move_stranded
from bot.store import Store
from bot.store import organise as queries
from bot.store.network import scope_of

if TYPE_CHECKING:
    from bot.dispatch import Dispatcher, Handled

log = logging.getLogger(__name__)


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
        detail = {"scope": scope_names(self.scope), **detail}  # the log says for which community they acted
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


COMMANDS: dict[str, OrganiserCommand] = {}
BUTTONS: dict[str, ButtonHandler] = {}


def organiser_command(
    name: str, description: str, *, network_only: bool = False
) -> Callable[[CommandHandler], CommandHandler]:
    def register(handler: CommandHandler) -> CommandHandler:
        COMMANDS[name] = OrganiserCommand(name, description, handler, network_only)
        return handler

    return register


def organiser_button(action: str) -> Callable[[ButtonHandler], ButtonHandler]:
    if ":" in action:
        raise ValueError("a button action has no ':'")

    def register(handler: ButtonHandler) -> ButtonHandler:
        BUTTONS[action] = handler
        return handler

    return register


def button(label: str, action: str, rest: str | int = "") -> ButtonSpec:
    """An organiser button; its data names the action and carries ids only (64 bytes at most)."""
    return ButtonSpec(label, encode(Organiser(action, str(rest))))


def claims(event: events.Event) -> bool:
    """Is this an organiser command or button? Dispatch asks only for organisers."""
    if isinstance(event, events.Command):
        return event.name.lower() in COMMANDS
    if isinstance(event, events.Button):
        pressed = decode(event.data)  # a forged or garbled button is no organiser's
        return isinstance(pressed, Organiser) and pressed.action in BUTTONS
    return False


async def still_organiser(dispatcher: Dispatcher, channel: str, address: str) -> bool:
    """Read now, not from the few seconds' cache: asked when an organiser action is about to take effect."""
    return await queries.is_organiser(dispatcher.store, dispatcher.settings, channel, address)


def organiser_menu(language: str | None) -> list[tuple[str, str]]:
    """The organiser commands for the chat menu, in the organiser's language."""
    o = organiser_translator(language)
    return [(command.name, o.ogettext(command.description)) for command in COMMANDS.values()]


def organiser_help_text(language: str | None, scope: frozenset[str] | None = None) -> str:
    """The organiser commands with what each does, in the organiser's language; a community organiser (`scope`)
    reads which communities are theirs, without the commands that are a network organiser's."""
    o = organiser_translator(language)
    lines = ["🧑‍💼 " + o.ogettext("Organiser commands (only organisers see and can use these):"), ""]
    if scope is not None:
        communities = ", ".join(sorted(scope))
        lines += [o.format(o.ogettext("You are an organiser of {communities}."), communities=communities), ""]
    lines += [
        f"/{command.name} — {o.ogettext(command.description)}"
        for command in COMMANDS.values()
        if scope is None or not command.network_only
    ]
    lines += ["", o.ogettext("Every organiser action is logged with who and when.")]
    return "\n".join(lines)


def with_organiser_help(messages: list[Outgoing], language: str | None, contact: str) -> list[Outgoing]:
    """An organiser's /help, all in their organiser language: the participants' help, then the organiser commands."""
    from bot.engine.notices import help_text
    from bot.i18n import translator

    if not messages:
        return messages
    first = replace(messages[0], text=help_text(translator(organiser_translator(language).language), contact))
    return [first, *messages[1:], Outgoing(text=organiser_help_text(language), kind="organiser")]


def with_organiser_menu(messages: list[Outgoing]) -> list[Outgoing]:
    """An organiser who changes language keeps their organiser commands in the menu."""
    return [
        replace(message, data={**message.data, "organiser_menu": True}) if message.menu_language else message
        for message in messages
    ]


# -- running a handler -----------------------------------------------------------------------------------------------
Wake = Callable[[], Coroutine[Any, Any, None]]
_wakers: weakref.WeakKeyDictionary[Any, Wake] = weakref.WeakKeyDictionary()
_running: set[asyncio.Task[None]] = set()


def attach(dispatcher: Dispatcher, wake: Wake) -> None:
    """In the live bot, slow organiser work runs in the background and wakes the sender when its reply is ready.

    Without a waker (the terminal simulator, the command line) it runs before the event is done.
    """
    _wakers[dispatcher] = wake


def wake_sender(dispatcher: Dispatcher) -> None:
    """Rows were written for other chats (a flag to organisers, an announcement): the live sender goes now."""
    wake = _wakers.get(dispatcher)
    if wake is not None:
        task = asyncio.create_task(wake())
        _running.add(task)
        task.add_done_callback(_running.discard)


async def handle(
    dispatcher: Dispatcher,
    state: ParticipantState,
    event: events.Event,
    now: datetime,
    *,
    inbox_key: str | None = None,
    hint: str | None = None,
) -> Handled:
    """Run an organiser command or button; its replies come back claimed, as a participant's do."""
    from bot.dispatch import Handled

    channel, address = state.channel, state.address
    if inbox_key is not None and await queries.inbox_handled(dispatcher.store, channel, inbox_key):
        return Handled(Result(state=state, now=now), None, duplicate=True)
    language = (
        await organiser_language(dispatcher.store, channel, address, hint) or state.language or guess_language(hint)
    )
    ctx = OrganiserContext(dispatcher, channel, address, state, now, organiser_translator(language))
    ctx.scope = await dispatcher.store.call(scope_of, channel, address)
    if isinstance(event, events.Command):
        name = event.name.lower()
        if COMMANDS[name].network_only and ctx.scope is not None:
            network_only_refusal(ctx, name)
        elif (other := await allowed(ctx, command=name, args=event.args)) is not None:
            refusal(ctx, other)
        else:
            await COMMANDS[name].handler(ctx, event.args)
    elif isinstance(event, events.Button):
        pressed = decode(event.data)
        assert isinstance(pressed, Organiser)  # `claims` said so
        action, rest = pressed.action, pressed.rest
        if (other := await allowed(ctx, action=action, rest=rest)) is not None:
            refusal(ctx, other)
        else:
            await BUTTONS[action](ctx, rest)
    claimed = await queries.commit_reply(dispatcher.store, channel, address, ctx.replies, ctx.writes, now, inbox_key)
    if claimed is None:
        return Handled(Result(state=state, now=now), None, duplicate=True)
    if ctx.others:
        wake_sender(dispatcher)
    if ctx.jobs:
        wake = _wakers.get(dispatcher)
        if wake is None:
            await _run_jobs(ctx, None)
        else:
            task = asyncio.create_task(_run_jobs(ctx, wake))
            _running.add(task)
            task.add_done_callback(_running.discard)
    return Handled(Result(state=state, now=now, messages=list(ctx.replies)), state, claimed=tuple(claimed))


async def _run_jobs(ctx: OrganiserContext, wake: Wake | None) -> None:
    for job in ctx.jobs:
        later = OrganiserContext(ctx.dispatcher, ctx.channel, ctx.address, ctx.state, ctx.dispatcher.clock.now(), ctx.o)
        later.scope = ctx.scope
        try:
            await job(later)
        except Exception as error:
            log.exception("organiser job failed: %s", type(error).__name__)
            later.replies = [
                Outgoing(
                    text="❌ " + ctx.o.ogettext("That did not work; the error is in the bot's log. Please try again."),
                    kind="organiser",
                )
            ]
        # Written as waiting rows: the sender sends them (woken below, or by the simulator's own flush).
        async with ctx.store.transaction() as db:
            for write in later.writes:
                await write(db)
            for message in later.replies:
                await ctx.store.call(queries.enqueue, ctx.channel, ctx.address, message, later.now)
    if wake is not None:
        await wake()


async def drain() -> None:
    """Wait for background organiser work (tests, and a clean stop)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)


# -- the commands every organiser has ---------------------------------------------------------------------------------
@organiser_command("organiser", ON_("what organisers can do here"))
async def organiser_help(ctx: OrganiserContext, args: str) -> None:
    """The list of organiser commands, with what each does."""
    ctx.reply(organiser_help_text(ctx.o.language, ctx.scope))


@organiser_command("reload", ON_("load the conversation files again, without a restart"), network_only=True)
async def reload(ctx: OrganiserContext, args: str) -> None:
    """Reload content; content that does not pass the check is refused and the running content stays."""
    o = ctx.o
    old = ctx.library
    library = await ctx.dispatcher.reload_in_thread()
    if library.ok:
        text = "✅ " + o.format(
            o.ogettext("Content reloaded: {count} conversation(s)."),
            count=len(library.rounds) + len(library.walks) + len(library.meetings),
        )
        moved = await move_stranded(ctx.dispatcher, old)  # no one stays on a prompt that is gone
        if moved:
            wake_sender(ctx.dispatcher)
            text += "\n" + o.format(
                o.ongettext(
                    "{count} participant was on a removed question and moved on to their next one.",
                    "{count} participants were on a removed question and moved on to their next one.",
                    moved,
                ),
                count=moved,
            )
        warnings = [str(problem) for problem in library.problems]
        if warnings:
            text += "\n" + "\n".join(warnings[:20])
    else:
        text = "❌ " + o.ogettext("Content not reloaded; the current content stays. Fix these first:") + "\n"
        text += "\n".join(str(problem) for problem in library.errors[:30])
    ctx.reply(text)
    ctx.log("reload", ok=library.ok, errors=len(library.errors), moved=moved if library.ok else 0)


# The built-in organiser features register themselves on import; keep this at the end of the module.
from bot.organise import (  # noqa: E402, F401
    actions,
    announce,
    flags,
    moderation,
    network_commands,
    own_language,
    safeguarding,
)
from bot.organise.own_language import organiser_language as organiser_language  # noqa: E402  (dispatch reads it here)
from bot.organise.scope import allowed, network_only_refusal, refusal  # noqa: E402
from bot.organise.scope import describe as scope_names  # noqa: E402
