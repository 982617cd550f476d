"""Rounds in sequence, as time passes: a round that opens reaches its community, a round that closes goes quiet and
sends its results back.

Run from `FollowUps.tick`, so the live bot does it at most a minute late and the simulator at every step and every
moment its clock passes. What it did is noted in `round_status`, so a restart repeats nothing: each opening, closing
and results message happens once.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.content import sequence
from bot.content.model import Round
from bot.engine.outgoing import Result
from bot.features.results.feature import send_results
from bot.i18n import translator
from bot.store import network
from bot.store.events import apply_event, read_participant

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

log = logging.getLogger(__name__)


async def sync_rounds(dispatcher: Dispatcher, now: datetime) -> None:
    engine, store = dispatcher.engine, dispatcher.store
    engine.closed_rounds = await store.call(network.closed_by_organisers)
    library, zone, closed = engine.library, engine.config.timezone, engine.closed_rounds
    states = await store.call(network.round_states)
    for conversation in library.rounds.values():
        noted = states.get(conversation.id, {})
        if sequence.is_closed(library, conversation, now, zone, closed):
            if not noted.get("closed_at"):
                await close_round(dispatcher, conversation, now)
            if conversation.results and not noted.get("results_at"):
                await send_results(dispatcher, conversation, now)
        elif sequence.is_open(library, conversation, now, zone, closed) and not noted.get("opened_at"):
            await store.write(network.mark_round, conversation.id, conversation.community, "opened_at", now)
            if sequence.sequenced(conversation):
                await open_round(dispatcher, conversation, now)


async def close_round(dispatcher: Dispatcher, conversation: Round, now: datetime, by: str | None = None) -> bool:
    """Stop the round's reminders and waiting prompts; False when it was closed before."""
    done = await dispatcher.store.write(close_in, conversation, now, by)
    if done:
        log.info("round %s closed", conversation.id)
    return done


def close_in(db: sqlite3.Connection, conversation: Round, now: datetime, by: str | None = None) -> bool:
    """`close_round` inside a transaction the caller holds: an organiser's `/round close` and its log line."""
    done = network.mark_round(db, conversation.id, conversation.community, "closed_at", now, by)
    if done:
        network.cancel_round_messages(db, conversation.id)
    return done


async def open_round(dispatcher: Dispatcher, conversation: Round, now: datetime) -> int:
    """Everyone of the community who is not paused gets the round's intro and its first prompt, as scheduled
    messages (quiet hours hold them back); someone who paused gets it when they send /resume.

    Each participant is read, moved and written in one transaction, so a message they send meanwhile is never
    overwritten by a state read before it."""
    engine, store = dispatcher.engine, dispatcher.store

    def move(db: sqlite3.Connection, channel: str, address: str) -> bool:
        state = read_participant(db, channel, address)
        if state is None or state.paused or state.conversation == conversation.id:
            return False
        result = Result(state=state, now=now)
        engine.open_round(result, translator(state.language or "en"))
        if result.state.conversation != conversation.id:
            return False  # another round is theirs now (a change in the content meanwhile)
        result.messages = [replace(message, scheduled=True) for message in result.messages]
        apply_event(db, result, now, None, False)
        return True

    told = 0
    own = {c.community for c in engine.library.rounds.values()}  # who a `default` round does not serve
    for channel, address in await store.call(network.to_move, conversation.community, conversation.id, own):
        told += await store.write(move, channel, address)
    log.info("round %s opened for %d participant(s)", conversation.id, told)
    return told
