"""Shared fixtures: a real SQLite file per test, the real sample content and catalogs."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.config import Settings
from bot.content import Library, load_library
from bot.i18n import LANGUAGES
from bot.store import Store
from tests.support.engines import FakeEngine, speech_server, translate_server

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "conversations"


@pytest.fixture(scope="session")
def undated_conversations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content without its dated meeting (17 December 2026).

    Tests that run the live bot on the real clock must not change behaviour once that date has passed (the
    meeting's idea news would start to arrive between the messages they wait for); meeting tests use their own.
    """
    folder = tmp_path_factory.mktemp("conversations")
    for item in CONVERSATIONS.iterdir():
        if item.name == "hapje-klapje-december.yaml":
            continue
        if item.is_dir():
            shutil.copytree(item, folder / item.name)
        else:
            shutil.copy(item, folder / item.name)
    return folder


@pytest.fixture
def settings(tmp_path: Path, undated_conversations: Path) -> Settings:
    return Settings(
        db=tmp_path / "samenspraak.sqlite3",
        conversations=undated_conversations,
        quiet_hours=None,
        contact="Stad Gent, dienst Participatie, participatie@example.org",
        rate_limit=False,
    )


@pytest.fixture(scope="session")
def library() -> Library:
    loaded = load_library(CONVERSATIONS, tuple(LANGUAGES))
    assert loaded.ok, loaded.errors
    return loaded


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await Store.open(settings.db)
    yield opened
    await opened.close()


@pytest.fixture
async def speech() -> AsyncIterator[FakeEngine]:
    """A local server speaking the OpenAI-compatible transcription API (tests/support/engines.py)."""
    server = speech_server()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def translation() -> AsyncIterator[FakeEngine]:
    """A local server speaking the LibreTranslate API (tests/support/engines.py)."""
    server = translate_server()
    await server.start()
    yield server
    await server.stop()
