"""Forget means gone: after /forget no table, column or file holds the person's Telegram id, first name or words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.support.live import Running, bot
from tests.test_walks import GROUP, VOLUNTEER, WALK, button_data, next_to, onboard_user, press_in_group, to_chat

__all__ = ["bot"]

WALKER = 7_700_123  # an id found nowhere else
NAME = "Bertrandus"
WORD = "Zonnebloemveld"


def stored_values(db: Path) -> list[tuple[str, str, str]]:
    """Every value of every column of every table of the real schema, as text: (table, column, value)."""
    found: list[tuple[str, str, str]] = []
    with sqlite3.connect(db) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                for (value,) in connection.execute(f'SELECT "{column}" FROM "{table}"'):
                    found.append((table, column, str(value)))
    return found


def traces(db: Path, media: Path) -> list[str]:
    needles = (str(WALKER), NAME, WORD)
    hits = [f"{t}.{c}" for t, c, value in stored_values(db) for needle in needles if needle in value]
    for file in (db, db.with_name(db.name + "-wal")):
        content = file.read_bytes() if file.exists() else b""
        hits += [f"{file.name} bytes: {needle}" for needle in needles if needle.encode() in content]
    if media.is_dir():
        for file in media.rglob("*"):
            hits += [f"media {file.name}" for needle in needles if needle in str(file)]
            if file.is_file():
                hits += [f"media {file.name} bytes" for needle in needles if needle.encode() in file.read_bytes()]
    return hits


async def test_after_forget_no_table_column_or_file_holds_their_id_name_or_words(bot: Running) -> None:
    api, settings = bot.api, bot.settings
    # A volunteer starts a group walk; the walker taps "Join the walk" in the group before ever opening the bot.
    api.user_text(VOLUNTEER, f"/walk {WALK}", chat_id=GROUP, chat_type="supergroup", first_name="Vera")
    status = await next_to(api, GROUP, 0, "👥")
    code = next(data for data in button_data(status) if data.startswith("wg:j:")).split(":")[2]
    api.fail_next("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user", chat_id=WALKER)
    before = len(to_chat(api, GROUP))
    press_in_group(api, WALKER, f"wg:j:{code}", NAME)
    await next_to(api, GROUP, before, NAME)  # the group is told their first name, with the join link
    # Then they open the bot, agree, and answer at the walk's first stop, in words and by voice.
    await onboard_user(bot, WALKER, "nl", code)
    press_in_group(api, VOLUNTEER, f"wg:n:{code}:-1", "Vera")  # the volunteer takes the group to the first stop
    await next_to(api, WALKER, 0, method="sendPhoto")
    before = len(to_chat(api, WALKER))
    api.user_text(WALKER, f"Ik kwam aan bij het {WORD}", first_name=NAME)
    await next_to(api, WALKER, before)
    api.user_voice(WALKER, file_id="voice-of-the-walker", first_name=NAME)
    await api.wait_for(lambda sent: len(to_chat(api, WALKER)) > before + 1)
    # /mydata, then /forget, then /mydata once more (from someone the bot no longer knows).
    api.user_command(WALKER, "mydata", first_name=NAME)
    await api.wait_for(lambda sent: any(c.method == "sendDocument" for c in api.sent_to(WALKER)))
    before = len(to_chat(api, WALKER))
    api.user_command(WALKER, "forget", first_name=NAME)
    confirm = await next_to(api, WALKER, before, "⚠️")
    assert "forget:yes" in button_data(confirm)
    before = len(to_chat(api, WALKER))
    api.user_callback(WALKER, "forget:yes")
    await next_to(api, WALKER, before, "🗑")  # the farewell
    before = len(to_chat(api, WALKER))
    api.user_command(WALKER, "mydata", first_name=NAME)
    await next_to(api, WALKER, before)
    db = settings.db

    def settled() -> bool:
        with sqlite3.connect(db) as connection:
            open_rows = connection.execute(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending'))"
                " + (SELECT COUNT(*) FROM inbox WHERE done_at IS NULL)"
            ).fetchone()[0]
        return open_rows == 0

    await api.wait_for(lambda _sent: settled())
    await bot.halt()  # as it is left on disk
    hits = traces(db, settings.media)
    assert hits == [], hits
