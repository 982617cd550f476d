"""One language per organiser: Dutch, French or English, taken from their Telegram language and changeable with
`/organiser_language nl|fr|en`. Every organiser reply, flag, button and file (briefs, export explanations) then
speaks that one language, whatever language they chose as a participant.
"""

from __future__ import annotations

from datetime import datetime

from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import LANGUAGES, ON_, organiser_translator
from bot.store import Store
from bot.store import organise as queries
from bot.store.connection import iso

NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}


async def organiser_language(store: Store, channel: str, address: str, hint: str | None) -> str | None:
    """Their own choice; else the language they use here or in Telegram, when it is one organisers can have."""
    chosen = await store.call(queries.organiser_language_of, channel, address)
    if chosen in LANGUAGES:
        return chosen
    telegram = (hint or "").split("-")[0].lower()
    return telegram if telegram in LANGUAGES else chosen


def _save(channel: str, address: str, language: str, now: datetime) -> queries.Write:
    async def write(db: object) -> None:
        await db.execute(  # type: ignore[attr-defined]
            "INSERT INTO organiser_languages (channel, address, language, changed_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, address) DO UPDATE SET language = excluded.language,"
            " changed_at = excluded.changed_at",
            (channel, address, language, iso(now)),
        )

    return write


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("organiser_language", ON_("the language of your organiser messages: nl, fr or en"))
async def choose(ctx: OrganiserContext, args: str) -> None:
    wanted = args.strip().lower()[:2]
    if wanted not in LANGUAGES:
        o = ctx.o
        choices = ", ".join(f"{code} ({name})" for code, name in NAMES.items())
        ctx.reply(
            o.format(
                o.ogettext("Your organiser language is {language}. Choose one of: {choices}"),
                language=NAMES.get(o.language, o.language),
                choices=choices,
            )
        )
        return
    ctx.change(_save(ctx.channel, ctx.address, wanted, ctx.now))
    ctx.log("organiser-language", language=wanted)
    o = organiser_translator(wanted)
    ctx.reply("✅ " + o.format(o.ogettext("Organiser messages now come in {language}."), language=NAMES[wanted]))
