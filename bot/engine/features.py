"""How a feature (walks, meetings, ideas, ...) plugs into the engine without editing its core.

A feature claims kinds of button (`bot.callback_data`) and commands, may take a message before the round does (a
location during a walk), and may ask the dispatcher to load context from the store before the engine runs (the
engine stays pure: it only reads what it is handed). Register a feature in `bot.dispatch.FEATURES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.engine import events
from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.i18n import Translator

if TYPE_CHECKING:
    import sqlite3

    from bot.engine.core import Engine


class Feature(Protocol):
    name: str

    def buttons(self) -> Mapping[str, Any]:
        """Button family (`bot.callback_data`: the first word of its data) -> `handler(engine, result, button, t)`,
        `button` the decoded value: forged data never reaches a handler."""
        ...

    def commands(self) -> Mapping[str, Any]:
        """Command name -> `handler(engine, result, command, t)`; participant commands only."""
        ...

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        """Take a non-button, non-command event before the round does; True when it was taken."""
        ...

    def context(self, db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> Mapping[str, Any]:
        """What this feature needs from the store for this event; handed to the engine as `result.context`.

        The dispatcher runs it in the database thread, in the same call that reads the participant (an event's
        reads are one trip there): plain, quick SQLite reads only, no awaiting."""
        ...

    # Optional hooks, looked up by name (a feature without them is left out):
    #   on_start(engine, result, code, t) -> bool   `/start <code>` of a deep link; True when the feature answered.
    #       Before consent it may only remember the code (in its state) and return False: onboarding goes on.
    #   on_ready(engine, result, t, lead) -> bool   onboarding just finished; True when the feature took over
    #       from the round (e.g. the walk a participant came for).
    #   on_resume(engine, result, t, lead) -> bool  /resume: True when the feature showed where they are (a walk's
    #       card) instead of the round's question.


class BaseFeature:
    """Defaults that take nothing, so a feature only writes the parts it needs."""

    name = "base"

    def buttons(self) -> Mapping[str, Any]:
        return {}

    def commands(self) -> Mapping[str, Any]:
        return {}

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        return False

    def context(self, db: sqlite3.Connection, state: ParticipantState, event: events.Event) -> Mapping[str, Any]:
        return {}
