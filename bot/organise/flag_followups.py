"""What goes with a flag card to its organisers (the network's and the participant's own community's): a flagged
photo on the card itself, and once the background job is done, the machine translation of a flagged answer in
another language.

The card goes at once, with the original words (for a transcript, with the recording; for a photo's caption, as the
photo's caption, see `photo_on_the_card`); a translation ends later, so it comes as a second message, tied to the
participant so that their /forget removes it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.organise.i18n import OrganiserTranslator, organiser_translator
from bot.store.organise import language_of, organisers_of
from bot.store.outbox_rows import Addressed, enqueue


def photo_on_the_card(channel: str, source: str) -> dict[str, str]:
    """A flagged photo goes as the card itself, the card its caption, so no organiser reads the words without the
    picture: on Telegram by the file_id it arrived with (any chat of the bot can be sent it, no download needed),
    in the simulator its own file. Empty for a rehearsal's stand-in, which has no picture."""
    if source.startswith("file:"):
        return {"photo": source[5:]}
    if channel == "telegram" and source:
        return {"photo_id": source}
    return {}


def _follow_flag(
    db: sqlite3.Connection,
    answer_id: int,
    organisers: Iterable[str],
    now: datetime,
    render: Callable[[OrganiserTranslator, str], str],
    data: dict[str, Any] | None = None,
) -> bool:
    """A message to every organiser of the participant's channel; False when the answer carries no flag."""
    if db.execute("SELECT 1 FROM safeguarding_flags WHERE answer_id = ?", (answer_id,)).fetchone() is None:
        return False
    row = db.execute(
        "SELECT p.id, p.pseudonym, p.channel FROM answers a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.id = ?",
        (answer_id,),
    ).fetchone()
    if row is None:
        return False
    participant_id, pseudonym, channel = row
    # The organisers the flag card went to: the network's and the participant's own community's.
    addresses = organisers_of(db, channel, participant_id) | (set(organisers) if channel == "telegram" else set())
    for address in sorted(addresses):
        text = render(organiser_translator(language_of(db, channel, address)), pseudonym)[:4000]
        enqueue(
            db, [Addressed(channel, address, participant_id, Outgoing(text, kind="organiser", data=data or {}))], now
        )
    return True


def send_flag_translation(
    db: sqlite3.Connection, answer_id: int, text: str, engine: str, organisers: Iterable[str], now: datetime
) -> bool:
    """In the transaction that stores the translation."""

    def render(o: OrganiserTranslator, pseudonym: str) -> str:
        lead = o.format(
            o.ogettext("Machine translation of the answer flagged for {pseudonym} ({engine}):"),
            pseudonym=pseudonym,
            engine=engine,
        )
        return "🌐 " + lead + "\n\n«" + text + "»"

    return _follow_flag(db, answer_id, organisers, now, render)
