"""The meeting brief: one self-contained HTML page to bring to the next meeting (`samenspraak brief`, `/brief`).

No network is needed to view it (styles, charts and icons are inline) and it prints on A4. The first page names the
coming meeting with who said they would come (by language: the interpreters to book; by role) and what happened
since the last meeting. Then per theme and question: how many answered, by role and language; the chart; the
majority and the minority side by side (bot/organise/brief_questions.py) with quotes drawn fairly across languages
and roles from texts an organiser approved (and only those); and the ideas of meetings already held.

A walk has its own brief (bot/organise/walk_brief.py); `build_brief` picks it by the conversation's kind.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content.loader import Library
from bot.content.model import Prompt, Round
from bot.i18n import pick
from bot.organise.brief_media import media_section
from bot.organise.brief_meeting import (
    ends,
    gather_ideas,
    ideas_section,
    meeting_block,
    meetings_of,
    since_block,
    theme_name,
)
from bot.organise.brief_parts import footer, head, quote_html, selection_line, table
from bot.organise.brief_questions import PromptFigures, QuestionWriter, figures
from bot.organise.brief_style import icon
from bot.organise.common import role_name
from bot.organise.i18n import OrganiserTranslator, organiser_translator
from bot.organise.plain import language_label
from bot.organise.quote_extras import with_voices_and_translations
from bot.organise.quotes import from_row
from bot.private_files import make_private
from bot.store import Store, brief_queries
from bot.store import organise as queries
from bot.store.brief_queries import Scope

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


async def round_brief(
    store: Store,
    library: Library,
    conversation: Round,
    scope: Scope,
    zone: ZoneInfo,
    now: datetime,
    o: OrganiserTranslator,
) -> str:
    data = await brief_queries.brief_data(store, scope)
    quotes = await with_voices_and_translations(store, [from_row(row) for row in data["quotes"]], o)
    prompt_of = {int(row["id"]): str(row["prompt"]) for row in data["quotes"]}
    found = figures(data, quotes, prompt_of)
    meetings = meetings_of(library, conversation.community, zone, now)
    rsvps = await brief_queries.rsvp_rows(store, meetings.coming.id, scope.live_only) if meetings.coming else []
    last = meetings.last
    since_moment = ends(last, zone) if last is not None else (scope.since or EPOCH)
    since = await brief_queries.since(store, conversation.community, conversation.id, since_moment, scope.live_only)
    # News of ideas from the coming meeting's file (written ahead) is not news since the last meeting.
    upcoming = {mid for mid, meeting in library.meetings.items() if ends(meeting, zone) > now}
    since["ideas"] = [row for row in since["ideas"] if row[5] not in upcoming]
    ideas = gather_ideas(library, await queries.stored_ideas(store), zone, now, o.language)
    title = pick(conversation.title, o.language)
    totals = [
        (icon("people"), o.ogettext("participants"), data["participants"]),
        (icon("answers"), o.ogettext("answers"), data["answers"]),
        (icon("voice"), o.ogettext("voice messages"), sum(entry.voice for entry in found.values())),
        (icon("photo"), o.ogettext("photos"), sum(entry.photo for entry in found.values())),
        (icon("place"), o.ogettext("places"), sum(entry.place for entry in found.values())),
        (icon("minority"), o.ogettext("minority voices"), sum(e.followups.get("voice", 0) for e in found.values())),
    ]
    parts = [
        head(o, title),
        f"<header><h1>{escape(title)}</h1>",
        '<p class="meta">' + escape(o.ogettext("Meeting brief for the next meeting")) + "</p>",
        selection_line(o, scope, zone, now),
        "</header>",
        meeting_block(o, meetings, zone, rsvps),
        since_block(o, last, zone, since),
        "<section><h2>" + escape(o.ogettext("Who answered")) + "</h2>",
        '<div class="numbers">'
        + "".join(f'<div class="number"><b>{count}</b>{mark}{escape(label)}</div>' for mark, label, count in totals)
        + "</div>",
        '<div class="counts">',
        table(o.ogettext("Participants by role"), dict(data["participants_by_role"]), lambda role: role_name(o, role)),
        table(
            o.ogettext("Participants by language"),
            dict(data["participants_by_language"]),
            lambda code: language_label(o, code),
        ),
        "</div></section>",
    ]
    writer = QuestionWriter(o)
    themes: dict[str, list[tuple[int, Prompt]]] = {}
    for number, prompt in enumerate(conversation.prompts, start=1):
        themes.setdefault(prompt.theme or "open", []).append((number, prompt))
    for theme, prompts in themes.items():
        parts.append(f"<section><h2>{icon(theme)}{escape(theme_name(o, theme))}</h2>")
        parts += [writer.section(number, prompt, found.get(prompt.id, PromptFigures())) for number, prompt in prompts]
        parts.append("</section>")
    known = {prompt.id for prompt in conversation.prompts}
    others = {prompt_id: entry for prompt_id, entry in found.items() if prompt_id not in known}
    if others:
        parts.append("<section><h2>" + escape(o.ogettext("Answers to questions no longer in the content")) + "</h2>")
        for prompt_id, entry in sorted(others.items()):
            count = entry.total
            parts.append(
                f'<article><h3>{escape(prompt_id)}</h3><p class="meta">'
                + escape(o.format(o.ongettext("{count} answer", "{count} answers", count), count=count))
                + "</p>"
                + "".join(quote_html(o, quote) for quote in entry.quotes + entry.voices)
                + "</article>"
            )
        parts.append("</section>")
    parts.append(ideas_section(o, ideas))
    parts.append(footer(o))
    return "\n".join(parts)


async def build_brief(
    store: Store,
    library: Library,
    conversation_id: str,
    zone: ZoneInfo,
    now: datetime,
    language: str | None = None,
    *,
    since: datetime | None = None,
    live_only: bool = False,
    media_folder: Path | None = None,
    organiser_language: str = "nl",
) -> str:
    """The brief of a round or a walk; KeyError when the content has neither by that id."""
    o = organiser_translator(language)
    scope = Scope(conversation_id, since, live_only)
    if conversation_id in library.rounds:
        conversation = library.rounds[conversation_id]
        html = await round_brief(store, library, conversation, scope, zone, now, o)
        # Voices, photos, other languages and places: a renderer of its own, placed before the footer.
        folder = media_folder or store.path.parent / "media"
        media = await media_section(store, library, conversation, o, folder, organiser_language)
        return html.replace("<footer>", media + "<footer>", 1) if media else html
    if conversation_id in library.walks:
        from bot.organise.walk_brief import walk_brief

        return await walk_brief(store, library.walks[conversation_id], scope, zone, now, o)
    raise KeyError(conversation_id)


async def write_brief(
    store: Store,
    library: Library,
    conversation_id: str,
    zone: ZoneInfo,
    now: datetime,
    target: Path,
    language: str | None = None,
    *,
    since: datetime | None = None,
    live_only: bool = False,
    organiser_language: str = "nl",
) -> None:
    html = await build_brief(
        store,
        library,
        conversation_id,
        zone,
        now,
        language,
        since=since,
        live_only=live_only,
        organiser_language=organiser_language,
    )

    def save() -> None:
        make_private(target).write_text(html, encoding="utf-8")  # owner-only, also over an older brief

    await asyncio.to_thread(save)
