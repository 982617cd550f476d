"""A fake Telegram Bot API server for tests.

Why: the bot is built on python-telegram-bot (PTB), and the most faithful way to test it is to let the *real*
PTB stack (``Bot``, ``Application``, ``Updater``, ``HTTPXRequest``) speak real HTTP — just not to Telegram.
``FakeBotAPI`` runs an aiohttp server on 127.0.0.1 with a random free port that answers the Bot API methods
the bot uses, with result shapes PTB can parse, records every call, feeds updates to long polling, and can be
told to fail calls (429 / 403 ...) or to emulate Telegram's flood limits.  No test touches the internet.

Typical use::

    api = FakeBotAPI()
    await api.start()
    builder = ApplicationBuilder().token(api.token).base_url(api.base_url)
    app = builder.base_file_url(api.base_file_url).build()
    ...
    api.user_command(42, "start")
    await api.wait_sent(1)
    assert api.sent[-1].text == "Hallo!"
    await api.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["SENT_METHODS", "Call", "FakeBotAPI"]

#: Methods that put (or change) a message in a chat; these are recorded in ``FakeBotAPI.sent`` and are the
#: ones the optional rate limit applies to.
SENT_METHODS: frozenset[str] = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendVoice",
        "sendVideoNote",
        "sendDocument",
        "sendAudio",
        "sendLocation",
        "editMessageText",
        "editMessageReplyMarkup",
        "sendMediaGroup",
    }
)

# Canonical spelling of the methods we know; Telegram treats method names case-insensitively, so do we.
_KNOWN_METHODS: tuple[str, ...] = (
    "getMe",
    "getUpdates",
    "deleteWebhook",
    "setWebhook",
    "getWebhookInfo",
    "close",
    "logOut",
    "setMyCommands",
    "deleteMyCommands",
    "getMyCommands",
    "setChatMenuButton",
    "getChatMenuButton",
    "sendMessage",
    "sendPhoto",
    "sendVoice",
    "sendVideoNote",
    "sendAudio",
    "sendDocument",
    "sendLocation",
    "sendMediaGroup",
    "sendChatAction",
    "editMessageText",
    "editMessageReplyMarkup",
    "editMessageCaption",
    "deleteMessage",
    "answerCallbackQuery",
    "getFile",
    "getChat",
    "getChatMember",
)
_CANONICAL: dict[str, str] = {name.lower(): name for name in _KNOWN_METHODS}

# PTB sends form-encoded / multipart bodies in which every non-string value is JSON-encoded and strings are
# sent verbatim.  So "42" may be the int 42 (chat_id) or the string "42" (a message text).  These parameters
# are always strings in the Bot API and are therefore never JSON-decoded.
_STRING_PARAMS: frozenset[str] = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "parse_mode",
        "action",
        "url",
        "secret_token",
        "ip_address",
        "language_code",
        "description",
        "short_description",
        "name",
        "title",
        "query",
        "emoji",
        "custom_title",
        "message_effect_id",
        "business_connection_id",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "question",
        "explanation",
        "payload",
        "currency",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "video_note",
        "animation",
        "sticker",
        "thumbnail",
        "certificate",
        "filename",
    }
)
# Required boolean fields of ChatMemberRestricted / ChatMemberAdministrator in PTB 22.
_RESTRICTED_FLAGS: tuple[str, ...] = (
    "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_manage_topics", "can_send_audios",
    "can_send_documents", "can_send_photos", "can_send_videos", "can_send_video_notes",
    "can_send_voice_notes", "can_edit_tag",
)  # fmt: skip
_ADMIN_FLAGS: tuple[str, ...] = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
    "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories",
)  # fmt: skip
_NUMBER_RE = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_LONG_POLL_CAP = 1.0  # seconds; real Telegram waits up to `timeout`, tests want to be fast
_FLOOD_WINDOW = 1.0
_FLOOD_MAX = 30
_GROUP_WINDOW = 60.0
_GROUP_MAX = 20


def _decode_form_value(name: str, value: str) -> Any:
    """Undo PTB's "JSON-encode everything except strings" so tests see the same types as with a JSON body."""
    if name in _STRING_PARAMS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "[") or stripped in ("true", "false", "null") or _NUMBER_RE.fullmatch(stripped):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    return value


