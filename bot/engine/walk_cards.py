"""Walk cards and their words: what a stop looks like in the participant's language beside Dutch, distances,
and the texts of the end of a walk. Pure functions, shared by walks alone and in groups."""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.callback_data import ReflectionSkip, WalkEnd, WalkNext, encode
from bot.clock import parse_offset
from bot.content.checker import REQUIRED_LANGUAGE
from bot.content.walks import Walk, picture_path
from bot.engine import events
from bot.engine.outgoing import ButtonSpec, Outgoing
from bot.engine.prompts import clean_text, unsupported_message, visible
from bot.i18n import Translator, pick
from bot.rtl import icon

if TYPE_CHECKING:
    from bot.content.loader import Library


FEATURE = "walk"
WALK_CODE = "walk-"  # /start walk-<id>: walk alone
GROUP_CODE = "wg-"  # /start wg-<token>: walk along with a group
ALONE_IDLE = timedelta(hours=12)  # a walk left this long is put aside: their next message goes to the round again
GROUP_AFTER_END = timedelta(hours=24)  # reflection answers after a group walk are taken this long
FOLLOW_UP_WINDOW = timedelta(days=3)  # a reply this soon after the follow-up answers it
RENDERED_KINDS = ("walk_card", "walk_end", "walk_followup")
EARTH_RADIUS = 6_371_000.0  # metres
Rows = tuple[tuple[ButtonSpec, ...], ...]


def distance(latitude: float, longitude: float, other_latitude: float, other_longitude: float) -> float:
    """Metres between two points on the earth (haversine): exact enough for a radius of tens of metres."""
    phi1, phi2 = math.radians(latitude), math.radians(other_latitude)
    d_phi = phi2 - phi1
    d_lambda = math.radians(other_longitude - longitude)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(min(1.0, math.sqrt(a)))


def join_link(bot_username: str | None, code: str) -> str:
    """The deep link that opens a private chat with the bot and joins; in the terminal, the command to type."""
    return f"https://t.me/{bot_username}?start={code}" if bot_username else f"/start {code}"


def new_group_code() -> str:
    return GROUP_CODE + secrets.token_hex(4)


# -- rendering -------------------------------------------------------------------------------------------------
def beside(text: Mapping[str, str], t: Translator) -> list[str]:
    """Dutch first, then the participant's own language: the card helps with learning Dutch."""
    dutch = text.get(REQUIRED_LANGUAGE, "")
    if t.language == REQUIRED_LANGUAGE:
        return [dutch]
    own = text.get(t.language) or text.get("en") or ""
    return [f"NL · {dutch}", *([own] if own and own != dutch else [])]


def name_beside(name: Mapping[str, str], t: Translator) -> str:
    dutch = name.get(REQUIRED_LANGUAGE, "")
    own = name.get(t.language) or name.get("en") or dutch
    return dutch if t.language == REQUIRED_LANGUAGE or own == dutch else f"{own} · {t.isolate(dutch)}"


MAX_BUTTON = 30  # characters a button shows on a small phone before it cuts the label off


def walk_button(template: str, walk: Walk, t: Translator) -> str:
    """A button that names a walk: with its title when that fits, else with its short title."""
    full = t.format(template, title=pick(walk.title, t.language))
    if len(without_marks(full)) <= MAX_BUTTON or not walk.short_title:
        return full
    return t.format(template, title=pick(walk.short_title, t.language))


def without_marks(label: str) -> str:
    """A label without the invisible direction marks, whose length is what a reader sees."""
    return "".join(character for character in label if character not in "\u2066\u2067\u2068\u2069\u200e\u200f")


def picture_of(library: Library, walk: Walk, index: int) -> str | None:
    source = library.sources.get(walk.id)
    return str(picture_path(source, walk.stops[index].card.picture)) if source else None


def card_text(walk: Walk, index: int, t: Translator, *, group: bool, lead: str = "") -> str:
    _ = t.gettext
    stop = walk.stops[index]
    header = t.format(
        _("Stop {number} of {total}: {name}"),
        number=index + 1,
        total=len(walk.stops),
        name=name_beside(stop.name, t),
    )
    lines = [lead, ""] if lead else []
    lines.append("📍 " + header)
    for question in (stop.card.question, stop.card.second_question):
        if question:
            lines += ["", *beside(question, t)]
    if stop.card.easy_dutch:  # the A1 line is Dutch for everyone, so it needs no label in another language
        lines += ["", "🔤 NL A1 · " + t.isolate(stop.card.easy_dutch)]
        if stop.card.key_words:
            lines.append("🔑 " + " · ".join(t.isolate(word) for word in stop.card.key_words))
    lines.append("")
    if group:
        lines.append(
            icon(t, "ℹ️")
            + _(
                "Talk about it together, then answer here: type, send a voice message or a photo. The volunteer "
                "tells the group when to walk on."
            )
        )
    elif index + 1 >= len(walk.stops):  # the last stop: its button finishes the walk
        lines.append(
            icon(t, "ℹ️")
            + _(
                "Talk about it, then answer here: type, send a voice message or a photo. Tap “Finish the walk” when "
                "you are done."
            )
        )
    else:
        lines.append(
            icon(t, "ℹ️")
            + _(
                "Talk about it, then answer here: type, send a voice message or a photo. Tap “Next stop” when you "
                "walk on."
            )
        )
    return "\n".join(lines)


