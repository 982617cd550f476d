"""Moderation: free texts, voice notes and photos are quoted or shown to others (briefs, meetings) only after an
organiser approved them.

`/moderate` shows the waiting answers one at a time with approve / hide buttons. A hidden answer stays in exports,
marked `hidden`, so nothing anyone said is lost; it is only never shown to others. Every decision is logged.
"""

from __future__ import annotations

from typing import Any

from bot.organise import media_command  # noqa: F401 - registers /media beside /moderate
from bot.organise.buttons import button
from bot.organise.common import role_name
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.media_cards import attach, extra_lines, extras_for
from bot.organise.parse import record_id
from bot.organise.plain import city_time, language_label, question_text
from bot.store import organise as queries
from bot.store import parse_iso

DECISIONS = {"mod-ok": "approved", "mod-hide": "hidden"}


async def show_next(ctx: OrganiserContext, after_id: int = 0, exclude: int = 0, lead: str = "") -> None:
    """Show the next waiting answer with its buttons, or say that none is left."""
    o = ctx.o
    waiting = await queries.pending_texts(ctx.store, ctx.scope) - (1 if exclude else 0)
    item: dict[str, Any] | None = (
        await queries.next_pending_text(ctx.store, after_id, exclude, ctx.scope) if waiting > 0 else None
    )
    parts = [lead] if lead else []
    if item is None:
        parts.append("🎉 " + o.ogettext("No answers are waiting for moderation."))
        ctx.reply("\n\n".join(parts))
        return
    details = " · ".join(
        [
            item["pseudonym"],
            role_name(o, item["role"]),
            language_label(o, item["language"]),
            city_time(o, parse_iso(item["created_at"]), ctx.settings.timezone),
        ]
    )
    parts.append(
        "📝 "
        + o.format(
            o.ongettext("{count} answer waiting for moderation.", "{count} answers waiting for moderation.", waiting),
            count=waiting,
        )
    )
    question = question_text(ctx.library, item["conversation"], item["prompt_id"], o.language)
    body = [
        o.format(o.ogettext("Question: {prompt}"), prompt=question),
        o.format(o.ogettext("From: {who}"), who=details),
    ]
    if item["minority"]:
        body.append("🔸 " + o.ogettext("Minority voice"))
    if item["text"]:
        body += ["", "«" + item["text"] + "»"]
    extras = (await extras_for(ctx.store, [item["id"]]))[item["id"]]  # a voice note or photo, and its words
    body += extra_lines(o, extras, item["language"], bool(item["text"]), ctx.settings.organiser_language)
    parts.append("\n".join(body))
    parts.append(
        o.ogettext(
            "Approve: it may be quoted in briefs and at meetings (without a name). Hide: it is never shown to others; "
            "it stays in exports, marked hidden."
        )
    )
    answer_id = item["id"]
    ctx.reply(
        "\n\n".join(parts),
        (
            button("✅ " + o.ogettext("Approve"), "mod-ok", answer_id),
            button("🙈 " + o.ogettext("Hide"), "mod-hide", answer_id),
        ),
        (
            button("⏭ " + o.ogettext("Later"), "mod-later", answer_id),
            button("⏹ " + o.ogettext("Stop"), "mod-stop", answer_id),
        ),
    )
    ctx.replies[-1] = attach(ctx.replies[-1], extras, ctx.settings.media)


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("moderate", ON_("approve or hide texts, voice messages and photos before anyone quotes or shows them"))
async def moderate(ctx: OrganiserContext, args: str) -> None:
    await show_next(ctx)


@router.button("mod-ok")
async def approve(ctx: OrganiserContext, rest: str) -> None:
    await _decide(ctx, rest, "mod-ok")


@router.button("mod-hide")
async def hide(ctx: OrganiserContext, rest: str) -> None:
    await _decide(ctx, rest, "mod-hide")


async def _decide(ctx: OrganiserContext, rest: str, action: str) -> None:
    o = ctx.o
    answer_id = record_id(rest)
    if answer_id is None:
        await show_next(ctx)
        return
    decision = DECISIONS[action]
    current = await queries.moderation_of(ctx.store, answer_id)
    if current is None:
        await show_next(ctx, lead=o.ogettext("That answer no longer exists: the participant deleted their data."))
        return
    ctx.change(queries.set_moderation(answer_id, decision))
    ctx.log("moderate", answer=answer_id, decision=decision, before=current)
    lead = "✅ " + o.ogettext("Approved.") if decision == "approved" else "🙈 " + o.ogettext("Hidden.")
    if current != "pending":
        lead += " " + o.ogettext("(It had been decided before; your decision now counts.)")
    await show_next(ctx, answer_id, exclude=answer_id if current == "pending" else 0, lead=lead)


@router.button("mod-later")
async def later(ctx: OrganiserContext, rest: str) -> None:
    """Put a text off: the next one comes; when it is the only one left, it is not shown again and again."""
    shown = record_id(rest)
    if shown is not None and await queries.pending_texts(ctx.store) == 1:
        following = await queries.next_pending_text(ctx.store, shown)
        if following is not None and following["id"] == shown:
            o = ctx.o
            ctx.reply("⏭ " + o.ogettext("This is the only text waiting; it stays for later. Send /moderate to decide."))
            return
    await show_next(ctx, shown or 0)


@router.button("mod-stop")
async def stop(ctx: OrganiserContext, rest: str) -> None:
    o = ctx.o
    waiting = await queries.pending_texts(ctx.store, ctx.scope)
    ctx.reply(
        "⏹ "
        + o.format(
            o.ongettext(
                "Moderation stopped; {count} answer is still waiting. Send /moderate to go on.",
                "Moderation stopped; {count} answers are still waiting. Send /moderate to go on.",
                waiting,
            ),
            count=waiting,
        )
    )
