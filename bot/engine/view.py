"""The engine as its parts see it: its settings, the protocol a feature implements, and the few things of the
engine that pacing, relocation, multiple choice and features call back into.

`bot.engine.core.Engine` is the one implementation. The parts name `EngineView` instead of the class, so nothing
they import leads back to the core: the engine's modules form no circle (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.config import QuietHours
from bot.content.loader import Library
from bot.content.model import Prompt, Round
from bot.engine import events
from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.i18n import Translator

# Bump when the consent text changes in substance: everyone is asked again before a new answer is stored.
CONSENT_VERSION = "2026-11-26"


@dataclass(frozen=True)
class EngineConfig:
    contact: str = ""
    max_text_length: int = 2000
    retention_months: int = 24
    consent_version: str = CONSENT_VERSION
    timezone: ZoneInfo = ZoneInfo("Europe/Brussels")  # the city's: fixed-time and cron prompts are read in it
    quiet_hours: QuietHours | None = None  # to say truthfully when a delayed prompt will arrive


class EngineView(Protocol):
    @property
    def library(self) -> Library: ...

    @property
    def config(self) -> EngineConfig: ...

    @property
    def feature_buttons(self) -> dict[str, Any]: ...

    @property
    def feature_commands(self) -> dict[str, Any]: ...

    def feature_hook(self, hook: str, result: Result, *args: Any) -> bool: ...

    def contact_for(self, state: ParticipantState, t: Translator) -> str: ...

    def community_language(self, community: str) -> str | None: ...

    def round_closed(self, conversation: Round, now: datetime | None) -> bool: ...

    def start_round(self, result: Result, t: Translator, lead: str = "") -> None: ...

    def current_prompt(self, state: ParticipantState) -> Prompt | None: ...

    def prompt_audio(self, conversation: Round, prompt: Prompt, language: str) -> dict[str, str]: ...

    def show_current(self, result: Result, t: Translator, lead: str = "") -> None: ...

    def stale(self, result: Result, t: Translator) -> None: ...

    def _closing(self, conversation: Round, t: Translator) -> str: ...

    def _store_and_advance(
        self,
        result: Result,
        conversation: Round,
        prompt: Prompt,
        value: dict[str, Any],
        option: str | None,
        t: Translator,
        ref: str | None = None,
    ) -> None: ...


class Feature(Protocol):
    """A feature's part in the engine. `engine` is `bot.engine.core.Engine`, named `Any` here: a feature's handlers
    use all of it, and naming the class in this module would close a circle with the core."""

    name: str

    def buttons(self) -> Mapping[str, Any]:
        """Button family (`bot.callback_data`: the first word of its data) -> `handler(engine, result, button, t)`,
        `button` the decoded value: forged data never reaches a handler."""
        ...

    def commands(self) -> Mapping[str, Any]:
        """Command name -> `handler(engine, result, command, t)`; participant commands only."""
        ...

    def on_message(self, engine: Any, result: Result, event: events.Event, t: Translator) -> bool:
        """Take a non-button, non-command event before the round does; True when it was taken."""
        ...

    # Optional hooks, looked up by name (a feature without them is left out):
    #   on_start(engine, result, code, t) -> bool   `/start <code>` of a deep link; True when the feature answered.
    #       Before consent it may only remember the code (in its state) and return False: onboarding goes on.
    #   on_ready(engine, result, t, lead) -> bool   onboarding just finished; True when the feature took over
    #       from the round (e.g. the walk a participant came for).
    #   on_resume(engine, result, t, lead) -> bool  /resume: True when the feature showed where they are (a walk's
    #       card) instead of the round's question.
