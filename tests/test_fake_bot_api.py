"""Tests for the fake Bot API server, driven by real python-telegram-bot over real HTTP.

Why: every bot test builds on FakeBotAPI, so it has to be proven that PTB accepts its answers (getMe, sent
messages, updates, files, errors) and that what PTB sends is recorded in a usable, decoded form.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Update,
)
from telegram.error import Forbidden, InvalidToken, RetryAfter
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from tests.support.fake_bot_api import Call, FakeBotAPI


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def make_bot(api: FakeBotAPI, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=api.base_url, base_file_url=api.base_file_url)


async def test_plain_bot_get_me_send_and_commands(api: FakeBotAPI) -> None:
    assert api.url.startswith("http://127.0.0.1:")
    async with make_bot(api) as bot:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (api.bot_id, api.username, True)

        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Ja", callback_data="yes"),
                    InlineKeyboardButton("Nee", callback_data="no"),
                ]
            ]
        )
        msg = await bot.send_message(42, "Hallo", reply_markup=markup)
        assert (msg.message_id, msg.chat.id, msg.chat.type, msg.text) == (1, 42, "private", "Hallo")
        assert msg.from_user is not None and msg.from_user.id == api.bot_id
        assert msg.reply_markup == markup
        call = api.sent[-1]
        assert call.method == "sendMessage"
        assert call.params["chat_id"] == 42 and call.chat_id == 42
        assert call.text == "Hallo"
        assert call.buttons == [[("Ja", "yes"), ("Nee", "no")]]

        payload = b"%PDF-1.4 not really a pdf \x00\xff"
        doc = await bot.send_document(42, payload, filename="rapport.pdf", caption="Rapport")
        call = api.sent[-1]
        assert call.method == "sendDocument"
        assert call.params["document"] == payload
        assert call.params["_filenames"]["document"] == "rapport.pdf"
        assert call.text == "Rapport" and call.buttons == []
        assert doc.message_id == 2 and doc.document is not None and doc.document.file_name == "rapport.pdf"
        assert doc.caption == "Rapport"

        assert await bot.set_my_commands(
            [BotCommand("start", "Begin"), BotCommand("help", "Hulp")], scope=BotCommandScopeChat(42)
        )
        call = api.requests[-1]
        assert call.method == "setMyCommands"
        assert call.params["scope"] == {"type": "chat", "chat_id": 42}
        assert call.params["commands"] == [
            {"command": "start", "description": "Begin"},
            {"command": "help", "description": "Hulp"},
        ]
        commands = await bot.get_my_commands(scope=BotCommandScopeChat(42))
        assert [c.command for c in commands] == ["start", "help"]
        assert await bot.get_my_commands() == ()

        await bot.send_chat_action(42, "typing")
        assert [c.method for c in api.sent] == ["sendMessage", "sendDocument"]
        assert len(api.sent_to(42)) == 2 and api.sent_to(43) == []


async def test_plain_bot_get_updates_and_offset(api: FakeBotAPI) -> None:
    async with make_bot(api) as bot:
        first = api.user_text(42, "hoi")
        second = api.user_command(42, "start", "uitnodiging-7", language_code="en")
        assert second == first + 1 and api.pending_updates() == 2

        updates = await bot.get_updates(timeout=0)
        assert [u.update_id for u in updates] == [first, second]
        assert updates[0].message is not None and updates[0].message.text == "hoi"
        start = updates[1].message
        assert start is not None and start.text == "/start uitnodiging-7"
        assert start.from_user is not None and start.from_user.language_code == "en"
        assert start.chat.id == 42 and start.message_id == 2
        assert start.parse_entities(["bot_command"]) == {start.entities[0]: "/start"}
        assert api.pending_updates() == 2 and api.confirmed_offset() == 0

        assert await bot.get_updates(offset=second + 1, timeout=0) == ()
        assert api.pending_updates() == 0 and api.confirmed_offset() == second + 1

        # Long polling returns as soon as an update is pushed, and never waits longer than about a second.
        asyncio.get_running_loop().call_later(0.05, api.user_voice, 42)
        t0 = time.monotonic()
        (voice_update,) = await bot.get_updates(offset=second + 1, timeout=30)
        assert time.monotonic() - t0 < 0.9
        assert voice_update.message is not None and voice_update.message.voice is not None
        t0 = time.monotonic()
        assert await bot.get_updates(offset=voice_update.update_id + 1, timeout=30) == ()
        assert 0.9 < time.monotonic() - t0 < 2.5

        # Explicit update ids are respected and later ones continue from them.
        assert api.push_update({"update_id": 500, "message": {}}) == 500
        assert api.user_photo(42) == 501


async def test_other_update_builders_parse_in_ptb(api: FakeBotAPI) -> None:
    async with make_bot(api) as bot:
        sent = await bot.send_message(
            9,
            "Kies",
            reply_markup=InlineKeyboardMarkup.from_button(InlineKeyboardButton("A", callback_data="a")),
        )
        api.user_callback(9, "a")
        api.user_photo(9, caption="kijk")
        api.user_location(9, 52.1, 5.1, live_period=600)
        api.user_sticker(9)
        api.user_document(9, file_name="cv.pdf")
        api.edited_text(9, 3, "hoi!")
        api.edited_location(9, 5, 52.2, 5.2)
        api.my_chat_member(9, "kicked")
        api.user_text(-100, "in groep", chat_id=-100, chat_type="group")
        updates = await bot.get_updates(timeout=0)
        assert len(updates) == 9
        cq = updates[0].callback_query
        assert cq is not None and cq.data == "a" and cq.message is not None
        assert cq.message.message_id == sent.message_id
        assert cq.message.reply_markup == sent.reply_markup
        assert updates[1].message is not None and updates[1].message.photo[-1].file_id == "photo-file-1"
        assert updates[1].message.caption == "kijk"
        loc = updates[2].message.location if updates[2].message else None
        # (live_period is not read: PTB 22 emits a deprecation warning for int-vs-timedelta periods)
        assert loc is not None and (loc.latitude, loc.longitude) == (52.1, 5.1)
        assert updates[3].message is not None and updates[3].message.sticker is not None
        assert updates[4].message is not None and updates[4].message.document is not None
        assert updates[4].message.document.file_name == "cv.pdf"
        assert updates[5].edited_message is not None and updates[5].edited_message.text == "hoi!"
        assert updates[6].edited_message is not None and updates[6].edited_message.location is not None
        member = updates[7].my_chat_member
        assert member is not None and member.new_chat_member.status == "kicked"
        group_msg = updates[8].message
        assert group_msg is not None and (group_msg.chat.type, group_msg.chat.id) == ("group", -100)

        file = await bot.get_file("voice-file-1")
        assert file.file_path is not None and file.file_path.endswith("/files/voice-file-1")
        assert bytes(await file.download_as_bytearray()) == api.file_content
        chat = await bot.get_chat(9)
        assert chat.id == 9 and chat.type == "private"
        assert (await bot.get_chat_member(9, 9)).status == "member"


async def test_media_and_edit_results_parse_in_ptb(api: FakeBotAPI) -> None:
    async with make_bot(api) as bot:
        photo = await bot.send_photo(5, b"jpegbytes", caption="foto", filename="a.jpg")
        assert photo.photo and photo.caption == "foto" and api.sent[-1].params["photo"] == b"jpegbytes"
        voice = await bot.send_voice(5, b"oggbytes", filename="v.ogg")
        assert voice.voice is not None and api.sent[-1].params["_filenames"] == {"voice": "v.ogg"}
        audio = await bot.send_audio(5, "existing-audio-id")
        assert audio.audio is not None and audio.audio.file_id == "existing-audio-id"
        place = await bot.send_location(5, 52.09, 5.12)
        assert place.location is not None and place.location.latitude == 52.09
        album = await bot.send_media_group(5, [InputMediaPhoto(b"one"), InputMediaPhoto(b"two", caption="2")])
        assert [m.message_id for m in album] == [5, 6] and album[1].caption == "2"
        group_call = api.sent[-1]
        assert group_call.method == "sendMediaGroup" and len(group_call.params["media"]) == 2
        attach = group_call.params["media"][0]["media"].removeprefix("attach://")
        assert group_call.params[attach] == b"one"

        keyboard = InlineKeyboardMarkup.from_button(InlineKeyboardButton("ok", callback_data="ok"))
        edited = await bot.edit_message_reply_markup(5, place.message_id, reply_markup=keyboard)
        assert not isinstance(edited, bool) and edited.reply_markup == keyboard
        caption = await bot.edit_message_caption(5, photo.message_id, caption="nieuw")
        assert not isinstance(caption, bool) and caption.caption == "nieuw"
        assert await bot.delete_message(5, voice.message_id)
        assert await bot.answer_callback_query("17", text="klaar")
        assert api.requests[-1].params == {"callback_query_id": "17", "text": "klaar"}
    assert [c.method for c in api.sent_to(5)] == [
        "sendPhoto",
        "sendVoice",
        "sendAudio",
        "sendLocation",
        "sendMediaGroup",
        "editMessageReplyMarkup",
    ]


async def test_application_polling_command_and_callback(api: FakeBotAPI) -> None:
    app = ApplicationBuilder().token(api.token).base_url(api.base_url).base_file_url(api.base_file_url).build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        keyboard = InlineKeyboardMarkup.from_row(
            [
                InlineKeyboardButton("Nederlands", callback_data="lang:nl"),
                InlineKeyboardButton("English", callback_data="lang:en"),
            ]
        )
        await update.effective_message.reply_text(
            f"Welkom {update.effective_user.language_code} {context.args}", reply_markup=keyboard
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Gekozen: {query.data}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        try:
            api.user_command(7, "start", "abc")
            (reply,) = await api.wait_sent(1, timeout=5)
            assert reply.method == "sendMessage" and reply.chat_id == 7
            assert reply.text == "Welkom nl ['abc']"
            assert reply.buttons == [[("Nederlands", "lang:nl"), ("English", "lang:en")]]

            api.user_callback(7, "lang:en")
            await api.wait_for(lambda sent: any(c.method == "editMessageText" for c in sent), timeout=5)
        finally:
            await app.updater.stop()
            await app.stop()

    edit = api.sent[-1]
    assert edit.text == "Gekozen: lang:en" and edit.params["message_id"] == 2
    assert any(c.method == "answerCallbackQuery" for c in api.requests)
    assert api.requests[0].method == "getMe"
    assert api.pending_updates() == 0  # the updater's shutdown getUpdates confirmed everything


async def test_fail_next_raises_ptb_errors(api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without PTB_TIMEDELTA, PTB 22 emits a PTBDeprecationWarning while *constructing* every RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    async with make_bot(api) as bot:
        api.fail_next("sendMessage", 429, "Too Many Requests: retry after 5", retry_after=5)
        with pytest.raises(RetryAfter) as excinfo:
            await bot.send_message(1, "a")
        assert excinfo.value.retry_after == dt.timedelta(seconds=5)
        assert api.sent == [] and api.requests[-1].method == "sendMessage"
        await bot.send_message(1, "b")  # only the next call fails

        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=5, times=2)
        await bot.send_message(6, "other chat is unaffected")
        for _ in range(2):
            with pytest.raises(Forbidden, match="blocked by the user"):
                await bot.send_message(5, "c")
        await bot.send_message(5, "d")
        assert [c.text for c in api.sent] == ["b", "other chat is unaffected", "d"]

    wrong = make_bot(api, token="999:WRONG")
    try:
        with pytest.raises(InvalidToken):
            await wrong.initialize()  # getMe answers 401
    finally:
        await wrong.shutdown()


async def test_wait_for_times_out_with_dump(api: FakeBotAPI) -> None:
    async with make_bot(api) as bot:
        await bot.send_message(3, "iets")
    with pytest.raises(AssertionError, match="iets"):
        await api.wait_sent(2, timeout=0.05)


async def test_raw_json_and_urlencoded_bodies(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{api.token}"
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{url}/sendMessage",
            json={
                "chat_id": 11,
                "text": "json",
                "reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": "y"}]]},
            },
        ) as r:
            body = await r.json()
            assert body["ok"] and body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "x"
        async with session.post(f"{url}/sendmessage", data={"chat_id": "11", "text": "123"}) as r:
            assert (await r.json())["result"]["text"] == "123"
        async with session.get(f"{url}/someFutureMethod?chat_id=11") as r:
            assert await r.json() == {"ok": True, "result": True}
        async with session.get(f"{api.base_url}bad/getMe") as r:
            assert r.status == 401
            assert await r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert [c.text for c in api.sent_to(11)] == ["json", "123"]
    assert api.sent[1].method == "sendMessage" and api.sent[1].params == {"chat_id": 11, "text": "123"}
    assert api.sent[0].buttons == [[("x", "y")]]
    assert api.requests[-2].method == "someFutureMethod"
    unauthorized = api.requests[-1]
    assert isinstance(unauthorized, Call) and unauthorized.method == "getMe"
    assert unauthorized.params == {"_unauthorized": True}


async def test_rate_limit_rejects_bursts(api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # see test_fail_next_raises_ptb_errors
    limited = FakeBotAPI(rate_limit=True)
    await limited.start()
    try:
        async with make_bot(limited) as bot:
            results = await asyncio.gather(
                *(bot.send_message(1000 + i, f"m{i}") for i in range(40)), return_exceptions=True
            )
            rejected = [r for r in results if isinstance(r, RetryAfter)]
            assert all(not isinstance(r, Exception) or isinstance(r, RetryAfter) for r in results)
            assert rejected and limited.retry_after_sent == len(rejected)
            assert len(limited.sent) == 40 - len(rejected) <= 30
            assert len([c for c in limited.requests if c.method == "sendMessage"]) == 40

            await asyncio.sleep(1.05)  # the 1 s window slides on; a group chat allows 20 per minute
            for i in range(20):
                await bot.send_message(-100, f"g{i}")
            with pytest.raises(RetryAfter):
                await bot.send_message(-100, "too many")
            await bot.send_message(-200, "another group is fine")
    finally:
        await limited.stop()
    assert api.retry_after_sent == 0
