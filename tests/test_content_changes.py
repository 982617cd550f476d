"""Content changed under people: nobody is stranded on a prompt that was removed."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.__main__ import main
from bot.config import Settings
from tests.support.fake_bot_api import Call
from tests.support.live import Running, running_bot
from tests.test_organise import ORGANISER, join, messages_to, reply

PARTICIPANT = 4242
ROUND = "leven-in-onze-stad"


def without_prompt(folder: Path, prompt_id: str) -> None:
    path = folder / f"{ROUND}.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    content["prompts"] = [prompt for prompt in content["prompts"] if prompt["id"] != prompt_id]
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def editable(settings: Settings, tmp_path: Path) -> Settings:
    folder = tmp_path / "conversations"
    shutil.copytree(settings.conversations, folder)
    return replace(settings, conversations=folder, organisers=frozenset({ORGANISER}))


async def test_a_reload_moves_people_off_a_removed_prompt_and_tells_the_organiser(editable: Settings) -> None:
    async with running_bot(editable) as bot:
        api = bot.api
        first = await join(bot, PARTICIPANT)
        assert "Vraag 1 van 7" in (first.text or "")
        await join(bot, ORGANISER)
        without_prompt(editable.conversations, "wonen")
        answer = await reply(bot, ORGANISER, lambda: api.user_command(ORGANISER, "reload"))
        # Both were on the first prompt (the organiser took part too).
        assert "2 deelnemers stonden bij een verwijderde vraag" in (answer.text or "")
        await bot.api.wait_for(lambda _sent: _moved(bot, PARTICIPANT) is not None)
        moved = _moved(bot, PARTICIPANT)
        assert moved is not None and "Vraag 1 van 6" in (moved.text or "")
        typed = await reply(bot, PARTICIPANT, lambda: api.user_callback(PARTICIPANT, f"a:{ROUND}:vervoer:fiets"))
        assert "Vraag 2 van 6" in (typed.text or "")


def _moved(bot: Running, chat: int) -> Call | None:
    return next((c for c in messages_to(bot, chat) if "Hier is je volgende vraag" in (c.text or "")), None)


async def test_someone_stranded_by_a_restart_with_new_content_moves_on_at_their_next_message(
    editable: Settings,
) -> None:
    async with running_bot(editable) as bot:
        await join(bot, PARTICIPANT)
    without_prompt(editable.conversations, "wonen")
    async with running_bot(editable) as bot:
        api = bot.api
        api.push_update({"update_id": 1000})  # a new fake server counts from 1: go past the ids already handled
        for action in (lambda: api.user_command(PARTICIPANT, "start"), lambda: api.user_text(PARTICIPANT, "hallo")):
            answer = await reply(bot, PARTICIPANT, action)
            assert "geen open vraag" not in (answer.text or "")
        assert "Vraag 1 van 6" in (answer.text or "") or any(
            "Vraag 1 van 6" in (c.text or "") for c in bot.api.sent_to(PARTICIPANT)
        )


def test_check_against_the_database_warns_before_a_prompt_in_use_is_removed(
    editable: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    async def on_first_prompt() -> None:
        async with running_bot(editable) as bot:
            await join(bot, PARTICIPANT)

    asyncio.run(on_first_prompt())
    without_prompt(editable.conversations, "wonen")
    code = main(["--db", str(editable.db), "check", str(editable.conversations), "--against-db"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"warning: {ROUND}/wonen is removed but 1 participant(s) are on it now" in out
