"""The worker with its runners and engines, as the live bot and the simulator both start it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram.error import TelegramError

from bot.clock import Clock
from bot.config import Settings
from bot.engine.prompts import MAX_DOWNLOAD
from bot.engines import EngineError, SpeechEngine, TranslateEngine
from bot.jobs.runners import Fetched, Fetcher, Runners, TooBig, fetch_local
from bot.jobs.worker import JobWorker
from bot.store import Database


def engines_line(settings: Settings) -> str:
    """Said once at start, so an operator knows what organisers will and will not get."""
    speech = f"speech to text on ({settings.speech_model})" if settings.speech_url else "speech to text off"
    translate = f"translation on (into {settings.organiser_language})" if settings.translate_url else "translation off"
    return f"engines: {speech}; {translate}"


def telegram_fetcher(bot: Any) -> Fetcher:
    """Bot API getFile, then the download from the file server (python-telegram-bot's own calls)."""

    async def fetch(file_id: str) -> Fetched | None:
        try:
            found = await bot.get_file(file_id)
            if (found.file_size or 0) > MAX_DOWNLOAD:
                raise TooBig
            content = bytes(await found.download_as_bytearray())
        except TelegramError as error:
            raise EngineError(f"Bot API file download failed: {type(error).__name__}") from error
        suffix = "." + found.file_path.rsplit(".", 1)[-1] if found.file_path and "." in found.file_path else None
        return Fetched(content, suffix if suffix and len(suffix) <= 6 else None)

    return fetch


def build_worker(
    settings: Settings,
    store: Database,
    clock: Clock,
    library: Callable[[], Any],
    fetchers: Mapping[str, Fetcher],
    on_messages: Callable[[], Awaitable[None]] | None = None,
) -> tuple[JobWorker, Runners]:
    speech = (
        SpeechEngine(settings.speech_url, settings.speech_key, settings.speech_model) if settings.speech_url else None
    )
    translate = TranslateEngine(settings.translate_url, settings.translate_key) if settings.translate_url else None
    runners = Runners(settings, library, {"terminal": fetch_local, **fetchers}, speech, translate)
    worker = JobWorker(store, runners.table(), clock, at_once=settings.jobs_at_once, on_messages=on_messages)
    return worker, runners
