"""A participant's side of a group walk: leading one from their private chat, joining one by its link, and a
group decision (`walk_groups.py`) turned into this event's messages and records.

The group chat's side is `bot/features/walks/group_chat.py`; what is shared lives in the group's own rows (`bot/store/walks.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.callback_data import ButtonData, GroupButton
from bot.content.checker import REQUIRED_LANGUAGE
from bot.content.walks import Walk
from bot.engine.outgoing import Record, Result
from bot.engine.walk_cards import card
from bot.engine.walk_groups import GroupOutcome, GroupWalk, group_action, start_group, status_message
from bot.features.walks.context import bot_username, walk_context
from bot.i18n import Translator, pick, translator
from bot.store.walks import outgoing_data  # the data shape its writer reads back

if TYPE_CHECKING:
    from bot.engine.core import Engine


def group_button(engine: Engine, result: Result, button: ButtonData, t: Translator) -> None:
    """A volunteer leading a group from their private chat presses next, status or end."""
    group = walk_context(result).group
    if group is None or not isinstance(button, GroupButton) or group.code != button.code or result.now is None:
        result.refused = "button for an unknown group walk"
        result.say("⌛ " + t.gettext("That button is no longer in use."))
        return
    state = result.state
    outcome = group_action(
        engine.library,
        group,
        button,
        actor=state.address,
        actor_name=None,
        actor_participant=state.id,
        actor_ready=True,
        actor_language=state.language,
        bot_username=bot_username(result),
        now=result.now,
    )
    apply_outcome(result, group, outcome)


def apply_outcome(result: Result, group: GroupWalk, outcome: GroupOutcome) -> None:
    """A group decision as this event's result: messages to this chat, records for everything shared."""
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
    rows: list[dict[str, object]] = []
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


def lead_group(engine: Engine, result: Result, walk: Walk, t: Translator) -> None:
    """A volunteer starts a group walk from their private chat: the group's buttons come here. One at a time:
    a second one would leave the walkers of the first with no one to move them on."""
    state = result.state
    led = walk_context(result).led
    led_walk = engine.library.walks.get(led.walk) if led is not None and led.status == "open" else None
    if led is not None and led_walk is not None:
        notice = "👥 " + t.gettext("You already lead a group walk. End it before you start another one.")
        username = bot_username(result)
        result.messages.append(status_message(led_walk, led, translator(led.language), username, notice))
        return
    outcome = start_group(
        engine.library,
        walk,
        channel=state.channel,
        chat=state.address,
        volunteer=state.address,
        language=state.language or REQUIRED_LANGUAGE,
        bot_username=bot_username(result),
    )
    assert outcome.create is not None
    apply_outcome(result, outcome.create, outcome)


def join(engine: Engine, result: Result, t: Translator, lead: str) -> bool:
    """Walk along with the group of a join link (`/start wg-<code>`); False, saying nothing, if it has ended."""
    _ = t.gettext
    group = walk_context(result).group
    walk = engine.library.walks.get(group.walk) if group else None
    if group is None or walk is None or group.status != "open":
        return False
    state = result.state
    result.records.append(Record("walk_join", {"code": group.code, "channel": state.channel, "address": state.address}))
    parts = [lead] if lead else []
    parts.append("👥 " + t.format(_("You walk along with the group: {title}"), title=pick(walk.title, t.language)))
    if walk.intro:
        parts.append(pick(walk.intro, t.language))
    if group.stop < 0:
        parts.append(_("The volunteer starts at the first stop; each card comes here, in your language."))
    result.say("\n\n".join(parts))
    if group.stop >= 0:
        result.messages.append(card(engine.library, walk, group.stop, t, group=True))
    return True
