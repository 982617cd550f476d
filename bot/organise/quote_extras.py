"""Quotes in the brief carry what the background jobs found: a voice note's words, and the organisers' translation.

A voice quote shows what the speaker confirmed or typed, else the engine's transcript labelled as unconfirmed; a
quote in another language gets its stored machine translation beside it, labelled as one with its engine. Without
engines nothing is added and quotes show as written.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from bot.organise.i18n import OrganiserTranslator
from bot.organise.media_cards import extras_for
from bot.organise.quotes import Quote
from bot.store import Database


async def with_voices_and_translations(store: Database, quotes: list[Quote], o: OrganiserTranslator) -> list[Quote]:
    if not quotes:
        return quotes
    extras = await extras_for(store, [quote.answer_id for quote in quotes])
    completed: list[Quote] = []
    for quote in quotes:
        found = extras.get(quote.answer_id)
        if found is None:
            completed.append(quote)
            continue
        text, media = quote.text, quote.media
        if not text and found.quote:
            text = found.quote
            label = (
                o.ogettext("Transcript, confirmed")
                if found.corrected or found.confirmed
                else o.ogettext("Transcript, unconfirmed")
            )
            media = (*media, {"kind": "transcript", "html": f'<span class="who">🎤 {escape(label)}</span>'})
        translated = found.translations.get("text") or found.translations.get("transcript")
        translation = quote.translation
        if translated is not None:
            words, engine = translated
            translation = o.format(o.ogettext("Machine translation ({engine}):"), engine=engine) + " " + words
        completed.append(replace(quote, text=text, media=media, translation=translation))
    return completed
