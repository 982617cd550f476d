"""Dialogue walks in the engine: cards stop by stop, for a newcomer alone or for a group led by a volunteer.

Alone, a participant starts a walk by deep link (`/start walk-<id>`) or from `/walks`; each stop's card (a picture,
a question, Dutch beside their own language) comes when they tap "Next stop", or by itself when their shared (live)
location comes within the stop's radius. They answer by text, voice or photo; each answer is stored with the walk
and the stop. At the end come reflection prompts, and a week later a follow-up through the outbox.

In a group, a volunteer moves everyone on (`/walk <id>` in a group chat, or "lead a group" from `/walks`); every
walker gets the card in their own language in a private chat. What a group walk shares lives in its own rows; the
decisions about it are pure functions here (`start_group`, `group_action`), used both by the engine (a volunteer
leading from a private chat) and by `bot/group_walks.py` (a group chat, which is not a participant).

Walk cards are replies, never held by quiet hours; only the follow-up is scheduled.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.clock import parse_offset
from bot.content.checker import REQUIRED_LANGUAGE
from bot.content.walks import Walk, picture_path
from bot.engine import events
from bot.engine.features import BaseFeature
from bot.engine.outgoing import ButtonSpec, NewAnswer, Outgoing, Record, Result
from bot.engine.prompts import clean_text, unsupported_message
from bot.engine.state import ParticipantState, Stage
from bot.i18n import Translator, pick, translator

if TYPE_CHECKING:
    from bot.content.loader import Library
    from bot.engine.core import Engine
    from bot.store import Store

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
    lines.append("")
    if group:
        lines.append(
            "ℹ️ "
            + _(
                "Talk about it together, then answer here: type, send a voice message or a photo. The volunteer "
                "tells the group when to walk on."
            )
        )
    else:
        lines.append(
            "ℹ️ "
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
        return ((ButtonSpec("🏁 " + _("Finish the walk"), f"walk:next:{walk.id}:{stop.id}"),),)
    return (
        (ButtonSpec("➡️ " + _("Next stop"), f"walk:next:{walk.id}:{stop.id}"),),
        (ButtonSpec("⏹ " + _("End the walk here"), f"walk:end:{walk.id}"),),
    )


def card(library: Library, walk: Walk, index: int, t: Translator, *, group: bool, lead: str = "") -> Outgoing:
    """A stop's card: the picture with its text as caption; a live card, never held by quiet hours."""
    picture = picture_of(library, walk, index)
    return Outgoing(
        text=card_text(walk, index, t, group=group, lead=lead),
        buttons=() if group else alone_rows(walk, index, t),
        kind="walk",
        data={"photo": picture} if picture else {},
    )


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
    return ((ButtonSpec("⏭ " + t.gettext("Skip this question"), f"walk:rskip:{number}"),),)


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
        if not text:
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


# -- group walks: pure decisions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    address: str  # their private chat
    participant_id: int | None  # None: they asked to join in the group chat but never opened the bot
    name: str | None = None  # only while they have not opened the bot, so the volunteer can tell who
    language: str | None = None
    ready: bool = False  # a participant who agreed to the consent text and can be written to
    answered: bool = False  # answered at the current stop


@dataclass(frozen=True)
class GroupWalk:
    id: int | None
    code: str
    walk: str
    channel: str
    chat: str  # where the volunteer moves the group on: the group chat, or their own private chat
    volunteer: str  # the volunteer's private address (their Telegram user id)
    language: str  # of the messages in `chat`
    stop: int = -1  # the current stop; -1 before the first
    status: str = "open"  # open | ended
    ended_at: datetime | None = None
    members: tuple[Member, ...] = ()

    @property
    def in_group_chat(self) -> bool:
        return self.chat != self.volunteer


@dataclass(frozen=True)
class Delivery:
    """A message to one walker of a group, rendered in their own language when it is sent."""

    address: str
    participant_id: int | None
    message: Outgoing


@dataclass(frozen=True)
class Join:
    address: str
    participant_id: int | None
    name: str | None


@dataclass
class GroupOutcome:
    to_chat: list[Outgoing] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    create: GroupWalk | None = None
    update: tuple[int, str] | None = None  # (stop, status)
    join: Join | None = None
    toast: str | None = None  # a short notice to the one who pressed a button in a group chat


