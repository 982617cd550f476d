"""Whether the answer a `heard:` button names is the participant's own and transcribed, read before the engine runs."""

from __future__ import annotations

import sqlite3

from bot.callback_data import Heard, decode
from bot.engine import events
from bot.engine.state import ParticipantState
from bot.features.heard.feature import HeardContext
from bot.store.heard import transcribed_answer


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> HeardContext | None:
    button = decode(event.data) if isinstance(event, events.Button) else None
    if state.id is None or not isinstance(button, Heard):
        return None
    if not transcribed_answer(db, state.id, button.answer_id):  # a row id SQLite can hold: the codec refuses 10**30
        return None
    return HeardContext(button.answer_id)
