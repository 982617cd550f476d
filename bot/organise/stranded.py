"""After a reload: everyone whose current prompt was removed moves on at once (bot/engine/relocate.py), and the
organiser hears how many; `samenspraak check --against-db` warns before such a change is made."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.content.loader import Library, load_library
from bot.engine import relocate
from bot.i18n import LANGUAGES
from bot.store import Store
from bot.store.faults import participants_on, prompts_in_use

if TYPE_CHECKING:
    from bot.hub import Hub as Dispatcher

log = logging.getLogger(__name__)


async def move_stranded(dispatcher: Dispatcher, old: Library) -> int:
    """Move everyone on a prompt the new content no longer has; returns how many were moved."""
    engine = dispatcher.engine
    moved = 0
    for conversation in engine.library.rounds.values():
        before = old.rounds.get(conversation.id)
        if before is None:
            continue
        gone = [prompt.id for prompt in before.prompts if conversation.prompt(prompt.id) is None]
        for channel, address in await participants_on(dispatcher.store, conversation.id, gone):
            state = await dispatcher.store.load_participant(channel, address)
            if state is None or not relocate.stranded(engine, state):
                continue  # moved on meanwhile
            now = dispatcher.clock.now()
            await dispatcher.store.apply(relocate.move_on(engine, state, now, before), now)
            moved += 1
    if moved:
        log.warning("content reloaded: %d participant(s) moved on from a removed prompt", moved)
    return moved


def check_against_db(directory: Path, db: Path, out: TextIO | None = None) -> int:
    """Warnings for prompts of the new content that people are on now, or that have answers, but are removed."""
    out = out or sys.stdout
    library = load_library(directory, tuple(LANGUAGES))
    if not db.exists():
        out.write(f"no database at {db}: nothing to compare with\n")
        return 0

    async def read() -> dict[tuple[str, str], tuple[int, int]]:
        store = await Store.open(db)
        try:
            return await prompts_in_use(store)
        finally:
            await store.close()

    warnings = 0
    for (conversation, prompt), (on_it, answers) in sorted(asyncio.run(read()).items()):
        current = library.rounds.get(conversation)
        if current is None or current.prompt(prompt) is not None:
            continue  # a round no longer in the folder is reported by its own check; this prompt stays
        warnings += 1
        if on_it:
            out.write(
                f"warning: {conversation}/{prompt} is removed but {on_it} participant(s) are on it now;"
                " a reload moves them on to their next question\n"
            )
        if answers:
            out.write(
                f"warning: {conversation}/{prompt} is removed; its {answers} answer(s) stay in exports and briefs"
                " under the old prompt id\n"
            )
    out.write(f"{warnings} removed prompt(s) in use\n")
    return 0
