"""A bare python-telegram-bot echo bot: the baseline `throughput.py` compares Samenspraak with."""

from __future__ import annotations

import asyncio
import os
import signal

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every message or button press gets one reply."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, "echo")


async def main() -> None:
    url = os.environ["SAMENSPRAAK_API_URL"]
    application = (
        ApplicationBuilder()
        .token(os.environ["SAMENSPRAAK_TOKEN"])
        .base_url(f"{url}/bot")
        .base_file_url(f"{url}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo))
    application.add_handler(CallbackQueryHandler(echo))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await stop.wait()
        await application.updater.stop()
        await application.stop()


if __name__ == "__main__":
    asyncio.run(main())