def alone_rows(walk: Walk, index: int, t: Translator) -> Rows:
    _ = t.gettext
    stop = walk.stops[index]
    if index + 1 >= len(walk.stops):
        return ((ButtonSpec("🏁 " + _("Finish the walk"), encode(WalkNext(walk.id, stop.id))),),)
    return (
        (ButtonSpec("➡️ " + _("Next stop"), encode(WalkNext(walk.id, stop.id))),),
        (ButtonSpec("⏹ " + _("End the walk here"), encode(WalkEnd(walk.id))),),
    )


def card(library: Library, walk: Walk, index: int, t: Translator, *, group: bool, lead: str = "") -> Outgoing:
    """A stop's card: the picture with its text as caption; a live card, never held by quiet hours."""
    picture = picture_of(library, walk, index)
    return Outgoing(
        text=card_text(walk, index, t, group=group, lead=lead),
        buttons=() if group else alone_rows(walk, index, t),
        kind="walk",
        # The walk and stop are kept with the row, so the walk brief counts who reached each card.
        data={
            "walk": walk.id,
            "stop": walk.stops[index].id,
            **({"photo": picture} if picture else {}),
            **card_audio(library, walk, index, t.language),
        },
    )


def card_audio(library: Library, walk: Walk, index: int, language: str) -> dict[str, str]:
    """The card read aloud in the participant's language, sent after the picture and its text."""
    recording = (walk.stops[index].card.audio or {}).get(language)
    source = library.sources.get(walk.id)
    return {"voice": str(source.parent / recording)} if recording and source else {}


def closing_text(walk: Walk, t: Translator) -> str:
    if walk.closing:
        return "🏁 " + pick(walk.closing, t.language)
    return "🏁 " + t.gettext("That was the last stop. Thank you for walking along!")


def reflection_text(walk: Walk, number: int, t: Translator) -> str:
    header = t.format(
        t.gettext("Looking back: question {number} of {total}"), number=number + 1, total=len(walk.reflection)
    )
    return "\n".join(["💭 " + header, "", *beside(walk.reflection[number], t)])


def reflection_rows(number: int, t: Translator) -> Rows:
    return ((ButtonSpec("⏭ " + t.gettext("Skip this question"), encode(ReflectionSkip(number))),),)


def follow_up_text(walk: Walk, t: Translator) -> str:
    if walk.follow_up:
        return "🔁 " + pick(walk.follow_up, t.language)
    return "🔁 " + t.format(
        t.gettext(
            "A week ago you walked “{title}”. Did you go back to one of the places? What would you like to know "
            "more about?"
        ),
        title=pick(walk.title, t.language),
    )


def follow_up(walk: Walk, now: datetime) -> Outgoing:
    """A week after the walk, through the durable schedule: rendered when it is sent, in the language of then."""
    return Outgoing(
        text="",
        kind="walk_followup",
        scheduled=True,
        due_at=now + parse_offset(walk.follow_up_after),
        data={"walk": walk.id},
    )


def answer_value(event: events.Event, t: Translator, max_length: int) -> tuple[str, dict[str, Any]] | str | None:
    """(answer type, value) for a walk answer, a kind refusal, or None when the event is no answer at all."""
    _ = t.gettext
    hint = _("Answer with text, a voice message or a photo.")
    if isinstance(event, events.Text):
        text = clean_text(event.text)
        if not visible(text):
            return _("That message looks empty.") + " " + hint
        if len(text) > max_length:
            return t.format(
                _("Your answer is {length} characters long; the limit is {limit}. Could you make it shorter?"),
                length=len(text),
                limit=max_length,
            )
        return "text", {"text": text}
    if isinstance(event, events.Voice):
        return "voice", {"voice": event.file_ref, "duration": event.duration}
    if isinstance(event, events.Photo):
        return "photo", {"photo": event.file_ref}
    if isinstance(event, events.Unsupported):
        return unsupported_message(event.what, t) + " " + hint
    return None


def metres(value: float, t: Translator) -> str:
    if value < 1000:
        return t.format(t.gettext("{distance} m"), distance=t.number(int(round(value, -1))))
    return t.format(t.gettext("{distance} km"), distance=t.number(round(value / 1000, 1)))