def group_buttons(walk: Walk, group: GroupWalk, t: Translator) -> Rows:
    _ = t.gettext
    rows: list[tuple[ButtonSpec, ...]] = []
    if group.in_group_chat:
        rows.append((ButtonSpec("🙋 " + _("I walk along"), f"wg:j:{group.code}"),))
    following = group.stop + 1
    if following < len(walk.stops):
        name = pick(walk.stops[following].name, t.language)
        label = _("Start: {name}") if group.stop < 0 else _("Next stop: {name}")
        rows.append(
            (
                ButtonSpec(
                    ("▶️ " if group.stop < 0 else "➡️ ") + t.format(label, name=name), f"wg:n:{group.code}:{group.stop}"
                ),
            )
        )
    else:
        rows.append((ButtonSpec("🏁 " + _("Finish the walk"), f"wg:n:{group.code}:{group.stop}"),))
    rows.append(
        (
            ButtonSpec("📊 " + _("How many answered?"), f"wg:s:{group.code}"),
            ButtonSpec("⏹ " + _("End the walk"), f"wg:e:{group.code}"),
        )
    )
    return tuple(rows)


def status_message(walk: Walk, group: GroupWalk, t: Translator, bot_username: str | None, lead: str = "") -> Outgoing:
    """What the volunteer sees: where the group is, how many answered, who has not opened the bot, the link."""
    _ = t.gettext
    link = join_link(bot_username, group.code)
    walkers = [member for member in group.members if member.ready]
    not_opened = [member.name for member in group.members if not member.ready and member.name]
    lines = [lead, ""] if lead else []
    lines.append("👥 " + pick(walk.title, t.language))
    if group.stop < 0:
        lines.append(
            t.format(
                _(
                    "A group walk with {count} stops. Everyone who walks along gets each card in their own language, "
                    "in a private chat with me. The volunteer moves the group on."
                ),
                count=len(walk.stops),
            )
        )
        lines.append(t.format(_("Walking along: {count}"), count=len(walkers)))
    else:
        stop = walk.stops[group.stop]
        header = t.format(
            _("Stop {number} of {total}: {name}"),
            number=group.stop + 1,
            total=len(walk.stops),
            name=name_beside(stop.name, t),
        )
        lines += ["", "📍 " + header, *beside(stop.card.question, t), ""]
        answered = sum(1 for member in walkers if member.answered)
        lines.append(
            "✍️ "
            + t.format(_("{answered} of {count} walkers answered at this stop."), answered=answered, count=len(walkers))
        )
    if not_opened:
        lines.append(
            "⏳ "
            + t.format(
                _("Not in a private chat with me yet (Telegram does not let me write first): {names}"),
                names=", ".join(not_opened),
            )
        )
    lines += ["", "🔗 " + t.format(_("To walk along, open: {link}"), link=link)]
    return Outgoing(text="\n".join(lines), buttons=group_buttons(walk, group, t), kind="walk_status")


def walk_list_text(library: Library, t: Translator) -> str:
    _ = t.gettext
    lines = ["🚶 " + _("Dialogue walks"), ""]
    for walk in library.walks.values():
        lines.append(t.format(_("{title}: {count} stops"), title=pick(walk.title, t.language), count=len(walk.stops)))
    return "\n".join(lines)


def start_group(
    library: Library,
    walk: Walk,
    *,
    channel: str,
    chat: str,
    volunteer: str,
    language: str,
    bot_username: str | None,
) -> GroupOutcome:
    """A volunteer starts a group walk: a join code, and the first status with the link to share."""
    group = GroupWalk(
        id=None, code=new_group_code(), walk=walk.id, channel=channel, chat=chat, volunteer=volunteer, language=language
    )
    t = translator(language)
    outcome = GroupOutcome(create=group)
    outcome.to_chat.append(status_message(walk, group, t, bot_username))
    return outcome


