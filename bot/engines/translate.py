"""Machine translation through a LibreTranslate-compatible API: `POST {SAMENSPRAAK_TRANSLATE_URL}/translate` with
`q`, `source`, `target`, `format` and, when set, `api_key`; the answer holds `translatedText`."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from bot.engines.common import Client, EngineError, host_of

TIMEOUT = 60.0


@dataclass(frozen=True)
class Translation:
    text: str
    engine: str


class TranslateEngine:
    def __init__(self, url: str, key: SecretStr, timeout: float = TIMEOUT) -> None:
        self.client = Client(url, timeout)
        self.key = key

    @property
    def name(self) -> str:
        return f"LibreTranslate @ {host_of(self.client.url)}"

    async def translate(self, text: str, source: str | None, target: str) -> Translation:
        body = {"q": text, "source": source or "auto", "target": target, "format": "text"}
        if self.key:
            body["api_key"] = self.key.get_secret_value()
        answer = await self.client.post_json("/translate", "translation engine", json=body)
        translated = answer.get("translatedText")
        if not isinstance(translated, str) or (text.strip() and not translated.strip()):
            raise EngineError(f"translation engine at {host_of(self.client.url)} answered without a translation")
        return Translation(translated.strip(), self.name)

    async def close(self) -> None:
        await self.client.close()
