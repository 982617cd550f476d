"""A safeguarding flag as its organisers read it, in their own language, with what they can do about it.

Written when the flag is raised, by the store's writer of the flag (bot/store/organise.py), so it imports nothing
that leads back to the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bot.engine.outgoing import Outgoing
from bot.organise.buttons import button
from bot.organise.i18n import ON_, organiser_translator


def flag_message(flag_id: int, data: dict[str, Any], language: str | None) -> Outgoing:
    """What each organiser sees at once: the pseudonym, the words, the answer, and what they can do."""
    o = organiser_translator(language)
    lines = [
        "🚨 "
        + o.format(
            o.ogettext("Safeguarding: participant {pseudonym} wrote words that can signal distress or danger."),
            pseudonym=data["pseudonym"],
        ),
        o.format(o.ogettext("Words: {words}"), words=", ".join(data["words"])),
    ]
    if data.get("kinds"):
        lines.append(o.format(o.ogettext("About: {kinds}"), kinds=", ".join(kind_names(o, data["kinds"]))))
    if data.get("prompt_id"):
        question = data.get("question") or data["prompt_id"]
        lines.append(o.format(o.ogettext("Question: {prompt}"), prompt=question))
    elif data.get("outside"):
        lines.append(o.ogettext("Typed outside a question: it was not kept as an answer, only with this flag."))
    lines += [
        "",
        "«" + data["excerpt"] + "»",
        "",
        o.ogettext(
            "Please read it and decide whether someone should reach out. The participant does not know about this "
            "flag. You can send them the emergency and listening lines in their language, without learning who they "
            "are."
        ),
    ]
    return Outgoing(
        text="\n".join(lines)[:4000],
        buttons=(
            (button("💬 " + o.ogettext("Send them the help lines"), "sg-care", flag_id),),
            (button("✅ " + o.ogettext("Mark as handled"), "sg-done", flag_id),),
        ),
        kind="organiser",
    )


KIND_NAMES = {
    "suicide": ON_("suicide or self-harm"),
    "sexual-violence": ON_("sexual violence"),
    "violence": ON_("violence or threats"),
    "exploitation": ON_("exploitation or trafficking"),
}


def kind_names(o: Any, kinds: Iterable[str]) -> list[str]:
    return [o.ogettext(KIND_NAMES[kind]) if kind in KIND_NAMES else kind for kind in kinds]
