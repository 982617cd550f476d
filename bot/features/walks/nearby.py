"""A shared location during a walk alone: the card of a stop within its radius comes by itself; otherwise the
nearest stop still to come, and how to share a live location."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine import events
from bot.engine.outgoing import Result
from bot.engine.walk_cards import card, distance, metres
from bot.features.walks.context import Session, touch, walk_state
from bot.i18n import Translator, pick
from bot.rtl import icon

if TYPE_CHECKING:
    from bot.engine.core import Engine


def location(engine: Engine, result: Result, session: Session | None, event: events.Location, t: Translator) -> bool:
    """A shared location brings the card of a stop within its radius; a live location moving on is never
    answered with a message unless it reaches a stop."""
    _ = t.gettext
    if session is None or session.phase != "stops":
        return event.moved  # a live location with no walk is ignored quietly; a single one may answer a round
    if session.group is not None:
        if not event.moved:
            result.say("👥 " + _("In a group walk the volunteer moves everyone on; your card comes by itself."))
        return True
    walk = session.walk
    seen = set(walk_state(result.state).get("seen", []))
    placed = [
        (distance(event.latitude, event.longitude, stop.location.latitude, stop.location.longitude), index)
        for index, stop in enumerate(walk.stops)
        if stop.location is not None
    ]
    reached = sorted(
        (metres_away, index)
        for metres_away, index in placed
        if walk.stops[index].id not in seen and metres_away <= walk.stops[index].location.radius  # type: ignore[union-attr]
    )
    if reached:
        index = reached[0][1]
        stop = walk.stops[index]
        lead = "📍 " + t.format(_("You have arrived at {name}!"), name=pick(stop.name, t.language))
        result.state = touch(result, stop=index, seen=[*sorted(seen), stop.id])
        result.messages.append(card(engine.library, walk, index, t, group=False, lead=lead))
        return True
    if event.moved:
        return True
    if not placed:
        result.say(icon(t, "ℹ️") + _("This walk has no places on the map. Tap “Next stop” when you walk on."))
        return True
    ahead = sorted((metres_away, index) for metres_away, index in placed if walk.stops[index].id not in seen)
    lines = []
    if event.live:
        lines.append(
            "👍 " + _("Thank you! I follow your live location: each card comes by itself when you reach its stop.")
        )
    if ahead:
        metres_away, index = ahead[0]
        stop = walk.stops[index]
        lines.append(
            "📍 "
            + t.format(
                _(
                    "The nearest stop still to come, {name}, is about {distance} away. Its card comes within {radius} m."
                ),
                name=pick(stop.name, t.language),
                distance=metres(metres_away, t),
                radius=stop.location.radius if stop.location else 0,
            )
        )
    else:
        lines.append("📍 " + _("You have seen every stop of this walk. Tap “Finish the walk” when you are done."))
    if not event.live:
        lines.append(_("Share your live location (📎 → Location → live) and I will follow you."))
    result.say("\n\n".join(lines))
    return True
