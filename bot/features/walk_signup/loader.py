"""The walk date a volunteer's or newcomer's button names, or the open walk dates for /walks, read before the
engine runs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from bot.callback_data import WalkDate, decode
from bot.engine import events
from bot.engine.state import ParticipantState, Stage
from bot.features.walk_signup.feature import SignupContext
from bot.store import walk_dates

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def load(db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> SignupContext | None:
    if state.id is None or state.stage != Stage.READY:
        return None
    button = decode(event.data) if isinstance(event, events.Button) else None
    if isinstance(button, WalkDate):  # an id SQLite can hold: the codec refuses 10**30
        return SignupContext(date=walk_dates.get(db, button.walk_date))
    if isinstance(event, events.Command) and event.name.lower() == "walks" and state.role == "volunteer":
        # Every open one; the feature keeps those still to come at the event's moment (the engine's clock).
        return SignupContext(upcoming=tuple(walk_dates.upcoming(db, frozenset({state.community}), EPOCH)))
    return None
