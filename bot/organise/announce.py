"""Announcements: an organiser's message to every active participant of a community, in their own language.

    /announce default
    nl: De volgende bijeenkomst is op 12 december in de bibliotheek.
    en: The next meeting is on 12 December in the library.
    ar: ...

A line that starts with a language code starts that language's text; the lines after it continue it. Text before
any code goes to everyone whose language was not given. In the terminal, where a message is one line, `||` separates
the parts. The organiser sees a preview with the number of recipients and confirms; then every message is a
scheduled outbox row, so it waits out the quiet hours, and waits for those who paused or blocked the bot.
"""

from __future__ import annotations

import re

import aiosqlite

from bot.engine.outgoing import Outgoing
from bot.i18n import LANGUAGES, pick
from bot.organise import audience
from bot.organise.buttons import button
from bot.organise.common import language_name
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.parse import record_id
from bot.store import network
from bot.store import organise as queries
from bot.store.connection import in_thread

EVERYONE = "*"
_LANGUAGE_LINE = re.compile(r"^\s*([a-z]{2,3})\s*:\s?(.*)$", re.DOTALL)


def parse_texts(body: str) -> dict[str, str]:
    """The announcement per language; text before any language code is for everyone else."""
    texts: dict[str, list[str]] = {}
    current = EVERYONE
    for line in re.split(r"\n|\|\|", body):
        match = _LANGUAGE_LINE.match(line)
        if match and match.group(1) in LANGUAGES:
            current = match.group(1)
            line = match.group(2)
        texts.setdefault(current, []).append(line.strip())
    return {language: "\n".join(lines).strip() for language, lines in texts.items() if "\n".join(lines).strip()}


def render(texts: dict[str, str], language: str | None) -> Outgoing:
    """One participant's copy, in their language where the organiser gave it (else Dutch, English, any)."""
    return Outgoing(text="📣 " + pick(texts, language), kind="announcement", scheduled=True)


def _example(known: set[str]) -> str:
    """A community the organiser may use, for the example (a community organiser's own, not `default`)."""
    mine = sorted(known - {audience.ALL})
    return "default" if "default" in mine or not mine else mine[0]


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("announce", ON_("send a message to every participant of a community"))
async def announce(ctx: OrganiserContext, args: str) -> None:
    o = ctx.o
    community, filters, body, problem = audience.split(args)  # who it goes to (bot/organise/audience.py)
    known = ctx.library.communities() | await queries.known_communities(ctx.store)
    if ctx.scope is not None:
        known &= ctx.scope
    elif community == audience.ALL:
        known.add(audience.ALL)
    texts = parse_texts(body) if body else {}
    if problem is not None:
        ctx.reply("❌ " + o.format(o.ogettext("Cannot read the filter {filter}."), filter=problem))
        return
    if not community or not texts:
        ctx.reply(
            o.ogettext("Send the community, then the message, with a language code before each language:")
            + f"\n\n/announce {_example(known)}\nnl: De volgende bijeenkomst is op 12 december.\nen: The next meeting is "
            "on 12 December.\n\n"
            + o.ogettext("In the terminal simulator, separate the languages with ||.")
            + "\n"
            + o.format(o.ogettext("Communities: {communities}"), communities=", ".join(sorted(known)))
        )
        return
    if community not in known:
        ctx.reply(
            "❌ "
            + o.format(
                o.ogettext("There is no community {community}. Communities: {communities}"),
                community=community,
                communities=", ".join(sorted(known)),
            )
        )
        return
    communities = sorted(known - {audience.ALL}) if community == audience.ALL else [community]
    people = await ctx.store.call(network.audience, communities, filters)
    members = len(people)
    lines = [
        "📣 "
        + o.format(
            o.ongettext(
                "Preview of the announcement to community {community} ({count} active participant):",
                "Preview of the announcement to community {community} ({count} active participants):",
                members,
            ),
            community=", ".join(communities),  # `*` spelled out: every community it goes to
            count=members,
        ),
        "",
    ]
    lines += [o.format(o.ogettext("Who: {filters}"), filters=audience.describe(o, filters))]
    lines += [*audience.language_preview(o, texts, [row["language"] for row in people]), ""]
    for language, text in texts.items():
        label = o.ogettext("everyone else") if language == EVERYONE else language_name(language)
        lines += [f"[{label}]", text, ""]
    if "nl" not in texts and EVERYONE not in texts:
        lines.append(
            "⚠️ "
            + o.ogettext("There is no Dutch text: participants whose language is missing get English or another text.")
        )
    lines.append(o.ogettext("It waits out the quiet hours, and waits for participants who paused."))

    async def change(db: aiosqlite.Connection) -> None:
        """The draft, its audience, its log line and the preview with its buttons: one transaction."""
        announcement_id = await queries.create_announcement(db, community, texts, ctx.who, ctx.now)
        await in_thread(db, network.save_audience, announcement_id, {"communities": communities, **filters})
        await ctx.log_in(
            db,
            "announce-draft",
            announcement=announcement_id,
            community=community,
            languages=sorted(texts),
            **filters,
        )
        ctx.reply(
            "\n".join(lines),
            (
                button("📣 " + o.ogettext("Send"), "ann-send", announcement_id),
                button("✖ " + o.ogettext("Cancel"), "ann-cancel", announcement_id),
            ),
        )

    ctx.change(change)


@router.button("ann-send")
async def send(ctx: OrganiserContext, rest: str) -> None:
    o = ctx.o
    announcement_id = record_id(rest)
    draft = await queries.announcement(ctx.store, announcement_id) if announcement_id is not None else None
    if draft is None or draft["status"] != "draft":
        ctx.reply(o.ogettext("This announcement was already sent or cancelled."))
        return
    texts = draft["texts"]
    counted: list[int] = []
    chosen = await ctx.store.call(network.audience_of, draft["id"])
    ctx.change(
        queries.send_announcement(
            draft["id"], draft["community"], lambda lang: render(texts, lang), ctx.now, counted, chosen
        ),
        messages_others=True,
    )
    members = len(await ctx.store.call(network.audience, chosen.get("communities", [draft["community"]]), chosen))
    ctx.log("announce", announcement=draft["id"], community=draft["community"], recipients=members)
    ctx.reply(
        "✅ "
        + o.format(
            o.ongettext(
                "Announcement queued for {count} participant. It goes out outside the quiet hours.",
                "Announcement queued for {count} participants. They go out outside the quiet hours.",
                members,
            ),
            count=members,
        )
    )


@router.button("ann-cancel")
async def cancel(ctx: OrganiserContext, rest: str) -> None:
    o = ctx.o
    announcement_id = record_id(rest)
    if announcement_id is not None:
        ctx.change(queries.cancel_announcement(announcement_id))
        ctx.log("announce-cancel", announcement=announcement_id)
    ctx.reply(o.ogettext("Announcement cancelled; nothing was sent."))
