"""`/flags`: the safeguarding flags still open, and what was done with the ones handled lately.

A flag is never lost: raised while no organiser existed, it waits and goes to the first organiser added
(bot/store/organise.py `tell_waiting_flags`); `/flags` shows every one still open, whoever was told.
"""

from __future__ import annotations

import json
from typing import Any

from bot.organise.buttons import button
from bot.organise.common import prompt_text_nl
from bot.organise.context import OrganiserContext, OrganiserRouter
from bot.organise.i18n import ON_, OrganiserTranslator
from bot.organise.plain import city_time, question_text
from bot.store import Store, parse_iso

SHOWN = 10  # open flags listed with their buttons; the rest are counted
DONE = {
    "safeguarding-care": ON_("help lines sent"),
    "safeguarding-handled": ON_("marked as handled"),
}


async def flag_list(
    store: Store, *, open_only: bool, limit: int, communities: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """The flags; of a community organiser's communities only (bot/organise/scope.py)."""
    where = "f.handled_at IS NULL" if open_only else "f.handled_at IS NOT NULL"
    order = "f.id" if open_only else "f.handled_at DESC"
    mine = f" AND p.community IN ({', '.join('?' for _ in communities)})" if communities is not None else ""
    async with store.db.execute(
        f"SELECT f.id, f.words, f.created_at, f.handled_at, f.handled_by, f.told_at, f.detail, p.pseudonym"
        f" FROM safeguarding_flags f JOIN participants p ON p.id = f.participant_id WHERE {where}{mine}"
        f" ORDER BY {order} LIMIT ?",
        (*sorted(communities or ()), limit),
    ) as cursor:
        return [dict(row) for row in await cursor.fetchall()]


async def what_was_done(store: Store, flag_ids: list[int]) -> dict[int, str]:
    """The last organiser action on each flag (the log holds the flag's number, never a pseudonym)."""
    found: dict[int, str] = {}
    async with store.db.execute(
        "SELECT action, detail FROM organiser_actions WHERE action IN ('safeguarding-care', 'safeguarding-handled')"
        " ORDER BY id"
    ) as cursor:
        for action, detail in await cursor.fetchall():
            flag = json.loads(detail).get("flag")
            if flag in flag_ids:
                found[flag] = action
    return found


def _line(o: OrganiserTranslator, flag: dict[str, Any], zone: Any, library: Any = None) -> str:
    detail = json.loads(flag.get("detail") or "{}")
    if library is not None and detail.get("prompt_id") and detail.get("question"):
        # In the organiser's own language, as /moderate shows it: the flag keeps the question's id and the Dutch
        # text it was raised with, which tell the conversation apart (the Dutch text when the content changed).
        for conversation in (*library.rounds, *library.walks):
            if prompt_text_nl(library, conversation, detail["prompt_id"]) == detail["question"]:
                detail["question"] = question_text(library, conversation, detail["prompt_id"], o.language)
                break
    words = ", ".join(json.loads(flag["words"]))
    moment = city_time(o, parse_iso(flag["created_at"]), zone)
    text = o.format(
        o.ogettext("{pseudonym}, {moment}: {words}"), pseudonym=flag["pseudonym"], moment=moment, words=words
    )
    if detail.get("question"):
        text += "\n   " + o.format(o.ogettext("Question: {prompt}"), prompt=detail["question"])
    if detail.get("excerpt"):
        text += "\n   «" + str(detail["excerpt"])[:200] + "»"
    return text


router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("flags", ON_("open safeguarding flags, and what was done with earlier ones"))
async def flags(ctx: OrganiserContext, args: str) -> None:
    o, zone = ctx.o, ctx.settings.timezone
    waiting = await flag_list(ctx.store, open_only=True, limit=1000, communities=ctx.scope)
    handled = await flag_list(ctx.store, open_only=False, limit=5, communities=ctx.scope)
    if not waiting:
        lines = ["✅ " + o.ogettext("No open safeguarding flags.")]
    else:
        lines = [
            "🚨 "
            + o.format(
                o.ongettext("{count} open safeguarding flag:", "{count} open safeguarding flags:", len(waiting)),
                count=len(waiting),
            ),
            "",
        ]
    rows = []
    for number, flag in enumerate(waiting[:SHOWN], start=1):
        lines.append(f"{number}. " + _line(o, flag, zone, ctx.library))
        rows.append(
            (
                button(f"💬 {number}. " + o.ogettext("Send them the help lines"), "sg-care", flag["id"]),
                button(f"✅ {number}. " + o.ogettext("Mark as handled"), "sg-done", flag["id"]),
            )
        )
    if len(waiting) > SHOWN:
        lines.append(o.format(o.ogettext("… and {count} more."), count=len(waiting) - SHOWN))
    if handled:
        done = await what_was_done(ctx.store, [flag["id"] for flag in handled])
        lines += ["", o.ogettext("Handled lately:")]
        for flag in handled:
            action = done.get(flag["id"])
            what = o.ogettext(DONE[action]) if action in DONE else o.ogettext("marked as handled")
            moment = city_time(o, parse_iso(flag["handled_at"]), zone)
            lines.append(f"• {flag['pseudonym']}: {what}, {moment}")
    ctx.reply("\n".join(lines), *rows)
    ctx.log("flags", open=len(waiting))
