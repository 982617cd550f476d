"""The walk brief: per stop of a dialogue walk, how many walkers reached its card, what they answered (text, voice,
photo) and quotes drawn fairly across languages and roles; then the reflections at the end and the follow-up.

A volunteer preparing the next walk, or the meeting after it, reads where people stopped talking (cards reached
but not answered) and what the stops brought up.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.content.walks import Walk
from bot.i18n import pick
from bot.organise.brief_parts import empty, footer, head, more_line, quote_html, selection_line, table
from bot.organise.brief_style import icon
from bot.organise.i18n import OrganiserTranslator
from bot.organise.plain import language_label
from bot.organise.quote_extras import with_voices_and_translations
from bot.organise.quotes import Quote, fair_pick, from_row
from bot.store import Store, brief_queries
from bot.store.brief_queries import Scope


def _stop_key(walk: Walk, stop: object) -> str | None:
    """A card row names its stop by id (walking alone) or by number (a group walk)."""
    text = str(stop)
    if text.isdigit():
        index = int(text)
        return walk.stops[index].id if 0 <= index < len(walk.stops) else None
    return text


def _section(
    o: OrganiserTranslator, title: str, reached: int | None, kinds: tuple[int, ...] | None, quotes: list[Quote]
) -> str:
    answers, people, _texts, voices, photos = kinds or (0, 0, 0, 0, 0)
    meta = []
    if reached is not None:
        meta.append(
            o.format(o.ongettext("{count} reached this card", "{count} reached this card", reached), count=reached)
        )
    meta.append(o.format(o.ongettext("{count} answer", "{count} answers", answers), count=answers))
    if people:
        meta.append(o.format(o.ongettext("from {count} walker", "from {count} walkers", people), count=people))
    icons = ""
    if voices:
        icons += (
            " · "
            + icon("voice")
            + escape(o.format(o.ongettext("{count} voice message", "{count} voice messages", voices), count=voices))
        )
    if photos:
        icons += (
            " · "
            + icon("photo")
            + escape(o.format(o.ongettext("{count} photo", "{count} photos", photos), count=photos))
        )
    shown, left = fair_pick(quotes)
    body = "".join(quote_html(o, quote) for quote in shown) or empty(o.ogettext("No approved quotes yet."))
    body += more_line(o, left)
    return f'<article><h3>{escape(title)}</h3><p class="meta">{escape(" · ".join(meta))}{icons}</p>{body}</article>'


async def walk_brief(
    store: Store, walk: Walk, scope: Scope, zone: ZoneInfo, now: datetime, o: OrganiserTranslator
) -> str:
    data = await brief_queries.walk_data(store, scope)
    quotes = await with_voices_and_translations(store, [from_row(row) for row in data["quotes"]], o)
    by_prompt: dict[str, list[Quote]] = {}
    prompt_of = {int(row["id"]): str(row["prompt"]) for row in data["quotes"]}
    for quote in quotes:
        by_prompt.setdefault(prompt_of[quote.answer_id], []).append(quote)
    reached: dict[str, int] = {}
    for stop, count in data["reached"].items():
        key = _stop_key(walk, stop)
        if key is not None:
            reached[key] = reached.get(key, 0) + count
    title = pick(walk.title, o.language)
    answers = sum(kinds[0] for kinds in data["kinds"].values())
    parts = [
        head(o, title),
        f"<header><h1>{icon('walk')}{escape(title)}</h1>",
        '<p class="meta">' + escape(o.ogettext("Walk brief: what each stop brought up")) + "</p>",
        selection_line(o, scope, zone, now),
        "</header>",
        '<div class="numbers">',
        f'<div class="number"><b>{data["walkers"]}</b>{icon("people")}' + escape(o.ogettext("walkers")) + "</div>",
        f'<div class="number"><b>{answers}</b>{icon("answers")}' + escape(o.ogettext("answers")) + "</div>",
        "</div>",
        table(o.ogettext("Walkers by language"), dict(data["languages"]), lambda code: language_label(o, code)),
        "<section><h2>" + escape(o.ogettext("Stop by stop")) + "</h2>",
    ]
    for number, stop in enumerate(walk.stops, start=1):
        question = pick(stop.card.question, o.language)
        heading = f"{number}. {pick(stop.name, o.language)} — {question}"
        parts.append(
            _section(o, heading, reached.get(stop.id, 0), data["kinds"].get(stop.id), by_prompt.get(stop.id, []))
        )
    parts.append("</section>")
    endings = [(f"reflection-{n}", pick(text, o.language)) for n, text in enumerate(walk.reflection, start=1)]
    endings.append(
        ("follow-up", pick(walk.follow_up, o.language) if walk.follow_up else o.ogettext("The follow-up a week later"))
    )
    if any(key in data["kinds"] for key, _text in endings):
        parts.append("<section><h2>" + escape(o.ogettext("After the walk")) + "</h2>")
        for key, text in endings:
            if key in data["kinds"]:
                parts.append(_section(o, text, None, data["kinds"].get(key), by_prompt.get(key, [])))
        parts.append("</section>")
    parts.append(footer(o))
    return "\n".join(parts)