def group_command(
    library: Library,
    args: str,
    existing: GroupWalk | None,
    *,
    channel: str,
    chat: str,
    volunteer: str,
    language: str,
    bot_username: str | None,
) -> GroupOutcome:
    """`/walk <id>` in a group chat."""
    t = translator(language)
    _ = t.gettext
    if existing is not None and existing.walk in library.walks:
        lead = "ℹ️ " + _("A walk is already going on in this chat. End it first to start another one.")
        return GroupOutcome(to_chat=[status_message(library.walks[existing.walk], existing, t, bot_username, lead)])
    walk_id = args.strip().split(" ")[0].removeprefix(WALK_CODE) if args.strip() else ""
    walk = library.walks.get(walk_id)
    if walk is None:
        lines = [_("Which walk? Send /walk followed by its name:"), ""]
        lines += [f"/walk {walk.id} — {pick(walk.title, t.language)}" for walk in library.walks.values()]
        if not library.walks:
            lines = [_("There are no walks right now.")]
        return GroupOutcome(to_chat=[Outgoing(text="\n".join(lines), kind="walk_status")])
    return start_group(
        library, walk, channel=channel, chat=chat, volunteer=volunteer, language=language, bot_username=bot_username
    )


def group_action(
    library: Library,
    group: GroupWalk,
    action: str,
    argument: str,
    *,
    actor: str,
    actor_name: str | None,
    actor_participant: int | None,
    actor_ready: bool,
    actor_language: str | None,
    bot_username: str | None,
    now: datetime,
) -> GroupOutcome:
    """A button of a group walk: join (anyone), next stop, status or end (the volunteer alone)."""
    walk = library.walks.get(group.walk)
    actor_t = translator(actor_language or group.language)
    if walk is None or group.status != "open":
        return GroupOutcome(toast=actor_t.gettext("This group walk has ended."))
    t = translator(group.language)
    if action == "j":
        return _join_from_group_chat(
            walk, group, actor, actor_name, actor_participant, actor_ready, actor_t, t, bot_username
        )
    if actor != group.volunteer:
        return GroupOutcome(toast=actor_t.gettext("Only the volunteer who started this walk can do that."))
    if action == "s":
        return GroupOutcome(to_chat=[status_message(walk, group, t, bot_username)])
    if action == "e":
        return _end_group(walk, group, t, now)
    if action == "n":
        if argument != str(group.stop):
            return GroupOutcome(toast=actor_t.gettext("That button is no longer in use."))
        if group.stop + 1 >= len(walk.stops):
            return _end_group(walk, group, t, now)
        return _advance(walk, group, t, bot_username)
    return GroupOutcome(toast=actor_t.gettext("That button is no longer in use."))


def _advance(walk: Walk, group: GroupWalk, t: Translator, bot_username: str | None) -> GroupOutcome:
    stop = group.stop + 1
    moved = replace(group, stop=stop, members=tuple(replace(member, answered=False) for member in group.members))
    outcome = GroupOutcome(update=(stop, "open"))
    for member in group.members:
        if member.ready:
            data = {"walk": walk.id, "stop": stop, "group": group.code}
            outcome.deliveries.append(
                Delivery(member.address, member.participant_id, Outgoing("", kind="walk_card", data=data))
            )
    outcome.to_chat.append(status_message(walk, moved, t, bot_username))
    return outcome


def _end_group(walk: Walk, group: GroupWalk, t: Translator, now: datetime) -> GroupOutcome:
    outcome = GroupOutcome(update=(group.stop, "ended"))
    walkers = [member for member in group.members if member.ready]
    for member in walkers:
        data = {"walk": walk.id, "group": group.code}
        outcome.deliveries.append(
            Delivery(member.address, member.participant_id, Outgoing("", kind="walk_end", data=data))
        )
        outcome.deliveries.append(Delivery(member.address, member.participant_id, follow_up(walk, now)))
    text = "🏁 " + t.format(
        t.ngettext(
            "The walk is over. {count} walker gets a few questions to look back. Thank you!",
            "The walk is over. {count} walkers get a few questions to look back. Thank you!",
            len(walkers),
        ),
        count=len(walkers),
    )
    outcome.to_chat.append(Outgoing(text=text, kind="walk_status"))
    return outcome


