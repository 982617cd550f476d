"""Telegram updates as engine events. Nothing else in the bot needs to know what an `Update` looks like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Chat, Message, Update
from telegram.constants import MessageEntityType

from bot.callback_data import GroupButton, decode
from bot.engine import events

UNSUPPORTED_KINDS = ("sticker", "document", "video", "animation", "contact", "poll", "dice")


@dataclass(frozen=True)
class Incoming:
    address: str  # the private chat id, as text
    user_id: int
    event: events.Event
    hint: str | None  # Telegram's language_code
    callback_id: str | None = None
    callback_message_id: int | None = None
    sent_at: datetime | None = None  # when Telegram received a message (buttons carry no such moment)


def _command(message: Message) -> events.Command | None:
    text = message.text or ""
    entity = next(iter(message.entities or ()), None)
    if entity is None or entity.type != MessageEntityType.BOT_COMMAND or entity.offset != 0:
        return None
    name = text[1 : entity.length].split("@")[0]
    return events.Command(name, text[entity.length :].strip())


def message_event(message: Message) -> events.Event | None:
    """None for a service message (a pin, an auto-delete timer, a wallpaper): nothing the participant said."""
    if message.forward_origin is not None:
        return events.Unsupported("forwarded")  # an answer is the participant's own words
    if message.text is not None:
        return _command(message) or events.Text(message.text, ref=str(message.message_id))
    spoken = message.voice or message.audio or message.video_note
    if spoken:
        kind = "voice" if message.voice else "audio" if message.audio else "video_note"
        duration = spoken.duration  # a timedelta, or whole seconds in the older PTB compatibility mode
        seconds = int(duration.total_seconds()) if isinstance(duration, timedelta) else int(duration)
        return events.Voice(spoken.file_id, seconds, kind=kind, size=spoken.file_size or 0)
    if message.photo:
        largest = message.photo[-1]
        return events.Photo(largest.file_id, caption=message.caption or "", size=largest.file_size or 0)
    if message.location:
        return events.Location(
            message.location.latitude, message.location.longitude, live=message.location.live_period is not None
        )
    for kind in UNSUPPORTED_KINDS:
        if getattr(message, kind, None):
            return events.Unsupported(kind)
    if message.effective_attachment is None and message.caption is None:
        return None
    return events.Unsupported("other")


def incoming(update: Update) -> Incoming | None:
    """The event in a private chat, or None for anything the participant conversation does not handle."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    if update.callback_query is not None:
        query = update.callback_query
        message = query.message
        chat_id = message.chat.id if message is not None else user.id
        if message is not None and message.chat.type != Chat.PRIVATE:
            return None
        return Incoming(
            str(chat_id),
            user.id,
            events.Button(query.data or ""),
            user.language_code,
            callback_id=query.id,
            callback_message_id=message.message_id if message is not None else None,
        )
    edited = update.edited_message
    if edited is not None and edited.chat.type == Chat.PRIVATE and edited.text is not None:
        return Incoming(
            str(edited.chat.id), user.id, events.Edit(str(edited.message_id), edited.text), user.language_code
        )
    if edited is not None and edited.chat.type == Chat.PRIVATE and edited.location is not None:
        # Telegram sends each move of a shared live location as an edit of the location message.
        location = events.Location(edited.location.latitude, edited.location.longitude, live=True, moved=True)
        return Incoming(str(edited.chat.id), user.id, location, user.language_code)
    message = update.message
    if message is None or message.chat.type != Chat.PRIVATE:
        return None
    event = message_event(message)
    if event is None:
        return None
    return Incoming(str(message.chat.id), user.id, event, user.language_code, sent_at=message.date)


@dataclass(frozen=True)
class GroupIncoming:
    """One of the few things the bot answers in a group chat: `/walk` and the buttons of a group walk."""

    chat: str  # the group chat id, as text
    user_id: int  # who sent it: the volunteer, or someone walking along
    name: str  # their first name, shown to the volunteer while they have not opened the bot
    event: events.Command | events.Button
    hint: str | None
    callback_id: str | None = None
    mention: str | None = None  # the bot named in `/walk@name`, if any


GROUP_COMMANDS = ("walk",)


def group_incoming(update: Update) -> GroupIncoming | None:
    """A group walk's command or button in a group chat; None for everything else said in groups (ignored)."""
    user = update.effective_user
    if user is None or user.is_bot:
        return None
    query = update.callback_query
    if query is not None:
        message = query.message
        if message is None or message.chat.type not in (Chat.GROUP, Chat.SUPERGROUP):
            return None
        if not isinstance(decode(query.data), GroupButton):
            return None  # forged, or a button that is not a group walk's: nothing to do in a group
        return GroupIncoming(
            str(message.chat.id),
            user.id,
            user.first_name,
            events.Button(query.data or ""),
            user.language_code,
            query.id,
        )
    message = update.message
    if message is None or message.chat.type not in (Chat.GROUP, Chat.SUPERGROUP) or message.text is None:
        return None
    command = _command(message)
    if command is None or command.name.lower() not in GROUP_COMMANDS:
        return None
    entity = next(iter(message.entities or ()))
    _name, _at, mention = message.text[1 : entity.length].partition("@")
    return GroupIncoming(
        str(message.chat.id), user.id, user.first_name, command, user.language_code, mention=mention or None
    )
