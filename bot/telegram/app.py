"""The live bot: python-telegram-bot wired to the dispatcher, the store's inbox and the outbox sender.

`serve` runs until its stop event is set, so the command line, the tests and the benchmarks start the same thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any
from weakref import WeakValueDictionary

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Job, TypeHandler

from bot.callback_data import Answer, Skip, decode
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.engine import events
from bot.features.walks.group_chat import GroupEvent, handle_group
from bot.flood import FloodGate
from bot.handled import Handled
from bot.i18n import available_languages
from bot.jobs.service import build_worker, engines_line, telegram_fetcher
from bot.media.files import sweep_orphans
from bot.organise.access import Organisers, file_gate
from bot.outbox import Sender
from bot.store import Store
from bot.store.faults import unwritable
from bot.store.retention import purge, purge_files
from bot.telegram.buttons import acknowledge, answer_button
from bot.telegram.channel import CHANNEL, TelegramChannel, menu_commands
from bot.telegram.convert import GroupIncoming, group_incoming, incoming
from bot.telegram.faults import UNAUTHORIZED, PollingErrors, Stopped, guarded, replay_stored
from bot.telegram.inbox import InboxRequest
from bot.telegram.limits import TelegramLimits
from bot.telegram.menus import start_live as start_organisers
from bot.telegram.poison import UpdateKeeper
from bot.telegram.request import AiohttpRequest
from bot.telegram.webhook import WebhookServer

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
MAX_SLEEP = timedelta(minutes=5)  # wake now and then even with nothing due: cheap, and heals a missed arm
FOLLOW_UP_EVERY = timedelta(minutes=1)  # invitations for newcomers, the minority round, idea news after a reload
# Most of an update's time is spent waiting (for Telegram's answer, for the database thread): with 8 at a time the
# main thread sat idle 40% of the time under load (benchmarks/throughput.py); gains stopped at 64.
CONCURRENT_UPDATES = 64


class LiveBot:
    """The running bot's parts, shared by every handler through `application.bot_data`."""

    def __init__(self, settings: Settings, store: Store, clock: Clock) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.dispatcher = Dispatcher(store, settings, clock, flood=FloodGate(clock))
        self.organisers = Organisers(store, settings)
        self.stop: asyncio.Event | None = None  # `serve`'s; set by a fault the bot cannot go on with (`fatal`)
        self.fatal: str | None = None
        self.polling_errors = PollingErrors()
        self.application = self._build()
        self.keeper = UpdateKeeper(store, CHANNEL, self.application.bot, clock.now)
        self.sender = Sender(
            store,
            TelegramChannel(self.application.bot, progress=self.store.record_parts),
            clock,
            quiet_hours=settings.quiet_hours,
            timezone=settings.timezone,
            grace=settings.grace,
            render=self.dispatcher.render,
            kinds=self.dispatcher.kinds,
        )
        self._wake_job: Job[Any] | None = None
        self._wake_at: datetime | None = None
        self._chat_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()
        self._background: set[asyncio.Task[None]] = set()
        # Background jobs (keep files, transcribe, translate): never in the way of a reply (bot/jobs/).
        self.jobs, self.runners = build_worker(
            settings,
            store,
            clock,
            lambda: self.dispatcher.engine.library,
            {CHANNEL: telegram_fetcher(self.application.bot)},
            on_messages=self.flush,
        )
        self.dispatcher.jobs = self.jobs

    async def stop_jobs(self) -> None:
        await self.jobs.stop()
        await self.runners.close()

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        self._requests = (
            AiohttpRequest(connection_pool_size=64),
            InboxRequest(
                self.keep_updates,
                unauthorized=self.unauthorized,
                answered=self.polling_errors.answered,
                read_timeout=30,
                connection_pool_size=2,
            ),
        )
        builder = (
            ApplicationBuilder()
            .token(self.settings.token.get_secret_value())
            .base_url(self.settings.bot_api_base)
            .base_file_url(self.settings.bot_file_base)
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            # Updates of different chats are handled side by side; one chat's updates wait for each other
            # (`_chat_lock`), so a participant's state is never read and written by two handlers at once.
            .concurrent_updates(CONCURRENT_UPDATES)
        )
        if self.settings.rate_limit:
            # AIORateLimiter, tuned so it never bursts past Telegram's limits (bot/telegram/limits.py).
            builder = builder.rate_limiter(TelegramLimits(max_retries=2))  # type: ignore[arg-type]  # PTB types the builder for a rate limiter without per-call data
        application = builder.build()
        application.bot_data["live"] = self
        application.add_handler(TypeHandler(Update, on_update))
        application.add_error_handler(on_error)
        return application

    async def receive_webhook(self, raw: dict[str, Any]) -> None:
        """One update posted by Telegram: kept in the inbox first (or set aside), then queued for the handlers."""
        (kept,) = await self.keeper.keep([raw], wait=False)
        update = Update.de_json(kept, self.application.bot) if set(kept) != {"update_id"} else None  # set aside
        if update is not None:
            await self.application.update_queue.put(update)

    async def keep_updates(self, raw_updates: list[Any]) -> list[dict[str, Any]]:
        return await self.keeper.keep(raw_updates)  # bot/telegram/poison.py

    def unauthorized(self) -> None:
        """Telegram refuses the token (revoked in @BotFather): stop, nothing works until it is changed."""
        if self.fatal is None:
            log.critical("%s", UNAUTHORIZED)
        self.fatal = UNAUTHORIZED
        if self.stop is not None:
            self.stop.set()

    async def handle(self, update: Update) -> None:
        key = str(update.update_id)
        received = incoming(update)
        if update.my_chat_member is not None and update.effective_chat is not None:
            status = update.my_chat_member.new_chat_member.status
            await self.store.set_active(
                CHANNEL, str(update.effective_chat.id), status not in ("kicked", "left"), self.clock.now()
            )
        if received is None:
            in_group = group_incoming(update)
            if in_group is not None:
                await self._group_walk(in_group, key)
                return
            if update.callback_query is not None:  # a button we take no action on still stops spinning
                self._in_background(answer_button(self.application.bot, update.callback_query.id, None))
            await self.store.inbox_done(CHANNEL, key, self.clock.now())
            return
        if received.callback_id is not None:
            answered = isinstance(received.event, events.Button) and isinstance(
                decode(received.event.data), Answer | Skip
            )
            bot, message_id = self.application.bot, received.callback_message_id
            self._in_background(acknowledge(bot, received.callback_id, received.address, message_id, answered))
        async with self._chat_lock(received.address):
            handled = await self.dispatcher.handle(
                CHANNEL,
                received.address,
                received.event,
                hint=received.hint,
                inbox_key=key,
                organiser=await self.organisers.contains(CHANNEL, str(received.user_id)),
                sent_at=received.sent_at,
            )
            await self.sender.deliver(list(handled.claimed))
        if self._wakes_sooner(handled):
            await self.arm()

    async def _group_walk(self, received: GroupIncoming, key: str) -> None:
        """A group walk in a group chat (the volunteer's `/walk`, its buttons): the one thing said in groups."""
        username = self.dispatcher.bot_username
        if received.mention and username and received.mention.lower() != username.lower():
            await self.store.inbox_done(CHANNEL, key, self.clock.now())  # `/walk@another_bot`
            return
        event = GroupEvent(CHANNEL, received.chat, str(received.user_id), received.name, received.event, received.hint)
        async with self._chat_lock(received.chat):
            toast = await handle_group(self.dispatcher, event, key)
        if received.callback_id is not None:
            self._in_background(answer_button(self.application.bot, received.callback_id, toast))
        await self.flush()  # the group chat and every walker's private chat

    def _wakes_sooner(self, handled: Handled) -> bool:
        """Whether what this event scheduled is due before the armed wake-up (most reminders are not)."""
        others = self.dispatcher.kinds.sends_to_others  # rows for others: a group walk's cards, an organiser's flag
        to_others = any(record.kind in others for record in handled.result.records)
        if not (handled.wakes_later or to_others):
            return False
        if self._wake_job is None or self._wake_at is None:
            return True
        if to_others:
            return True  # rows for others are due now
        later = [message.due_at for message in handled.result.messages if message.due_at is not None]
        unclaimed = len(handled.result.messages) - len(handled.claimed)
        return not later or len(later) < unclaimed or min(later) < self._wake_at

    def _chat_lock(self, address: str) -> asyncio.Lock:
        lock = self._chat_locks.get(address)
        if lock is None:
            lock = self._chat_locks[address] = asyncio.Lock()
        return lock

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Cosmetic calls (a button's spinner) need not hold up the reply; keep a reference until they end."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def flush(self) -> None:
        try:
            await self.sender.flush()
        finally:
            await self.arm()  # whatever happened, the next due row gets its wake-up

    async def arm(self) -> None:
        """One job, at the next due time, wakes the sender: the schedule lives in the database, not in memory."""
        job_queue = self.application.job_queue
        if job_queue is None:
            return
        now = self.clock.now()
        due = await self.sender.next_wake()
        wake = now + MAX_SLEEP if due is None else min(max(due, now + timedelta(seconds=1)), now + MAX_SLEEP)
        if self._wake_job is not None and self._wake_at is not None and self._wake_at <= wake:
            return  # already armed early enough; re-arming on every update would only churn the scheduler
        if self._wake_job is not None:
            self._wake_job.schedule_removal()
        self._wake_at = wake
        self._wake_job = job_queue.run_once(self._on_wake, when=(wake - now).total_seconds(), name="outbox")

    async def _on_wake(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        self._wake_job = None
        self._wake_at = None
        await self.flush()

    async def purge(self, context: ContextTypes.DEFAULT_TYPE | None = None) -> None:
        """Delete what is older than the consent text promises (daily, and at start)."""
        purged = await purge(self.store, self.clock.now(), self.settings.retention_months)
        if purged.answers:
            log.warning(
                "retention: deleted %d answer(s) older than %d months", purged.answers, self.settings.retention_months
            )
        files = await purge_files(self.store, self.settings.organiser_files, self.clock.now())
        if files:
            log.warning("retention: deleted %d organiser file(s) no message will send", files)
        orphans = await sweep_orphans(self.store, self.settings.media)
        if orphans:
            log.warning("retention: deleted %d kept voice note(s) or photo(s) whose answer is gone", orphans)

    async def start(self) -> None:
        """Recover what a crash left behind, set the menus, then send what is due."""
        self.dispatcher.bot_username = self.application.bot.username  # for the join links of group walks
        self.sender.on_retry = self.arm
        released = await self.store.release_in_flight()  # before the purge, which leaves pending rows alone
        if released:
            log.warning("%d message(s) were in flight at the last stop; sending them again", released)
        await self.purge()
        log.warning(engines_line(self.settings))
        await self.jobs.start()  # jobs left running by a crash go again
        if self.application.job_queue is not None:
            self.application.job_queue.run_repeating(self.purge, interval=timedelta(days=1), first=timedelta(days=1))
        await self._set_default_menus()
        await start_organisers(self.application.bot, self.dispatcher, self.flush)
        overtaken = await self.store.inbox_close_overtaken(CHANNEL, self.clock.now())
        if overtaken:
            log.warning("%d update(s) that failed before later ones of their chat were not replayed", overtaken)
        await self.flush()  # what was in flight at the last stop goes before the replies to replayed updates
        await replay_stored(self.application, self.store, self.clock.now)
        # Meetings and ideas in the content files, the minority round: now, then every minute (bot/features/followups/).
        await self.dispatcher.followups.tick(force=True)
        if self.application.job_queue is not None:
            self.application.job_queue.run_repeating(self._follow_up, interval=FOLLOW_UP_EVERY, first=FOLLOW_UP_EVERY)
        await self.flush()

    async def _follow_up(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Invite newcomers to a meeting, send idea news after a reload, ask the minority round."""
        await self.dispatcher.followups.tick()
        await self.flush()

    async def _set_default_menus(self) -> None:
        bot = self.application.bot
        try:
            await bot.set_my_commands(menu_commands("en"))
            for language in available_languages():
                await bot.set_my_commands(menu_commands(language), language_code=language)
        except Exception as error:
            log.warning("could not set the command menus: %s", type(error).__name__)

    def reload(self) -> None:  # SIGHUP
        self._in_background(self.dispatcher.reload_quietly())


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update from Telegram: one event for the engine, its outcome stored, its reply sent."""
    live: LiveBot = context.bot_data["live"]
    await live.handle(update)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure by type and update id only: an update holds names, ids and message text."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    signals: bool = False,
    webhook: str | None = None,
) -> None:
    """Run the bot until `stop` is set. With `signals`, SIGINT/SIGTERM stop it and SIGHUP reloads the content.

    Long polling by default; with `webhook` (a public HTTPS URL) Telegram posts updates to a small server listening
    on SAMENSPRAAK_WEBHOOK_LISTEN (behind the operator's TLS proxy).
    """
    store = await Store.open(settings.db)
    live = LiveBot(settings, store, clock or SystemClock())
    live.stop = stop
    live.sender.on_fatal, live.sender.may_deliver = live.unauthorized, file_gate(store, settings)
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
            if webhook:
                server = WebhookServer(webhook, settings.webhook_listen, live.receive_webhook)
                await server.start()
                await application.bot.set_webhook(webhook, allowed_updates=ALLOWED_UPDATES, secret_token=server.secret)
                log.warning("samenspraak is running by webhook (%s)", settings.api_url)
                await stop.wait()
                await server.stop()
            else:
                assert application.updater is not None
                await application.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES,
                    poll_interval=0,
                    timeout=25,
                    error_callback=live.polling_errors,
                )
                log.warning("samenspraak is running (%s)", settings.api_url)
                await stop.wait()
                with contextlib.suppress(InvalidToken):  # the poller ended on it; `live.fatal` says so below
                    await application.updater.stop()
            await application.stop()
    except InvalidToken:
        live.unauthorized()
    finally:
        await live.stop_jobs()
        await asyncio.gather(*(request.shutdown() for request in live._requests))  # left open by a failed start
        await store.close()
    if live.fatal is not None:
        raise Stopped(live.fatal)


def run_bot(settings: Settings, webhook: str | None = None) -> int:
    if not settings.token:
        print(
            "samenspraak: no bot token. Set SAMENSPRAAK_TOKEN (or SAMENSPRAAK_TOKEN_FILE) to the token from "
            "@BotFather, or run `samenspraak chat` to try the conversation in the terminal.",
            file=sys.stderr,
        )
        return 2
    if webhook and not webhook.startswith("https://"):
        print("samenspraak: --webhook needs a public https:// URL (Telegram posts only to HTTPS).", file=sys.stderr)
        return 2
    if not settings.contact:
        log.warning(
            "SAMENSPRAAK_CONTACT is not set: the consent text names no one to contact. Set it before going live."
        )
    refused = unwritable(settings.db)
    if refused is not None:
        print(f"samenspraak: cannot write to the database {settings.db} ({refused}).", file=sys.stderr)
        return 2
    return guarded(lambda: asyncio.run(serve(settings, asyncio.Event(), signals=True, webhook=webhook)))
