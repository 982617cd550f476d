"""/mydata with a person's voice notes and photos: the files themselves, zipped, after the usual summary."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from bot.config import Settings
from bot.engine.outgoing import Outgoing, Result
from bot.i18n import translator
from bot.media.files import zip_own_files


async def add_own_files(settings: Settings, result: Result, files: list[dict[str, Any]]) -> None:
    """Append a message with their files when they have any kept (sent from disk, then removed)."""
    if not any(entry.get("file") for entry in files):
        return
    # A random name: the zip waits beside the exports until it is sent, and holds nothing but their own files.
    target = settings.organiser_files / f"mydata-{secrets.token_hex(6)}.zip"
    count = await asyncio.to_thread(zip_own_files, settings.media, files, target)
    if not count:
        return
    t = translator(result.state.language or "nl")
    document = {
        "path": str(target),
        "filename": f"samenspraak-{result.state.pseudonym}-files.zip",
        "remove_after_send": True,
    }
    result.messages.append(
        Outgoing(text="📎 " + t.gettext("Your voice messages and photos."), kind="mydata", data={"document": document})
    )
