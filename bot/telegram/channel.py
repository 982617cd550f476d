"""Delivering outbox rows through the Bot API, and telling the sender what Telegram said."""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import MessageLimit
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.engine.notices import command_menu
from bot.i18n import translator
from bot.organise.commands import organiser_menu
from bot.outbox import Blocked, RetryLater, Unauthorized, Undeliverable
from bot.store import OutboxRow

CHANNEL = "telegram"

log = logging.getLogger(__name__)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Telegram takes 4,096 characters a message: cut long texts at line ends."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > 0 else limit
        chunks.append(text[:cut])
        text = text[cut:].lstrip("\n")
    chunks.append(text)
    return chunks


def split_caption(text: str, limit: int = MessageLimit.CAPTION_LENGTH) -> tuple[str, str]:
    """A photo's caption takes 1,024 characters (UTF-16 units): the rest follows as a message, cut at a line end."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text, ""
    cut = limit
    while len(text[:cut].encode("utf-16-le")) // 2 > limit:
        cut -= 1
    line_end = text.rfind("\n", 0, cut)
    cut = line_end if line_end > 0 else cut
    return text[:cut].rstrip("\n"), text[cut:].lstrip("\n")


def markup(buttons: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in buttons]
    )


def _read_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def menu_commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in command_menu(translator(language))]


def organiser_commands(language: str | None) -> list[BotCommand]:
    """An organiser's menu: the participant commands, then the organiser commands, in their language."""
    return menu_commands(language or "nl") + [
        BotCommand(name, description[:256]) for name, description in organiser_menu(language)
    ]


# Bot API method names are case-insensitive. Spelled this way, `do_api_request` does not take them for the
# library's own `sendMessage` method and warn on every call that the typed method exists.
SEND_MESSAGE = "SendMessage"

# Payload keys of a recording to send, each by its own Bot API method (see `_recording`).
RECORDINGS = ("voice", "audio", "video_note")
AUDIO_SUFFIXES = (".mp3", ".m4a")
EDIT_REPLY_MARKUP = "EditMessageReplyMarkup"


def inline_keyboard(buttons: list[list[list[str]]]) -> dict[str, object] | None:
    """The Bot API's own JSON for `markup(buttons)`, without building and serialising telegram objects."""
    if not buttons:
        return None
    return {"inline_keyboard": [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]}


async def send_text(bot: ExtBot[None], chat_id: int, text: str, keyboard: dict[str, object] | None) -> None:
    """sendMessage without turning Telegram's answer into a `Message`: the bot never reads it, and parsing it was
    a sixth of the bot's CPU time per reply (py-spy, benchmarks/throughput.py). Same rate limiter, same errors."""
    arguments: dict[str, object] = {"chat_id": chat_id, "text": text}
    if keyboard is not None:
        arguments["reply_markup"] = keyboard
    await bot.do_api_request(SEND_MESSAGE, api_kwargs=arguments)


class Uploads:
    """Telegram keeps every file a bot sent: a prompt's recording or a walk card's picture goes up once, and to
    everyone after that by the file_id Telegram gave it (no upload, no disk read). A file changed on disk since
    (an organiser recorded the prompt again) is uploaded afresh; the ids live as long as the process."""

    def __init__(self) -> None:
        self._ids: dict[Path, tuple[tuple[int, int], str]] = {}

    @staticmethod
    def signature(path: Path) -> tuple[int, int] | None:
        try:
            info = path.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def file_id(self, path: Path) -> str | None:
        known = self._ids.get(path)
        return known[1] if known is not None and known[0] == self.signature(path) else None

    def remember(self, path: Path, read: tuple[int, int] | None, file_id: str | None) -> None:
        """`read`: the file's signature from before it was read, so a file replaced during the upload is not
        taken for the one Telegram got."""
        if file_id and read is not None and read == self.signature(path):
            self._ids[path] = (read, file_id)

    def forget(self, path: Path) -> None:
        self._ids.pop(path, None)


# Records that the first n parts of an outbox row were delivered (`Store.record_parts`).
Progress = Callable[[int, int], Awaitable[None]]


