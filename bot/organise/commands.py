"""The organiser commands and buttons: `bot.dispatch` asks here for organisers only, and runs the handler the
organiser table (bot/organise/table.py) names, in one transaction with its replies, log lines and changes (what a
handler works with is in bot/organise/context.py). For anyone who is not an organiser none of this exists: dispatch
never asks, and the engine answers the command or button as it answers any unknown one, revealing nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.callback_data import Organiser, decode
from bot.engine import events
from bot.engine.outgoing import Outgoing, Result
from bot.engine.state import ParticipantState
from bot.handled import Handled
from bot.i18n import guess_language
from bot.organise.context import OrganiserContext, Wake, running, wake_sender, wakers
from bot.organise.help import organiser_help_text
from bot.organise.i18n import organiser_translator
from bot.organise.own_language import organiser_language
from bot.organise.scope import allowed, network_only_refusal, refusal
from bot.organise.table import BUTTONS, COMMANDS
from bot.store import organise as queries
from bot.store.network import scope_of
from bot.store.outbox_rows import Addressed, enqueue

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

log = logging.getLogger(__name__)


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


def with_organiser_help(messages: list[Outgoing], language: str | None, contact: str) -> list[Outgoing]:
    """An organiser's /help, all in their organiser language: the participants' help, then the organiser commands."""
    from bot.engine.notices import help_text
    from bot.i18n import translator

    if not messages:
        return messages
    first = replace(messages[0], text=help_text(translator(organiser_translator(language).language), contact))
    return [first, *messages[1:], Outgoing(text=organiser_help_text(language, None, COMMANDS), kind="organiser")]


def with_organiser_menu(messages: list[Outgoing]) -> list[Outgoing]:
    """An organiser who changes language keeps their organiser commands in the menu."""
    return [
        replace(message, data={**message.data, "organiser_menu": True}) if message.menu_language else message
        for message in messages
    ]


# -- running a handler -----------------------------------------------------------------------------------------------


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

    channel, address = state.channel, state.address
    if inbox_key is not None and await queries.inbox_handled(dispatcher.store, channel, inbox_key):
        return Handled(Result(state=state, now=now), None, duplicate=True)
    language = (
        await organiser_language(dispatcher.store, channel, address, hint) or state.language or guess_language(hint)
    )
    ctx = OrganiserContext(dispatcher, channel, address, state, now, organiser_translator(language))
    ctx.commands = COMMANDS
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
        wake = wakers.get(dispatcher)
        if wake is None:
            await _run_jobs(ctx, None)
        else:
            task = asyncio.create_task(_run_jobs(ctx, wake))
            running.add(task)
            task.add_done_callback(running.discard)
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
                await ctx.store.call(enqueue, [Addressed(ctx.channel, ctx.address, None, message)], later.now)
    if wake is not None:
        await wake()


async def drain() -> None:
    """Wait for background organiser work (tests, and a clean stop)."""
    while running:
        await asyncio.gather(*list(running), return_exceptions=True)