def _utf16_len(text: str) -> int:
    """Telegram entity offsets/lengths count UTF-16 code units, not Python characters."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One HTTP request the fake server received, with its parameters decoded to Python objects."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str | None:
        """The message text, or the caption for media messages; ``None`` when neither was sent."""
        for key in ("text", "caption"):
            value = self.params.get(key)
            if value is not None:
                return str(value)
        return None

    @property
    def chat_id(self) -> int:
        """The target chat id as int (PTB sends it as a string in form bodies).

        Raises ``ValueError`` for calls without a numeric chat_id (e.g. edits addressed by inline_message_id).
        """
        value = self.params.get("chat_id")
        if value is None:
            raise ValueError(f"{self.method} call has no chat_id: {self.params!r}")
        return int(value)

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        """The reply_markup as a dict (decoded even if a client sent it as a JSON string inside JSON)."""
        markup = self.params.get("reply_markup")
        if isinstance(markup, str):
            with contextlib.suppress(ValueError):
                markup = json.loads(markup)
        return markup if isinstance(markup, dict) else None

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard as rows of ``(label, callback_data)``; [] if there is no inline keyboard.

        Buttons without callback_data (URL buttons ...) carry their url (or "") as second element, so that a
        test can still see what the button does.
        """
        markup = self.reply_markup
        if not markup or not isinstance(markup.get("inline_keyboard"), list):
            return []
        return [
            [(str(b.get("text", "")), str(b.get("callback_data") or b.get("url") or "")) for b in row]
            for row in markup["inline_keyboard"]
        ]

    def __repr__(self) -> str:
        shown = {k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in self.params.items()}
        return f"Call({self.method!r}, {shown!r})"


@dataclass
class _Failure:
    """A scripted error answer registered with ``FakeBotAPI.fail_next``."""

    method: str
    status: int
    description: str
    retry_after: int | None
    chat_id: int | None
    remaining: int


