"""Whether the answer a `heard:` button names is the participant's own and transcribed, read before the engine runs."""

from __future__ import annotations

import sqlite3

from bot.engine import events
from bot.engine.state import ParticipantState
from bot.features.heard.feature import PREFIX, HeardContext, parse_answer_id
from bot.store.heard import transcribed_answer


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> HeardContext | None:
    if state.id is None or not isinstance(event, events.Button) or not event.data.startswith(PREFIX + ":"):
        return None
    _action, number = parse_answer_id(event.data.partition(":")[2])
    if number is None or not transcribed_answer(db, state.id, number):
        return None
    return HeardContext(number)
