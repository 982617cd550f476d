"""The live bot: python-telegram-bot wired to the dispatcher, the store's inbox and the outbox sender.

`serve` runs until its stop event is set, so the command line, the tests and the benchmarks start the same thing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Job, TypeHandler

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.flood import FloodGate
from bot.i18n import available_languages
from bot.outbox import Sender
from bot.store import Store
from bot.store.retention import purge
from bot.telegram.channel import CHANNEL, TelegramChannel, menu_commands
from bot.telegram.convert import incoming
from bot.telegram.inbox import InboxRequest, chat_address, encode

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
MAX_SLEEP = timedelta(minutes=5)  # wake now and then even with nothing due: cheap, and heals a missed arm


class LiveBot:
    """The running bot's parts, shared by every handler through `application.bot_data`."""

    def __init__(self, settings: Settings, store: Store, clock: Clock) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.dispatcher = Dispatcher(store, settings, clock, flood=FloodGate(clock))
        self.application = self._build()
        self.sender = Sender(
            store,
            TelegramChannel(self.application.bot),
            clock,
            quiet_hours=settings.quiet_hours,
            timezone=settings.timezone,
            render=self.dispatcher.render,
        )
        self._wake_job: Job[Any] | None = None

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = (
            ApplicationBuilder()
            .token(self.settings.token.value)
            .base_url(self.settings.bot_api_base)
            .base_file_url(self.settings.bot_file_base)
            .get_updates_request(InboxRequest(self.keep_updates, read_timeout=30, connection_pool_size=2))
        )
        if self.settings.rate_limit:
            builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=30, group_max_rate=20, max_retries=2))
        application = builder.build()
        application.bot_data["live"] = self
        application.add_handler(TypeHandler(Update, on_update))
        application.add_error_handler(on_error)
        return application

    async def keep_updates(self, raw_updates: list[dict[str, Any]]) -> None:
        await self.store.inbox_store(
            CHANNEL,
            [(str(raw["update_id"]), chat_address(raw), encode(raw)) for raw in raw_updates],
            self.clock.now(),
        )

    async def handle(self, update: Update) -> None:
        key = str(update.update_id)
        received = incoming(update)
        if update.my_chat_member is not None and update.effective_chat is not None:
            status = update.my_chat_member.new_chat_member.status
            await self.store.set_active(
                CHANNEL, str(update.effective_chat.id), status not in ("kicked", "left"), self.clock.now()
            )
        if received is None:
            await self.store.inbox_done(CHANNEL, key, self.clock.now())
            return
        if received.callback_id is not None:
            await self._acknowledge(received.callback_id, received.address, received.callback_message_id)
        await self.dispatcher.handle(
            CHANNEL,
            received.address,
            received.event,
            hint=received.hint,
            inbox_key=key,
            organiser=received.user_id in self.settings.organisers,
        )
        await self.flush()

    async def _acknowledge(self, callback_id: str, address: str, message_id: int | None) -> None:
        """Stop the button's spinner and take the pressed keyboard away, so an answer cannot be given twice."""
        try:
            await self.application.bot.answer_callback_query(callback_id)
            if message_id is not None:
                await self.application.bot.edit_message_reply_markup(int(address), message_id, reply_markup=None)
        except Exception as error:  # cosmetic: the answer itself is handled either way
            log.info("could not acknowledge a button: %s", type(error).__name__)

    async def flush(self) -> None:
        await self.sender.flush()
        await self.arm()

    async def arm(self) -> None:
        """One job, at the next due time, wakes the sender: the schedule lives in the database, not in memory."""
        job_queue = self.application.job_queue
        if job_queue is None:
            return
        now = self.clock.now()
        due = await self.sender.next_wake()
        wake = now + MAX_SLEEP if due is None else min(max(due, now + timedelta(seconds=1)), now + MAX_SLEEP)
        if self._wake_job is not None:
            self._wake_job.schedule_removal()
        self._wake_job = job_queue.run_once(self._on_wake, when=(wake - now).total_seconds(), name="outbox")

    async def _on_wake(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._wake_job = None
        await self.flush()

    async def purge(self, context: ContextTypes.DEFAULT_TYPE | None = None) -> None:
        """Delete what is older than the consent text promises (daily, and at start)."""
        purged = await purge(self.store, self.clock.now(), self.settings.retention_months)
        if purged.answers:
            log.warning(
                "retention: deleted %d answer(s) older than %d months", purged.answers, self.settings.retention_months
            )

    async def start(self) -> None:
        """Recover what a crash left behind, set the menus, then send what is due."""
        await self.purge()
        if self.application.job_queue is not None:
            self.application.job_queue.run_repeating(self.purge, interval=timedelta(days=1), first=timedelta(days=1))
        released = await self.store.release_in_flight()
        if released:
            log.warning("%d message(s) were in flight at the last stop; sending them again", released)
        await self._set_default_menus()
        for key, raw in await self.store.inbox_open(CHANNEL):
            update = Update.de_json(json.loads(raw), self.application.bot)
            log.info("handling update %s stored before the last stop", key)
            await self.application.process_update(update)
        await self.flush()

    async def _set_default_menus(self) -> None:
        bot = self.application.bot
        try:
            await bot.set_my_commands(menu_commands("en"))
            for language in available_languages():
                await bot.set_my_commands(menu_commands(language), language_code=language)
        except Exception as error:
            log.warning("could not set the command menus: %s", type(error).__name__)

    def reload(self) -> None:
        self.dispatcher.reload_content()


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update from Telegram: one event for the engine, its outcome stored, its reply sent."""
    live: LiveBot = context.bot_data["live"]
    await live.handle(update)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure by type and update id only: an update holds names, ids and message text."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)


async def serve(settings: Settings, stop: asyncio.Event, *, clock: Clock | None = None, signals: bool = False) -> None:
    """Run the bot until `stop` is set. With `signals`, SIGINT/SIGTERM stop it and SIGHUP reloads the content."""
    store = await Store.open(settings.db)
    live = LiveBot(settings, store, clock or SystemClock())
    application = live.application
    if signals:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        loop.add_signal_handler(signal.SIGHUP, live.reload)
    try:
        async with application:
            await live.start()
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=0, timeout=25)
            log.warning("samenspraak is running (%s)", settings.api_url)
            await stop.wait()
            await application.updater.stop()
            await application.stop()
    finally:
        await store.close()


def run_bot(settings: Settings, webhook: str | None = None) -> int:
    if not settings.token:
        print(
            "samenspraak: no bot token. Set SAMENSPRAAK_TOKEN (or SAMENSPRAAK_TOKEN_FILE) to the token from "
            "@BotFather, or run `samenspraak chat` to try the conversation in the terminal.",
            file=sys.stderr,
        )
        return 2
    if webhook:
        print("samenspraak: webhooks are not supported yet; run without --webhook (long polling).", file=sys.stderr)
        return 2

    asyncio.run(serve(settings, asyncio.Event(), signals=True))
    return 0
