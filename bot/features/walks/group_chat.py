"""A group walk's messages in a group chat: `/walk <id>` from a volunteer, and the group walk's buttons.

A group chat is not a participant, so these do not go through `Dispatcher.handle`; they take the same path in
small: read what is needed, let the pure decisions in `bot/engine/walk_groups.py` decide, and write the group's new
state, the messages to the group chat and the cards to every walker's private chat in one transaction, together
with the inbox row of the update (a duplicate update does nothing twice).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.callback_data import GroupButton, decode
from bot.engine import events
from bot.engine.state import Stage
from bot.engine.walk_groups import GroupOutcome, GroupWalk, group_action, group_command
from bot.hub import Hub as Dispatcher
from bot.i18n import guess_language
from bot.store import walks as stored
from bot.store.events import close_inbox
from bot.store.outbox_rows import Addressed, enqueue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GroupEvent:
    channel: str
    chat: str  # the group chat
    user: str  # who sent it, as their private address
    name: str  # their first name (kept only while they have not opened the bot)
    event: events.Command | events.Button
    hint: str | None  # their Telegram language_code


async def handle_group(dispatcher: Dispatcher, received: GroupEvent, inbox_key: str | None) -> str | None:
    """Decide and store what a group chat's walk command or button changes; the notice for the presser, if any."""
    store = dispatcher.store
    library = dispatcher.engine.library
    now = dispatcher.clock.now()
    person = await store.load_participant(received.channel, received.user)
    language = (person.language if person else None) or guess_language(received.hint) or "nl"
    ready = (
        person is not None
        and person.stage == Stage.READY
        and person.consent_version == dispatcher.engine.config.consent_version
        and person.active
    )
    group: GroupWalk | None
    if isinstance(received.event, events.Command):
        group = await store.call(stored.open_group_in_chat, received.channel, received.chat)
        outcome = group_command(
            library,
            received.event.args,
            group,
            channel=received.channel,
            chat=received.chat,
            volunteer=received.user,
            language=language,
            bot_username=dispatcher.bot_username,
        )
        group = outcome.create or group
    else:
        button = decode(received.event.data)
        group = await store.call(stored.group_by_code, button.code) if isinstance(button, GroupButton) else None
        mine = group is not None and group.chat == received.chat and group.channel == received.channel
        if group is None or not mine or not isinstance(button, GroupButton):  # forged, or another chat's walk
            log.warning("refused a group walk button for an unknown walk")
            await _close_inbox(dispatcher, received.channel, inbox_key)
            return None
        outcome = group_action(
            library,
            group,
            button,
            actor=received.user,
            actor_name=received.name,
            actor_participant=person.id if person else None,
            actor_ready=ready,
            actor_language=language,
            bot_username=dispatcher.bot_username,
            now=now,
        )
    if not await store.write(_write, received, group, outcome, inbox_key, now):
        return None  # handled before
    return outcome.toast


def _write(
    db: sqlite3.Connection,
    received: GroupEvent,
    group: GroupWalk | None,
    outcome: GroupOutcome,
    inbox_key: str | None,
    now: datetime,
) -> bool:
    """In the database thread, inside the transaction: False if the update was handled before."""
    if inbox_key is not None and not close_inbox(db, received.channel, inbox_key, now):
        return False
    if outcome.create is not None:
        stored.create_group(db, outcome.create, now)
    if group is not None and outcome.update is not None:
        stop, status = outcome.update
        stored.update_group(db, group.code, stop, status, now)
    if group is not None and outcome.join is not None:
        join = outcome.join
        stored.join_group(db, group.code, received.channel, join.address, join.participant_id, join.name, now)
    to_chat = [Addressed(received.channel, received.chat, None, message) for message in outcome.to_chat]
    walkers = [
        Addressed(received.channel, delivery.address, delivery.participant_id, delivery.message)
        for delivery in outcome.deliveries
    ]
    enqueue(db, [*to_chat, *walkers], now)
    return True


async def _close_inbox(dispatcher: Dispatcher, channel: str, inbox_key: str | None) -> None:
    if inbox_key is not None:
        await dispatcher.store.inbox_done(channel, inbox_key, dispatcher.clock.now())
