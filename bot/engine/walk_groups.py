"""Group walks as pure decisions: a volunteer starts, moves on and ends a walk; walkers join; the outcome says
what to store and whom to send what. Used by the engine (a volunteer leading from a private chat) and by
`bot/features/walks/group_chat.py` (a group chat, which is not a participant)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.callback_data import GroupButton, GroupEnd, GroupJoin, GroupNext, GroupStatus, encode
from bot.content.walks import Walk
from bot.engine.outgoing import ButtonSpec, Outgoing
from bot.engine.walk_cards import (
    MAX_BUTTON,
    WALK_CODE,
    Rows,
    beside,
    follow_up,
    join_link,
    name_beside,
    new_group_code,
    without_marks,
)
from bot.i18n import Translator, pick, translator
from bot.rtl import icon

if TYPE_CHECKING:
    from bot.content.loader import Library


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
        rows.append((ButtonSpec("🙋 " + _("Join the walk"), encode(GroupJoin(group.code))),))
    following = group.stop + 1
    if following < len(walk.stops):
        name = pick(walk.stops[following].name, t.language)
        template = ("▶️ " if group.stop < 0 else "➡️ ") + (
            _("Start: {name}") if group.stop < 0 else _("Next stop: {name}")
        )
        label = t.format(template, name=name)
        if len(without_marks(label)) > MAX_BUTTON:  # a long stop name is cut off on a phone: its number instead
            label = t.format(template, name=f"{following + 1}/{len(walk.stops)}")
        rows.append((ButtonSpec(label, encode(GroupNext(group.code, group.stop))),))
    else:
        rows.append((ButtonSpec("🏁 " + _("Finish the walk"), encode(GroupNext(group.code, group.stop))),))
    rows.append(
        (
            ButtonSpec("📊 " + _("How many answered?"), encode(GroupStatus(group.code))),
            ButtonSpec("⏹ " + _("End the walk"), encode(GroupEnd(group.code))),
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
                names=t.join(not_opened),
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
        lead = icon(t, "ℹ️") + _("A walk is already going on in this chat. End it first to start another one.")
        return GroupOutcome(to_chat=[status_message(library.walks[existing.walk], existing, t, bot_username, lead)])
    walk_id = args.strip().split(" ")[0].removeprefix(WALK_CODE) if args.strip() else ""
    walk = library.walks.get(walk_id)
    if walk is None:
        lines = [_("Which walk? Send /walk followed by its name:"), ""]
        lines += [
            f"{t.isolate('/walk ' + walk.id)} — {pick(walk.title, t.language)}" for walk in library.walks.values()
        ]
        if not library.walks:
            lines = [_("There are no walks right now.")]
        return GroupOutcome(to_chat=[Outgoing(text="\n".join(lines), kind="walk_status")])
    return start_group(
        library, walk, channel=channel, chat=chat, volunteer=volunteer, language=language, bot_username=bot_username
    )


def group_action(
    library: Library,
    group: GroupWalk,
    button: GroupButton,
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
    if isinstance(button, GroupJoin):
        return _join_from_group_chat(
            walk, group, actor, actor_name, actor_participant, actor_ready, actor_t, t, bot_username
        )
    if actor != group.volunteer:
        return GroupOutcome(toast=actor_t.gettext("Only the volunteer who started this walk can do that."))
    if isinstance(button, GroupStatus):
        return GroupOutcome(to_chat=[status_message(walk, group, t, bot_username)])
    if isinstance(button, GroupEnd):
        return _end_group(walk, group, t, now)
    if button.stop != group.stop:  # GroupNext: pressed before, by the volunteer or on a second phone
        return GroupOutcome(toast=actor_t.gettext("That button is no longer in use."))
    if group.stop + 1 >= len(walk.stops):
        return _end_group(walk, group, t, now)
    return _advance(walk, group, t, bot_username)


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
