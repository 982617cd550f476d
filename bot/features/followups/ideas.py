""" "You said, we did": ideas from meetings, their status, and telling the people who spoke about it.

An idea comes from a meeting's content file or from an organiser's `/idea`. Every status it gets (under
discussion, planned, done, not possible with a reason) is recorded in `idea_history` and sent to every participant
who answered a prompt of the idea's theme in the meeting's community, after the meeting has ended, each in their own
language (rendered when sent). A newer status supersedes news of an older one that has not gone out yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from bot.content.loader import Library
from bot.content.meetings import IDEA_STATUSES, THEMES
from bot.features.followups import texts
from bot.i18n import pick
from bot.organise.brief_meeting import theme_name
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.plain import city_time, status_name
from bot.store import followups as queries
from bot.store import parse_iso
from bot.store.connection import in_thread
from bot.store.outbox_rows import enqueue

STATUS_WORDS = {
    "discussion": "under-discussion",
    "under-discussion": "under-discussion",
    "besproken": "under-discussion",
    "planned": "planned",
    "gepland": "planned",
    "done": "done",
    "klaar": "done",
    "not-possible": "not-possible",
    "niet-mogelijk": "not-possible",
}


def theme_prompts(library: Library, community: str, theme: str) -> list[tuple[str, str]]:
    """The prompts of the community's rounds on a theme: who answered one of them hears about the idea."""
    return [
        (conversation.id, prompt.id)
        for conversation in library.rounds.values()
        if conversation.community == community
        for prompt in conversation.prompts
        if prompt.theme == theme
    ]


def news_moment(library: Library, zone: ZoneInfo, meeting_id: str | None, now: datetime) -> datetime:
    """Ideas are news once the meeting they came from is over."""
    meeting = library.meetings.get(meeting_id or "")
    if meeting is None:
        return now
    return max(now, texts.ends(meeting, zone))


async def change_status(
    db: aiosqlite.Connection,
    library: Library,
    zone: ZoneInfo,
    idea: dict[str, Any],
    status: str,
    reason: dict[str, str] | None,
    by: str,
    now: datetime,
) -> datetime:
    """Record a status; it is news from the end of the idea's meeting on (told at once if that has passed)."""
    announce_at = news_moment(library, zone, idea.get("meeting"), now)
    await queries.set_status(db, idea["id"], status, reason, by, announce_at, now)
    if announce_at <= now:
        await announce_due(db, library, now, idea["id"])
    return announce_at


async def announce_due(db: aiosqlite.Connection, library: Library, now: datetime, idea_id: str | None = None) -> int:
    """Tell every participant who answered a prompt of the idea's theme (counted now, so who answered since the
    change hears it too) about its latest status; news of an earlier status not yet told is superseded."""
    due = await queries.news_due(db, now, idea_id)
    latest = {news["idea"]: news for news in due}  # oldest first, so the last one of each idea wins
    told = 0
    for news in due:
        if latest[news["idea"]] is not news:
            await queries.announced(db, news["id"], 0, now)
            continue
        recipients = await queries.theme_answerers(db, theme_prompts(library, news["community"], news["theme"]))
        await in_thread(
            db, queries.cancel_pending, ["idea_update"], key="idea", value=news["idea"], status="superseded"
        )
        payload = {"idea": news["idea"], "status": news["status"], "reason": news["reason"]}
        rows = [queries.NewRow(r, "idea_update", payload, now).addressed for r in recipients]
        await in_thread(db, enqueue, rows, now)
        await queries.announced(db, news["id"], len(recipients), now)
        told += len(recipients)
    return told


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


# -- the organiser command ---------------------------------------------------------------------------------------------
@router.command("idea", ON_("record an idea from a meeting, or change its status"))
async def idea_command(ctx: OrganiserContext, args: str) -> None:
    """/idea, /idea add MEETING THEME TEXT, /idea ID STATUS [REASON], /idea ID."""
    words = args.split()
    if not words:
        await _list(ctx)
    elif words[0].lower() == "add":
        await _add(ctx, words[1:])
    elif len(words) == 1:
        await _show(ctx, words[0])
    else:
        await _status(ctx, words[0], words[1], " ".join(words[2:]))


def _usage(ctx: OrganiserContext) -> str:
    o = ctx.o
    return "\n".join(
        [
            o.ogettext("Use:"),
            "/idea add MEETING THEME TEXT — " + o.ogettext("record an idea from a meeting"),
            "/idea ID STATUS [REASON] — " + o.ogettext("change its status; participants who spoke about it are told"),
            "/idea ID — " + o.ogettext("an idea and its history"),
            o.format(
                o.ogettext("Statuses: {statuses}. Not possible needs a reason."), statuses=", ".join(IDEA_STATUSES)
            ),
            o.format(o.ogettext("Themes: {themes}."), themes=", ".join(THEMES)),
        ]
    )


async def _list(ctx: OrganiserContext) -> None:
    o = ctx.o
    # A community organiser sees the ideas of their communities (bot/organise/scope.py).
    found = [
        idea for idea in await ctx.store.call(queries.ideas) if ctx.scope is None or idea["community"] in ctx.scope
    ]
    lines = ["💡 " + o.ogettext("Ideas from meetings:")]
    if not found:
        lines.append(o.ogettext("None yet."))
    for idea in found:
        lines.append(f"• {idea['id']} [{status_name(o, idea['status'])}] {pick(idea['text'], o.language)}")
    ctx.reply("\n".join([*lines, "", _usage(ctx)]))


