"""Where an inbound event meets the engine and the store: load the participant, decide, write it all at once.

Telegram and the terminal both call `Dispatcher.handle`, so a rehearsal behaves as the real thing does.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.config import Settings
from bot.content.configured import load_content
from bot.content.loader import Library
from bot.engine import events
from bot.engine.core import Engine, EngineConfig
from bot.engine.outgoing import Result
from bot.engine.state import ParticipantState
from bot.features.followups.service import FollowUps
from bot.features.package import Loader
from bot.features.wiring import FEATURES, KINDS, LOADERS
from bot.flood import FloodGate
from bot.handled import Handled
from bot.jobs.plan import plan_work
from bot.media.files import forget_files
from bot.media.mydata import add_own_files
from bot.organise import commands as organise
from bot.organise.own_language import organiser_language
from bot.organise.safeguarding import inspect as safeguard
from bot.store import OutboxRow, Store
from bot.store.events import read_participant
from bot.store.faults import forget_traces
from bot.store.jobs import participant_media, participant_translations

log = logging.getLogger(__name__)

BACKLOG = timedelta(seconds=30)  # a message older than this when handled was waiting, not sent in a burst


def read_event(
    db: sqlite3.Connection,
    channel: str,
    address: str,
    event: events.Event,
    community: str,
    loaders: Sequence[tuple[str, Loader]],
) -> tuple[ParticipantState, dict[str, Any]]:
    """The participant and what each feature needs for this event, read in one trip to the database thread."""
    state = read_participant(db, channel, address) or ParticipantState(
        channel=channel, address=address, community=community
    )
    context: dict[str, Any] = {}
    for name, load in loaders:
        found = load(db, state, event)
        if found is not None:
            context[name] = found
    return state, context


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
        self.bot_username: str | None = None  # set by the Telegram bot once it knows its name: for join links
        self.kinds = KINDS  # how each outbox kind is rendered and expires (bot/outbox/kinds.py)
        self.jobs: Any = None  # the background worker (bot/jobs/), woken when an event queues work for it
        self.engine = Engine(
            library if library is not None else load_content(settings),
            EngineConfig(
                contact=settings.contact,
                max_text_length=settings.max_text_length,
                retention_months=settings.retention_months,
                timezone=settings.timezone,
                quiet_hours=settings.quiet_hours,
            ),
            FEATURES,
        )
        # Meetings, idea news, the minority round: follow-ups no single message starts (bot/features/followups/service.py).
        self.followups = FollowUps(self)

    async def render(self, row: OutboxRow) -> dict[str, Any] | None:
        """Messages rendered at sending time use the participant's stored language of that moment."""
        return await self.kinds.render(self, row)

    def reload_content(self) -> Library:
        """Load the content again; the running content stays if the new one does not pass the check."""
        return self.use_content(load_content(self.settings))

    async def reload_in_thread(self) -> Library:
        """`reload_content` with the reading and checking in a worker thread: nobody waits while files load."""
        return self.use_content(await asyncio.to_thread(load_content, self.settings))

    async def reload_quietly(self) -> None:
        await self.reload_in_thread()

    def use_content(self, library: Library) -> Library:
        if library.ok:
            self.engine.library = library
            self.followups.soon()  # a changed meeting or idea status is news: look at it at the next wake
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
        sent_at: datetime | None = None,
    ) -> Handled:
        now = self.clock.now()
        # A backlog (sent while the bot was down, arriving in one batch) is no burst: only live messages count.
        live = sent_at is None or now - sent_at < BACKLOG
        verdict = self.flood.check(f"{channel}:{address}") if self.flood and live else "ok"
        if verdict != "ok":  # a burst costs one read of the participant, not every feature's
            known = await self.store.load_participant(channel, address)
            fallback = ParticipantState(channel=channel, address=address, community=self.settings.default_community)
            return await self._flooded(known or fallback, verdict, now, channel, inbox_key)
        state, loaded = await self.store.call(
            read_event, channel, address, event, self.settings.default_community, LOADERS
        )
        if organiser and organise.claims(event):
            # Rights as the action takes effect, not as cached a moment ago: a removed organiser's button is dead.
            organiser = await organise.still_organiser(self, channel, address)
            if organiser:
                return await organise.handle(self, state, event, now, inbox_key=inbox_key, hint=hint)
        if isinstance(event, events.Command) and event.name.lower() == "mydata" and state.id is not None:
            stored = await self.store.participant_record(state.id)
            stored["files"] = await self.store.call(participant_media, state.id)
            stored["machine_translations"] = await self.store.call(participant_translations, state.id)
            result = self.engine.mydata(state, stored, now)
            await add_own_files(self.settings, result, stored["files"])  # the recordings and photos themselves
        else:
            result = self.engine.handle(state, event, now, hint, {"bot_username": self.bot_username, **loaded})
        if organiser:
            result.messages = organise.with_organiser_menu(result.messages)
            if isinstance(event, events.Command) and event.name.lower() == "help":  # and what only they can do
                language = await organiser_language(self.store, channel, address, hint)
                result.messages = organise.with_organiser_help(
                    result.messages, language or state.language, self.engine.config.contact
                )
        safeguard(self, result, event)  # words of distress, in an answer or not: flagged to organisers
        planned = plan_work(self.settings, result)  # files to keep, words to translate: jobs in the same transaction
        if result.refused:
            # Pseudonym only: logs never hold a Telegram id, a name or message text.
            log.warning("refused input from %s: %s", state.pseudonym, result.refused)
        saved, claimed = await self.store.apply_and_claim(
            result, now, inbox=(channel, inbox_key) if inbox_key else None
        )
        if result.forget:
            await forget_traces(self.store)  # nothing of theirs left in the WAL file either
        if saved is None and inbox_key is not None and not result.forget:
            return Handled(result, None, duplicate=True)
        if result.forget:  # their kept voice notes and photos go with their rows
            await forget_files(self.settings, state.pseudonym)
        elif planned and self.jobs is not None:
            self.jobs.wake()
        return Handled(result, None if result.forget else saved, claimed=tuple(claimed))

    async def _flooded(
        self, state: ParticipantState, verdict: str, now: datetime, channel: str, inbox_key: str | None
    ) -> Handled:
        """Too many messages too fast: say so once, store nothing of the burst."""
        log.warning("flood from %s: %s", state.pseudonym, verdict)
        result = Result(state=state, now=now)
        if verdict == "warn" and state.id is not None:
            result = self.engine.too_fast(state, now)
            saved, claimed = await self.store.apply_and_claim(
                result, now, inbox=(channel, inbox_key) if inbox_key else None
            )
            return Handled(result, saved, claimed=tuple(claimed))
        if inbox_key is not None:
            await self.store.inbox_done(channel, inbox_key, now)
        return Handled(result, state)


__all__ = ["Dispatcher", "Handled", "load_content", "read_event"]
