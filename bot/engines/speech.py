"""Speech to text through an OpenAI-compatible transcription API (faster-whisper or whisper.cpp servers, or a
hosted service): `POST {SAMENSPRAAK_SPEECH_URL}/audio/transcriptions`, multipart `file`, `model`, `language`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import aiohttp
from babel import Locale
from pydantic import SecretStr

from bot.engines.common import Client, EngineError, host_of

TIMEOUT = 120.0  # seconds: a long voice note on a busy CPU-only server takes a while


@dataclass(frozen=True)
class Transcription:
    text: str
    language: str | None  # ISO 639-1, as the engine heard it (or as we asked, if it does not say)
    engine: str


@cache
def _names() -> dict[str, str]:
    """OpenAI's verbose_json names the language in English ("arabic"); servers differ, so read both forms."""
    return {name.casefold(): code for code, name in Locale("en").languages.items() if len(code) == 2}


def language_code(value: object, asked: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return asked
    text = value.strip().casefold()
    if len(text) in (2, 3) and text.isalpha():
        return text[:2] if len(text) == 2 else text
    return _names().get(text, asked)


class SpeechEngine:
    def __init__(self, url: str, key: SecretStr, model: str, timeout: float = TIMEOUT) -> None:
        self.client = Client(url, timeout)
        self.key = key
        self.model = model

    @property
    def name(self) -> str:
        """Stored with every transcript: which engine made it."""
        return f"{self.model} @ {host_of(self.client.url)}"

    async def transcribe(self, audio: bytes, filename: str, language: str | None) -> Transcription:
        form = aiohttp.FormData()
        form.add_field("file", audio, filename=filename, content_type="audio/ogg")
        form.add_field("model", self.model)
        form.add_field("response_format", "verbose_json")  # to learn the language it heard
        if language:
            form.add_field("language", language)
        headers = {"Authorization": f"Bearer {self.key.get_secret_value()}"} if self.key else {}
        answer = await self.client.post_json("/audio/transcriptions", "speech engine", data=form, headers=headers)
        text = answer.get("text")
        if not isinstance(text, str):
            raise EngineError(f"speech engine at {host_of(self.client.url)} answered without a text")
        return Transcription(text.strip(), language_code(answer.get("language"), language), self.name)

    async def close(self) -> None:
        await self.client.close()