async def _show(ctx: OrganiserContext, idea_id: str) -> None:
    o = ctx.o
    idea = await queries.idea(ctx.store, idea_id)
    if idea is None:
        ctx.reply("❓ " + o.format(o.ogettext("There is no idea {id}."), id=idea_id) + "\n\n" + _usage(ctx))
        return
    lines = [
        f"💡 {idea['id']}: {pick(idea['text'], o.language)}",
        o.format(
            o.ogettext("Meeting: {meeting}, theme: {theme}"),
            meeting=idea["meeting"] or "—",
            theme=theme_name(o, idea["theme"]),
        ),
        "",
    ]
    zone = ctx.settings.timezone
    for change in await queries.history(ctx.store, idea_id):
        when = city_time(o, parse_iso(change["changed_at"]), zone)  # city time with its zone, not UTC
        if change["announced_at"]:
            told = o.format(o.ogettext("{count} participant(s) told"), count=change["recipients"])
        else:
            told = o.format(
                o.ogettext("to be told from {when}"), when=city_time(o, parse_iso(change["announce_at"]), zone)
            )
        lines.append(f"{when}: {status_name(o, change['status'])} ({change['changed_by']}); {told}")
    ctx.reply("\n".join(lines))


async def _add(ctx: OrganiserContext, words: list[str]) -> None:
    o = ctx.o
    library = ctx.library
    if len(words) < 3 or words[0] not in library.meetings or words[1] not in THEMES:
        known = ", ".join(library.meetings) or "—"
        ctx.reply(
            "❓ "
            + o.format(o.ogettext("Name a meeting ({meetings}), a theme and the idea."), meetings=known)
            + "\n\n"
            + _usage(ctx)
        )
        return
    meeting = library.meetings[words[0]]
    text = {o.language: " ".join(words[2:])[:500]}
    number = await queries.idea_count(ctx.store) + 1
    while await queries.idea(ctx.store, f"idee-{number}") is not None:
        number += 1
    idea = {"id": f"idee-{number}", "meeting": meeting.id, "community": meeting.community, "theme": words[1]}
    count = len(await queries.theme_answerers(ctx.store.db, theme_prompts(library, meeting.community, words[1])))
    zone, now, who = ctx.dispatcher.engine.config.timezone, ctx.now, ctx.who
    after = news_moment(library, zone, meeting.id, now) > now

    async def write(db: aiosqlite.Connection) -> None:
        await queries.insert_idea(
            db,
            idea["id"],
            meeting_id=meeting.id,
            community=meeting.community,
            theme=idea["theme"],
            text=text,
            status="under-discussion",
            reason=None,
            source="organiser",
            file_status=None,
            now=now,
        )
        await change_status(db, library, zone, idea, "under-discussion", None, who, now)

    ctx.change(write)
    ctx.log("idea-add", idea=idea["id"], meeting=meeting.id, theme=idea["theme"])
    ctx.reply(
        "✅ "
        + o.format(o.ogettext("Idea {id} recorded (under discussion)."), id=idea["id"])
        + " "
        + _told(ctx, count, idea["theme"], after)
    )


async def _status(ctx: OrganiserContext, idea_id: str, word: str, reason_text: str) -> None:
    o = ctx.o
    idea = await queries.idea(ctx.store, idea_id)
    status = STATUS_WORDS.get(word.lower())
    if idea is None or status is None:
        ctx.reply("❓ " + o.ogettext("Unknown idea or status.") + "\n\n" + _usage(ctx))
        return
    if status == "not-possible" and not reason_text.strip():
        ctx.reply("❓ " + o.ogettext("Say why it is not possible: /idea ID not-possible REASON"))
        return
    reason = {o.language: reason_text.strip()[:500]} if reason_text.strip() else None
    library, zone, now, who = ctx.library, ctx.dispatcher.engine.config.timezone, ctx.now, ctx.who
    count = len(await queries.theme_answerers(ctx.store.db, theme_prompts(library, idea["community"], idea["theme"])))
    after = news_moment(library, zone, idea["meeting"], now) > now

    async def write(db: aiosqlite.Connection) -> None:
        await change_status(db, library, zone, idea, status, reason, who, now)

    ctx.change(write)
    ctx.log("idea-status", idea=idea_id, status=status)
    ctx.reply(
        "✅ "
        + o.format(o.ogettext("{id} is now {status}."), id=idea_id, status=status_name(o, status))
        + " "
        + _told(ctx, count, idea["theme"], after)
    )


def _told(ctx: OrganiserContext, count: int, theme: str, after_meeting: bool) -> str:
    o = ctx.o
    if after_meeting:
        return o.format(
            o.ogettext("Participants who answered a question on {theme} will be told when the meeting is over."),
            theme=theme,
        )
    return o.format(
        o.ongettext(
            "{count} participant who answered a question on {theme} will be told.",
            "{count} participants who answered a question on {theme} will be told.",
            count,
        ),
        count=count,
        theme=theme,
    )
