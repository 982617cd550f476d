"""How a feature (walks, meetings, ideas, ...) plugs into the engine without editing its core.

A feature claims kinds of button (`bot.callback_data`) and commands and may take a message before the round does (a location during a
walk). What it needs from the store is read before the engine runs, by its package's loader (a plain function over
a connection that returns a typed value, run by the dispatcher in the same trip that reads the participant) and
handed in as `result.context[feature.name]`: the engine stays pure, it only reads what it is handed. Features are
listed, with their loaders and message kinds, in `bot/features/wiring.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.engine import events
from bot.engine.outgoing import Result
from bot.engine.view import Feature
from bot.i18n import Translator

if TYPE_CHECKING:
    pass


class BaseFeature:
    """Defaults that take nothing, so a feature only writes the parts it needs."""

    name = "base"

    def buttons(self) -> Mapping[str, Any]:
        return {}

    def commands(self) -> Mapping[str, Any]:
        return {}

    def on_message(self, engine: Any, result: Result, event: events.Event, t: Translator) -> bool:
        return False


__all__ = ["BaseFeature", "Feature"]
