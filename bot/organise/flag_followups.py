"""What follows a flag card to its organisers once the background jobs are done: the photo of a flagged answer
(its caption had the words), and the machine translation of a flagged answer in another language.

The card goes at once, with the original words (and, for a transcript, the recording); a download or a translation
ends later, so it comes as a second message, tied to the participant so that their /forget removes it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.organise.i18n import OrganiserTranslator, organiser_translator
from bot.store.organise import enqueue, language_of, organisers_of


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
        enqueue(db, channel, address, Outgoing(text=text, kind="organiser", data=data or {}), now, participant_id)
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


def send_flag_photo(
    db: sqlite3.Connection, answer_id: int, path: str, organisers: Iterable[str], now: datetime
) -> bool:
    """In the transaction that keeps the photo: the picture itself, with the card's pseudonym as its caption."""

    def render(o: OrganiserTranslator, pseudonym: str) -> str:
        return "📷 " + o.format(o.ogettext("The photo of the answer flagged for {pseudonym}."), pseudonym=pseudonym)

    return _follow_flag(db, answer_id, organisers, now, render, {"photo": path})
