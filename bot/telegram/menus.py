"""Organiser command menus, only in organisers' own chats (`BotCommandScopeChat`), set when the live bot starts.

A removed organiser's chat gets the participant menu back. An organiser who changes language keeps the organiser
commands (dispatch marks their menu messages, and the channel adds them).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import BotCommandScopeChat

from bot.organise.context import Wake, attach
from bot.store import organise as queries
from bot.telegram.channel import menu_commands, organiser_commands

if TYPE_CHECKING:
    from telegram import Bot

    from bot.hub import Hub

log = logging.getLogger(__name__)


async def start_live(bot: Bot, dispatcher: Hub, flush: Wake) -> None:
    """Background organiser work wakes this bot's sender; organisers' chats get their menu."""
    attach(dispatcher, flush)
    store, settings, clock = dispatcher.store, dispatcher.settings, dispatcher.clock
    addresses = await queries.organisers(store, settings)
    if not addresses:
        log.warning(
            "no organiser is configured: safeguarding flags wait until the first one is added "
            "(SAMENSPRAAK_ORGANISERS, or `samenspraak organiser add USER_ID`)"
        )
    else:  # flags raised before any organiser existed (organisers named only in SAMENSPRAAK_ORGANISERS now)
        waiting = await store.write(queries.tell_waiting_flags, "telegram", addresses, clock.now())
        if waiting:
            log.warning("%d safeguarding flag(s) raised while there was no organiser sent now", waiting)
    for address in addresses:
        language = await store.call(queries.organiser_language_of, "telegram", address)
        try:
            await bot.set_my_commands(organiser_commands(language), scope=BotCommandScopeChat(int(address)))
        except Exception as error:  # a chat that never opened the bot cannot have a menu yet
            log.info("could not set an organiser menu: %s", type(error).__name__)
    for address in await queries.removed_organisers(store):
        if int(address) in settings.organisers:
            continue
        language = await store.call(queries.language_of, "telegram", address)
        try:
            await bot.set_my_commands(menu_commands(language or "nl"), scope=BotCommandScopeChat(int(address)))
        except Exception as error:
            log.info("could not reset a menu: %s", type(error).__name__)