class TelegramChannel:
    name = CHANNEL

    def __init__(self, bot: ExtBot[None], progress: Progress | None = None) -> None:
        self.bot = bot
        self.uploads = Uploads()
        self.progress = progress

    async def _content_file(
        self, path: Path, send: Callable[[InputFile | str], Awaitable[Message]], sent_id: Callable[[Message], str]
    ) -> bool:
        """Send a file of the content by its file_id when Telegram has it, else upload it; False if it is missing."""
        known = self.uploads.file_id(path)
        if known is not None:
            try:
                await send(known)
                return True
            except BadRequest as error:
                if "file" not in error.message.lower():
                    raise  # about this chat or message, not the file: the id stays good for everyone else
                self.uploads.forget(path)  # "wrong file identifier": Telegram no longer knows it; upload again
        read = self.uploads.signature(path)
        content = await asyncio.to_thread(_read_file, path)
        if content is None:
            return False
        message = await send(InputFile(content, filename=path.name))
        self.uploads.remember(path, read, sent_id(message))
        return True

    async def deliver(self, row: OutboxRow) -> None:
        try:
            await self._deliver(row)
        except Forbidden as error:
            text = error.message.lower()
            if "blocked" in text or "deactivated" in text or "kicked" in text:
                raise Blocked(error.message) from error
            # "can't initiate conversation": they never opened the bot. Not a block, but this will not go through.
            raise Undeliverable(error.message) from error
        except RetryAfter as error:
            after = error.retry_after
            seconds = after.total_seconds() if hasattr(after, "total_seconds") else float(after)
            raise RetryLater("Telegram asked to slow down", seconds) from error
        except BadRequest as error:
            raise Undeliverable(error.message) from error
        except ChatMigrated as error:  # a group became a supergroup: this chat id is gone
            raise Undeliverable("chat migrated to a supergroup") from error  # no chat id: it goes to the log
        except InvalidToken:
            raise Unauthorized("Telegram refuses the bot token") from None
        except (TimedOut, NetworkError) as error:
            raise RetryLater(f"network: {error.message}") from error

    async def _deliver(self, row: OutboxRow) -> None:
        """Send the row's parts in order, skipping those a failed attempt delivered already (`parts_sent`): a retry
        repeats none of them. Progress is recorded after each part but the last (marking the row sent ends it)."""
        parts = self._parts(row)
        for number, part in enumerate(parts[row.parts_sent :], start=row.parts_sent + 1):
            await part()
            if number < len(parts) and self.progress is not None:
                await self.progress(row.id, number)

    def _parts(self, row: OutboxRow) -> list[Callable[[], Awaitable[None]]]:
        """The messages one row becomes, always the same list for the same payload, so a count of those sent
        names exactly which are still missing."""
        chat_id = int(row.address)
        payload = row.payload
        text = str(payload.get("text", ""))
        buttons = payload.get("buttons", [])
        parts: list[Callable[[], Awaitable[None]]] = []
        # A picture with the text as its caption: a file (a walk card's, an answer's kept photo), or a photo Telegram
        # holds by its file_id (a flagged answer's, shown on its safeguarding card).
        picture, known = payload.get("photo"), payload.get("photo_id")
        if picture or known:
            caption, text = split_caption(text)
            where: Path | str = str(known) if known else Path(str(picture))
            parts.append(partial(self._picture, chat_id, where, caption, [] if text else buttons))
        chunks = split_text(text)
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            if chunk:
                keyboard = inline_keyboard(buttons) if last else None
                parts.append(partial(send_text, self.bot, chat_id, chunk, keyboard))
        # The prompt read aloud in their language (for people who read little), or an answer's recording that an
        # organiser listens to: each kind by the Bot API method made for it (sendVoice fails on an mp4 or a wav).
        for key in RECORDINGS:
            recording = payload.get(key)
            if recording:
                parts.append(partial(self._recorded, chat_id, Path(str(recording)), key))
        photo_bytes = payload.get("photo_bytes")
        if photo_bytes:  # a picture made by the bot (an organiser's /stats chart), base64 in the payload
            chart = InputFile(base64.b64decode(photo_bytes), filename="chart.png")
            parts.append(lambda: self._call(self.bot.send_photo(chat_id, chart)))
        document = payload.get("document")
        if document:
            parts.append(partial(self._document, chat_id, document))
        language = payload.get("menu_language")
        if language:
            commands = organiser_commands(language) if payload.get("organiser_menu") else menu_commands(language)
            parts.append(
                lambda: self._after_the_text(
                    self.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id)), "a chat's command menu"
                )
            )
        return parts

    @staticmethod
    async def _call(call: Awaitable[object]) -> None:
        await call

    async def _picture(self, chat_id: int, picture: Path | str, caption: str, buttons: list[list[list[str]]]) -> None:
        """A content file, or a photo Telegram holds by its file_id (a str); when it cannot be shown, its caption goes
        as text in its place, so the list of parts stays the same on a retry."""
        if isinstance(picture, str):
            shown = await self._known_photo(chat_id, picture, caption, markup(buttons))
        else:
            shown = await self._content_file(
                picture,
                lambda photo: self.bot.send_photo(
                    chat_id, photo, caption=caption or None, reply_markup=markup(buttons)
                ),
                lambda message: message.photo[-1].file_id if message.photo else "",
            )
            if not shown:
                log.warning("picture %s is missing; the card goes without it", picture.name)
        if not shown and caption:
            await send_text(self.bot, chat_id, caption, inline_keyboard(buttons))

    async def _recorded(self, chat_id: int, recording: Path, kind: str) -> None:
        await self._after_the_text(self._recording(chat_id, recording, kind), "a recording")

    async def _document(self, chat_id: int, document: dict[str, Any]) -> None:
        if document.get("path"):
            # A file the bot wrote (an organiser's export or brief): sent from disk, then removed.
            path = Path(document["path"])
            content = await asyncio.to_thread(_read_file, path)
            if content is not None:  # None: sent before a crash, and removed already
                await self.bot.send_document(chat_id, InputFile(content, filename=document["filename"]))
                if document.get("remove_after_send"):
                    await asyncio.to_thread(path.unlink, missing_ok=True)
        else:
            await self.bot.send_document(
                chat_id, InputFile(document["content"].encode("utf-8"), filename=document["filename"])
            )

    async def _known_photo(
        self, chat_id: int, file_id: str, caption: str, keyboard: InlineKeyboardMarkup | None
    ) -> bool:
        """False when Telegram refuses the photo (a file_id it no longer knows): the text still goes, without it."""
        try:
            await self.bot.send_photo(chat_id, file_id, caption=caption or None, reply_markup=keyboard)
        except BadRequest as error:
            log.warning("a photo was refused (%s); the text goes without it", error.message)
            return False
        return True

    async def _recording(self, chat_id: int, recording: Path, kind: str) -> None:
        if kind == "audio" and recording.suffix.lower() not in AUDIO_SUFFIXES:
            kind = "document"  # Telegram plays only mp3 and m4a as audio: anything else goes as a file to open
        methods: dict[str, Callable[[int, Any], Awaitable[Message]]] = {
            "video_note": self.bot.send_video_note,  # a round video message
            "audio": self.bot.send_audio,
            "document": self.bot.send_document,
        }
        method = methods.get(kind, self.bot.send_voice)
        attribute = kind if kind in methods else "voice"

        def sent_id(message: Message) -> str:
            sent = getattr(message, attribute, None)
            return sent.file_id if sent else ""

        if not await self._content_file(recording, lambda file: method(chat_id, file), sent_id):
            log.warning("recording %s is missing; the message goes without it", recording.name)

    @staticmethod
    async def _after_the_text(call: Awaitable[object], what: str) -> None:
        """An extra that follows a message already delivered: if it fails, the row is not sent again, or the
        participant would get the same question up to eight times for a recording Telegram refused once."""
        try:
            await call
        except Exception as error:
            log.info("%s was not delivered: %s", what, type(error).__name__)
