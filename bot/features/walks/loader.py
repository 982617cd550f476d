"""The walk's reads for one event, run by the dispatcher in the database thread with the participant's read."""

from __future__ import annotations

import sqlite3

from bot import callback_data as press
from bot.engine import events
from bot.engine.state import ParticipantState
from bot.engine.walk_cards import GROUP_CODE
from bot.features.walks.context import WalkContext, walk_state
from bot.store import walks as stored


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> WalkContext:
    code = None
    button = press.decode(event.data) if isinstance(event, events.Button) else None
    if isinstance(event, events.Command) and event.name.lower() == "start" and event.args.startswith(GROUP_CODE):
        code = event.args.strip()
    elif isinstance(button, press.GroupButton):
        code = button.code
    pending = walk_state(state).get("pending")
    if code is None and isinstance(pending, str) and pending.startswith(GROUP_CODE):
        code = pending
    leading = isinstance(button, press.WalkLead)
    reads_led = leading or (isinstance(event, events.Command) and event.name.lower() in ("walks", "walk"))
    answering = isinstance(event, events.Text | events.Voice | events.Photo)
    return WalkContext(
        group=stored.group_by_code(db, code) if code else None,
        member=stored.membership(db, state.id) if state.id is not None else None,
        follow_up=stored.follow_up_sent(db, state.id) if state.id is not None and answering else None,
        led=stored.group_led_from(db, state.channel, state.address) if reads_led else None,
        invitation=(stored.invitation(db, state.channel, state.address) if isinstance(button, press.Role) else None),
    )
