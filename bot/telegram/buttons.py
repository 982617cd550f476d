"""Telegram's side of a pressed button: stop its spinner, and take an answered keyboard away."""

from __future__ import annotations

import logging

from telegram import Bot

from bot.telegram.channel import EDIT_REPLY_MARKUP

log = logging.getLogger(__name__)


async def answer_button(bot: Bot, callback_id: str, text: str | None) -> None:
    """Stop a group button's spinner with a notice only the presser sees; the keyboard stays for the others."""
    try:
        await bot.answer_callback_query(callback_id, text=text)
    except Exception as error:  # cosmetic: what the button did is stored either way
        log.info("could not acknowledge a button: %s", type(error).__name__)


async def acknowledge(bot: Bot, callback_id: str, address: str, message_id: int | None, answered: bool) -> None:
    """Stop the button's spinner; after an answer, take the keyboard away so it cannot be given twice."""
    try:
        await bot.answer_callback_query(callback_id)
    except Exception as error:  # cosmetic ("query is too old" after a restart): the answer is handled either way
        log.info("could not acknowledge a button: %s", type(error).__name__)
    if message_id is None or not answered:
        return
    try:  # apart from the acknowledgement: a keyboard left in place invites the same answer twice
        await bot.do_api_request(  # the edited message is not needed back
            EDIT_REPLY_MARKUP, api_kwargs={"chat_id": int(address), "message_id": message_id}
        )
    except Exception as error:
        log.info("could not remove an answered keyboard: %s", type(error).__name__)
