"""The three kinds of background job: fetch an answer's file, transcribe speech, translate words for organisers.

The slow part (a download, an engine's answer) happens outside the database; what it yields is written in the
transaction that marks the job done (see worker.py). Logs name jobs by id, never a text or a chat.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.content.loader import Library
from bot.engines import EngineError, SpeechEngine, TranslateEngine
from bot.features.heard.feature import heard_message
from bot.jobs.worker import Outcome, Runner
from bot.media.files import relative_path, write_private
from bot.organise.common import prompt_text_nl
from bot.organise.flag_followups import send_flag_translation
from bot.organise.media_cards import file_key
from bot.organise.safeguarding import distress_words
from bot.store.jobs import SPOKEN, Job, add_job, keep_file, keep_transcript, keep_translation
from bot.store.outbox_rows import insert_and_claim
from bot.store.records import WRITERS


@dataclass(frozen=True)
class Fetched:
    content: bytes
    suffix: str | None = None  # as the channel names the file (".oga"), if it does


class TooBig(Exception):
    """Telegram serves bots files up to 20 MB."""


# A channel's way to fetch a file by its reference; None for a rehearsal's stand-in (no file at all).
Fetcher = Callable[[str], Awaitable[Fetched | None]]


async def fetch_local(source: str) -> Fetched | None:
    """The simulator's files: `file:PATH` is a real file sent with `:voice FILE`; anything else is a stand-in."""
    if not source.startswith("file:"):
        return None
    path = Path(source[5:])
    try:
        content = await asyncio.to_thread(path.read_bytes)
    except OSError as error:
        raise EngineError(f"the rehearsal file cannot be read: {type(error).__name__}") from error
    return Fetched(content, path.suffix or None)


class Runners:
    def __init__(
        self,
        settings: Settings,
        library: Callable[[], Library],
        fetchers: Mapping[str, Fetcher],
        speech: SpeechEngine | None = None,
        translate: TranslateEngine | None = None,
    ) -> None:
        self.settings = settings
        self.library = library
        self.fetchers = dict(fetchers)
        self.speech = speech
        self.translate = translate

    def table(self) -> dict[str, Runner]:
        """Without an engine its kind has no runner: such jobs are never queued (see plan.py)."""
        table: dict[str, Runner] = {"download": self.download}
        if self.speech is not None:
            table["transcribe"] = self.transcribe
        if self.translate is not None:
            table["translate"] = self.translate_words
        return table

    async def close(self) -> None:
        for engine in (self.speech, self.translate):
            if engine is not None:
                await engine.close()

    # -- download ----------------------------------------------------------------------------------------------
    async def download(self, job: Job, answer: dict[str, Any]) -> Outcome:
        fetcher = self.fetchers.get(answer["channel"])
        if fetcher is None:
            raise EngineError(f"no way to fetch files of channel {answer['channel']}")
        try:
            fetched = await fetcher(answer["source"])
        except TooBig:
            return Outcome(self._status(job.answer_id, "too_big"))
        if fetched is None:
            return Outcome(self._status(job.answer_id, "stand_in"))
        relative = relative_path(answer["pseudonym"], job.answer_id, answer["media_kind"], fetched.suffix)
        path = await asyncio.to_thread(write_private, self.settings.media, relative, fetched.content)
        transcribe = self.speech is not None and answer["media_kind"] in SPOKEN
        size = len(fetched.content)

        def write(db: sqlite3.Connection, now: datetime) -> None:
            keep_file(db, job.answer_id, relative, size, "kept")
            if transcribe:
                add_job(db, "transcribe", job.answer_id, now)

        return Outcome(write, files=(path,))

    @staticmethod
    def _status(answer_id: int, status: str) -> Callable[[sqlite3.Connection, datetime], None]:
        def write(db: sqlite3.Connection, now: datetime) -> None:
            keep_file(db, answer_id, None, 0, status)

        return write

    # -- speech to text ----------------------------------------------------------------------------------------
    async def transcribe(self, job: Job, answer: dict[str, Any]) -> Outcome:
        assert self.speech is not None
        if not answer["path"]:
            return Outcome()  # nothing kept to listen to
        path = self.settings.media / answer["path"]
        try:
            audio = await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            raise EngineError(f"the kept file of answer {job.answer_id} cannot be read") from error
        heard = await self.speech.transcribe(audio, path.name, answer["language"])
        library = self.library()
        words = distress_words(heard.text, library)
        translate = self.translate is not None and bool(heard.text) and self._foreign(heard.language)
        confirm = bool(heard.text) and self._confirms(library, answer)
        flag = self._flag(library, answer, heard.text, words) if words else None

        def write(db: sqlite3.Connection, now: datetime) -> None:
            keep_transcript(db, job.answer_id, heard.text, heard.language, heard.engine, now)
            if translate:
                add_job(db, "translate", job.answer_id, now, field="transcript")
            if flag is not None:  # safeguarding reads a transcript as it reads a typed text
                WRITERS["safeguarding"](db, answer["participant_id"], flag, now)
            if confirm:
                message = heard_message(answer["language"], job.answer_id, heard.text)
                insert_and_claim(
                    db,
                    answer["participant_id"],
                    answer["channel"],
                    answer["address"],
                    [message],
                    now,
                    claim=False,
                    language=answer["language"],
                )

        return Outcome(write, messages=confirm or flag is not None)

    def _foreign(self, language: str | None) -> bool:
        return (language or "") != self.settings.organiser_language

    @staticmethod
    def _confirms(library: Library, answer: dict[str, Any]) -> bool:
        """Read back unless the prompt's content turned it off (`confirm: false`)."""
        conversation = library.rounds.get(answer["conversation"])
        prompt = conversation.prompt(answer["prompt_id"]) if conversation else None
        return prompt.confirm if prompt is not None else True

    def _flag(self, library: Library, answer: dict[str, Any], text: str, words: list[str]) -> dict[str, Any]:
        organisers = sorted(str(user) for user in self.settings.organisers) if answer["channel"] == "telegram" else []
        return {
            "answer_id": answer["id"],
            "question": prompt_text_nl(library, answer["conversation"], answer["prompt_id"]),
            "words": words,
            "excerpt": "🎤 " + text[:600],
            "pseudonym": answer["pseudonym"],
            "channel": answer["channel"],
            "organisers": organisers,
            "attach": {file_key(answer["media_kind"]): str(self.settings.media / answer["path"])},
        }

    # -- translation -------------------------------------------------------------------------------------------
    async def translate_words(self, job: Job, answer: dict[str, Any]) -> Outcome:
        assert self.translate is not None
        field = job.data.get("field", "text")
        if field == "transcript":
            text = answer["corrected"] or answer["transcript"]
            source = answer["language"] if answer["corrected"] else answer["transcript_language"] or answer["language"]
        else:
            text = answer["value"].get("text")
            source = answer["language"]
        target = self.settings.organiser_language
        if not isinstance(text, str) or not text.strip() or source == target:
            return Outcome()
        translated = await self.translate.translate(text, source, target)
        organisers = [str(user) for user in self.settings.organisers]

        def write(db: sqlite3.Connection, now: datetime) -> None:
            keep_translation(db, job.answer_id, field, source, target, translated.text, translated.engine, now)
            # A flagged answer's card went out with the original words: its translation follows it.
            send_flag_translation(db, job.answer_id, translated.text, translated.engine, organisers, now)

        return Outcome(write, messages=True)
