"""Organiser commands that produce something to take away: `/export`, `/brief`, `/stats`."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from dataclasses import replace

from bot.content.model import Round
from bot.organise.brief import write_brief
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.export import TELEGRAM_UPLOAD_LIMIT, Selection, export_zip
from bot.organise.i18n import ON_
from bot.organise.parse import BadDate, parse_day
from bot.organise.stats import live_view

EXPORT_FORMATS = {
    "xlsx": ("xlsx", ","),
    "csv": ("csv", ","),
    "csv;": ("csv", ";"),
    "json": ("json", ","),
    "jsonl": ("json", ","),
}


def _round(ctx: OrganiserContext, wanted: str) -> Round | None:
    """The round named, else the one open now in the organiser's communities (after `/round close` the next one),
    else their first."""
    if wanted:
        return ctx.library.rounds.get(wanted)
    closed = ctx.dispatcher.engine.closed_rounds
    communities = sorted(ctx.scope) if ctx.scope is not None else [ctx.settings.default_community]
    for community in communities:
        found = ctx.library.round_for(community, ctx.now, closed)
        if found is not None and (ctx.scope is None or found.community in ctx.scope):
            return found
    if ctx.scope is not None:  # a community organiser: the first round of their communities
        return next((r for r in ctx.library.rounds.values() if r.community in ctx.scope), None)
    return ctx.library.round_for(ctx.settings.default_community)


def _command_line(fmt: str, separator: str, selection: Selection, since: str, until: str) -> str:
    parts = ["samenspraak export", f"--format {fmt}"]
    if selection.conversation:
        parts.append(f"--conversation {selection.conversation}")
    if since:
        parts.append(f"--since {since}")
    if until:
        parts.append(f"--until {until}")
    if selection.live_only:
        parts.append("--live-only")
    if separator != ",":
        parts.append(f"--separator '{separator}'")
    parts.append(f"--out answers.{'jsonl' if fmt == 'json' else fmt}")
    return " ".join(parts)


def _no_such_round(ctx: OrganiserContext, wanted: str, known: Iterable[str]) -> None:
    o = ctx.o
    ctx.reply(
        "❌ "
        + o.format(
            o.ogettext("There is no round {conversation}. Rounds: {rounds}"),
            conversation=wanted,
            rounds=", ".join(sorted(known)) or "—",
        )
    )


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("export", ON_("every answer as a file: /export [xlsx|csv|csv;|json] [conversation] [live]"))
async def export(ctx: OrganiserContext, args: str) -> None:
    """A zipped export, sent as a document; bigger than Telegram allows, it says how to make it on the server."""
    o = ctx.o
    fmt, separator = "xlsx", ","
    selection = Selection(communities=ctx.scope)  # a community organiser's export holds their communities only
    since = until = ""
    for token in args.split():
        word = token.lower()
        if word in EXPORT_FORMATS:
            fmt, separator = EXPORT_FORMATS[word]
        elif word in ("live", "live-only", "--live-only"):
            selection = replace(selection, live_only=True)
        elif word.startswith(("since=", "until=")):
            name, _sep, value = word.partition("=")
            try:
                moment = parse_day(value, ctx.settings.timezone, end=name == "until")
            except BadDate as error:
                problem = (
                    o.ogettext("The date {date} is outside 1970–2100; check the year.")
                    if error.out_of_range
                    else o.ogettext("Cannot read the date {date}; write it as 2026-11-26.")
                )
                ctx.reply("❌ " + o.format(problem, date=value[:40]))
                return
            if name == "since":
                since, selection = value, replace(selection, since=moment)
            else:
                until, selection = value, replace(selection, until=moment)
        elif token in ctx.library.rounds or token in ctx.library.walks:
            selection = replace(selection, conversation=token)
        else:  # a typo must not give an empty export that looks like "no answers yet"
            _no_such_round(ctx, token, [*ctx.library.rounds, *ctx.library.walks])
            return
    ctx.reply("⏳ " + o.ogettext("Preparing the export; it comes as a zip file in a moment."))
    ctx.log("export", format=fmt, separator=separator, **selection.describe())
    settings = ctx.settings
    library = ctx.library
    language = ctx.o.language

    async def job(later: OrganiserContext) -> None:
        target = later.files / f"export-{secrets.token_hex(6)}.zip"
        count = await asyncio.to_thread(
            export_zip,
            settings.db,
            library,
            settings.timezone,
            fmt,
            target,
            selection,
            separator=separator,
            language=language,
            organiser_language=settings.organiser_language,
        )
        size = target.stat().st_size
        later.log("export-done", format=fmt, answers=count, bytes=size)
        if size > TELEGRAM_UPLOAD_LIMIT:
            target.unlink(missing_ok=True)
            later.reply(
                "📦 "
                + o.format(
                    o.ogettext(
                        "The export holds {count} answers and is bigger than the 50 MB Telegram allows a bot to send. "
                        "Make it on the server with the command line instead:"
                    ),
                    count=count,
                )
                + "\n\n"
                + _command_line(fmt, separator, selection, since, until)
            )
            return
        later.reply(
            "📦 " + o.format(o.ongettext("Export: {count} answer.", "Export: {count} answers.", count), count=count),
            document=target,
            filename=target.name.replace("export-", f"samenspraak-{fmt}-"),
        )

    ctx.later(job)


@router.command("brief", ON_("the meeting brief as a web page: /brief [round or walk] [live] [since=2026-11-26]"))
async def brief(ctx: OrganiserContext, args: str) -> None:
    o = ctx.o
    wanted, live_only, since = "", False, None
    for token in args.split():
        word = token.lower()
        if word in ("live", "live-only", "--live-only"):
            live_only = True
        elif word.startswith("since="):
            try:
                since = parse_day(word.partition("=")[2], ctx.settings.timezone)
            except ValueError:
                ctx.reply(
                    "❌ " + o.format(o.ogettext("Cannot read the date {date}; write it as 2026-11-26."), date=token)
                )
                return
        else:
            wanted = token
    conversation = ctx.library.walks.get(wanted) or _round(ctx, wanted)
    if conversation is None:
        _no_such_round(ctx, wanted or "—", [*ctx.library.rounds, *ctx.library.walks])
        return
    ctx.log("brief", conversation=conversation.id, live_only=live_only, since=since.isoformat() if since else None)
    ctx.reply("⏳ " + o.ogettext("Preparing the meeting brief."))
    settings, library, language = ctx.settings, ctx.library, o.language

    async def job(later: OrganiserContext) -> None:
        target = later.files / f"brief-{conversation.id}-{secrets.token_hex(4)}.html"
        await write_brief(
            later.store,
            library,
            conversation.id,
            settings.timezone,
            later.now,
            target,
            language,
            organiser_language=settings.organiser_language,
            since=since,
            live_only=live_only,
        )
        later.reply(
            "📄 " + o.ogettext("The meeting brief: open it in a browser, or print it."),
            document=target,
            filename=f"brief-{conversation.id}-{later.now.astimezone(settings.timezone):%Y%m%d}.html",
        )

    ctx.later(job)


@router.command("stats", ON_("live view: participants, answers per question, response rate; /stats [round or walk]"))
async def stats(ctx: OrganiserContext, args: str) -> None:
    o = ctx.o
    wanted = args.strip().split()[0] if args.strip() else ""
    conversation = ctx.library.walks.get(wanted) or _round(ctx, wanted)
    if wanted and conversation is None:
        _no_such_round(ctx, wanted, [*ctx.library.rounds, *ctx.library.walks])
        return
    view = await live_view(ctx.store, ctx.library, conversation, ctx.settings.timezone, ctx.now, o, ctx.scope)
    ctx.reply(view.text, photo=view.chart)
    ctx.log("stats", conversation=conversation.id if conversation else None)