class FakeBotAPI:
    """In-process fake of api.telegram.org that real python-telegram-bot can poll and send to."""

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        bot_id: int = 123456,
        username: str = "samenspraak_test_bot",
        rate_limit: bool = False,
    ) -> None:
        self.token = token
        self.bot_id = bot_id
        self.username = username
        self.rate_limit = rate_limit
        self.url = ""
        self.base_url = ""
        self.base_file_url = ""
        self.requests: list[Call] = []
        self.sent: list[Call] = []
        self.retry_after_sent = 0
        #: Bytes served for every file download; tests may replace it or set per-path entries in ``files``.
        self.file_content = b"fake-file-content"
        self.files: dict[str, bytes] = {}
        #: Messages the bot sent, by (chat_id, message_id), kept up to date by edits (used for callbacks).
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.webhook_url = ""
        #: While True every Bot API call fails with 502 Bad Gateway (an outage); requests are still recorded.
        self.outage = False

        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._confirmed_offset = 0
        self._allowed_updates: frozenset[str] | None = None
        self._new_update = asyncio.Event()
        self._closing = False
        self._message_ids: dict[int, int] = {}
        self._last_bot_message: dict[int, int] = {}
        self._callback_ids = 0
        self._failures: list[_Failure] = []
        self._flood: deque[float] = deque()
        self._group_flood: dict[int, deque[float]] = {}
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object, as getMe returns it and as ``from`` of every sent message."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Samenspraak Test",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def start(self) -> str:
        """Start serving on a random free port of 127.0.0.1 and return the root URL."""
        if self._runner is not None:
            return self.url
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._closing = False
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self.base_url = f"{self.url}/bot"
        self.base_file_url = f"{self.url}/file/bot"
        return self.url

    async def stop(self) -> None:
        """Release pending long polls and close the server and all its connections (idempotent)."""
        self._closing = True
        self._wake_pollers()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ updates

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates; assigns an increasing update_id if it has none."""
        if "update_id" not in update:
            update = {"update_id": self._next_update_id, **update}
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._wake_pollers()
        return update_id

    def pending_updates(self) -> int:
        """Number of queued updates that no getUpdates offset has confirmed yet."""
        return len(self._updates)

    def confirmed_offset(self) -> int:
        """Highest offset a getUpdates call (or deleteWebhook(drop_pending_updates)) has confirmed."""
        return self._confirmed_offset

    def _wake_pollers(self) -> None:
        event, self._new_update = self._new_update, asyncio.Event()
        event.set()

    def _confirm(self, offset: int) -> None:
        self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
        self._confirmed_offset = max(self._confirmed_offset, offset)

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def _chat(self, chat_id: int, chat_type: str = "private", first_name: str = "Test") -> dict[str, Any]:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": first_name}
        return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type} {chat_id}"}

    def _next_message_id(self, chat_id: int) -> int:
        # One counter per chat shared by user and bot messages, as in a real private chat.
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _user_message(
        self,
        user_id: int,
        *,
        language_code: str | None = "nl",
        first_name: str = "Test",
        chat_id: int | None = None,
        chat_type: str = "private",
        **content: Any,
    ) -> dict[str, Any]:
        """A Message from a user; ``content`` holds the type-specific fields (text, voice, caption ...)."""
        chat_id = user_id if chat_id is None else chat_id
        return {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat(chat_id, chat_type, first_name),
            "from": self._user(user_id, first_name, language_code),
            **content,
        }

    def user_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = "nl",
        first_name: str = "Test",
        chat_id: int | None = None,
        chat_type: str = "private",
        entities: list[dict[str, Any]] | None = None,
    ) -> int:
        """Push a text message; a text starting with "/" gets a bot_command entity like Telegram adds."""
        if entities is None and text.startswith("/"):
            word = text.split(maxsplit=1)[0]
            entities = [{"type": "bot_command", "offset": 0, "length": _utf16_len(word)}]
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._user_message(
            user_id,
            language_code=language_code,
            first_name=first_name,
            chat_id=chat_id,
            chat_type=chat_type,
            **content,
        )
        return self.push_update({"message": message})

    def user_command(self, user_id: int, command: str, args: str = "", **kw: Any) -> int:
        """Push "/command args" (command given with or without the slash)."""
        text = "/" + command.lstrip("/")
        if args:
            text += " " + args
        return self.user_text(user_id, text, **kw)

    def user_callback(
        self, user_id: int, data: str, *, message_id: int | None = None, language_code: str | None = "nl"
    ) -> int:
        """Push a button press on the bot's last message in the private chat (or on ``message_id``)."""
        chat_id = user_id
        if message_id is None:
            message_id = self._last_bot_message.get(chat_id)
        stored = self.messages.get((chat_id, message_id)) if message_id is not None else None
        # A snapshot: later edits must not change an update that is already queued.
        message = copy.deepcopy(stored) if stored is not None else None
        if message is None:
            message = {
                "message_id": message_id or 1,
                "date": int(time.time()),
                "chat": self._chat(chat_id),
                "from": self.bot_user,
                "text": "",
            }
        self._callback_ids += 1
        query = {
            "id": str(self._callback_ids),
            "from": self._user(user_id, "Test", language_code),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def user_voice(self, user_id: int, *, duration: int = 3, file_id: str = "voice-file-1", **kw: Any) -> int:
        """Push a voice note (ogg/opus, as Telegram clients record them)."""
        voice = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4000 * duration,
        }
        return self.push_update({"message": self._user_message(user_id, voice=voice, **kw)})

    def user_photo(self, user_id: int, *, file_id: str = "photo-file-1", **kw: Any) -> int:
        """Push a photo; like Telegram, it arrives as several sizes, the largest last."""
        photo = [
            {"file_id": f"{file_id}-small", "file_unique_id": f"u-{file_id}-s", "width": 90, "height": 90},
            {"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280, "height": 960},
        ]
        return self.push_update({"message": self._user_message(user_id, photo=photo, **kw)})

    def user_location(self, user_id: int, lat: float, lon: float, *, live_period: int | None = None, **kw: Any) -> int:
        """Push a (live, if ``live_period`` is given) location message."""
        location: dict[str, Any] = {"latitude": lat, "longitude": lon}
        if live_period is not None:
            location["live_period"] = live_period
        return self.push_update({"message": self._user_message(user_id, location=location, **kw)})

    def user_sticker(self, user_id: int, **kw: Any) -> int:
        """Push a sticker (``file_id`` and ``emoji`` may be given)."""
        file_id = kw.pop("file_id", "sticker-file-1")
        sticker = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": kw.pop("emoji", "\N{THUMBS UP SIGN}"),
        }
        return self.push_update({"message": self._user_message(user_id, sticker=sticker, **kw)})

    def user_document(self, user_id: int, **kw: Any) -> int:
        """Push a document (``file_id``, ``file_name`` and ``mime_type`` may be given)."""
        file_id = kw.pop("file_id", "document-file-1")
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": kw.pop("file_name", "document.pdf"),
            "mime_type": kw.pop("mime_type", "application/pdf"),
            "file_size": 1234,
        }
        return self.push_update({"message": self._user_message(user_id, document=document, **kw)})

    def _edited(self, user_id: int, message_id: int, kw: dict[str, Any], content: dict[str, Any]) -> int:
        chat_id = kw.pop("chat_id", None)
        chat_id = user_id if chat_id is None else chat_id
        first_name = kw.pop("first_name", "Test")
        now = int(time.time())
        message = {
            "message_id": message_id,
            "date": kw.pop("date", now - 1),
            "edit_date": now,
            "chat": self._chat(chat_id, kw.pop("chat_type", "private"), first_name),
            "from": self._user(user_id, first_name, kw.pop("language_code", "nl")),
            **content,
            **kw,
        }
        return self.push_update({"edited_message": message})

    def edited_text(self, user_id: int, message_id: int, text: str, **kw: Any) -> int:
        """Push an edited_message update: the user changed the text of ``message_id``."""
        return self._edited(user_id, message_id, kw, {"text": text})

    def edited_location(self, user_id: int, message_id: int, lat: float, lon: float, **kw: Any) -> int:
        """Push a live-location move, which Telegram delivers as an edited_message."""
        location = {"latitude": lat, "longitude": lon, "live_period": kw.pop("live_period", 900)}
        return self._edited(user_id, message_id, kw, {"location": location})

    def _chat_member(self, status: str) -> dict[str, Any]:
        # PTB builds a ChatMember subclass per status and refuses data without all its required fields.
        member: dict[str, Any] = {"status": status, "user": self.bot_user}
        if status in ("kicked", "restricted"):
            member["until_date"] = 0
        if status == "restricted":
            member.update(dict.fromkeys(_RESTRICTED_FLAGS, False), is_member=True)
        elif status == "administrator":
            member.update(dict.fromkeys(_ADMIN_FLAGS, False))
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    def my_chat_member(self, user_id: int, new_status: str, old_status: str = "member") -> int:
        """Push the bot's own membership change in a private chat ("kicked" = user blocked the bot)."""
        update = {
            "chat": self._chat(user_id),
            "from": self._user(user_id, "Test", "nl"),
            "date": int(time.time()),
            "old_chat_member": self._chat_member(old_status),
            "new_chat_member": self._chat_member(new_status),
        }
        return self.push_update({"my_chat_member": update})

    # ------------------------------------------------------------------ scripting & inspection

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (only to ``chat_id`` if given) fail like Telegram."""
        canonical = _CANONICAL.get(method.lower(), method)
        self._failures.append(_Failure(canonical, status, description, retry_after, chat_id, times))

    async def wait_for(
        self,
        predicate: Callable[[list[Call]], bool],
        timeout: float = 10.0,
    ) -> None:
        """Poll ``sent`` until ``predicate(sent)`` holds; on timeout fail with the last sent calls shown."""
        deadline = time.monotonic() + timeout
        while not predicate(self.sent):
            if time.monotonic() >= deadline:
                last = "\n".join(f"  {call!r}" for call in self.sent[-8:]) or "  (nothing sent)"
                raise AssertionError(f"condition not met within {timeout}s; {len(self.sent)} sent, last ones:\n{last}")
            await asyncio.sleep(0.01)

    async def wait_requested(self, predicate: Callable[[Call], bool], timeout: float = 10.0) -> Call:
        """Poll ``requests`` (every Bot API call, also those that put nothing in a chat, such as
        answerCallbackQuery or setMyCommands) until one matches; the bot makes them in its own time, so a test that
        looks right after a reply races it."""
        deadline = time.monotonic() + timeout
        while True:
            found = next((call for call in self.requests if predicate(call)), None)
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                last = "\n".join(f"  {call!r}" for call in self.requests[-8:]) or "  (no requests)"
                raise AssertionError(f"no such request within {timeout}s; last ones:\n{last}")
            await asyncio.sleep(0.01)

    async def wait_sent(self, count: int, timeout: float = 10.0) -> list[Call]:
        """Wait until at least ``count`` outgoing messages were recorded; return a snapshot of all of them."""
        await self.wait_for(lambda sent: len(sent) >= count, timeout)
        return list(self.sent)

    def sent_to(self, chat_id: int) -> list[Call]:
        """Outgoing messages addressed to ``chat_id``."""
        return [call for call in self.sent if _chat_id_of(call.params) == chat_id]

    # ------------------------------------------------------------------ HTTP handling

    async def _parse(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        if not request.body_exists:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params
        form = await request.post()
        filenames: dict[str, str] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = value.file.read()
                filenames[key] = value.filename
            else:
                text = value.decode() if isinstance(value, bytes) else str(value)
                params[key] = _decode_form_value(key, text)
        if filenames:
            params["_filenames"] = filenames
        return params

    @staticmethod
    def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return web.json_response(body, status=status)

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        raw_method = request.match_info["method"]
        method = _CANONICAL.get(raw_method.lower(), raw_method)
        if request.match_info["token"] != self.token:
            self.requests.append(Call(method, {"_unauthorized": True}))
            return self._error(401, "Unauthorized")
        try:
            params = await self._parse(request)
        except ValueError as exc:
            self.requests.append(Call(method, {"_unparsable": str(exc)}))
            return self._error(400, f"Bad Request: can't parse request body: {exc}")
        call = Call(method, params)
        self.requests.append(call)
        if self.outage:
            return self._error(502, "Bad Gateway")

        failure = self._take_failure(method, params)
        if failure is not None:
            return self._error(failure.status, failure.description, failure.retry_after)
        if method in SENT_METHODS and self.rate_limit and self._flooded(params):
            self.retry_after_sent += 1
            return self._error(429, "Too Many Requests: retry after 1", 1)

        result = await self._dispatch(method, params)
        if method in SENT_METHODS:
            self.sent.append(call)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        if request.match_info["token"] != self.token:
            self.requests.append(Call("downloadFile", {"file_path": path, "_unauthorized": True}))
            return self._error(401, "Unauthorized")
        self.requests.append(Call("downloadFile", {"file_path": path}))
        return web.Response(body=self.files.get(path, self.file_content), content_type="application/octet-stream")

    def _take_failure(self, method: str, params: dict[str, Any]) -> _Failure | None:
        for failure in self._failures:
            if failure.method != method:
                continue
            if failure.chat_id is not None and _chat_id_of(params) != failure.chat_id:
                continue
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.remove(failure)
            return failure
        return None

    def _flooded(self, params: dict[str, Any]) -> bool:
        """Telegram's documented broadcast limits: 30 messages/s overall, 20 messages/min per group."""
        now = time.monotonic()
        while self._flood and now - self._flood[0] >= _FLOOD_WINDOW:
            self._flood.popleft()
        if len(self._flood) >= _FLOOD_MAX:
            return True
        chat_id = _chat_id_of(params)
        group: deque[float] | None = None
        if chat_id is not None and chat_id < 0:
            group = self._group_flood.setdefault(chat_id, deque())
            while group and now - group[0] >= _GROUP_WINDOW:
                group.popleft()
            if len(group) >= _GROUP_MAX:
                return True
        self._flood.append(now)
        if group is not None:
            group.append(now)
        return False

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return True
        return await handler(params)

    # ------------------------------------------------------------------ Bot API methods

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = min(float(params.get("timeout") or 0), _LONG_POLL_CAP)
        if offset < 0:
            # Telegram: a negative offset returns the last -offset updates and forgets all earlier ones.
            keep = self._updates[offset:]
            if keep:
                self._confirm(int(keep[0]["update_id"]))
        elif offset:
            self._confirm(offset)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list) and allowed:
            # Telegram remembers the last non-empty allowed_updates and silently drops other update types.
            self._allowed_updates = frozenset(str(kind) for kind in allowed)
        if not self._deliverable() and timeout > 0 and not self._closing:
            event = self._new_update
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return self._deliverable()[:limit]

    def _deliverable(self) -> list[dict[str, Any]]:
        if self._allowed_updates is not None:
            allowed = self._allowed_updates
            self._updates = [u for u in self._updates if not (set(u) - {"update_id"}).isdisjoint(allowed)]
        return self._updates

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._confirm(self._next_update_id)
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._confirm(self._next_update_id)
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands[self._commands_key(params)] = list(params.get("commands") or [])
        return True

    async def _m_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _m_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _m_getChatMenuButton(self, params: dict[str, Any]) -> Any:
        return {"type": "commands"}

    def _new_bot_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = _chat_id_of(params)
        if chat_id is None:
            chat_id = -1_000_000_000_000 - (abs(hash(str(params.get("chat_id")))) % 1_000_000)
            chat = {"id": chat_id, "type": "channel", "title": str(params.get("chat_id"))}
        elif chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": "Test"}
        else:
            chat_type = "supergroup" if chat_id < -1_000_000_000_000 else "group"
            chat = {"id": chat_id, "type": chat_type, "title": f"Test group {chat_id}"}
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            **content,
        }
        for key in ("reply_markup", "entities", "caption_entities"):
            if isinstance(params.get(key), dict | list):
                message[key] = params[key]
        if isinstance(params.get("caption"), str):
            message["caption"] = params["caption"]
        self.messages[(chat_id, message["message_id"])] = message
        self._last_bot_message[chat_id] = message["message_id"]
        return message

    @staticmethod
    def _file(params: dict[str, Any], key: str, default_name: str) -> dict[str, Any]:
        """File object for a sent media message: uploaded bytes get a fresh file_id, file_ids are echoed."""
        value = params.get(key)
        if isinstance(value, str) and not value.startswith("attach://"):
            file_id = value
        else:
            file_id = f"{key}-{time.monotonic_ns()}"
        info: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
        if isinstance(value, bytes):
            info["file_size"] = len(value)
            info["file_name"] = params.get("_filenames", {}).get(key, default_name)
        return info

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._new_bot_message(params, text=str(params.get("text", "")))

    async def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        info = self._file(params, "photo", "photo.jpg")
        size = {
            "file_id": info["file_id"],
            "file_unique_id": info["file_unique_id"],
            "width": 800,
            "height": 600,
        }
        return self._new_bot_message(params, photo=[size])

    async def _m_sendVoice(self, params: dict[str, Any]) -> Any:
        voice = self._file(params, "voice", "voice.ogg")
        voice.pop("file_name", None)
        voice["duration"] = int(params.get("duration") or 1)
        return self._new_bot_message(params, voice=voice)

    async def _m_sendVideoNote(self, params: dict[str, Any]) -> Any:
        video_note = self._file(params, "video_note", "video.mp4")
        video_note.pop("file_name", None)
        video_note["length"] = int(params.get("length") or 240)
        video_note["duration"] = int(params.get("duration") or 1)
        return self._new_bot_message(params, video_note=video_note)

    async def _m_sendAudio(self, params: dict[str, Any]) -> Any:
        audio = self._file(params, "audio", "audio.mp3")
        audio["duration"] = int(params.get("duration") or 1)
        return self._new_bot_message(params, audio=audio)

    async def _m_sendDocument(self, params: dict[str, Any]) -> Any:
        return self._new_bot_message(params, document=self._file(params, "document", "document"))

    async def _m_sendLocation(self, params: dict[str, Any]) -> Any:
        location: dict[str, Any] = {
            "latitude": float(params.get("latitude") or 0),
            "longitude": float(params.get("longitude") or 0),
        }
        if params.get("live_period"):
            location["live_period"] = int(params["live_period"])
        return self._new_bot_message(params, location=location)

    async def _m_sendMediaGroup(self, params: dict[str, Any]) -> Any:
        media = params.get("media")
        items = media if isinstance(media, list) else []
        messages = []
        for item in items:
            kind = str(item.get("type", "photo"))
            ref = item.get("media")
            file_id = ref if isinstance(ref, str) and not ref.startswith("attach://") else None
            file_id = file_id or f"{kind}-{time.monotonic_ns()}"
            info: dict[str, Any] = {"file_id": file_id, "file_unique_id": f"u-{file_id}"}
            item_params = {"chat_id": params.get("chat_id")}
            if isinstance(item.get("caption"), str):
                item_params["caption"] = item["caption"]
            if kind == "photo":
                content: dict[str, Any] = {"photo": [{**info, "width": 800, "height": 600}]}
            elif kind == "video":
                content = {"video": {**info, "width": 640, "height": 480, "duration": 1}}
            elif kind == "audio":
                content = {"audio": {**info, "duration": 1}}
            else:
                content = {"document": info}
            messages.append(self._new_bot_message(item_params, media_group_id="1", **content))
        return messages

    def _edit(self, params: dict[str, Any], **changes: Any) -> Any:
        if params.get("inline_message_id"):
            return True
        chat_id = _chat_id_of(params)
        message_id = int(params.get("message_id") or 0)
        key = (chat_id if chat_id is not None else 0, message_id)
        message = self.messages.get(key)
        if message is None:
            message = {
                "message_id": message_id,
                "date": int(time.time()) - 1,
                "chat": self._chat(key[0], "private" if key[0] > 0 else "group"),
                "from": self.bot_user,
            }
            self.messages[key] = message
        message.update(changes)
        message["edit_date"] = int(time.time())
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        elif "reply_markup" in message and "reply_markup" not in params:
            # Telegram drops the keyboard when an edit does not repeat it.
            del message["reply_markup"]
        return message

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        changes: dict[str, Any] = {"text": str(params.get("text", ""))}
        if isinstance(params.get("entities"), list):
            changes["entities"] = params["entities"]
        return self._edit(params, **changes)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return self._edit(params)

    async def _m_editMessageCaption(self, params: dict[str, Any]) -> Any:
        return self._edit(params, caption=str(params.get("caption", "")))

    async def _m_deleteMessage(self, params: dict[str, Any]) -> Any:
        chat_id = _chat_id_of(params)
        if chat_id is not None:
            self.messages.pop((chat_id, int(params.get("message_id") or 0)), None)
        return True

    async def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id", ""))
        path = f"files/{file_id}"
        size = len(self.files.get(path, self.file_content))
        return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size, "file_path": path}

    async def _m_getChat(self, params: dict[str, Any]) -> Any:
        chat_id = _chat_id_of(params) or 0
        chat: dict[str, Any] = {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "group",
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }
        if chat_id > 0:
            chat["first_name"] = "Test"
        else:
            chat["title"] = f"Test group {chat_id}"
        return chat

    async def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        user_id = int(params.get("user_id") or 0)
        user = self.bot_user if user_id == self.bot_id else self._user(user_id, "Test", None)
        return {"status": "member", "user": user}


def _chat_id_of(params: dict[str, Any]) -> int | None:
    """chat_id as int, or None when absent or a @channel username."""
    value = params.get("chat_id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None
