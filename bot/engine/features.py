"""How a feature (walks, meetings, ideas, ...) plugs into the engine without editing its core.

A feature claims button prefixes and commands and may take a message before the round does (a location during a
walk). What it needs from the store is read before the engine runs, by its package's loader (a plain function over
a connection that returns a typed value, run by the dispatcher in the same trip that reads the participant) and
handed in as `result.context[feature.name]`: the engine stays pure, it only reads what it is handed. Features are
listed, with their loaders and message kinds, in `bot/features/wiring.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from bot.engine import events
from bot.engine.outgoing import Result
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.engine.core import Engine


class Feature(Protocol):
    name: str

    def buttons(self) -> Mapping[str, Any]:
        """Button prefix (before the first `:`) -> `handler(engine, result, rest, t)`."""
        ...

    def commands(self) -> Mapping[str, Any]:
        """Command name -> `handler(engine, result, command, t)`; participant commands only."""
        ...

    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        """Take a non-button, non-command event before the round does; True when it was taken."""
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
