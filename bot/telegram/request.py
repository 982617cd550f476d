"""python-telegram-bot's HTTP requests over aiohttp instead of httpx.

The bot spends most of its CPU time in the HTTP client (measured with py-spy in benchmarks/throughput.py: over half
of the main thread in httpx and anyio for a reply and a button acknowledgement per update). aiohttp does the same
work with far less overhead. python-telegram-bot supports this by design: `BaseRequest` is its extension point.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.logs import without_token

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets no cookies: skip the jar on every call
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        fields = request_data.json_parameters if request_data else {}
        # "Use `if parameter is (not) BaseRequest.DEFAULT_NONE:` to check if the parameter was set" (the
        # library's documented way): its `DefaultValue` class lives in a private module we do not import.
        if read_timeout is BaseRequest.DEFAULT_NONE:
            read_timeout = self._read_timeout
        if connect_timeout is BaseRequest.DEFAULT_NONE:
            connect_timeout = self._connect_timeout
        if write_timeout is BaseRequest.DEFAULT_NONE:
            write_timeout = self._media_write_timeout if files else self._write_timeout
        if pool_timeout is BaseRequest.DEFAULT_NONE:
            pool_timeout = None
        # aiohttp has no separate write timeout: the whole request may take connect + write + read.
        parts = [value for value in (connect_timeout, write_timeout, read_timeout) if value is not None]
        timeout = aiohttp.ClientTimeout(
            total=sum(parts) if len(parts) == 3 else None,
            sock_connect=connect_timeout,
            sock_read=read_timeout,
        )
        body: aiohttp.FormData | bytes | None
        headers = None
        if files:
            form = aiohttp.FormData()
            for name, value in fields.items():
                form.add_field(name, value)
            for name, upload in files.items():
                if isinstance(upload, tuple):
                    filename, content, *mime = upload
                    form.add_field(
                        name, content, filename=filename, content_type=mime[0] if mime else "application/octet-stream"
                    )
                else:
                    form.add_field(name, upload)
            body = form
        elif fields:
            # Encoded here: handed a dict, aiohttp tries every payload type before it builds a form of it.
            body = urlencode(fields).encode()
            headers = FORM
        else:
            body = None
        # The URL holds the token: errors name the kind of failure only, and chain no cause that would print it.
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            ) as response:
                if 300 <= response.status < 400:  # the Bot API never redirects: a wrong SAMENSPRAAK_API_URL does
                    raise NetworkError(f"the Bot API URL answers with a redirect ({response.status})")
                return response.status, await response.read()
        except TimeoutError:
            raise TimedOut from None
        except asyncio.TimeoutError:  # noqa: UP041 - aiohttp raises this alias on older Pythons
            raise TimedOut from None
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError):
            raise NetworkError("the Bot API URL is not a valid http(s) URL (check SAMENSPRAAK_API_URL)") from None
        except aiohttp.ClientConnectorError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: cannot connect ({error.os_error})") from None
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {without_token(str(error))}") from None
