"""The care message a flagged participant receives when an organiser presses "send them the help lines".

Built from the help lines in content (conversations/helplines.yaml) for the flag's kinds, as /help shows them
(bot/engine/help_lines.py): lines for danger right now first, then the lines that speak the participant's language,
then the others, each saying which languages it answers in; and, when a kind has no line in their language, the
offer to answer here in their own language so that the team finds an interpreter. Without a help lines file it
falls back to the fixed lines, so a flag never goes without help.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.distress.matcher import FLAG_KINDS
from bot.engine.help_lines import all_lines, help_line_section
from bot.engine.notices import help_lines, responsible
from bot.engine.outgoing import Outgoing
from bot.i18n import Translator, translator


def _openings(t: Translator) -> dict[str, str]:
    _ = t.gettext
    return {
        "suicide": _(
            "Someone from our team read your message and wants you to know that you are not alone. If you are in "
            "danger or thinking about ending your life, please talk to someone now."
        ),
        "sexual-violence": _(
            "Someone from our team read your message and wants you to know that you are not alone. What happened "
            "is not your fault. You can get care and support, and you decide what happens next."
        ),
        "violence": _(
            "Someone from our team read your message and wants you to know that you are not alone. Nobody has the "
            "right to hurt or threaten you. If you are not safe, please talk to someone now."
        ),
        "exploitation": _(
            "Someone from our team read your message and wants you to know that you are not alone. Nobody may "
            "force you to work, keep your wages or take your papers. You can get help, free and in confidence."
        ),
    }


def care_message(language: str | None, contact: str, library: Any = None, kinds: Sequence[str] = ()) -> Outgoing:
    """To the participant: the team read their message; where help is for what they wrote, in their language."""
    t = translator(language or "nl")
    _ = t.gettext
    openings = _openings(t)
    first = next((kind for kind in FLAG_KINDS if kind in kinds), "suicide")
    lines = ["🤝 " + openings[first], ""]
    found = all_lines(library)
    if not found:
        lines += help_lines(t, contact)
        return Outgoing(text="\n".join(lines), kind="care")
    section, unanswered = help_line_section(t, found, kinds)
    lines += section
    if unanswered:  # a kind no line answers in their language
        lines += [
            "",
            "🗣 " + _("Would you rather talk in your own language? Answer here and we will find an interpreter."),
        ]
    lines += [
        "",
        t.format(_("Questions about the project or your data: {contact}."), contact=responsible(t, contact)),
    ]
    return Outgoing(text="\n".join(lines)[:4000], kind="care")