def _join_from_group_chat(
    walk: Walk,
    group: GroupWalk,
    actor: str,
    actor_name: str | None,
    actor_participant: int | None,
    actor_ready: bool,
    actor_t: Translator,
    t: Translator,
    bot_username: str | None,
) -> GroupOutcome:
    link = join_link(bot_username, group.code)
    known = next((member for member in group.members if member.address == actor), None)
    if known is not None and known.ready == actor_ready:  # pressed again: no second card, no second notice
        if actor_ready:
            return GroupOutcome(toast=actor_t.gettext("You walk along already. Your cards come in our private chat."))
        return GroupOutcome(toast=actor_t.gettext("Open the link in the group chat to start a private chat with me."))
    if actor_ready:
        outcome = GroupOutcome(join=Join(actor, actor_participant, None))
        data = {"walk": walk.id, "stop": group.stop, "group": group.code}
        outcome.deliveries.append(Delivery(actor, actor_participant, Outgoing("", kind="walk_card", data=data)))
        outcome.toast = actor_t.gettext("You walk along! Your cards come in our private chat.")
        return outcome
    # They have not opened the bot (or not finished starting): Telegram refuses a first message from a bot with
    # 403 "can't initiate conversation", so the group chat gets the link, and the volunteer sees their name.
    outcome = GroupOutcome(join=Join(actor, actor_participant, actor_name or "?"))
    invite = t.format(
        t.gettext("👋 {name}: open a private chat with me first, then you get the cards in your own language: {link}"),
        name=actor_name or "?",
        link=link,
    )
    outcome.to_chat.append(Outgoing(text=invite, kind="walk_status"))
    # Worth a try: someone who deleted their data still has the chat open, and this reaches them.
    private = actor_t.format(actor_t.gettext("👋 Tap to walk along with the group: {link}"), link=link)
    outcome.deliveries.append(Delivery(actor, None, Outgoing(private, kind="walk_invite")))
    outcome.toast = actor_t.gettext("Open the link in the group chat to start a private chat with me.")
    return outcome


# -- the feature ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Session:
    """The walk a participant is in now: alone (their own state) or with a group (the group's rows)."""

    walk: Walk
    group: dict[str, Any] | None  # the membership, for a group walk
    stop: int  # the current stop; -1 before a group starts
    phase: str  # "stops" or "reflection"
    reflection: int = 0


def walk_state(state: ParticipantState) -> dict[str, Any]:
    return dict(state.features.get(FEATURE) or {})


def with_walk_state(state: ParticipantState, value: dict[str, Any]) -> ParticipantState:
    features = {key: item for key, item in state.features.items() if key != FEATURE}
    if value:
        features[FEATURE] = value
    return replace(state, features=features)


