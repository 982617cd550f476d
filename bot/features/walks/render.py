"""A walk's messages to other walkers, rendered when they are sent: a group walker's card, the end of the walk and
the follow-up a week later, each in the walker's language of that moment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.content.checker import REQUIRED_LANGUAGE
from bot.content.loader import Library
from bot.engine.outgoing import Outgoing
from bot.engine.walk_cards import card, closing_text, follow_up_text, reflection_rows, reflection_text
from bot.i18n import pick, translator


def render_message(library: Library, kind: str, language: str | None, payload: Mapping[str, Any]) -> Outgoing | None:
    """A group walker's card, end or follow-up, in their language of the moment; None if the walk is gone."""
    walk = library.walks.get(str(payload.get("walk")))
    if walk is None:
        return None
    t = translator(language or REQUIRED_LANGUAGE)
    _ = t.gettext
    if kind == "walk_followup":
        return Outgoing(text=follow_up_text(walk, t), kind=kind, data={"walk": walk.id})
    if kind == "walk_end":
        text = closing_text(walk, t)
        if walk.reflection:
            return Outgoing(text=text + "\n\n" + reflection_text(walk, 0, t), buttons=reflection_rows(0, t), kind=kind)
        return Outgoing(text=text, kind=kind)
    stop = int(payload.get("stop", -1))
    if stop < 0:
        text = "👥 " + t.format(_("You walk along with the group: {title}"), title=pick(walk.title, t.language))
        return Outgoing(
            text=text + "\n\n" + _("The volunteer starts at the first stop; each card comes here, in your language."),
            kind=kind,
        )
    if stop >= len(walk.stops):
        return None
    return card(library, walk, stop, t, group=True)
