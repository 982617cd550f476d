"""`/media [N]`: the latest voice and photo answers, each as the file itself with its transcript and translation."""

from __future__ import annotations

import json

from bot.organise.common import language_name, local, prompt_text_nl
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_
from bot.organise.media_cards import attach, extra_lines, extras_for
from bot.store.media_answers import recent_media

RECENT = 5  # shown unless asked for more
MOST = 20


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("media", ON_("hear and see the latest voice and photo answers, with transcript and translation"))
async def media(ctx: OrganiserContext, args: str) -> None:
    """The latest voice notes and photos, newest first, each as the file itself with its words."""
    o = ctx.o
    count = min(int(args), MOST) if args.strip().isdigit() and int(args) > 0 else RECENT
    rows = await ctx.store.read(recent_media, count, ctx.scope)
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