class WalkFeature(BaseFeature):
    name = FEATURE
    rendered_kinds = RENDERED_KINDS

    def buttons(self) -> Mapping[str, Any]:
        return {"walk": self._button, "wg": self._group_button}

    def commands(self) -> Mapping[str, Any]:
        return {"walks": self._walks_command, "walk": self._walk_command}

    async def context(self, store: Store, state: ParticipantState, event: events.Event) -> Mapping[str, Any]:
        from bot.store import walks as stored

        found: dict[str, Any] = {}
        code = None
        if isinstance(event, events.Command) and event.name.lower() == "start" and event.args.startswith(GROUP_CODE):
            code = event.args.strip()
        elif isinstance(event, events.Button) and event.data.startswith("wg:"):
            code = event.data.split(":")[2] if event.data.count(":") >= 2 else None
        pending = walk_state(state).get("pending")
        if code is None and isinstance(pending, str) and pending.startswith(GROUP_CODE):
            code = pending
        if code:
            found["walk_group"] = await stored.group_by_code(store, code)
        if state.id is not None:
            found["walk_member"] = await stored.membership(store, state.id)
            if isinstance(event, events.Text | events.Voice | events.Photo):
                found["walk_follow_up"] = await stored.follow_up_sent(store, state.id)
        if isinstance(event, events.Command) and event.name.lower() in ("walks", "walk"):
            found["walk_led"] = await stored.group_led_from(store, state.channel, state.address)
        if isinstance(event, events.Button) and event.data.startswith("role:"):
            found["walk_invitation"] = await stored.invitation(store, state.channel, state.address)
        return found

    # -- hooks of the core -------------------------------------------------------------------------------------
    def on_start(self, engine: Engine, result: Result, code: str, t: Translator) -> bool:
        """`/start walk-<id>` or `/start wg-<code>`; before consent the code waits until they are ready."""
        if not (code.startswith(WALK_CODE) or code.startswith(GROUP_CODE)):
            return False
        state = result.state
        if state.stage != Stage.READY or state.consent_version != engine.config.consent_version:
            result.state = with_walk_state(state, {**walk_state(state), "pending": code})
            return False
        self._begin(engine, result, code, t, "👋 " + t.gettext("Welcome back!"))
        return True

    def on_ready(self, engine: Engine, result: Result, t: Translator, lead: str) -> bool:
        """Onboarding is done: a walk they came for by deep link (or asked to join in a group chat) starts now."""
        current = walk_state(result.state)
        code = current.pop("pending", None) or result.context.get("walk_invitation")
        if not code:
            return False
        result.state = with_walk_state(result.state, current)
        self._begin(engine, result, str(code), t, lead)
        return True

    def _begin(self, engine: Engine, result: Result, code: str, t: Translator, lead: str) -> None:
        if code.startswith(GROUP_CODE):
            self._join_by_code(engine, result, code, t, lead)
            return
        walk = engine.library.walks.get(code.removeprefix(WALK_CODE))
        if walk is None:
            result.say((lead + "\n\n" if lead else "") + t.gettext("That walk does not exist (any more)."))
            self._list(engine, result, t)
            return
        self._start_alone(engine, result, walk, t, lead)

    # -- messages ----------------------------------------------------------------------------------------------
    def on_message(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        session = self._session(engine, result)
        if isinstance(event, events.Location):
            return self._location(engine, result, session, event, t)
        if session is None:
            return self._follow_up_answer(engine, result, event, t)
        _ = t.gettext
        taken = answer_value(event, t, engine.config.max_text_length)
        if taken is None:
            return False
        if isinstance(taken, str):
            result.say("🙏 " + taken)
            return True
        answer_type, value = taken
        ref = event.ref if isinstance(event, events.Text) else None
        walk = session.walk
        if session.phase == "reflection":
            result.answers.append(
                NewAnswer(walk.id, f"reflection-{session.reflection + 1}", answer_type, value, source_ref=ref)
            )
            self._next_reflection(engine, result, session, t, "✅ " + _("Thank you, your answer is saved."))
            return True
        if session.stop < 0:
            result.say("⏳ " + _("The walk has not started yet. The volunteer starts it at the first stop."))
            return True
        stop = walk.stops[session.stop]
        result.answers.append(NewAnswer(walk.id, stop.id, answer_type, value, walk_stop=stop.id, source_ref=ref))
        if session.group is None:
            result.state = self._touch(result)
            result.say(
                "✅ " + _("Thank you, your answer is saved. Add more if you like, or tap “Next stop”."),
                *alone_rows(walk, session.stop, t),
            )
        else:
            result.say(
                "✅ " + _("Thank you, your answer is saved. Add more if you like; the volunteer moves the group on.")
            )
        return True

    def _session(self, engine: Engine, result: Result) -> Session | None:
        now = result.now
        member = result.context.get("walk_member")
        if member and member["walk"] in engine.library.walks:
            walk = engine.library.walks[member["walk"]]
            if member["status"] == "open":
                return Session(walk, member, member["stop"], "stops")
            recent = member.get("ended_at") is None or now is None or now - member["ended_at"] < GROUP_AFTER_END
            if recent and member["reflection"] < len(walk.reflection):
                return Session(walk, member, member["stop"], "reflection", member["reflection"])
        current = walk_state(result.state)
        walk = engine.library.walks.get(str(current.get("walk")))
        if walk is None:
            return None
        at = _parse(current.get("at"))
        if now is not None and at is not None and now - at > ALONE_IDLE:
            return None
        stop = int(current.get("stop", 0))
        if not 0 <= stop < len(walk.stops):
            return None
        return Session(walk, None, stop, str(current.get("phase", "stops")), int(current.get("reflection", 0)))

    def _touch(self, result: Result, **changes: Any) -> ParticipantState:
        current = walk_state(result.state)
        current.update(changes)
        if result.now is not None:
            current["at"] = result.now.isoformat()
        return with_walk_state(result.state, current)

    def _follow_up_answer(self, engine: Engine, result: Result, event: events.Event, t: Translator) -> bool:
        """The first message after the follow-up was delivered answers it."""
        sent = result.context.get("walk_follow_up")
        if not sent or sent["walk"] not in engine.library.walks:
            return False
        if result.now is not None and sent.get("sent_at") and result.now - sent["sent_at"] > FOLLOW_UP_WINDOW:
            return False
        taken = answer_value(event, t, engine.config.max_text_length)
        if not isinstance(taken, tuple):
            return False
        answer_type, value = taken
        ref = event.ref if isinstance(event, events.Text) else None
        result.answers.append(NewAnswer(sent["walk"], "follow-up", answer_type, value, source_ref=ref))
        result.say("🙏 " + t.gettext("Thank you! I saved your answer about the walk."))
        return True

    def _location(
        self, engine: Engine, result: Result, session: Session | None, event: events.Location, t: Translator
    ) -> bool:
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
            result.state = self._touch(result, stop=index, seen=[*sorted(seen), stop.id])
            result.messages.append(card(engine.library, walk, index, t, group=False, lead=lead))
            return True
        if event.moved:
            return True
        if not placed:
            result.say("ℹ️ " + _("This walk has no places on the map. Tap “Next stop” when you walk on."))
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

    # -- walking alone -----------------------------------------------------------------------------------------
    def _start_alone(self, engine: Engine, result: Result, walk: Walk, t: Translator, lead: str = "") -> None:
        _ = t.gettext
        member = result.context.get("walk_member")
        if member:  # one walk at a time: walking alone ends walking along with a group
            result.records.append(
                Record("walk_member", {"code": member["code"], "reflection": member["reflection"], "finished": True})
            )
        first = walk.stops[0]
        result.state = with_walk_state(result.state, {"walk": walk.id, "stop": 0, "seen": [first.id], "phase": "stops"})
        result.state = self._touch(result)
        parts = [lead] if lead else []
        parts.append("🚶 " + pick(walk.title, t.language))
        if walk.intro:
            parts.append(pick(walk.intro, t.language))
        if t.language != REQUIRED_LANGUAGE:
            parts.append(
                "🇳🇱 " + _("Each card shows the Dutch words first, then your language: a chance to practise Dutch.")
            )
        if any(stop.location for stop in walk.stops):
            parts.append(
                "📎 "
                + _(
                    "Share your live location (📎 → Location → live): each card comes by itself when you reach its stop."
                )
            )
        result.say("\n\n".join(parts))
        result.messages.append(card(engine.library, walk, 0, t, group=False))

    def _next_stop(self, engine: Engine, result: Result, session: Session, t: Translator) -> None:
        walk = session.walk
        seen = set(walk_state(result.state).get("seen", []))
        following = next(
            (index for index in range(session.stop + 1, len(walk.stops)) if walk.stops[index].id not in seen), None
        )
        if following is None:
            self._finish_alone(engine, result, session, t)
            return
        result.state = self._touch(result, stop=following, seen=[*sorted(seen), walk.stops[following].id])
        result.messages.append(card(engine.library, walk, following, t, group=False))

    def _finish_alone(self, engine: Engine, result: Result, session: Session, t: Translator) -> None:
        walk = session.walk
        if result.now is not None:
            result.messages.append(follow_up(walk, result.now))
        text = closing_text(walk, t)
        if walk.reflection:
            result.state = self._touch(result, phase="reflection", reflection=0)
            result.say(text + "\n\n" + reflection_text(walk, 0, t), *reflection_rows(0, t))
        else:
            result.state = with_walk_state(result.state, {})
            result.say(text)

    def _next_reflection(self, engine: Engine, result: Result, session: Session, t: Translator, lead: str) -> None:
        walk = session.walk
        following = session.reflection + 1
        done = following >= len(walk.reflection)
        if session.group is not None:
            result.records.append(
                Record("walk_member", {"code": session.group["code"], "reflection": following, "finished": done})
            )
        elif done:
            result.state = with_walk_state(result.state, {})
        else:
            result.state = self._touch(result, reflection=following)
        if done:
            result.say(
                lead
                + "\n\n🙏 "
                + t.gettext("Thank you for looking back with us. In a week I will ask you one more question.")
            )
        else:
            result.say(lead + "\n\n" + reflection_text(walk, following, t), *reflection_rows(following, t))

    def _stale_card(self, engine: Engine, result: Result, session: Session | None, t: Translator) -> None:
        notice = "⌛ " + t.gettext("That button is no longer in use.")
        if session is None:
            result.say(notice)
            self._list(engine, result, t)
        elif session.phase == "reflection":
            result.say(
                notice + "\n\n" + reflection_text(session.walk, session.reflection, t),
                *reflection_rows(session.reflection, t),
            )
        elif session.group is None and session.stop >= 0:
            result.messages.append(card(engine.library, session.walk, session.stop, t, group=False, lead=notice))
        else:
            result.say(notice)

    # -- buttons and commands ----------------------------------------------------------------------------------
    def _button(self, engine: Engine, result: Result, rest: str, t: Translator) -> None:
        action, _sep, argument = rest.partition(":")
        session = self._session(engine, result)
        if action == "go" and argument in engine.library.walks:
            self._start_alone(engine, result, engine.library.walks[argument], t)
        elif action == "lead" and argument in engine.library.walks:
            self._lead(engine, result, engine.library.walks[argument], t)
        elif action == "list":
            self._list(engine, result, t)
        elif action == "next" and session and session.group is None and session.phase == "stops":
            walk_id, _sep, stop_id = argument.partition(":")
            if walk_id == session.walk.id and stop_id == session.walk.stops[session.stop].id:
                self._next_stop(engine, result, session, t)
            else:
                self._stale_card(engine, result, session, t)
        elif (
            action == "end"
            and session
            and session.group is None
            and session.phase == "stops"
            and argument == session.walk.id
        ):
            self._finish_alone(engine, result, session, t)
        elif action == "rskip" and session and session.phase == "reflection" and argument == str(session.reflection):
            self._next_reflection(engine, result, session, t, "⏭ " + t.gettext("Skipped."))
        else:
            if action not in ("go", "lead", "list", "next", "end", "rskip"):
                result.refused = f"unknown walk button {rest[:40]!r}"
            self._stale_card(engine, result, session, t)

    def _group_button(self, engine: Engine, result: Result, rest: str, t: Translator) -> None:
        """A volunteer leading a group from their private chat presses next, status or end."""
        action, _sep, rest = rest.partition(":")
        code, _sep, argument = rest.partition(":")
        group = result.context.get("walk_group")
        if group is None or group.code != code:
            result.refused = f"button for an unknown group walk {code[:16]!r}"
            result.say("⌛ " + t.gettext("That button is no longer in use."))
            return
        state = result.state
        outcome = group_action(
            engine.library,
            group,
            action,
            argument,
            actor=state.address,
            actor_name=None,
            actor_participant=state.id,
            actor_ready=True,
            actor_language=state.language,
            bot_username=result.context.get("bot_username"),
            now=result.now or datetime.now(UTC),
        )
        self._apply(result, group, outcome)

    def _apply(self, result: Result, group: GroupWalk, outcome: GroupOutcome) -> None:
        """A group decision as this event's result: messages to this chat, records for everything shared."""
        from bot.store.walks import outgoing_data  # the data shape its writer reads back

        state = result.state
        if outcome.create is not None:
            created = outcome.create
            result.records.append(
                Record(
                    "walk_group_create",
                    {
                        "code": created.code,
                        "walk": created.walk,
                        "channel": created.channel,
                        "chat": created.chat,
                        "volunteer": created.volunteer,
                        "language": created.language,
                    },
                )
            )
        if outcome.update is not None:
            stop, status = outcome.update
            result.records.append(Record("walk_group_update", {"code": group.code, "stop": stop, "status": status}))
        rows = []
        for message in outcome.to_chat:
            if group.chat == state.address and group.channel == state.channel:
                result.messages.append(message)
            else:
                rows.append({"channel": group.channel, "address": group.chat, "message": outgoing_data(message)})
        for delivery in outcome.deliveries:
            rows.append(
                {
                    "channel": group.channel,
                    "address": delivery.address,
                    "participant_id": delivery.participant_id,
                    "message": outgoing_data(delivery.message),
                }
            )
        if rows:
            result.records.append(Record("walk_outbox", {"rows": rows}))
        if outcome.toast:
            result.say(outcome.toast)

    def _lead(self, engine: Engine, result: Result, walk: Walk, t: Translator) -> None:
        state = result.state
        outcome = start_group(
            engine.library,
            walk,
            channel=state.channel,
            chat=state.address,
            volunteer=state.address,
            language=state.language or REQUIRED_LANGUAGE,
            bot_username=result.context.get("bot_username"),
        )
        assert outcome.create is not None
        self._apply(result, outcome.create, outcome)

    def _join_by_code(self, engine: Engine, result: Result, code: str, t: Translator, lead: str) -> None:
        _ = t.gettext
        group = result.context.get("walk_group")
        walk = engine.library.walks.get(group.walk) if group else None
        if group is None or walk is None or group.status != "open":
            result.say(
                (lead + "\n\n" if lead else "") + "⌛ " + _("This group walk has ended."),
                *self._list_rows(engine, result, t),
            )
            return
        state = result.state
        result.state = with_walk_state(state, {})  # walking along with a group puts a walk alone aside
        result.records.append(
            Record("walk_join", {"code": group.code, "channel": state.channel, "address": state.address})
        )
        parts = [lead] if lead else []
        parts.append("👥 " + t.format(_("You walk along with the group: {title}"), title=pick(walk.title, t.language)))
        if walk.intro:
            parts.append(pick(walk.intro, t.language))
        if group.stop < 0:
            parts.append(_("The volunteer starts at the first stop; each card comes here, in your language."))
        result.say("\n\n".join(parts))
        if group.stop >= 0:
            result.messages.append(card(engine.library, walk, group.stop, t, group=True))

    def _list_rows(self, engine: Engine, result: Result, t: Translator) -> Rows:
        _ = t.gettext
        rows: list[tuple[ButtonSpec, ...]] = []
        for walk in engine.library.walks.values():
            title = pick(walk.title, t.language)
            rows.append((ButtonSpec("🚶 " + title, f"walk:go:{walk.id}"),))
            if result.state.role == "volunteer":
                rows.append(
                    (ButtonSpec("👥 " + t.format(_("Lead a group: {title}"), title=title), f"walk:lead:{walk.id}"),)
                )
        session = self._session(engine, result)
        if session and session.group is None and session.phase == "stops":
            rows.append((ButtonSpec("⏹ " + _("End my walk"), f"walk:end:{session.walk.id}"),))
        led = result.context.get("walk_led")
        if led is not None:  # the volunteer's own group walk: its buttons back, with the count
            rows.insert(0, (ButtonSpec("📊 " + _("The group walk I lead"), f"wg:s:{led.code}"),))
        return tuple(rows)

    def _list(self, engine: Engine, result: Result, t: Translator) -> None:
        if not engine.library.walks:
            result.say("🚶 " + t.gettext("There are no walks right now."))
            return
        text = walk_list_text(engine.library, t) + "\n\n" + t.gettext("Tap a walk to start it.")
        result.say(text, *self._list_rows(engine, result, t))

    def _walks_command(self, engine: Engine, result: Result, command: events.Command, t: Translator) -> None:
        self._list(engine, result, t)

    def _walk_command(self, engine: Engine, result: Result, command: events.Command, t: Translator) -> None:
        """`/walk <id>` in a private chat starts it alone (a group walk is started in the group chat)."""
        walk = engine.library.walks.get(command.args.strip().removeprefix(WALK_CODE))
        if walk is None:
            self._list(engine, result, t)
        else:
            self._start_alone(engine, result, walk, t)

    # -- messages rendered when they are sent ------------------------------------------------------------------
    def render(self, engine: Engine, kind: str, language: str | None, payload: Mapping[str, Any]) -> Outgoing | None:
        """A group walker's card, end or follow-up, in their language of the moment; None if the walk is gone."""
        walk = engine.library.walks.get(str(payload.get("walk")))
        if walk is None:
            return None
        t = translator(language or REQUIRED_LANGUAGE)
        _ = t.gettext
        if kind == "walk_followup":
            return Outgoing(text=follow_up_text(walk, t), kind=kind, data={"walk": walk.id})
        if kind == "walk_end":
            text = closing_text(walk, t)
            if walk.reflection:
                return Outgoing(
                    text=text + "\n\n" + reflection_text(walk, 0, t), buttons=reflection_rows(0, t), kind=kind
                )
            return Outgoing(text=text, kind=kind)
        stop = int(payload.get("stop", -1))
        if stop < 0:
            text = "👥 " + t.format(_("You walk along with the group: {title}"), title=pick(walk.title, t.language))
            return Outgoing(
                text=text
                + "\n\n"
                + _("The volunteer starts at the first stop; each card comes here, in your language."),
                kind=kind,
            )
        if stop >= len(walk.stops):
            return None
        return card(engine.library, walk, stop, t, group=True)


def _parse(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
