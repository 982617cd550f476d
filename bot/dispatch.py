"""Where an inbound event meets the engine and the store: load the participant, decide, write it all at once.

Telegram and the terminal both call `Dispatcher.handle`, so a rehearsal behaves as the real thing does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.content.loader import Library, load_library
from bot.engine import events
from bot.engine.core import Engine, EngineConfig
from bot.engine.edits import EditsFeature
from bot.engine.features import Feature
from bot.engine.outgoing import Outgoing, Result
from bot.engine.state import ParticipantState
from bot.flood import FloodGate
from bot.i18n import LANGUAGES
from bot.store import OutboxRow, Store

log = logging.getLogger(__name__)

ORGANISER_COMMANDS = ("reload",)

# Features plug into the engine here (see bot/engine/features.py); each may load context from the store.
FEATURES: list[Feature] = [EditsFeature()]


@dataclass(frozen=True)
class Handled:
    result: Result
    state: ParticipantState | None  # None when the participant was deleted, or the event was a duplicate
    duplicate: bool = False


def load_content(settings: Settings) -> Library:
    return load_library(settings.conversations, tuple(LANGUAGES))


class Dispatcher:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        clock: Clock,
        library: Library | None = None,
        *,
        flood: FloodGate | None = None,
    ) -> None:
        self.flood = flood
        self.store = store
        self.settings = settings
        self.clock = clock
        self.engine = Engine(
            library if library is not None else load_content(settings),
            EngineConfig(
                contact=settings.contact,
                max_text_length=settings.max_text_length,
                retention_months=settings.retention_months,
            ),
            FEATURES,
        )

    def render(self, row: OutboxRow) -> dict[str, Any] | None:
        """Messages rendered at sending time use the participant's stored language of that moment."""
        if row.kind == "reminder":
            message = self.engine.render_reminder(
                row.language, row.payload.get("conversation", ""), row.payload.get("prompt", "")
            )
            return message.payload() if message else None
        return row.payload

    def reload_content(self) -> Library:
        """Load the content again; the running content stays if the new one does not pass the check."""
        library = load_content(self.settings)
        if library.ok:
            self.engine.library = library
            log.info("content reloaded: %d conversation(s)", len(library.rounds))
        else:
            log.warning("content reload refused: %d error(s)", len(library.errors))
        return library

    async def handle(
        self,
        channel: str,
        address: str,
        event: events.Event,
        *,
        hint: str | None = None,
        inbox_key: str | None = None,
        organiser: bool = False,
    ) -> Handled:
        now = self.clock.now()
        state = await self.store.load_participant(channel, address)
        if state is None:
            state = ParticipantState(channel=channel, address=address, community=self.settings.default_community)
        verdict = self.flood.check(f"{channel}:{address}") if self.flood else "ok"
        if verdict != "ok":
            return await self._flooded(state, verdict, now, channel, inbox_key)
        if organiser and isinstance(event, events.Command) and event.name.lower() in ORGANISER_COMMANDS:
            result = self._organiser(state, event)
        elif isinstance(event, events.Command) and event.name.lower() == "mydata" and state.id is not None:
            result = self.engine.mydata(state, await self.store.participant_record(state.id), now)
        else:
            context: dict[str, Any] = {}
            for feature in self.engine.features:
                context.update(await feature.context(self.store, state, event))
            result = self.engine.handle(state, event, now, hint, context)
        if result.refused:
            # Pseudonym only: logs never hold a Telegram id, a name or message text.
            log.warning("refused input from %s: %s", state.pseudonym, result.refused)
        saved = await self.store.apply(result, now, inbox=(channel, inbox_key) if inbox_key else None)
        if saved is None and inbox_key is not None and not result.forget:
            return Handled(result, None, duplicate=True)
        return Handled(result, None if result.forget else saved)

    async def _flooded(
        self, state: ParticipantState, verdict: str, now: datetime, channel: str, inbox_key: str | None
    ) -> Handled:
        """Too many messages too fast: say so once, store nothing of the burst."""
        log.warning("flood from %s: %s", state.pseudonym, verdict)
        result = Result(state=state, now=now)
        if verdict == "warn" and state.id is not None:
            result = self.engine.too_fast(state, now)
            saved = await self.store.apply(result, now, inbox=(channel, inbox_key) if inbox_key else None)
            return Handled(result, saved)
        if inbox_key is not None:
            await self.store.inbox_done(channel, inbox_key, now)
        return Handled(result, state)

    def _organiser(self, state: ParticipantState, event: events.Command) -> Result:
        result = Result(state=state)
        library = self.reload_content()
        if library.ok:
            text = f"✅ Content reloaded: {len(library.rounds)} conversation(s)."
            warnings = [str(problem) for problem in library.problems]
            if warnings:
                text += "\n" + "\n".join(warnings[:20])
        else:
            text = "❌ Content not reloaded; the current content stays. Fix these first:\n" + "\n".join(
                str(problem) for problem in library.errors[:30]
            )
        result.messages.append(Outgoing(text=text[:4000], kind="organiser"))
        return result
