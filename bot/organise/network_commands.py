"""Organiser commands of a network of communities: rounds in sequence (`/round`), and group walks on dates that
volunteers sign up to lead (`/walkdate`). Both only touch the organiser's own communities (bot/organise/scope.py).

    /round                         every round with its community and whether it is open, closed or to come
    /round close ROUND             close it now: no more reminders; the next round (`after: ROUND`) opens
    /round results ROUND           send the results back to its participants now (once)
    /walkdate                      upcoming walk dates: who leads and who comes
    /walkdate WALK 2026-12-20 14:00  put a walk on a date; the community's volunteers are asked who leads it
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.content import sequence
from bot.content.model import Round
from bot.organise.buttons import button
from bot.organise.common import local_now
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.parse import record_id
from bot.organise.scope import covers
from bot.store import walk_dates
from bot.store.connection import in_thread


def _state(ctx: OrganiserContext, round_id: str) -> str:
    o, engine = ctx.o, ctx.dispatcher.engine
    conversation = ctx.library.rounds[round_id]
    zone, closed = engine.config.timezone, engine.closed_rounds
    if sequence.is_closed(ctx.library, conversation, ctx.now, zone, closed):
        return "⏹ " + o.ogettext("closed")
    if sequence.is_open(ctx.library, conversation, ctx.now, zone, closed):
        return "▶️ " + o.ogettext("open")
    return "⏳ " + o.ogettext("to come")


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("round", ON_("rounds in sequence: /round, /round close ROUND, /round results ROUND"))
async def round_command(ctx: OrganiserContext, args: str) -> None:
    o = ctx.o
    words = args.split()
    mine = {key: c for key, c in ctx.library.rounds.items() if covers(ctx.scope, c.community)}
    if not words:
        lines = ["🔁 " + o.ogettext("Rounds:")]
        for key, conversation in mine.items():
            order = f" ← {conversation.follows}" if conversation.follows else ""
            lines.append(f"{key} [{conversation.community}]{order}: {_state(ctx, key)}")
        ctx.reply("\n".join(lines))
        return
    action, wanted = words[0], words[1] if len(words) > 1 else ""
    if action not in ("close", "results") or wanted not in mine:
        ctx.reply(
            "❌ "
            + o.format(
                o.ogettext("Send /round close ROUND or /round results ROUND. Rounds: {rounds}"),
                rounds=", ".join(mine) or "—",
            )
        )
        return
    conversation = mine[wanted]
    if action == "close":
        await _close(ctx, conversation)
    else:
        await _results(ctx, conversation)


async def _close(ctx: OrganiserContext, conversation: Round) -> None:
    """The round closes and the log says so in one transaction; then the round after it opens and the results go
    out (each once, noted in `round_status`, as the minute tick would do it)."""
    from bot.features.followups.rounds import close_in, sync_rounds

    o = ctx.o

    async def change(db: aiosqlite.Connection) -> None:
        done = await in_thread(db, close_in, conversation, ctx.now, ctx.who)
        await ctx.log_in(db, "round-close", conversation=conversation.id, community=conversation.community, done=done)
        ctx.reply("⏹ " + (_closed(ctx, conversation) if done else o.ogettext("That round was closed already.")))

    async def follow(later: OrganiserContext) -> None:
        await sync_rounds(later.dispatcher, later.now)

    ctx.change(change, messages_others=True)
    ctx.later(follow)


def _closed(ctx: OrganiserContext, conversation: Round) -> str:
    """What closing did: which round opens after it (if any), and whether the results go back."""
    o = ctx.o
    parts = [o.ogettext("Round closed: no more reminders.")]
    following = [key for key, c in ctx.library.rounds.items() if c.follows == conversation.id]
    if following:
        parts.append(o.format(o.ogettext("Opening now: {rounds}."), rounds=", ".join(following)))
    if conversation.results:
        parts.append(o.ogettext("Its results go to the participants who answered it, outside the quiet hours."))
    return " ".join(parts)


async def _results(ctx: OrganiserContext, conversation: Round) -> None:
    from bot.features.results.feature import queue_results

    o = ctx.o

    async def change(db: aiosqlite.Connection) -> None:
        count = await queue_results(db, conversation, ctx.now)
        detail = {"conversation": conversation.id, "community": conversation.community, "recipients": count}
        await ctx.log_in(db, "round-results", **detail)
        if count:
            ctx.reply("📊 " + o.format(o.ogettext("Results queued for {count} participant(s)."), count=count))
        else:
            ctx.reply("📊 " + o.ogettext("No results queued: they were sent before, or nobody answered yet."))

    ctx.change(change, messages_others=True)


def _parse_moment(ctx: OrganiserContext, day: str, clock: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(f"{day} {clock}")
    except ValueError:
        return None
    return moment.replace(tzinfo=ctx.settings.timezone)


@router.command("walkdate", ON_("group walks on dates: /walkdate, or /walkdate WALK 2026-12-20 14:00"))
async def walkdate(ctx: OrganiserContext, args: str) -> None:
    o, zone = ctx.o, ctx.settings.timezone
    words = args.split()
    if not words:
        found = await ctx.store.call(walk_dates.upcoming, ctx.scope, ctx.now)
        if not found:
            ctx.reply("🚶 " + o.ogettext("No group walks on dates yet. Send /walkdate WALK 2026-12-20 14:00."))
            return
        for entry in found:
            walk = ctx.library.walks.get(entry["walk"])
            title = walk.title.get("nl", entry["walk"]) if walk else entry["walk"]
            rsvp = entry["rsvp"]
            lines = [
                f"🚶 #{entry['id']} {title} [{entry['community']}] — {local_now(entry['starts_at'], zone)}",
                o.format(o.ogettext("Leads: {who}"), who=", ".join(entry["leaders"]) or "—"),
                o.format(
                    o.ogettext("Coming: {yes} · maybe: {maybe} · not: {no}"),
                    yes=", ".join(rsvp["yes"]) or "—",
                    maybe=", ".join(rsvp["maybe"]) or "—",
                    no=len(rsvp["no"]),
                ),
            ]
            ctx.reply("\n".join(lines), (button("✖ " + o.ogettext("Cancel this walk"), "wd-cancel", entry["id"]),))
        ctx.log("walkdate-list", count=len(found))
        return
    walk = ctx.library.walks.get(words[0])
    starts = _parse_moment(ctx, words[1], words[2] if len(words) > 2 else "14:00") if len(words) > 1 else None
    if walk is None or starts is None or starts <= ctx.now:
        ctx.reply(
            "❌ "
            + o.format(
                o.ogettext("Send /walkdate WALK 2026-12-20 14:00, with a date to come. Walks: {walks}"),
                walks=", ".join(key for key, w in ctx.library.walks.items() if covers(ctx.scope, w.community)) or "—",
            )
        )
        return

    async def change(db: aiosqlite.Connection) -> None:
        walk_date = await in_thread(db, walk_dates.add, walk.id, walk.community, starts, ctx.who, ctx.now)
        await ctx.log_in(db, "walkdate-add", walk_date=walk_date, walk=walk.id, community=walk.community)
        text = o.ogettext(
            "Walk #{id} on {when}. The volunteers of {community} are asked who leads it; once one does, its newcomers are invited."
        )
        ctx.reply("✅ " + o.format(text, id=walk_date, when=local_now(starts, zone), community=walk.community))

    ctx.change(change, messages_others=True)


@router.button("wd-cancel")
async def walkdate_cancel(ctx: OrganiserContext, rest: str) -> None:
    walk_date = record_id(rest)  # not `int(rest)` after `isdigit()`: `²` and 30 digits pass that and then raise
    if walk_date is not None:

        async def change(db: aiosqlite.Connection) -> None:
            await in_thread(db, walk_dates.cancel, walk_date)

        ctx.change(change)
        ctx.log("walkdate-cancel", walk_date=walk_date)
    ctx.reply(ctx.o.ogettext("Walk date cancelled; messages not sent yet will not go out."))
