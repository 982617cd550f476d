"""`/media [N]`: the latest voice and photo answers, each as the file itself with its transcript and translation."""

from __future__ import annotations

import json
from typing import Any

from bot.organise.common import language_name, local, prompt_text_nl
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.media_cards import attach, extra_lines, extras_for
from bot.store import Store

RECENT = 5  # shown unless asked for more
MOST = 20


async def recent_media(store: Store, limit: int, communities: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The latest ones; of a community organiser's communities only (bot/organise/scope.py)."""
    where = f" WHERE p.community IN ({', '.join('?' for _ in communities)})" if communities is not None else ""
    rows = await store.fetch_all(
        "SELECT a.id, a.conversation, a.prompt_id, a.value, a.moderation, a.created_at, p.pseudonym, p.language"
        " FROM media m JOIN answers a ON a.id = m.answer_id JOIN participants p ON p.id = a.participant_id"
        f"{where} ORDER BY a.id DESC LIMIT ?",
        (*sorted(communities or ()), limit),
    )
    return [dict(row) for row in rows]


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("media", ON_("hear and see the latest voice and photo answers, with transcript and translation"))
async def media(ctx: OrganiserContext, args: str) -> None:
    """The latest voice notes and photos, newest first, each as the file itself with its words."""
    o = ctx.o
    count = min(int(args), MOST) if args.strip().isdigit() and int(args) > 0 else RECENT
    rows = await recent_media(ctx.store, count, ctx.scope)
    if not rows:
        ctx.reply(o.ogettext("No voice or photo answers yet."))
        return
    extras = await extras_for(ctx.store, [row["id"] for row in rows])
    for row in rows:
        found = extras[row["id"]]
        words = json.loads(row["value"]).get("text")
        lines = [
            o.format(
                o.ogettext("Question: {prompt}"),
                prompt=prompt_text_nl(ctx.library, row["conversation"], row["prompt_id"]),
            ),
            f"{row['pseudonym']} · {language_name(row['language'])} · {local(row['created_at'], ctx.settings.timezone)}",
            *extra_lines(o, found, row["language"], bool(words), ctx.settings.organiser_language),
        ]
        if words:
            lines.append("💬 «" + str(words) + "»")
        ctx.reply("\n".join(lines))
        ctx.replies[-1] = attach(ctx.replies[-1], found, ctx.settings.media)
