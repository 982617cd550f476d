"""What one feature package hands the wiring (bot/features/wiring.py): nothing here registers itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bot.engine import events
from bot.engine.features import Feature
from bot.engine.state import ParticipantState
from bot.outbox.kinds import MessageKind, RecordKind

# Reads what the feature needs for one event, in the database thread, in the same trip that reads the participant;
# returns the feature's typed context (handed to the engine as `result.context[feature.name]`) or None.
Loader = Callable[[sqlite3.Connection, ParticipantState, events.Event], object]


@dataclass(frozen=True)
class Package:
    feature: Feature | None = None  # its part in the engine: buttons, commands, messages it takes
    load: Loader | None = None
    messages: tuple[MessageKind, ...] = ()
    records: tuple[RecordKind, ...] = ()
