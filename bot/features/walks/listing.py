"""The list of walks (`/walks`, "Other walks"): start one alone, lead a group (volunteers), end the walk of the
moment, and for volunteers the group walks on dates they can sign up to lead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import callback_data as press
from bot.engine.outgoing import ButtonSpec, Result
from bot.engine.walk_cards import Rows, walk_button
from bot.engine.walk_groups import walk_list_text
from bot.features.walk_signup.feature import volunteer_lines, volunteer_rows
from bot.features.walks.context import Session, walk_context
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.engine.core import Engine


def rows(engine: Engine, result: Result, t: Translator, session: Session | None) -> Rows:
    _ = t.gettext
    found: list[tuple[ButtonSpec, ...]] = []
    for walk in engine.library.walks.values():
        found.append((ButtonSpec(walk_button("🚶 {title}", walk, t), press.encode(press.WalkGo(walk.id))),))
        if result.state.role == "volunteer":
            lead = walk_button("👥 " + _("Lead a group: {title}"), walk, t)
            found.append((ButtonSpec(lead, press.encode(press.WalkLead(walk.id))),))
    if session and session.group is None and session.phase == "stops":
        found.append((ButtonSpec("⏹ " + _("End my walk"), press.encode(press.WalkEnd(session.walk.id))),))
    if result.state.role == "volunteer":  # group walks on dates they can sign up to lead
        found.extend(volunteer_rows(engine, result, t))
    led = walk_context(result).led
    if led is not None:  # the volunteer's own group walk: its buttons back, with the count
        found.insert(0, (ButtonSpec("📊 " + _("The group walk I lead"), press.encode(press.GroupStatus(led.code))),))
    return tuple(found)


def show(engine: Engine, result: Result, t: Translator, session: Session | None) -> None:
    if not engine.library.walks:
        result.say("🚶 " + t.gettext("There are no walks right now."))
        return
    text = walk_list_text(engine.library, t) + "\n\n" + t.gettext("Tap a walk to start it.")
    if result.state.role == "volunteer":  # group walks on dates to lead, written out above their buttons
        text = "\n\n".join([text, *volunteer_lines(engine, result, t)])
    result.say(text, *rows(engine, result, t, session))
