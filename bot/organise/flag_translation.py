"""A flagged answer in another language: its machine translation follows the flag card to every organiser.

The card goes at once, with the original words (and the recording); the translation is a background job that
ends later, so it comes as a second message, labelled as a machine translation, tied to the participant so their
/forget removes it too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.engine.outgoing import Outgoing
from bot.organise.i18n import organiser_translator
from bot.store.organise import enqueue, language_of


def send_flag_translation(
    db: sqlite3.Connection, answer_id: int, text: str, engine: str, organisers: Iterable[str], now: datetime
) -> bool:
    """In the transaction that stores the translation; False when the answer carries no flag."""
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
    found = db.execute("SELECT address FROM organisers WHERE channel = ? AND active = 1", (channel,)).fetchall()
    addresses = {address for (address,) in found} | (set(organisers) if channel == "telegram" else set())
    for address in sorted(addresses):
        o = organiser_translator(language_of(db, channel, address))
        lead = o.format(
            o.ogettext("Machine translation of the answer flagged for {pseudonym} ({engine}):"),
            pseudonym=pseudonym,
            engine=engine,
        )
        enqueue(
            db,
            channel,
            address,
            Outgoing(text=("🌐 " + lead + "\n\n«" + text + "»")[:4000], kind="organiser"),
            now,
            participant_id,
        )
    return True
