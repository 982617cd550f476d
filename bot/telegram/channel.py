"""Delivering outbox rows through the Bot API, and telling the sender what Telegram said."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.engine.core import command_menu
from bot.i18n import translator
from bot.outbox import Blocked, RetryLater, Undeliverable
from bot.store import OutboxRow

CHANNEL = "telegram"


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


def markup(buttons: list[list[list[str]]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in buttons]
    )


def menu_commands(language: str) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in command_menu(translator(language))]


class TelegramChannel:
    name = CHANNEL

    def __init__(self, bot: ExtBot[None]) -> None:
        self.bot = bot

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
        except (TimedOut, NetworkError) as error:
            raise RetryLater(f"network: {error.message}") from error

    async def _deliver(self, row: OutboxRow) -> None:
        chat_id = int(row.address)
        payload = row.payload
        chunks = split_text(str(payload.get("text", "")))
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            if chunk:
                await self.bot.send_message(
                    chat_id, chunk, reply_markup=markup(payload.get("buttons", [])) if last else None
                )
        document = payload.get("document")
        if document:
            await self.bot.send_document(
                chat_id,
                InputFile(document["content"].encode("utf-8"), filename=document["filename"]),
            )
        language = payload.get("menu_language")
        if language:
            await self.bot.set_my_commands(menu_commands(language), scope=BotCommandScopeChat(chat_id))
