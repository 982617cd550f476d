"""The stored answer an edited message gave, read with the participant before the engine runs."""

from __future__ import annotations

import sqlite3

from bot.engine import events
from bot.engine.state import ParticipantState
from bot.features.edits.feature import EditContext
from bot.store.edits import answer_for_message


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> EditContext | None:
    if not isinstance(event, events.Edit) or state.id is None:
        return None
    return EditContext(answer_for_message(db, state.id, event.ref))
