"""What both engine clients share: one aiohttp session each, and one kind of failure."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp


class EngineError(Exception):
    """The engine is down, slow, refused, or answered something that is not what its API promises.

    The message names the engine and what went wrong, never the words sent or received (logs hold no answers)."""


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


class Client:
    """A lazily opened session, so settings can be read before an event loop runs."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post_json(self, path: str, what: str, **request: Any) -> dict[str, Any]:
        """POST and read a JSON object back; every way that fails is an EngineError."""
        try:
            async with self.session().post(self.url + path, **request) as response:
                body = await response.read()
                if response.status >= 400:
                    raise EngineError(f"{what} at {host_of(self.url)} answered HTTP {response.status}")
        except TimeoutError as error:
            raise EngineError(f"{what} at {host_of(self.url)} did not answer in time") from error
        except aiohttp.ClientError as error:
            raise EngineError(f"{what} at {host_of(self.url)} unreachable: {type(error).__name__}") from error
        try:
            decoded = json.loads(body)
        except ValueError as error:
            raise EngineError(f"{what} at {host_of(self.url)} answered something that is not JSON") from error
        if not isinstance(decoded, dict):
            raise EngineError(f"{what} at {host_of(self.url)} answered JSON that is not an object")
        return decoded
